#!/bin/sh
# Publication dates: every form a source writes is read at its precision,
# an unreadable one is a warning and leaves the article undated (never the
# file's time), date: queries, ranges, facets and --sort agree with the
# precision, and a dateline fills in only the day a coarser date lacks.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

count() { newsarc_search -d db --count "$@"; }
# shown ID FIELD: the value of "FIELD:" in --show's text output.
shown() { newsarc_search -d db --show "$1" | sed -n "s/^$2: //p"; }

mkdir in
cat >in/dates.jsonl <<'EOF'
{"id":"d-month","title":"Month precise","date":"2023-03","body":"Grain exports rose."}
{"id":"d-year","title":"Year precise","date":"2023","body":"Grain exports rose."}
{"id":"d-words","title":"Words","date":"March 5, 2023","body":"Grain exports rose."}
{"id":"d-slashes","title":"Slashes","date":"2023/03/05","body":"Grain exports rose."}
{"id":"d-basic","title":"Basic form","date":"20230305","body":"Grain exports rose."}
{"id":"d-impossible","title":"Impossible","date":"2023-02-30","body":"Grain exports rose."}
{"id":"d-words-bad","title":"Not a date","date":"not a date","body":"Grain exports rose."}
{"id":"d-offset","title":"Offset","date":"2023-03-05T23:30:00-05:00","body":"Grain exports rose."}
{"id":"d-feed","title":"Feed","date":"Wed, 01 Mar 2023 00:15:00 +0100","body":"Grain exports rose."}
{"id":"d-ambiguous","title":"Ambiguous","date":"03/05/2023","body":"Grain exports rose."}
EOF
cat >in/lagos-month.md <<'EOF'
---
id: lagos-month
title: Fuel queues in Lagos
date: 2023-03
---
LAGOS, March 2 (Reuters) - Queues formed at filling stations.
EOF
cat >in/lagos-day.md <<'EOF'
---
id: lagos-day
title: Fuel queues again
date: 2023-03-05
---
LAGOS, March 2 (Reuters) - Queues formed at filling stations.
EOF
cat >in/lagos-field.yaml <<'EOF'
id: lagos-field
title: Fuel queues, third day
date: "2023"
dateline: LAGOS, March 4
body: Queues formed at filling stations.
EOF
cat >in/lagos-undated.md <<'EOF'
---
id: lagos-undated
title: Fuel queues, no date
---
LAGOS, March 2 - Queues formed at filling stations.
EOF
cat >in/plain-undated.md <<'EOF'
---
id: plain-undated
title: No date at all
---
Queues formed at filling stations.
EOF
touch -d '2026-01-15 12:00:00' in/*

test_expect_success 'unreadable dates are warnings and the run exits 0' '
    newsarc_index -d db in 2>err &&
    test "$(count "")" = 15
'
test_expect_success 'each warning names file, line and value' '
    grep -q "^newsarc-index: .*in/dates.jsonl:6: warning: cannot read the date .2023-02-30.; the article is indexed undated$" err &&
    grep -q "^newsarc-index: .*in/dates.jsonl:7: warning: cannot read the date .not a date.; " err &&
    grep -q "^newsarc-index: .*in/dates.jsonl:10: warning: cannot read the date .03/05/2023.; " err &&
    test "$(wc -l <err)" -eq 3
'
test_expect_success 'every readable form keeps its precision' '
    test "$(shown d-month date)" = 2023-03 &&
    test "$(shown d-year date)" = 2023 &&
    test "$(shown d-words date)" = 2023-03-05 &&
    test "$(shown d-slashes date)" = 2023-03-05 &&
    test "$(shown d-basic date)" = 2023-03-05
'
test_expect_success 'a date-time with an offset is placed by its UTC day' '
    test "$(shown d-offset date)" = 2023-03-06T04:30:00 &&
    test "$(shown d-feed date)" = 2023-02-28T23:15:00 &&
    test "$(count date:2023-03-06)" = 1 &&
    test "$(count date:2023-02-28)" = 1
'
test_expect_success 'an unreadable date is not replaced by the file time' '
    test -z "$(shown d-impossible date)" &&
    test -z "$(shown d-words-bad date)" &&
    test -z "$(shown d-ambiguous date)" &&
    test "$(count date:2026)" = 1 &&
    test "$(count date:2026 AND id:plain-undated)" = 1
'
test_expect_success 'the unreadable value is kept as date_raw' '
    newsarc_search -d db --show d-words-bad --format json >show.json &&
    grep -q "\"date_raw\": *\"not a date\"" show.json &&
    grep -q "\"date\": *null" show.json
'
test_expect_success 'a month-precise date matches its month and year' '
    test "$(count "date:2023-03 AND id:d-month")" = 1 &&
    test "$(count "date:2023 AND id:d-month")" = 1 &&
    test "$(count "date:2023-Q1 AND id:d-month")" = 1 &&
    test "$(count "date:2023-01..2023-06 AND id:d-month")" = 1 &&
    test "$(count "date:2023..2023 AND id:d-month")" = 1
'
test_expect_success '... but no day or range of days inside the month' '
    test "$(count "date:2023-03-01 AND id:d-month")" = 0 &&
    test "$(count "date:2023-03-01..2023-03-05 AND id:d-month")" = 0 &&
    test "$(count "date:2023-03-02..2023-03-31 AND id:d-month")" = 0 &&
    test "$(count "date:2023-04 AND id:d-month")" = 0
'
test_expect_success 'a year-precise date matches only its year' '
    test "$(count "date:2023 AND id:d-year")" = 1 &&
    test "$(count "date:2023-01 AND id:d-year")" = 0 &&
    test "$(count "date:2023-Q1 AND id:d-year")" = 0 &&
    test "$(count "date:2023-01..2023-12 AND id:d-year")" = 0 &&
    test "$(count "date:2022..2024 AND id:d-year")" = 1
'
test_expect_success 'date counts: days, months, years' '
    test "$(count date:2023-03-05)" = 4 &&
    test "$(count date:2023-03)" = 8 &&
    test "$(count date:2023)" = 10 &&
    test "$(count date:2023-03-01..2023-03-05)" = 6
'
test_expect_success 'days of one month go by their day terms, the same matches as by the dates' '
    newsarc_search -v -d db --count date:2023-03-01..2023-03-05 >terms 2>err1 &&
    grep -q "D20230301 OR" err1 && grep -q "D20230305" err1 && ! grep -q VALUE_RANGE err1 &&
    sum=0 && for d in 01 02 03 04 05; do sum=$((sum + $(count date:2023-03-$d))) || return 1; done &&
    test "$(cat terms)" = 6 && test "$sum" = 6 &&
    test "$(count "date:2023-03-05..2023-03-05")" = "$(count date:2023-03-05)" &&
    newsarc_search -v -d db --count date:2023-02-28..2023-03-05 >across 2>err3 &&
    grep -q "VALUE_RANGE 0 20230228000000 20230305235959" err3
'
test_expect_success 'whole months of one year, and whole years, go by their terms' '
    newsarc_search -v -d db --count date:2023-02..2023-Q1 >months 2>err1 &&
    grep -q "M202302 OR M202303" err1 && ! grep -q VALUE_RANGE err1 &&
    test "$(cat months)" = "$(($(count date:2023-02) + $(count date:2023-03)))" &&
    newsarc_search -v -d db --count date:2022..2024 >years 2>err2 &&
    grep -q "Y2022 OR Y2023) OR Y2024" err2 && test "$(cat years)" = 10 &&
    newsarc_search -v -d db --count date:2022-12..2023-03 >across 2>err3 &&
    grep -q "VALUE_RANGE 0 20221200000000 20230331235959" err3 &&
    test "$(cat across)" = "$(($(cat months) + 1))" # and d-year, whose 2023 sorts inside
'
# ids: the ids of the page of hits of a search, in order.
ids() { newsarc_search -d db --format json "$@" | tr "," "\n" | sed -n "s/.*\"id\": *\"\([^\"]*\)\".*/\1/p"; }
test_expect_success 'months by their terms: the total from term frequencies, the hits as from the dates' '
    test "$(count date:2023-02..2023-03)" = 9 &&
    test "$(count date:2023-02-01..2023-03-31)" = 9 &&
    newsarc_search -v -d db --count date:2023-02-01..2023-03-31 2>err1 >/dev/null &&
    grep -q VALUE_RANGE err1 &&
    for sort in newest oldest relevance; do
        ids --sort $sort --limit 20 date:2023-02..2023-03 >by-terms &&
        ids --sort $sort --limit 20 date:2023-02-01..2023-03-31 >by-dates &&
        test "$(wc -l <by-terms)" = 9 && diff by-dates by-terms || return 1
    done &&
    ids --limit 3 --offset 4 date:2023-02..2023-03 >by-terms &&
    ids --limit 3 --offset 4 date:2023-02-01..2023-03-31 >by-dates &&
    diff by-dates by-terms &&
    newsarc_search -d db --format json date:2023-02..2023-03 >plain.json &&
    newsarc_search -d db --format json --facet year date:2023-02..2023-03 >faceted.json &&
    grep -q "\"total\": *9," plain.json && grep -q "\"total\": *9," faceted.json
