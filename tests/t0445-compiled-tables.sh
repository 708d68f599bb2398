#!/bin/sh
# newsarc-search maps its alias tables and place gazetteer compiled, from
# a cache it fills itself: the first query that needs them parses the
# tables and compiles them, the next maps them, and a table that changes
# makes the compiled file stale, which is then never used.  -v says which
# form was loaded; answers are the same either way.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

mkdir gaz cache &&
printf 'Freedonia\tfdn\n' >places.tsv &&
printf '# name, code, aliases\nSylvania\tSY\tSylvanian Republic\n' >gaz/countries.tsv &&
printf 'extract: never\ngazetteer: gaz\naliases: {places: places.tsv, people: "", orgs: "", topics: "", sources: ""}\n' >own.yaml &&
cat >in.jsonl <<'EOF2'
{"id": "a1", "title": "One", "date": "1987-03-02", "places": ["fdn"], "body": "oil"}
{"id": "a2", "title": "Two", "date": "1987-03-03", "places": ["Sylvanian Republic"], "body": "oil"}
{"id": "a3", "title": "Three", "date": "1987-03-04", "places": ["Grand Fenwick"], "body": "oil"}
EOF2
NEWSARC_CACHE=$TRASH/cache
export NEWSARC_CACHE
search() { run_prog "$top_builddir/search/newsarc-search" -c own.yaml -d db -v --count "$@"; }

test_expect_success 'the articles index with the own tables, which the indexer compiles' '
    run_prog "$top_builddir/indexer/newsarc-index" -c own.yaml -d db in.jsonl 2>err && ! test -s err &&
    test "$(ls cache/tables-* | wc -l)" = 1 &&
    run_prog "$top_builddir/indexer/newsarc-index" -vv -c own.yaml -d db in.jsonl 2>err &&
    grep "newsarc-index: tables: mapped compiled tables $TRASH/cache/tables-" err
'
test_expect_success 'a query with no field value loads no tables' '
    search oil >out 2>err && echo 3 | test_cmp out - &&
    ! grep tables: err
'
test_expect_success 'the first query that needs them parses the tables and compiles them' '
    rm cache/tables-* &&
    search place:fdn >out 2>err && echo 1 | test_cmp out - &&
    grep "tables: parsed the tables (.*cannot open compiled tables: no such file or directory); compiled them to $TRASH/cache/tables-" err &&
    test "$(ls cache/tables-* | wc -l)" = 1
'
test_expect_success 'the next maps them, with the same answers' '
    search place:fdn >out 2>err && echo 1 | test_cmp out - &&
    grep "tables: mapped compiled tables $TRASH/cache/tables-" err &&
    search "place:\"Sylvanian Republic\"" >out 2>err && echo 1 | test_cmp out - &&
    grep "tables: mapped" err &&
    search "place:\"grand fenwick\"" >out && echo 1 | test_cmp out - &&
    search place:freedon >out && echo 0 | test_cmp out -
'
test_expect_success 'a changed alias table makes the compiled tables stale: parsed again' '
    printf "Freedonia\tfdn\tfreedon\n" >places.tsv &&
    search place:freedon >out 2>err && echo 1 | test_cmp out - &&
    grep "tables: parsed the tables (.*stale compiled tables: .$TRASH/places.tsv. changed since they were compiled); compiled them" err &&
    search place:freedonia >out 2>err && echo 1 | test_cmp out - &&
    grep "tables: mapped" err
'
test_expect_success 'so does a changed gazetteer' '
    printf "Sylvania\tSY\n" >gaz/countries.tsv &&
    search "place:\"Sylvanian Republic\"" >out 2>err && echo 0 | test_cmp out - &&
    grep "stale compiled tables: .$TRASH/gaz/countries.tsv. changed" err
'
test_expect_success 'a damaged compiled file is refused, parsed over and compiled again' '
    for f in cache/tables-*; do echo junk >"$f"; done &&
    search place:fdn >out 2>err && echo 1 | test_cmp out - &&
    grep "tables: parsed the tables (.*: not compiled tables (too short)); compiled them" err &&
    search place:fdn >out 2>err && grep "tables: mapped" err
'
test_expect_success 'without a cache folder the tables are parsed' '
    NEWSARC_CACHE= search place:fdn >out 2>err && echo 1 | test_cmp out - &&
    grep "tables: parsed the tables (no cache folder)" err
'
test_expect_success 'a cache that cannot be written: parsed, and said why' '
    NEWSARC_CACHE=$TRASH/places.tsv search place:fdn >out 2>err && echo 1 | test_cmp out - &&
    grep "tables: parsed the tables ($TRASH/places.tsv/tables-.*: cannot write compiled tables: not a directory)" err
'
test_done
