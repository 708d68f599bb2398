#!/bin/sh
# The facet invariant on the Reuters-21578 archive indexed with the
# default settings (extraction auto): for the top values of every facet,
# --filter NAME=VALUE with the value as printed matches exactly as many
# articles as the facet printed, alone, under a query, and with another
# facet filtered too (whose filter does not narrow its own counts).
# Reads ../shared/corpus; skips without it.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

reuters=$SHARED_CORPUS/reuters21578
test -f "$reuters/reut2-000.sgm" ||
    skip_all "Reuters-21578 not found at $reuters (the shared corpus folder)"

# Values checked per facet: the most frequent ones.
TOP=5
FACET_SIZE=$TOP


test_expect_success 'the whole collection indexes with the default settings' '
    newsarc_index -q -d db "$reuters"/reut2-*.sgm 2>err
'

# NAME FIELD pairs: every facet, mentioned at each grain.
facets="person:person place:place org:org topic:topic source:source year:year month:month day:day
mentioned:mentioned mentioned:year:mentioned mentioned:quarter:mentioned mentioned:month:mentioned
mentioned:day:mentioned"

for pair in $facets; do
    name=${pair%:*} field=${pair##*:}
    test_expect_success "$name: each top value filters exactly its count" '
        check_invariant "$name" "$field" -d db ""
    '
    test_expect_success "$name: ... under a query" '
        check_invariant "$name" "$field" -d db oil
    '
    # Another facet filtered by its top value: the place, or the topic
    # for place itself.
    other=place
    test "$field" = place && other=topic
    test_expect_success "$name: ... with $other filtered too, and its own facet filtered" '
        top=$(facet_lines $other -d db "" | sed -n "1s/^[0-9]* //p") &&
        test -n "$top" &&
        check_invariant "$name" "$field" -d db --filter "$other=$top" "" &&
        own=$(facet_lines "$name" -d db "" | sed -n "1s/^[0-9]* //p") &&
        test -n "$own" &&
        facet_lines "$name" -d db --filter "$other=$top" "" >plain &&
        facet_lines "$name" -d db --filter "$other=$top" --filter "$field=$own" "" >own &&
        diff plain own
    '
done

for name in person place org topic source; do
    test_expect_success "$name: no two values differ only in case (Ecu, ECU)" '
        newsarc_search -d db --limit 0 --facet-size 0 --facet $name "" |
            sed -n "s/^ *[0-9][0-9]*  //p" | tr "[:upper:]" "[:lower:]" | sort | uniq -d >dups &&
        { ! test -s dups || { cat dups; false; }; }
    '
done

# The time budget: a search past it says so, and its counts are then
# lower bounds; within it, the answer is complete.  (Every document's
# facets come from term frequencies, within any budget: the query here
# matches all of them but is counted match by match.)
printf "time_budget_ms: 1\n" >budget.yaml
test_expect_success 'past the time budget the answer is marked incomplete' '
    newsarc_search -d db -c budget.yaml --format json --limit 0 --facet place --facet person --facet org "NOT zzqqxx" >cut.json &&
    newsarc_search -d db --format json --limit 0 --facet place --facet person --facet org "NOT zzqqxx" >full.json &&
    python3 -c "
import json
cut = json.load(open(\"cut.json\")); full = json.load(open(\"full.json\"))
assert full[\"complete\"] is True and cut[\"complete\"] is False, (full[\"complete\"], cut[\"complete\"])
assert cut[\"total\"] <= full[\"total\"]
for name, values in cut[\"facets\"].items():
    whole = {v[\"value\"]: v[\"count\"] for v in full[\"facets\"][name]}
    assert all(v[\"count\"] <= whole.get(v[\"value\"], v[\"count\"]) for v in values)"
'

# The archive's facets show names: at most 3 of the top 100 values of
# each of person, org and place are not a name of that type (or are a
# broken or duplicate form of one), by the lists labelled by hand in
# tests/facet-labels/; a value not labelled yet fails until someone does.
if command -v python3 >/dev/null 2>&1; then
    test_expect_success 'person, org, place: the top 100 values are names of their type' '
        python3 "$top_srcdir/tests/eval/extract-eval" --only facets --facets db --check \
            --config "$CONFIG" --search "$top_builddir/search/newsarc-search" \
            --labels "$top_srcdir/tests/facet-labels" >out 2>&1;
        status=$?; cat out; exit $status
    '
fi
test_done
