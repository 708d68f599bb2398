#!/bin/sh
# newsarc-search: facets (exact counts of each value among all matches,
# each value once per article) and filters (values of one facet ORed,
# facets ANDed), in text and JSON, from the command line and the
# configuration, over one database and several.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

articles=$FIXTURES/articles
have_python=no
command -v python3 >/dev/null 2>&1 && have_python=yes

count() { newsarc_search -d db --count "$@"; }

# Articles whose facet counts are known: Geneva appears in three, one of
# which names it twice (and "US" and "U.S." are one place), Oslo in two.
cat >tagged.jsonl <<'EOF'
{"id": "t1", "title": "One", "date": "2024-01-05", "source": "Test Wire", "places": ["Geneva", "Oslo"], "people": ["Ana Lima"], "topics": ["trade"], "body": "alpha talks"}
{"id": "t2", "title": "Two", "date": "2024-01-20", "source": "Test Wire", "places": ["Geneva", "geneva", "US", "U.S."], "topics": ["trade", "energy"], "body": "alpha energy"}
{"id": "t3", "title": "Three", "date": "2024-02-11", "source": "Other Wire", "places": ["Oslo", "Geneva", "Zürich"], "people": ["Ana Lima", "Björn Ek"], "topics": ["energy"], "body": "alpha beta"}
{"id": "t4", "title": "Four", "date": "2023-12-30", "source": "Other Wire", "places": ["Lima"], "topics": ["mining"], "body": "beta gamma"}
EOF

test_expect_success 'the articles index' '
    newsarc_index -d db tagged.jsonl 2>err && ! test -s err
'
test_expect_failure_code 2 'an unknown facet is a usage error' '
    newsarc_search -d db --facet colour ""
'
test_expect_success 'the facet names of the error message are in --help and the man page, every one counted' '
    newsarc_search -d db --facet colour "" 2>err;
    names=$(sed -n "s/.*unknown facet .colour. (\(.*\))\$/\1/p" err | tr -d ,) &&
    test -n "$names" &&
    newsarc_search --help >help &&
    sed -n "/--facet NAME/,/--facet-size/p" help | tr -d , | tr " " "\n" | grep . >help.names &&
    for n in $names; do
        grep -qx "$n" help.names || { echo "--help lacks $n"; exit 1; }
        grep -qF "\\fB$n\\fR" "$top_srcdir/doc/newsarc-search.1" || { echo "the man page lacks $n"; exit 1; }
        newsarc_search -d db --count --facet "$n" "" >/dev/null || { echo "$n refused"; exit 1; }
    done &&
    case "$names" in *mentioned:year*) ;; *) exit 1 ;; esac
'
test_expect_failure_code 2 'a --facet-size that is not a number is a usage error' '
    newsarc_search -d db --facet place --facet-size many ""
'
test_expect_success 'text facets: the name, then "  count  value" most frequent first' '
    newsarc_search -d db --limit 0 --facet place "" >out &&
    sed -n "/^place:$/,\$p" out >facet &&
    test_cmp facet <<EOF
place:
  3  Geneva
  2  Oslo
  1  Lima
  1  United States
  1  Zürich
EOF
'
test_expect_success 'a value named twice in one article is counted once' '
    newsarc_search -d db --limit 0 --facet place id:t2 >out &&
    grep -q "^  1  Geneva$" out && grep -q "^  1  United States$" out
'
test_expect_success 'facets count all matches, not only the results shown' '
    newsarc_search -d db --limit 1 --facet topic alpha >out &&
    grep -q "^  2  energy$" out && grep -q "^  2  Trade$" out &&
    test "$(grep -c "^[0-9]*\\. " out)" = 1
'
test_expect_success 'several facets, each under its name' '
    newsarc_search -d db --limit 0 --facet person --facet source --facet year --facet month "" >out &&
    grep -q "^  2  Ana Lima$" out && grep -q "^  1  Björn Ek$" out &&
    grep -q "^  2  Other Wire$" out && grep -q "^  2  Test Wire$" out &&
    grep -q "^  3  2024$" out && grep -q "^  1  2023$" out &&
    grep -q "^  2  2024-01$" out && grep -q "^  1  2024-02$" out && grep -q "^  1  2023-12$" out
'
test_expect_success '--facet-size keeps the most frequent values; 0 keeps all' '
    newsarc_search -d db --limit 0 --facet place --facet-size 2 "" >out &&
    test "$(grep -c "^  [0-9]" out)" = 2 && grep -q "^  3  Geneva$" out &&
    newsarc_search -d db --limit 0 --facet place --facet-size 0 "" >out &&
    test "$(grep -c "^  [0-9]" out)" = 5
