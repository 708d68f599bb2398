#!/bin/sh
# The whole Reuters-21578 collection, checked against its own tags: the
# article count, filters, facet counts, a date range and the byte-exact
# round trip of sampled articles.  Reads ../shared/corpus; skips without it.
# The index is the one the Reuters tests share (tests/reuters-db).
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/reuters-db"

reuters=$REUTERS
test -f "$reuters/reut2-000.sgm" ||
    skip_all "Reuters-21578 not found at $reuters (the shared corpus folder)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (Debian package python3)"

shared=$(reuters_db) && ln -s "$shared" db
test_expect_success 'the whole collection indexes without a rejected article' '
    test -d db && reuters_db_err err && ! test -s err
'
test_expect_success 'every one of the 21,578 articles is there' '
    test "$(newsarc_search -d db --count "")" = 21578
'

# Expected figures, computed from the SGML with a separate reader.
python3 - "$reuters" >expected <<'PY' || exit 1
import glob, re, sys
from collections import Counter
tag = {t: re.compile(rb"<%s>(.*?)</%s>" % (t, t), re.S) for t in (b"PLACES", b"PEOPLE", b"ORGS", b"TOPICS")}
d = re.compile(rb"<D>(.*?)</D>")
date = re.compile(rb"<DATE>\s*(\d+)-([A-Z]{3})-(\d{4})")
counts = Counter(); pair = Counter(); earn_places = Counter(); march = 0
for f in sorted(glob.glob(sys.argv[1] + "/reut2-*.sgm")):
    data = open(f, "rb").read()
    for art in re.findall(rb"<REUTERS.*?</REUTERS>", data, re.S):
        codes = {}
        for t, rx in tag.items():
            m = rx.search(art)
            codes[t] = set(x.decode() for x in d.findall(m.group(1))) if m else set()
        for t, cs in codes.items():
            for c in cs:
                counts[(t.decode().lower(), c)] += 1
        if "usa" in codes[b"PLACES"] and "earn" in codes[b"TOPICS"]:
            pair["usa+earn"] += 1
        if "earn" in codes[b"TOPICS"]:
            for c in codes[b"PLACES"]:
                earn_places[c] += 1
        m = date.search(art)
        if m and m.group(2) == b"MAR":
            march += 1
for field, code in [("places", "usa"), ("places", "uk"), ("places", "japan"), ("places", "west-germany"),
                    ("people", "reagan"), ("people", "james-baker"), ("orgs", "opec"), ("orgs", "imf"),
                    ("topics", "earn"), ("topics", "crude"), ("topics", "money-fx")]:
    print("count", field, code, counts[(field, code)])
print("pair", pair["usa+earn"])
print("march", march)
for code, n in earn_places.most_common(5):
    print("earnplace", code, n)
PY

field_name() {
    case $1 in places) echo place ;; people) echo person ;; orgs) echo org ;; topics) echo topic ;; esac
}

while read -r kind field code want; do
    [ "$kind" = count ] || continue
    f=$(field_name "$field")
    test_expect_success "$f:$code finds the $want articles tagged $code" "
        test \"\$(newsarc_search -d db --count '$f:$code')\" = $want
    "
done <expected

want=$(awk '$1 == "pair" {print $2}' expected)
test_expect_success "--filter place=usa --filter topic=earn finds the $want tagged both" "
    test \"\$(newsarc_search -d db --count --filter place=usa --filter topic=earn '')\" = $want
"
want=$(awk '$1 == "march" {print $2}' expected)
test_expect_success "date:1987-03 and date:1987-03-01..1987-03-31 find the $want March articles" "
    test \"\$(newsarc_search -d db --count 'date:1987-03')\" = $want &&
    test \"\$(newsarc_search -d db --count 'date:1987-03-01..1987-03-31')\" = $want
"
test_expect_success 'facet counts of places among earn articles match the tags' '
    newsarc_search -d db --format json --limit 0 --facet place --facet-size 5 "topic:earn" >facets.json &&
    python3 - facets.json expected <<PY
import json, sys
got = [(f["value"], f["count"]) for f in json.load(open(sys.argv[1]))["facets"]["place"]]
want = [int(l.split()[2]) for l in open(sys.argv[2]) if l.startswith("earnplace")]
assert [c for _, c in got] == want, (got, want)
PY
'

# Byte-exact round trip: articles from the start, middle and end, and the
# one article with a byte above 127.
python3 - "$reuters" <<'PY' || exit 1
import re, sys
for name, newid in [("000", 1), ("005", 5555), ("013", 13500), ("017", None), ("021", 21578)]:
    data = open("%s/reut2-%s.sgm" % (sys.argv[1], name), "rb").read()
    for art in re.findall(rb"<REUTERS.*?</REUTERS>", data, re.S):
        nid = int(re.search(rb'NEWID="(\d+)"', art).group(1))
        if (newid is None and any(b > 127 for b in art)) or nid == newid:
            open("article-%d.sgm" % nid, "wb").write(art)
            break
PY
for f in article-*.sgm; do
    id=${f#article-}
    id=${id%.sgm}
    test_expect_success "reuters-$id comes back byte-exact" "
        newsarc_search -d db --show reuters-$id --raw >got-$id &&
        cmp got-$id $f
    "
done
test_expect_success 'stored article bytes are at most 35% of the raw bytes' '
    newsarc_index -d db --stats --format json >stats.json &&
    python3 -c "import json; s = json.load(open(\"stats.json\")); print(s); assert s[\"articles\"] == 21578; assert s[\"stored_bytes\"] <= 0.35 * s[\"raw_bytes\"]"
'
test_done