'
test_expect_success 'a month or day named twice in one OR is counted once' '
    test "$(count "date:2023-03 OR date:2023-03")" = 8 &&
    test "$(count "date:2023-03 OR month:2023-03 OR date:2023-02")" = 9 &&
    test "$(count "date:2023-03-05 OR date:2023-03-05..2023-03-06")" = 5 &&
    test "$(count "date:2023-03 OR date:2023-03-05")" = 8
'
test_expect_success 'the month and year facets equal their filters' '
    newsarc_search -d db --facet month --facet year "" >facets &&
    grep -q "^ *8  2023-03$" facets &&
    grep -q "^ *1  2023-02$" facets &&
    grep -q "^ *10  2023$" facets &&
    test "$(count month:2023-03)" = 8 &&
    test "$(count month:2023-02)" = 1 &&
    test "$(count year:2023)" = 10
'
test_expect_success '--sort oldest: a month sorts before its days, undated first' '
    newsarc_search -d db --sort oldest --limit 20 "exports" >sorted &&
    grep "^[0-9]*\. " sorted | sed "s/^[0-9]*\. *//; s/ .*//" >order &&
    printf "%s\n" "(undated)" "(undated)" "(undated)" 2023 2023-02-28 2023-03 2023-03-05 2023-03-05 2023-03-05 \
        2023-03-06 >want &&
    diff want order