'
test_expect_success 'a facet with no values among the matches says so' '
    newsarc_search -d db --limit 0 --facet person gamma >out &&
    grep -q "^person:$" out && grep -q "^  (none)$" out
'
test_expect_success '--filter keeps matches with the value' '
    test "$(count --filter place=Oslo "")" = 2 && test "$(count --filter place=Oslo beta)" = 1
'
test_expect_success 'filter values are normalised like queries' '
    test "$(count --filter place=usa "")" = 1 && test "$(count --filter place=GENEVA "")" = 3
'
test_expect_success 'values of one facet are ORed' '
    test "$(count --filter place=Oslo --filter place=Lima "")" = 3
'
test_expect_success 'different facets are ANDed' '
    test "$(count --filter place=Geneva --filter topic=energy "")" = 2 &&
    test "$(count --filter place=Geneva --filter topic=energy --filter "person=Ana Lima" "")" = 1
'
test_expect_success 'year and month filters' '
    test "$(count --filter year=2024 "")" = 3 && test "$(count --filter month=2024-01 "")" = 2 &&
    test "$(count --filter month=2024-01 --filter month=2023-12 "")" = 3
'
test_expect_success 'filters combine with the query' '
    test "$(count --filter source="Other Wire" beta)" = 2 &&
    test "$(count --filter source="Other Wire" alpha)" = 1
'
test_expect_success 'every facet count equals the count of its filter (drill-down)' '
    newsarc_search -d db --limit 0 --facet-size 0 --facet place --facet topic --facet month alpha >out &&
    for facet in place topic month; do
        sed -n "/^$facet:$/,/^$/p" out | sed -n "s/^  *\\([0-9][0-9]*\\)  \\(.*\\)$/\\1 \\2/p" >values &&
        test -s values &&
        while read -r n value; do
            test "$(count --filter "$facet=$value" alpha)" = "$n" || exit 1
        done <values || exit 1
    done
'
test_expect_failure_code 2 'a filter on an unknown name is a usage error' '
    newsarc_search -d db --filter colour=red "" 2>err
'
test_expect_success '... naming the filter' '
    newsarc_search -d db --filter colour=red "" 2>err;
    grep -q "^newsarc-search: error: --filter .colour=red.: unknown name" err
'
test_expect_failure_code 2 'a filter without = is a usage error' '
    newsarc_search -d db --filter place ""
'
test_expect_failure_code 2 'a filter year that is not YYYY is a usage error' '
    newsarc_search -d db --filter year=24 ""
'
test_expect_failure_code 2 'a filter month that is not YYYY-MM is a usage error' '
    newsarc_search -d db --filter month=2024-13 ""
'
test_expect_success 'facets from the configuration when none is asked for' '
    cp -R "$top_srcdir/config" cfg &&
    sed "s/^facets: .*/facets: [topic]/" "$top_srcdir/config/newsarc.yaml" >cfg/newsarc.yaml &&
    run_prog "$top_builddir/search/newsarc-search" -c cfg/newsarc.yaml -d db --limit 0 "" >out &&
    grep -q "^topic:$" out && grep -q "^  2  energy$" out &&
    run_prog "$top_builddir/search/newsarc-search" -c cfg/newsarc.yaml -d db --limit 0 --facet source "" >out &&
    grep -q "^source:$" out && ! grep -q "^topic:$" out
'
test_expect_success 'facets over several databases are summed' '
    newsarc_index -d other "$articles/briefs.yaml" &&
    printf "{\"id\": \"t9\", \"title\": \"Nine\", \"places\": [\"Geneva\"], \"body\": \"alpha\"}\n" >more.jsonl &&
    newsarc_index -d other more.jsonl &&
    newsarc_search -d db -d other --limit 0 --facet place "" >out &&
    grep -q "^  4  Geneva$" out && grep -q "^  1  Berlin$" out
'

# A multi-valued field keeps all of an article's values packed in one
# slot: however many an article has, each counts, by a query's matches
# or (for every document) by the terms.
i=1
places=
while [ $i -le 80 ]; do
    places="$places${places:+, }\"Qvx$i\""
    i=$((i + 1))
