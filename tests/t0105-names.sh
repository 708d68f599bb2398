#!/bin/sh
# Names an article is about kept apart from names it only mentions:
# --extract-only and the stored metadata list every name (names: type,
# name, count, first, salient); the place facet counts only the places
# an article is about, and mentions:NAME finds an article naming NAME
# anywhere, normalised as the fields are.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 is needed to read the JSON output"
    exit 0
fi

mkdir news
# Lagos is the dateline; Accra is named once in passing, deep in the story.
cat >news/lagos-port.txt <<'EOF'
Port strike halts cargo in Lagos

LAGOS, June 9 - Dock workers at the main port of Lagos stopped work on
Monday over unpaid wages, the Nigerian Ports Authority said.

The strike left dozens of ships waiting offshore. Traders said some
cargo had been sent on to other ports in the region, and one shipping
agent said two vessels had already turned towards Accra.

The Nigerian Ports Authority said talks with the union would go on.
EOF
cat >news/geneva-talks.txt <<'EOF'
Trade talks resume in Geneva

GENEVA, June 9 - Negotiators met again at the World Trade Organization
on Monday, officials said, after a week of delays.
EOF
touch -d "2025-06-20 12:00:00" news/*.txt

test_expect_success '--extract-only lists every name with count, first and salient' '
    newsarc_index --extract-only news/lagos-port.txt >out &&
    python3 - out <<PY
import json, sys
r = json.loads(open(sys.argv[1]).read())
names = {(n["type"], n["name"]): n for n in r["names"]}
raw = open("news/lagos-port.txt", "rb").read()
lagos = names[("place", "Lagos")]
assert lagos["salient"] and lagos["count"] >= 2, lagos
assert raw[lagos["first"]:lagos["first"] + 5].lower() == b"lagos", lagos
accra = names[("place", "Accra")]
assert not accra["salient"] and accra["count"] == 1, accra
assert raw[accra["first"]:accra["first"] + 5] == b"Accra", accra
assert "Accra" not in r["places"], r["places"]
assert all(n["type"] in ("person", "place", "org") for n in r["names"])
firsts = [n["first"] for n in r["names"]]
assert firsts == sorted(firsts), firsts
PY
'
test_expect_success 'the articles index' '
    newsarc_index -q -d db news
'
if command -v xapian-delve >/dev/null 2>&1; then
    test_expect_success 'the stored metadata keeps the names under extracted' '
        for r in 1 2; do xapian-delve -d db -r $r -d; done >data &&
        grep -a -q "\"extracted\":{[^}]*\"names\":\[" data &&
        grep -a -q "{\"type\":\"place\",\"name\":\"Accra\",\"count\":1,\"first\":[0-9]*,\"salient\":false}" data
    '
fi
test_expect_success '--show prints every name, salient ones marked, in text' '
    id=$(newsarc_search -d db --format json "mentions:Accra" |
         python3 -c "import json, sys; print(json.load(sys.stdin)[\"results\"][0][\"id\"])") &&
    newsarc_search -d db --show "$id" >show &&
    grep -q "^name: place Accra (1)\$" show &&
    grep -q "^name: place Lagos ([0-9]*) \*\$" show
'
test_expect_success '--show in JSON carries extracted.names; results leave them out' '
    newsarc_search -d db --format json "mentions:Accra" >results.json &&
    id=$(python3 -c "import json, sys; print(json.load(sys.stdin)[\"results\"][0][\"id\"])" <results.json) &&
    newsarc_search -d db --format json --show "$id" >show.json &&
    "$top_srcdir/tests/json-validate" "$top_srcdir/doc/newsarc-json.schema.json" show.json results.json &&
    python3 - show.json results.json <<PY
import json, sys
raw = open("news/lagos-port.txt", "rb").read()
assert "names" not in json.load(open(sys.argv[2]))["results"][0]["extracted"]
for path, get in ((sys.argv[1], lambda d: d),):
    names = {(n["type"], n["name"]): n for n in get(json.load(open(path)))["extracted"]["names"]}
    accra = names[("place", "Accra")]
    assert accra["count"] == 1 and not accra["salient"], accra
    assert raw[accra["first"]:accra["first"] + 5] == b"Accra", accra
    assert names[("place", "Lagos")]["salient"], names
PY
'
test_expect_success 'mentions: finds a place named only in passing; place: does not' '
    test "$(newsarc_search -d db --count "mentions:Accra")" = 1 &&
    test "$(newsarc_search -d db --count "place:Accra")" = 0
'
test_expect_success 'mentions: is normalised as the fields are' '
    test "$(newsarc_search -d db --count "mentions:accra")" = 1 &&
    test "$(newsarc_search -d db --count "mentions:\"nigerian ports authority\"")" = 1 &&
    test "$(newsarc_search -d db --count "mentions:Geneva")" = 1
'
test_expect_success 'the place facet counts the places an article is about only' '
    newsarc_search -d db --limit 0 --facet place --facet-size 0 "" >out &&
    grep -q "Lagos" out && ! grep -q "Accra" out
'
test_done