'
test_expect_success '--sort newest: the same order reversed, undated last' '
    newsarc_search -d db --sort newest --limit 20 "exports" >sorted &&
    grep "^[0-9]*\. " sorted | sed "s/^[0-9]*\. *//; s/ .*//" >order &&
    printf "%s\n" 2023-03-06 2023-03-05 2023-03-05 2023-03-05 2023-03 2023-02-28 2023 "(undated)" "(undated)" \
        "(undated)" >want &&
    diff want order
'
test_expect_success 'a dateline gives the day of a month-precise date, not its year' '
    test "$(shown lagos-month date)" = 2023-03-02 &&
    test "$(shown lagos-month "date source")" = source+dateline &&
    test "$(count "date:2023-03-02 AND id:lagos-month")" = 1
'
test_expect_success 'a dateline field completes a year-precise date' '
    test "$(shown lagos-field date)" = 2023-03-04 &&
    test "$(shown lagos-field "date source")" = source+dateline
'
test_expect_success 'a day-precise date wins over the dateline' '
    test "$(shown lagos-day date)" = 2023-03-05 &&
    test "$(shown lagos-day "date source")" = source
'
test_expect_success 'no date given: the dateline, then the file time, as before' '
    test "$(shown lagos-undated date)" = 2025-03-02 &&
    test "$(shown lagos-undated "date source")" = dateline &&
    test "$(shown plain-undated date)" = 2026-01-15 &&
    test "$(shown plain-undated "date source")" = mtime
'
test_done