done
printf '{"id": "m1", "title": "Many", "places": [%s], "body": "roll call"}\n' "$places" >many.jsonl
printf '{"id": "m2", "title": "Few", "places": ["Qvx80", "Geneva"], "body": "roll"}\n' >>many.jsonl
test_expect_success 'an article with 80 places counts each of them' '
    newsarc_index -d many many.jsonl &&
    FACET_SIZE=0 facet_lines place -d many roll >lines &&
    test "$(wc -l <lines)" = 81 && grep -q "^2 Qvx80$" lines && grep -q "^1 Qvx1$" lines &&
    test "$(grep -c "^1 Qvx" lines)" = 79 &&
    FACET_SIZE=0 facet_lines place -d many "" >all && test_cmp all <lines
'
test_expect_success 'facets of every document, from the terms, equal those counted match by match' '
    for f in person place topic source; do
        FACET_SIZE=0 facet_lines $f -d db "" >all.$f &&
        FACET_SIZE=0 facet_lines $f -d db "NOT zzqqxx" >matched.$f &&
        test -s all.$f && test_cmp all.$f <matched.$f || return 1
    done
'
test_expect_success '  also after an article is deleted' '
    newsarc_index -d del tagged.jsonl && newsarc_index -d del --delete t3 &&
    FACET_SIZE=0 facet_lines place -d del "" >all &&
    FACET_SIZE=0 facet_lines place -d del "NOT zzqqxx" >matched && test_cmp all <matched &&
    test_cmp all <<EOF
2 Geneva
1 Lima
1 Oslo
1 United States
EOF
'
# after_hits: the text output from the facets on, and its first line.
after_hits() { newsarc_search -d db "$@" >out.txt && head -n 1 out.txt && sed -n "/^[a-z]*:\$/,\$p" out.txt; }
test_expect_success 'a page by relevance counts without weights: the total and facets of one run by date' '
    for q in alpha "alpha OR gamma" "alpha NOT talks" "beta OR energy OR zzqqxx"; do
        after_hits --facet place --facet topic "$q" >by-relevance &&
        after_hits --facet place --facet topic --sort newest "$q" >by-date &&
        cmp by-date by-relevance &&
        test "$(head -n 1 by-relevance | cut -d" " -f1)" = "$(count "$q")" || return 1
    done &&
    test "$(count "alpha OR gamma")" = 4 && test "$(count "alpha NOT talks")" = 2 &&
    grep -q "^  2  Geneva$" by-relevance
'
test_expect_success 'one term with facets: its postings counted straight, as the matcher counts them' '
    for q in alpha beta topic:trade place:geneva; do
        for sort in relevance newest; do
            after_hits --facet place --facet topic --facet person --sort $sort "$q" >walked &&
            after_hits --facet place --facet topic --facet person --sort $sort "$q OR zzqqxx" >matched &&
            cmp matched walked || return 1
        done
    done &&
    after_hits --facet place --facet topic place:geneva >walked &&
    head -n 1 walked | grep -q "^3 matches" && grep -q "^  2  Oslo$" walked
'
test_expect_success 'a database whose values are not packed is refused, naming its layout' '
    gen=$(sed -n "s/^auto //p" many/XAPIANDB) &&
    xapian-metadata set "many/$gen" newsarc:schema 1 &&
    ! newsarc_search -d many --facet place "" >out 2>err &&
    grep -q "has layout 1; this newsarc-search reads layout 2" err
'

if [ "$have_python" = yes ]; then
test_expect_success 'JSON facets: {"NAME": [{"value", "count"}]} in the order asked for' '
    newsarc_search -d db --format json --limit 0 --facet topic --facet place "" >out.json &&
    python3 - out.json <<PY
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d["facets"]) == ["topic", "place"], d
assert d["facets"]["place"][0] == {"value": "Geneva", "count": 3}, d
# Ties in the order of their folded keys.
assert d["facets"]["topic"] == [{"value": "energy", "count": 2}, {"value": "Trade", "count": 2},
                                {"value": "mining", "count": 1}], d
assert d["results"] == [] and d["total"] == 4 and d["limit"] == 0, d
PY
'
test_expect_success 'the fixture articles facet cleanly, with non-ASCII values' '
    newsarc_index -d fx "$articles" &&
    newsarc_search -d fx --format json --limit 0 --facet-size 0 --facet person --facet place "" >out.json &&
    python3 - out.json <<PY
import json, sys
d = json.load(open(sys.argv[1]))
people = {f["value"]: f["count"] for f in d["facets"]["person"]}
places = {f["value"]: f["count"] for f in d["facets"]["place"]}
assert people.get("Jürg Müller") == 1 and people.get("James Baker") == 1, people
assert places.get("United States") == 2 and places.get("Zürich") == 1, places
PY
'
else
test_skip 'JSON facet checks need python3 (Debian package python3)'
fi
test_done
