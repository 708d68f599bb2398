#!/bin/sh
# newsarc-index reads every input format; what each supplies is searchable
# and the original bytes come back exactly.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

articles=$FIXTURES/articles

test_expect_success 'the fixture folder indexes cleanly' '
    newsarc_index -v -d db "$articles" 2>err &&
    grep -q "harbour-plan.txt: 1 articles as text" err &&
    grep -q "lisbon-summit.md: 1 articles as markdown" err &&
    grep -q "briefs.yaml: 3 articles as yaml" err &&
    grep -q "wire.jsonl: 4 articles as jsonl" err &&
    grep -q "newswire.sgm: 3 articles as reuters" err &&
    test "$(newsarc_search -d db --count "")" = 14
'
test_expect_success 'text: the first line is the title' '
    test "$(newsarc_search -d db --count "title:harbour")" = 1
'
test_expect_success 'markdown: front matter fields are searchable and normalised' '
    test "$(newsarc_search -d db --count "person:\"Tarcísio de Freitas\"")" = 1 &&
    test "$(newsarc_search -d db --count "place:\"United Kingdom\"")" = 1 &&
    test "$(newsarc_search -d db --count "place:zürich")" = 1 &&
    test "$(newsarc_search -d db --count "org:\"European Union\"")" = 1
'
test_expect_success 'yaml: each document is an article' '
    test "$(newsarc_search -d db --count "id:fixture-brief-2")" = 1 &&
    test "$(newsarc_search -d db --count "heatwave")" = 1
'
test_expect_success 'jsonl: "text" is the body too' '
    test "$(newsarc_search -d db --count "harvest")" = 1
'
test_expect_success 'reuters: codes become names, entities are decoded' '
    test "$(newsarc_search -d db --count "place:west-germany")" = 1 &&
    test "$(newsarc_search -d db --count "person:\"James Baker\"")" = 1 &&
    test "$(newsarc_search -d db --count "org:\"European Community\"")" = 1 &&
    test "$(newsarc_search -d db --count "title:tariffs")" = 1
'
test_expect_success 'the date is a term and a sortable value' '
    test "$(newsarc_search -d db --count "date:1987")" = 3 &&
    test "$(newsarc_search -d db --count "date:2025-06")" = 4
'
for id in fixture-lisbon-summit fixture-brief-2 fixture-wire-3 reuters-90002; do
    test_expect_success "$id: original bytes come back exactly" "
        newsarc_search -d db --show $id --raw >raw-$id &&
        test -s raw-$id
    "
done
test_expect_success 'a whole file comes back byte-exact' '
    newsarc_search -d db --show lisbon-summit.md --raw >/dev/null 2>&1 ||
    newsarc_search -d db --show fixture-lisbon-summit --raw >raw &&
    cmp raw "$articles/lisbon-summit.md"
'
test_expect_success 'a YAML document comes back as its bytes in the file' '
    newsarc_search -d db --show fixture-brief-2 --raw >raw &&
    sed -n "10,15p" "$articles/briefs.yaml" >want &&
    cmp raw want
'
test_expect_success 'a JSON line comes back without its newline' '
    newsarc_search -d db --show fixture-wire-1 --raw >raw &&
    printf "%s" "$(sed -n 1p "$articles/wire.jsonl")" >want &&
    cmp raw want
'
test_expect_success '--input-format forces a format' '
    printf "{\"id\": \"forced\", \"title\": \"Forced\", \"body\": \"read as json lines\"}\n" >odd.txt &&
    newsarc_index -d db2 --input-format jsonl odd.txt &&
    test "$(newsarc_search -d db2 --count "id:forced")" = 1
'
test_done
