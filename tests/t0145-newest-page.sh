#!/bin/sh
# The page of a query of filters alone (every match weighs 0) is its
# newest matches, which the engine looks for among the newest articles
# first, by their date terms, taking in more until the page fills.  Each
# page must be exactly the one a full sort gives: the reverse of the
# oldest-first order, which sorts every match.  The articles come in no
# date order, over several years, with dates to the day, to the month and
# to the year, and some undated.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

# ids QUERY ARGS...: the ids of the page, one a line.
ids() {
    q=$1
    shift
    newsarc_search -d db --format jsonl "$@" -- "$q" | sed -n 's/^{"id": *"\([^"]*\)".*/\1/p'
}

# every_page QUERY LIMIT [SORT [FIRST]]: each page of LIMIT from every
# offset, newest first (by relevance, the default, or --sort SORT), is
# the same part of the oldest-first list read backwards, after the ids
# in the file FIRST (those that weigh more, newest first).
every_page() {
    ids "$1" --limit 100 --sort oldest >oldest &&
    total=$(wc -l <oldest) &&
    test "$total" -gt 0 &&
    { cat ${4:-/dev/null} &&
      awk '{ l[NR] = $0 } END { for (i = NR; i > 0; i--) print l[i] }' oldest | grep -v -x -f ${4:-/dev/null}; } >newest &&
    o=0 &&
    while [ "$o" -lt "$total" ]; do
        sed -n "$((o + 1)),$((o + $2))p" newest >expect &&
        ids "$1" --offset "$o" --limit "$2" --sort "${3:-relevance}" >got &&
        diff -u expect got || return 1
        o=$((o + 1))
    done
}

mkdir in
# 96 articles: article N gets a date scattered by N * 37 mod 96 over
# 2019..2022, to the day for most, to the month (every 7th) or the year (every 5th),
# none for a few; topic "t" for all, "u" for every third, place "p" for
# those of 2021 and the odd ones; the same text for all but every 17th,
# which says "grain" twice.
awk 'BEGIN {
    for (n = 1; n <= 96; n++) {
        k = (n * 37) % 96
        y = 2019 + int(k / 24); m = 1 + int((k % 24) / 2); d = 1 + (k * 7) % 28
        if (n % 11 == 0) date = ""
        else if (n % 7 == 0) date = sprintf("\"date\": \"%04d-%02d\", ", y, m)
        else if (n % 5 == 0) date = sprintf("\"date\": \"%04d\", ", y)
        else date = sprintf("\"date\": \"%04d-%02d-%02d\", ", y, m, d)
        topics = (n % 3 == 0) ? "[\"t\", \"u\"]" : "[\"t\"]"
        places = (y == 2021 || n % 2) ? "[\"p\"]" : "[]"
        body = (n % 17 == 0) ? "Grain grain exports rose." : "Grain exports rose."
        printf "{\"id\": \"a%02d\", \"title\": \"Article %d\", %s\"topics\": %s, \"places\": %s, \"body\": \"%s\"}\n", n, n, date, topics, places, body
    }
}' >in/articles.jsonl
newsarc_index -q -d db --extract never in/articles.jsonl || exit 1

test_expect_success 'a filter on every article: each page as the full sort gives it' '
    every_page topic:t 3 &&
    every_page topic:t 10 newest
'

test_expect_success 'a filter on some of them' '
    every_page topic:u 2 &&
    every_page "topic:u place:p" 4 &&
    every_page "place:p -topic:u" 10
'

test_expect_success 'a filter on old articles only, where the newest hold no match' '
    every_page date:2019 3 &&
    every_page date:2019-03..2020-02 5 &&
    every_page "place:p date:2021" 10
'

# Words weigh every article alike but those five: equal scores fall to
# the date, newest first, within a page and across its end (a85 is dated
# 2022, a51 2021-08-22, a17 2021-03-08, a68 2019-11-01, a34 2019-06-15).
test_expect_success 'equal scores of words: each page as the full sort gives it' '
    ids grain --limit 5 >top &&
    test_cmp top <<-EOF &&
	a85
	a51
	a17
	a68
	a34
	EOF
    every_page grain 3 relevance top &&
    every_page grain 10 relevance top
'

test_expect_success 'the last page holds the oldest and the undated' '
    ids topic:t --offset 85 --limit 20 >last &&
    grep -q "^a88$" last &&
    grep -q "^a11$" last
'

test_expect_success 'the total and facets are those of the whole query' '
    newsarc_search -d db --count topic:u >count &&
    echo 32 | test_cmp count &&
    newsarc_search -d db --format json --facet year topic:u >page.json &&
    grep -q "\"total\": 32" page.json
'

test_done
