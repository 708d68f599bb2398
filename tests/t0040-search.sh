#!/bin/sh
# newsarc-search: options, exit statuses, the query syntax (words, phrases,
# operators, fields, dates), sorting and paging, text and JSON output.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

articles=$FIXTURES/articles
have_python=no
command -v python3 >/dev/null 2>&1 && have_python=yes

# count QUERY...: the number of matches, for comparisons.
count() { newsarc_search -d db --count "$@"; }

# Checks JSON on stdin with a Python expression over "d" (skipped, and
# passing, without python3: the other tests still run).
json_check() {
    [ "$have_python" = yes ] || return 0
    python3 -c "import json, sys; d = json.load(sys.stdin); assert $1, d"
}

test_expect_success '--help prints usage on stdout and exits 0' '
    newsarc_search --help >out 2>err &&
    grep -q "^Usage: newsarc-search" out && grep -q "date:" out && ! test -s err
'
test_expect_success '--version names the program' '
    newsarc_search --version | grep -q "^newsarc-search [0-9]"
'
test_expect_failure_code 2 'an unknown option is a usage error' '
    newsarc_search --bogus
'
test_expect_failure_code 2 'an unknown --format is a usage error' '
    newsarc_search --format xml x
'
test_expect_failure_code 2 'an unknown --sort is a usage error' '
    newsarc_search --sort sideways x
'
test_expect_failure_code 2 'a --limit that is not a number is a usage error' '
    newsarc_search --limit -3 x
'
test_expect_failure_code 2 '--raw without --show is a usage error' '
    newsarc_search --raw x
'
test_expect_failure_code 3 'a missing database is a database error (exit 3)' '
    newsarc_search -d no-such.db rates 2>err
'
test_expect_success '... with one line saying how to create it' '
    newsarc_search -d no-such.db rates 2>err;
    test "$(wc -l <err)" -eq 1 &&
    grep -q "^newsarc-search: error: .*no-such.db.*newsarc-index .*to create it" err
'
test_expect_failure_code 3 'a path that is not a database is a database error' '
    mkdir not-a-db && newsarc_search -d not-a-db rates 2>err
'

test_expect_success 'the fixture articles index' '
    newsarc_index -d db --extract never "$articles" 2>err && ! test -s err
'
test_expect_success 'an empty query matches every article' '
    n=$(newsarc_index -d db --stats --format json | sed "s/.*\"articles\": *\([0-9]*\).*/\1/") &&
    test "$n" -gt 10 &&
    test "$(count "")" = "$n" && test "$(newsarc_search -d db --count)" = "$n"
'
test_expect_success 'the QUERY words are joined with spaces' '
    test "$(count copper prices)" = "$(count "copper prices")" &&
    test "$(count copper prices)" = 1
'
test_expect_success 'words are stemmed: harbours finds harbour, quota finds quotas' '
    test "$(count harbours)" = 1 && test "$(count quota)" = 1 && test "$(count quotas)" = 1
'
test_expect_success 'a phrase matches the words in order only' '
    test "$(count "\"rail strike\"")" = 1 && test "$(count "\"strike rail\"")" = 0
'
test_expect_success 'AND, OR and NOT' '
    test "$(count "copper OR wheat")" = 2 && test "$(count "copper AND wheat")" = 0 &&
    test "$(count "grain NOT wheat")" = 1 && test "$(count "copper prices -strike")" = 0
'
test_expect_success 'a wildcard matches word starts' '
    test "$(count "copp*")" = 1
'
test_expect_success 'non-ASCII words match' '
    test "$(count Zürich)" = 1 && test "$(count "São")" -ge 1
'
test_expect_success 'title: searches titles only' '
    test "$(count title:harbour)" = 1 && test "$(count title:fishermen)" = 0 &&
    test "$(count fishermen)" = 1
'
test_expect_success 'place: is normalised: usa, US and "United States" agree' '
    a=$(count place:usa) && b=$(count place:US) && c=$(count "place:\"United States\"") &&
    test "$a" = 2 && test "$a" = "$b" && test "$b" = "$c"
'
test_expect_success 'Reuters codes are names: west-germany and james-baker' '
    test "$(count place:west-germany)" = 1 && test "$(count "place:\"West Germany\"")" = 1 &&
    test "$(count person:james-baker)" = 1 && test "$(count "person:\"James Baker\"")" = 1
