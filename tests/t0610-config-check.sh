#!/bin/sh
# Both programs accept and refuse the same configurations: a value that
# loads but cannot work is refused by each with FILE:LINE:COLUMN, exit 2.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

samples=$top_srcdir/samples
index="$top_builddir/indexer/newsarc-index"
search="$top_builddir/search/newsarc-search"

test_expect_success 'setup: a database to search' '
    newsarc_index -d db --extract never "$samples" &&
    printf "extract: never\n" >plain.yaml
'

# Each case: a name, the configuration, the expected place and reason.
check_both() {
    printf "%b" "$2" >"$1.yaml"
    run_prog "$index" -c "$1.yaml" -d new.db "$samples" 2>index.err
    irc=$?
    # A query with no field: before, the search never looked at the tables.
    run_prog "$search" -c "$1.yaml" -d db --count bank >/dev/null 2>search.err
    src=$?
    echo "index $irc search $src" &&
    test "$irc" = 2 && test "$src" = 2 &&
    grep -x "newsarc-index: error: $1.yaml:$3: $4" index.err &&
    grep -x "newsarc-search: error: $1.yaml:$3: $4" search.err &&
    test "$(wc -l <index.err)" = 1 && test "$(wc -l <search.err)" = 1 &&
    ! test -e new.db
}

test_expect_success 'an unknown language is refused by both, at its place' '
    check_both lang "database: x.db\nlanguage: klingon\n" 2:11 \
        "unknown language .klingon. (a stemmer such as english, german or french, an ISO 639-1 code such as en, or none)"
'
test_expect_success 'a missing alias table is refused by both, at its place' '
    check_both alias "aliases:\n  people: \"\"\n  places: nowhere/places.tsv\n" 3:11 \
        "alias table .places. cannot be read: .nowhere/places.tsv.: no such file or directory (set aliases.places to \"\" to go without)"
'
test_expect_success 'an alias table that is a folder is refused by both' '
    mkdir tables.tsv &&
    check_both dir "aliases: {orgs: tables.tsv}\n" 1:17 \
        "alias table .orgs. cannot be read: .tables.tsv.: is a directory (set aliases.orgs to \"\" to go without)"
'
test_expect_success 'the search refuses it with --show and --count alike' '
    run_prog "$search" -c alias.yaml -d db --show x 2>err; test $? = 2 &&
    grep -q "alias.yaml:3:11: alias table" err
'
test_expect_failure_code 2 'the indexer refuses it with --stats too' '
    run_prog "$index" -c lang.yaml -d db --stats
'
test_expect_success 'an ISO 639-1 code and "none" are languages' '
    printf "language: en\nextract: never\n" >en.yaml &&
    printf "language: none\nextract: never\n" >none.yaml &&
    run_prog "$index" -c en.yaml -d en.db "$samples" &&
    run_prog "$search" -c en.yaml -d en.db --count bank &&
    run_prog "$index" -c none.yaml -d none.db "$samples" &&
    run_prog "$search" -c none.yaml -d none.db --count bank
'
test_expect_success 'tables turned off are not checked' '
    printf "extract: never\naliases: {places: \"\", people: ~}\n" >off.yaml &&
    run_prog "$index" -c off.yaml -d off.db "$samples" &&
    run_prog "$search" -c off.yaml -d off.db --count "place:usa"
'
test_expect_success 'facets: takes mentioned:GRAIN, counted as --facet counts it' '
    newsarc_index -d mdb --extract always "$samples" &&
    printf "extract: never\nfacets: [place, mentioned:year]\n" >grain.yaml &&
    run_prog "$search" -c grain.yaml -d mdb --format json --limit 0 >grain.json &&
    newsarc_search -d mdb --facet place --facet mentioned:year --format json --limit 0 >flag.json &&
    grep -q "\"mentioned:year\": \[{\"value\": \"2025\", \"count\": [1-9]" grain.json &&
    sed "s/\"elapsed_ms\": [0-9.e-]*//" grain.json >a &&
    sed "s/\"elapsed_ms\": [0-9.e-]*//" flag.json >b &&
    cmp a b
'
test_expect_success 'an unknown facet or grain is refused by both, naming every facet allowed' '
    allowed="person, place, org, topic, source, year, month, mentioned, author, day, mentioned:year, mentioned:quarter, mentioned:month, mentioned:day" &&
    check_both grain "facets: [place, mentioned:week]\n" 1:17 "unknown facet .mentioned:week. ($allowed)" &&
    check_both colon "facets:\n  - year:month\n" 2:5 "unknown facet .year:month. ($allowed)"
'
test_done
