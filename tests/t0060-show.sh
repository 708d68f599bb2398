#!/bin/sh
# newsarc-search --show: one article's metadata and text, as text or JSON,
# and with --raw its original bytes exactly as they were indexed, for
# every input format, Latin-1 bytes included, from one database or several.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

articles=$FIXTURES/articles
have_python=no
command -v python3 >/dev/null 2>&1 && have_python=yes

show() { newsarc_search -d db --show "$@"; }

test_expect_success 'the fixture articles and a Latin-1 file index' '
    newsarc_index -d db "$articles" 2>err && ! test -s err &&
    newsarc_index -d db "$FIXTURES/broken/latin1.txt" 2>err && ! test -s err
'
test_expect_success '--show prints the metadata, a blank line, then the text' '
    show fixture-zurich-bank >out &&
    sed -n "1,/^$/p" out >head && sed "1,/^$/d" out >body &&
    grep -q "^id: fixture-zurich-bank$" head &&
    grep -q "^title: Zürich lender posts record profit$" head &&
    grep -q "^date: 2025-04-02$" head &&
    grep -q "^people: Jürg Müller$" head &&
    grep -q "^places: Zürich, Switzerland$" head &&
    grep -q "^topics: banking$" head &&
    grep -q "^format: markdown$" head &&
    head -n 1 body | grep -q "^ZURICH, April 2 - A Zürich lender reported record quarterly profit on$" &&
    ! grep -q "^---" out
'
test_expect_success 'extra front matter keys are shown too' '
    show fixture-lisbon-summit >out &&
    grep -q "^desk: europe$" out && grep -q "^authors: Inês Carvalho, Tom Becker$" out
'
test_expect_success 'a Reuters article shows its decoded title and body' '
    show reuters-90001 >out &&
    grep -q "^title: GRAIN TALKS & TARIFFS <XYZ> RESUME$" out &&
    grep -q "^places: United States, West Germany$" out &&
    grep -q "^people: James Baker$" out &&
    grep -q "Trade officials resumed grain talks" out && ! grep -q "<BODY>" out
'
test_expect_success 'Latin-1 text is shown as UTF-8' '
    show "$FIXTURES/broken/latin1.txt" >out && grep -q "^title: Café owners protest$" out &&
    grep -q "naïve" out
'
test_expect_failure_code 1 'an unknown id exits 1' '
    show no-such-article 2>err
'
test_expect_success '... with one line on stderr and nothing on stdout' '
    show no-such-article >out 2>err;
    ! test -s out && test "$(wc -l <err)" -eq 1 &&
    grep -q "^newsarc-search: error: no article with id or source .no-such-article.$" err
'
test_expect_failure_code 2 '--show takes no QUERY' '
    newsarc_search -d db --show fixture-wire-1 copper
'
test_expect_failure_code 2 '--show takes no --count' '
    newsarc_search -d db --show fixture-wire-1 --count
'
test_expect_failure_code 3 '--show with no database is a database error' '
    newsarc_search -d no-such.db --show fixture-wire-1
'

# Byte-exact round trips: what --raw prints must be what the parser saw.
test_expect_success '--raw: a Markdown file is the whole file' '
    show fixture-zurich-bank --raw >got && cmp got "$articles/zurich-bank.md" &&
    show fixture-lisbon-summit --raw >got && cmp got "$articles/lisbon-summit.md"
'
test_expect_success '--raw: a text file is the whole file' '
    show "$articles/harbour-plan.txt" --raw >got && cmp got "$articles/harbour-plan.txt" &&
    show "$articles/untitled-note.txt" --raw >got && cmp got "$articles/untitled-note.txt"
'
test_expect_success '--raw: a Latin-1 file keeps its bytes' '
    show "$FIXTURES/broken/latin1.txt" --raw >got && cmp got "$FIXTURES/broken/latin1.txt"
'
test_expect_success '--raw: a JSON Lines record is its line, without the newline' '
    sed -n 2p "$articles/wire.jsonl" | tr -d "\\n" >want &&
    show fixture-wire-2 --raw >got && cmp got want
'
test_expect_success '--raw: a YAML article is its document' '
    awk "/^---\$/ { n++ } n == 2" "$articles/briefs.yaml" >want &&
    show fixture-brief-2 --raw >got && cmp got want
'
test_expect_success '--raw: a Reuters article is its REUTERS element' '
    printf "%s" "$(awk "/NEWID=\"90001\"/ { on = 1 } on { print } on && /<\\/REUTERS>/ { exit }" \
        "$articles/newswire.sgm")" >want &&
    head -c 9 want | grep -q "^<REUTERS " &&
    show reuters-90001 --raw >got && cmp got want
'
test_expect_success '--raw ignores --format json: bytes, not JSON' '
    newsarc_search -d db --show fixture-zurich-bank --raw --format json >got &&
    cmp got "$articles/zurich-bank.md"
'
test_expect_success '--raw of an article indexed from standard input' '
    newsarc_index -d stdin.db - <"$articles/lisbon-summit.md" &&
    newsarc_search -d stdin.db --show fixture-lisbon-summit --raw >got &&
    cmp got "$articles/lisbon-summit.md"
'
test_expect_success '--show finds an article in the second of several databases' '
    newsarc_index -d part1 "$articles/wire.jsonl" &&
    newsarc_index -d part2 "$articles/newswire.sgm" "$articles/zurich-bank.md" &&
    newsarc_search -d part1 -d part2 --show fixture-zurich-bank --raw >got &&
    cmp got "$articles/zurich-bank.md" &&
    newsarc_search -d part1 -d part2 --show fixture-wire-2 >out &&
    grep -q "^title: Central bank keeps rates steady$" out
'

if [ "$have_python" = yes ]; then
test_expect_success '--show --format json: the metadata and the body in one object' '
    show fixture-lisbon-summit --format json >out.json &&
    test "$(wc -l <out.json)" -eq 1 &&
    python3 - out.json <<PY
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format_version"] == 1, d
assert d["id"] == "fixture-lisbon-summit" and d["title"] == "Ministers meet in Lisbon on fishing quotas", d
assert d["date"].startswith("2025-03-14"), d
assert d["authors"] == ["Inês Carvalho", "Tom Becker"], d
assert d["people"] == ["Tarcísio de Freitas", "Lee Jae-yong"], d
assert "United Kingdom" in d["places"] and d["orgs"] == ["European Union"], d
assert d["extra"]["desk"] == "europe", d
assert d["body"].startswith("LISBON, March 14 - Fisheries ministers met in Lisbon"), d
assert "---" not in d["body"], d
PY
'
test_expect_success '--show --format json of Latin-1 text is valid UTF-8' '
    show "$FIXTURES/broken/latin1.txt" --format json >out.json &&
    python3 -c "import json, sys; d = json.load(open(sys.argv[1])); assert \"Café\" in d[\"title\"] and \"naïve\" in d[\"body\"], d" out.json
'
else
test_skip 'JSON checks need python3 (Debian package python3)'
fi
test_done