'
test_expect_success 'person: with a non-ASCII name' '
    test "$(count "person:\"Jürg Müller\"")" = 1
'
test_expect_success 'values of one field are ORed, fields ANDed' '
    test "$(count "place:chile place:canada")" = 2 &&
    test "$(count "place:chile topic:copper")" = 1 &&
    test "$(count "place:canada topic:copper")" = 0
'
test_expect_success 'topic:, org: and source:' '
    test "$(count topic:grain)" = 2 && test "$(count "org:\"Bank of Canada\"")" = 1 &&
    test "$(count "source:\"Fixture Wire\"")" = 3
'
test_expect_success 'id: is exact and case-sensitive' '
    test "$(count id:fixture-wire-1)" = 1 && test "$(count id:FIXTURE-WIRE-1)" = 0 &&
    id=$(newsarc_search -d db --show "$articles/harbour-plan.txt" | sed -n "s/^id: //p") &&
    test "$(count "id:$id")" = 1
'
test_expect_success 'date: takes a year, a month or a day' '
    test "$(count date:1987)" = 3 && test "$(count date:2025-06)" = 4 &&
    test "$(count date:1987-03-02)" = 1 && test "$(count date:2025-06-30)" = 0
'
test_expect_success 'date:A..B is inclusive, either end may be empty' '
    test "$(count date:2025-06-03..2025-06-04)" = 2 &&
    test "$(count date:2025-06..2025-07)" = 6 &&
    test "$(count date:2025-07..)" = 2 && test "$(count date:..1987)" = 3
'
test_expect_success 'year: and month: match the date terms' '
    test "$(count year:1987)" = 3 && test "$(count month:2025-06)" = 4
'
test_expect_success 'a field combines with words' '
    test "$(count "date:2025 bank")" = 2 && test "$(count "date:2025-06 bank")" = 1 &&
    test "$(count "date:1987 bank")" = 0
'
test_expect_failure_code 2 'a syntax error is a usage error (exit 2)' '
    count "copper AND" 2>err
'
test_expect_success '... and the message quotes the query and gives the column' '
    count "copper AND" 2>err;
    test "$(wc -l <err)" -eq 1 &&
    grep -q "^newsarc-search: error: query .copper AND. at column 8: " err
'
test_expect_failure_code 2 'a bad date is a query error' '
    count "copper date:2025-13" 2>err
'
test_expect_success '... naming the value and its column' '
    count "copper date:2025-13" 2>err;
    grep -q "column 8: date:2025-13: " err
'
test_expect_failure_code 2 'a date range that ends before it starts is refused' '
    count "date:2025-06..2025-05"
'
test_expect_failure_code 2 'a year that is not YYYY is refused' '
    count "year:87"
'

test_expect_success 'text output: a header with the total, then one block per result' '
    newsarc_search -d db "copper" >out &&
    grep -q "^1 match; showing 1$" out &&
    grep -q "^1\\. 2025-06-02  Copper prices rise on supply worries$" out &&
    grep -q "^   id: fixture-wire-1$" out &&
    grep -q "^   places: Chile, United States$" out &&
    grep -q "^   SANTIAGO, June 2 - Copper prices rose" out
'
test_expect_success 'text output has no escape codes when not on a terminal' '
    newsarc_search -d db "" >out && ! grep -q "$(printf "\\033")" out
'
test_expect_success 'a search without matches says so and exits 0' '
    newsarc_search -d db xylophone >out && grep -q "^0 matches$" out
'
test_expect_success '-q leaves out the header line' '
    newsarc_search -q -d db copper >out && grep -q "^1\\. " out && ! grep -q "match" out
'
test_expect_success '--count prints only the number' '
    newsarc_search -d db --count place:usa >out && test "$(cat out)" = 2
'
test_expect_success '--limit and --offset page through the matches' '
    newsarc_search -d db --limit 2 --sort oldest "" >page1 &&
    newsarc_search -d db --limit 2 --offset 2 --sort oldest "" >page2 &&
    test "$(grep -c "^[0-9]*\\. " page1)" = 2 && test "$(grep -c "^[0-9]*\\. " page2)" = 2 &&
    grep -q "^3\\. " page2 && grep -q "showing 3-4" page2
'
test_expect_success '--sort newest puts the latest article first' '
    newsarc_search -d db --limit 1 --sort newest "" >out &&
    grep -q "^1\\. 2025-07-02  Bridge reopens after repairs" out
