#!/bin/sh
# Extraction end to end: plain-text wire stories with no metadata are
# indexed with the people, places, organisations and dates found in them,
# found by person:, place:, org: and mentioned:, counted by facets, shown
# apart from supplied values, and printed by --extract-only with byte
# offsets into the files.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

# The fixtures' dates come from their datelines, with the year of the
# file's time; copies get a known one.
mkdir news &&
cp "$FIXTURES"/extract/*.txt news/ &&
touch -d "2025-06-20 12:00:00" news/*.txt

search() { newsarc_search -d db "$@"; }
# The files the matching articles were read from, by name.
ids() { newsarc_search -d db --format json --limit 50 "$@" | python3 -c '
import json, os, sys
print("\n".join(sorted(os.path.basename(r["sources"][0]) for r in json.load(sys.stdin)["results"])))'; }

if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 is needed to read the JSON output"
    exit 0
fi

test_expect_success 'plain-text articles index with extraction by default' '
    newsarc_index -d db news 2>err && ! test -s err
'
test_expect_success 'person: finds a person named only in the text, titles dropped' '
    ids "person:\"Guy Parmelin\"" >out &&
    test_cmp out <<EOF
geneva-trade-talks.txt
EOF
'
test_expect_success 'person: Mr Huang is Jensen Huang; Lee Jae-yong keeps his hyphen' '
    ids "person:\"Jensen Huang\" person:\"Lee Jae-yong\"" >out &&
    test_cmp out <<EOF
seoul-chip-deal.txt
EOF
'
test_expect_success 'place: the dateline city, and its country' '
    ids "place:Geneva" >out && echo geneva-trade-talks.txt | test_cmp out &&
    ids "place:Switzerland" >out && echo geneva-trade-talks.txt | test_cmp out &&
    ids "place:\"South Korea\"" >out && echo seoul-chip-deal.txt | test_cmp out
'
test_expect_success 'place: Georgia beside Tbilisi is the country, beside Atlanta the US state' '
    ids "place:Georgia" >out && echo tbilisi-protests.txt | test_cmp out &&
    ids "place:\"Georgia, United States\"" >out && echo atlanta-election.txt | test_cmp out &&
    ids "place:US" >out && echo atlanta-election.txt | test_cmp out
'
test_expect_success 'org: legal suffixes dropped' '
    ids "org:\"Samsung Electronics\" org:Nvidia" >out && echo seoul-chip-deal.txt | test_cmp out &&
    ids "org:Nestle" >out && echo geneva-trade-talks.txt | test_cmp out
'
test_expect_success 'date: the dateline date with the year of the file' '
    ids "date:2025-06-12" >out && echo geneva-trade-talks.txt | test_cmp out &&
    ids "date:2025-06-08..2025-06-11" >out &&
    test_cmp out <<EOF
atlanta-election.txt
seoul-chip-deal.txt
tbilisi-protests.txt
EOF
'
test_expect_success 'mentioned: months, quarters and days resolved against the date' '
    ids "mentioned:2025-05" >out &&
    test_cmp out <<EOF &&
geneva-trade-talks.txt
tbilisi-protests.txt
EOF
    ids "mentioned:2025-Q1" >out &&
    test_cmp out <<EOF &&
geneva-trade-talks.txt
seoul-chip-deal.txt
EOF
    ids "mentioned:2025-06-09" >out && echo seoul-chip-deal.txt | test_cmp out &&
    ids "mentioned:2025-06-11" >out && echo atlanta-election.txt | test_cmp out
'
test_expect_success 'mentioned: a month finds the days in it; ranges work' '
    ids "mentioned:2025-06" >out &&
    test_cmp out <<EOF
atlanta-election.txt
geneva-trade-talks.txt
seoul-chip-deal.txt
tbilisi-protests.txt
EOF
    ids "mentioned:2025-05..2025-07" >out2 && diff out out2
'
test_expect_success 'date: and --filter take quarters and mentioned periods too' '
    ids "date:2025-Q2" >out &&
    test_cmp out <<EOF &&
atlanta-election.txt
geneva-trade-talks.txt
seoul-chip-deal.txt
tbilisi-protests.txt
EOF
    ids "date:2025-Q1" >out && test_cmp out </dev/null &&
    ids --filter mentioned=2025-07 "" >out && echo seoul-chip-deal.txt | test_cmp out
'
test_expect_failure_code 2 'mentioned: with a bad value is a query error' '
    search "mentioned:2025-13"
'
test_expect_success 'facets count extracted values' '
    search --limit 0 --facet place --facet-size 50 "" >out &&
    grep "^  1  Geneva$" out && grep "^  1  Georgia$" out && grep "^  1  United States$" out &&
    search --limit 0 --facet mentioned --facet-size 50 "" >out &&
    grep "^  2  2025-05$" out && grep "^  4  2025-06$" out
'
test_expect_success 'the JSON output says which values were extracted' '
    id=$(search --show news/seoul-chip-deal.txt | sed -n "s/^id: //p") &&
    search --format json "id:$id" >out &&
    python3 -c "
import json, sys
r = json.load(open(\"out\"))[\"results\"][0]
assert \"Jensen Huang\" in r[\"people\"], r
assert \"Jensen Huang\" in r[\"extracted\"][\"people\"], r
assert r[\"date_source\"] == \"dateline\", r
"
'
test_expect_success 'supplied values are kept and marked apart from extracted ones (auto)' '
    cat >tagged.jsonl <<EOF
{"id": "tagged", "date": "2025-06-12", "places": ["Oslo"], "body": "Angela Merkel visited Paris in May."}
EOF
    newsarc_index -d db2 tagged.jsonl &&
    newsarc_search -d db2 --format json "id:tagged" >out &&
    python3 -c "
import json
r = json.load(open(\"out\"))[\"results\"][0]
assert r[\"places\"] == [\"Oslo\"], r
assert \"Angela Merkel\" in r[\"people\"] and r[\"extracted\"][\"people\"] == [\"Angela Merkel\"], r
assert r[\"extracted\"][\"places\"] == [] and r[\"date_source\"] == \"source\", r
"
'
test_expect_success '--extract always adds to supplied values; never adds nothing' '
    newsarc_index -d db3 --extract always tagged.jsonl &&
    newsarc_search -d db3 --count "place:Paris" >out && echo 1 | test_cmp out &&
    newsarc_index -d db4 --extract never tagged.jsonl &&
    newsarc_search -d db4 --count "person:\"Angela Merkel\"" >out && echo 0 | test_cmp out
'
test_expect_success 'per-field modes in the configuration' '
    sed -e "s/^extract: auto/extract: {people: never, places: always}/" \
        -e "s|: aliases/|: $top_srcdir/config/aliases/|" \
        -e "s|^ner_model: |ner_model: $top_srcdir/config/|" \
        -e "s|^gazetteer: |gazetteer: $top_srcdir/config/|" "$CONFIG" >cfg.yaml &&
    run_prog "$top_builddir/indexer/newsarc-index" -c cfg.yaml -d db5 tagged.jsonl &&
    newsarc_search -d db5 --count "place:Paris" >out && echo 1 | test_cmp out &&
    newsarc_search -d db5 --count "person:\"Angela Merkel\"" >out && echo 0 | test_cmp out
'
test_expect_success '--extract-only prints one JSON object per article, touching no database' '
    newsarc_index --extract-only news/seoul-chip-deal.txt >out &&
    ! test -e newsarc.db &&
    test "$(wc -l <out)" -eq 1 &&
    python3 - out news/seoul-chip-deal.txt <<EOF
import json, sys
r = json.loads(open(sys.argv[1]).read())
raw = open(sys.argv[2], "rb").read()
for key in ("id", "title", "date", "date_source", "people", "places", "orgs", "mentioned", "spans", "sources"):
    assert key in r, key
assert r["id"].startswith("d-") and r["sources"][0].endswith("/news/seoul-chip-deal.txt"), r
assert r["date"] == "2025-06-10" and r["date_source"] == "dateline", r
assert "Lee Jae-yong" in r["people"] and "Samsung Electronics" in r["orgs"], r
assert "2025-06-09" in r["mentioned"], r
types = set()
for s in r["spans"]:
    assert raw[s["start"]:s["end"]].decode() == s["text"], s
    types.add(s["type"])
assert types == {"person", "place", "org", "date"}, types
EOF
'
test_expect_success '--extract-only places spans in the original bytes of other formats' '
    newsarc_index --extract-only tagged.jsonl >out &&
    python3 - out tagged.jsonl <<EOF
import json, sys
r = json.loads(open(sys.argv[1]).read())
line = open(sys.argv[2], "rb").read()
merkel = [s for s in r["spans"] if s["value"] == "Angela Merkel"][0]
assert line[merkel["start"]:merkel["end"]] == b"Angela Merkel", merkel
EOF
'
test_expect_success '--extract-only survives hostile input' '
    : >empty.txt &&
    printf "no capitals here at all, said the man.\n" >lower.txt &&
    printf "PRESIDENT REAGAN TOLD CONGRESS THAT JAPAN MUST ACT\n" >caps.txt &&
    printf "Bad \377\376 bytes from Angela Merkel in Paris.\n" >invalid.txt &&
    python3 -c "print(\"Olaf Scholz met Emmanuel Macron in Berlin. \" * 60000)" >long.txt &&
    newsarc_index --extract-only empty.txt lower.txt caps.txt invalid.txt long.txt >out 2>err;
    test $? -eq 1 && grep -q "empty.txt: error: empty file" err &&
    test "$(wc -l <out)" -eq 4 &&
    python3 -c "
import json
for line in open(\"out\"):
    json.loads(line)
"
'
test_expect_failure_code 2 '--extract-only with --stats is a usage error' '
    newsarc_index --extract-only --stats news
'
test_expect_failure_code 2 'a missing model is a configuration error naming it' '
    printf "ner_model: /nonexistent/ner.model\n" >bad.yaml &&
    run_prog "$top_builddir/indexer/newsarc-index" -c bad.yaml -d db6 news 2>err;
    status=$?; cat err; grep -q "/nonexistent/ner.model" err && exit $status
'
test_expect_success '... but --extract never does not need it' '
    run_prog "$top_builddir/indexer/newsarc-index" -c bad.yaml -d db6 --extract never news
'

test_done
