#!/bin/sh
# One normaliser for every name: supplied, extracted and query values meet
# in one canonical name (alias tables, then the gazetteers' places, case
# and accents aside); free text matches whatever its accents; authors are
# a field; topics go by readable names with the Reuters codes as aliases.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

mkdir in
# Supplied places: Kiev, Zurich, São Tomé and Príncipe; authors; topics
# as Reuters codes.
cat >in/wire.jsonl <<'JSON'
{"id": "n1", "title": "Grain corridor reopens", "date": "2024-03-04", "places": ["Kiev"], "authors": ["Jane Doe"], "topics": ["grain", "earn"], "body": "Ships left the port on Monday, officials said."}
{"id": "n2", "title": "Bank results", "date": "2024-03-05", "places": ["Zurich"], "authors": ["jane-doe", "Ólafur Grímsson"], "topics": ["acq", "earn"], "body": "The bank reported higher profit."}
{"id": "n3", "title": "Cocoa harvest", "date": "2024-03-06", "places": ["São Tomé and Príncipe"], "topics": ["cocoa"], "body": "Farmers expect a larger crop this year."}
JSON
# Extracted places: the dateline gives Kyiv and the canton of Zurich.
cat >in/kyiv-grain.txt <<'TXT'
Ukraine ships more grain

KYIV, March 7 (Reuters) - Ukraine shipped more grain from its Black Sea ports
in February than in any month since the war began, the agriculture ministry
said on Thursday.
TXT
cat >in/zurich-bank.txt <<'TXT'
Swiss bank cuts jobs

ZURICH, March 8 (Reuters) - A Swiss bank said on Friday it would cut 300 jobs
in its home market as it merges two of its divisions.
TXT
# Free text with accents, the name far enough in for the snippet to have
# to look for it.
cat >in/iceland.txt <<'TXT'
Former president speaks on fishing quotas

REYKJAVIK, March 9 (Reuters) - The debate over fishing quotas went on in
parliament this week, with members from every party taking part and the
coastal towns sending letters by the hundred to their representatives, who
read many of them aloud; the ministry of fisheries published its own figures
on the catch, the fleet and the prices paid at the harbour markets, and the
unions answered with theirs, which differed on almost every line of the table.
Ólafur Ragnar Grímsson said the quotas should be set for ten years at a time.
TXT

newsarc_index -d db in 2>err || { cat err; exit 1; }

count() { newsarc_search -d db --count "$@"; }

test_expect_success 'supplied Kiev and extracted Kyiv are one place, Kyiv' '
    test "$(count place:Kiev)" = 2 &&
    test "$(count place:Kyiv)" = 2 &&
    test "$(count place:KYIV)" = 2 &&
    newsarc_search -d db --limit 0 --facet place --facet-size 0 "" >out &&
    grep -q "^  2  Kyiv$" out && ! grep -q "Kiev" out
'
test_expect_success 'place:Zürich and place:Zurich find the tag and the dateline read as the canton' '
    test "$(count place:Zürich)" = 2 &&
    test "$(count place:Zurich)" = 2 &&
    test "$(count place:ZURICH)" = 2 &&
    test "$(newsarc_search -d db --count --filter place=zurich "")" = 2 &&
    newsarc_search -d db --limit 0 --facet place --facet-size 0 "" >out &&
    grep -q "^  2  Zürich$" out && test "$(grep -ci "  zurich$" out)" = 0
'
test_expect_success 'place:"Sao Tome and Principe" finds the supplied São Tomé and Príncipe' '
    test "$(count "place:\"Sao Tome and Principe\"")" = 1 &&
    test "$(count "place:\"São Tomé and Príncipe\"")" = 1 &&
    test "$(newsarc_search -d db --count --filter "place=sao tome and principe" "")" = 1
'
test_expect_success 'the facet value as printed filters to its count' '
    test "$(newsarc_search -d db --count --filter place=Kyiv "")" = 2 &&
    test "$(newsarc_search -d db --count --filter place=Zürich "")" = 2
'
test_expect_success 'free text ignores accents: grimsson finds Grímsson' '
    test "$(count grimsson)" = 1 &&
    test "$(count Grímsson)" = 1 &&
    test "$(count GRÍMSSON)" = 1 &&
    test "$(count "olafur AND grimsson")" = 1 &&
    test "$(count "title:cocoa NOT grimsson")" = 1
'
test_expect_success 'phrases match either way' '
    test "$(count "\"Grímsson said\"")" = 1 &&
    test "$(count "\"grimsson said\"")" = 1 &&
    test "$(count "\"Ólafur Ragnar Grímsson\"")" = 1 &&
    test "$(count "\"grimsson ragnar\"")" = 0
'
test_expect_success 'the snippet is found around the folded word and keeps the original spelling' '
    newsarc_search -d db --format json grimsson >out.json &&
    grep -q "Ólafur Ragnar Grímsson said" out.json
'
if command -v script >/dev/null 2>&1; then
test_expect_success 'the snippet highlights the original spelling on a terminal' '
    TERM=xterm NO_COLOR= script -qec "$top_builddir/search/newsarc-search -c $CONFIG -d db grimsson" /dev/null >tty &&
    grep -q "$(printf "\\033\\[1mGrímsson\\033\\[0m")" tty
'
else
test_skip 'the snippet highlights the original spelling on a terminal (no script command)'
fi
test_expect_success 'author: and --filter author= match authors, normalised like people' '
    test "$(count "author:\"Jane Doe\"")" = 2 &&
    test "$(count author:jane-doe)" = 2 &&
    test "$(count "author:\"ólafur grímsson\"")" = 1 &&
    test "$(newsarc_search -d db --count --filter "author=JANE DOE" "")" = 2 &&
    test "$(count "person:\"Jane Doe\"")" = 0
'
test_expect_success 'the author facet counts each author once' '
    newsarc_search -d db --limit 0 --facet author "" >out &&
    grep -q "^author:$" out &&
    grep -q "^  2  Jane Doe$" out && grep -q "^  1  Ólafur Grímsson$" out
'
test_expect_success 'topic facets show readable names' '
    newsarc_search -d db --limit 0 --facet topic --facet-size 0 "" >out &&
    grep -q "^  2  Earnings$" out &&
    grep -q "^  1  Mergers and acquisitions$" out &&
    grep -q "^  1  Cocoa$" out && grep -q "^  1  Grain$" out &&
    ! grep -q "  earn$" out
'
test_expect_success 'Reuters topic codes still work in queries and filters' '
    test "$(count topic:earn)" = 2 &&
    test "$(count topic:Earnings)" = 2 &&
    test "$(count topic:acq)" = 1 &&
    test "$(count "topic:\"mergers and acquisitions\"")" = 1 &&
    test "$(newsarc_search -d db --count --filter topic=earn "")" = 2
'
test_expect_success 'stopwords are folded as the words they stop are' '
    sed "s/^stopwords: .*/stopwords: [déjà, the]/; /^            in, is/d; /^            which, will/d" \
        "$CONFIG" >stop.yaml &&
    grep -q "^stopwords: \[déjà, the\]$" stop.yaml &&
    run_prog "$top_builddir/search/newsarc-search" -c stop.yaml -d db -v "Déjà vu grimsson" 2>err >/dev/null &&
    grep -q "query: .*Zvu" err && ! grep -qi "deja" err
'
test_expect_success 'an unknown field value in the query is still an error with its column' '
    newsarc_search -d db "grimsson date:2024-13" 2>err; test $? = 2 &&
    grep -q "column 10" err
'
test_done