'
test_expect_success '--sort oldest puts the earliest dated article first' '
    newsarc_search -d db --limit 1 --sort oldest date:1987 >out &&
    grep -q "^1\\. 1987-03-02  GRAIN TALKS & TARIFFS <XYZ> RESUME" out
'
test_expect_success '-v prints the parsed query on stderr' '
    newsarc_search -v -d db --count place:usa >out 2>err &&
    grep -q "XPLACEunited states" err && test "$(cat out)" = 2
'

if [ "$have_python" = yes ]; then
test_expect_success '--format json prints one object of the documented shape' '
    newsarc_search -d db --format json --limit 3 "copper OR wheat OR rates" >out.json &&
    test "$(wc -l <out.json)" -eq 1 &&
    json_check "d[\"format_version\"] == 1 and d[\"query\"] == \"copper OR wheat OR rates\" and d[\"total\"] == 3 and d[\"offset\"] == 0 and d[\"limit\"] == 3 and d[\"facets\"] == {} and isinstance(d[\"elapsed_ms\"], float)" <out.json &&
    json_check "all(sorted(r) == sorted([\"id\", \"rank\", \"score\", \"date\", \"title\", \"source\", \"url\", \"people\", \"places\", \"orgs\", \"topics\", \"snippet\", \"date_source\", \"extracted\", \"sources\"]) for r in d[\"results\"])" <out.json &&
    json_check "[r[\"rank\"] for r in d[\"results\"]] == [1, 2, 3]" <out.json
'
test_expect_success 'JSON results carry the metadata, dates as YYYY-MM-DD' '
    newsarc_search -d db --format json id:fixture-lisbon-summit >out.json &&
    json_check "d[\"results\"][0][\"date\"] == \"2025-03-14\" and d[\"results\"][0][\"url\"] == \"https://example.org/lisbon-summit\" and d[\"results\"][0][\"people\"] == [\"Tarcísio de Freitas\", \"Lee Jae-yong\"] and \"United Kingdom\" in d[\"results\"][0][\"places\"] and d[\"results\"][0][\"source\"] == \"Fixture Wire\"" <out.json
'
test_expect_success 'absent values are null or []' '
    id=$(newsarc_search -d db --show "$articles/harbour-plan.txt" | sed -n "s/^id: //p") &&
    newsarc_search -d db --format json "id:$id" >out.json &&
    json_check "d[\"results\"][0][\"date\"] is None and d[\"results\"][0][\"url\"] is None and d[\"results\"][0][\"places\"] == []" <out.json
'
test_expect_success 'JSON snippets are plain text with the matched word' '
    newsarc_search -d db --format json harbour >out.json &&
    json_check "\"harbour\" in d[\"results\"][0][\"snippet\"] and \"\\x1b\" not in d[\"results\"][0][\"snippet\"]" <out.json
'
test_expect_success 'JSON escapes what needs escaping: & < > in a Reuters title' '
    newsarc_search -d db --format json id:reuters-90001 >out.json &&
    json_check "d[\"results\"][0][\"title\"] == \"GRAIN TALKS & TARIFFS <XYZ> RESUME\"" <out.json
'
test_expect_success '--offset past the end gives no results but the exact total' '
    newsarc_search -d db --format json --offset 100 "" >out.json &&
    json_check "d[\"results\"] == [] and d[\"total\"] > 10 and d[\"offset\"] == 100" <out.json
'
test_expect_success '--count --format json is {"query", "total"}' '
    newsarc_search -d db --count --format json place:usa >out.json &&
    json_check "d[\"total\"] == 2 and d[\"query\"] == \"place:usa\"" <out.json
'
else
test_skip 'JSON output checks need python3 (Debian package python3)'
fi

test_expect_success 'snippets show text, not HTML escapes' '
    printf "{\"id\": \"amp\", \"title\": \"Q&A\", \"body\": \"Ministers & officials held a Q&A about <draft> rules.\"}\n" >amp.jsonl &&
    newsarc_index -d ampdb amp.jsonl &&
    newsarc_search -d ampdb ministers >out &&
    grep -q "Ministers & officials held a Q&A about <draft> rules" out && ! grep -q "&amp;" out
'
# Two articles longer than the lead a record keeps (400 bytes), "oil" in
# the lead of both and "OPEC" near the end of one only.
test_expect_success 'words under NOT are not snippet words: the lead gives the snippet' '
    filler=$(i=0; while [ $i -lt 10 ]; do printf "Traders in London and New York watched the markets closely all week long. "; i=$((i + 1)); done) &&
    printf "{\"id\": \"not-a\", \"title\": \"Quotas\", \"body\": \"Crude oil prices rose on Monday. %sOil and OPEC quotas were set later.\"}\n{\"id\": \"not-b\", \"title\": \"Stocks\", \"body\": \"Crude oil stocks fell on Tuesday. %sNothing else was said.\"}\n" "$filler" "$filler" >not.jsonl &&
    newsarc_index -d notdb not.jsonl &&
    newsarc_search -d notdb --highlight-markers "oil id:not-b" >want &&
    for q in "oil NOT opec" "oil -opec" "oil AND NOT (opec OR cartel)"; do
        newsarc_search -v -d notdb --highlight-markers "$q" >out 2>err &&
        cmp want out &&
        grep -q "; 0 of 1 snippets from the stored original$" err || return 1
    done &&
    grep -q "oil.* stocks fell on Tuesday" out &&
    newsarc_search -v -d notdb "oil NOT title:opec" >out 2>err &&
    grep -q "Crude oil prices rose on Monday" out &&
    grep -q "; 0 of 2 snippets from the stored original$" err &&
    newsarc_search -v -d notdb "oil opec" >out 2>err &&
    grep -q "Oil and OPEC quotas were set later" out &&
    grep -q "; 1 of 1 snippets from the stored original$" err
'
test_expect_success '... nor highlighted where a match holds one' '
    printf "{\"id\": \"not-c\", \"title\": \"Talks\", \"body\": \"Crude oil and OPEC talks went on.\"}\n" >not-c.jsonl &&
    newsarc_index -d notdb-c not-c.jsonl &&
    s=$(printf "\356\200\200") e=$(printf "\356\200\201") &&
    newsarc_search -d notdb-c --highlight-markers "oil OPEC id:not-c" >out &&
    grep -q "Crude ${s}oil${e} and ${s}OPEC${e} talks" out &&
    newsarc_search -d notdb-c --highlight-markers "oil NOT (opec cartel) id:not-c" >out &&
    grep -q "Crude ${s}oil${e} and OPEC talks" out &&
    newsarc_search -d notdb-c --highlight-markers --format json "oil NOT (opec cartel) id:not-c" >out &&
    grep -q "Crude ${s}oil${e} and OPEC talks" out
'
test_expect_success 'an article without text has no snippet, and its original is not read for one' '
    printf "{\"id\": \"bare\", \"title\": \"Oil headline alone\"}\n{\"id\": \"blank\", \"title\": \"Oil again\", \"body\": \"  \"}\n" >bare.jsonl &&
    newsarc_index -d baredb bare.jsonl &&
    newsarc_search -v -d baredb --format json oil >out.json 2>err &&
    grep -q "; 0 of 2 snippets from the stored original$" err &&
    test "$(grep -o "\"snippet\": null" out.json | wc -l)" = 2
'
if [ "$have_python" = yes ]; then
test_expect_success '... and JSON snippets of a NOT query are those of its other words' '
    newsarc_search -d notdb --format json "oil NOT title:opec" >not.json &&
    newsarc_search -d notdb --format json "oil" >oil.json &&
    python3 -c "import json, sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); s = lambda d: {r[\"id\"]: r[\"snippet\"] for r in d[\"results\"]}; assert len(s(a)) == 2 and s(a) == s(b), (a, b)" not.json oil.json
'
fi
test_expect_success 'several databases are searched as one' '
    newsarc_index -d part1 "$articles/wire.jsonl" &&
    newsarc_index -d part2 "$articles/briefs.yaml" "$articles/newswire.sgm" &&
    a=$(newsarc_search -d part1 --count "") && b=$(newsarc_search -d part2 --count "") &&
    test "$(newsarc_search -d part1 -d part2 --count "")" = $((a + b)) &&
    test "$(newsarc_search -d part1 -d part2 --count "wheat OR rail")" = 2
'
test_expect_success '... with snippets from each' '
    newsarc_search -d part1 -d part2 "wheat OR rail" >out 2>err && ! test -s err &&
    grep -q "Australia raised its wheat harvest forecast" out &&
    grep -q "Union leaders called off a planned rail strike" out
'
test_done
