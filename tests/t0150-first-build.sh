#!/bin/sh
# The flush policy and builds nobody sees until complete: index_memory
# bounds what documents not yet written take; an ordinary run commits
# when it is spent, and a first build writes partial databases, merged
# into one at the end, which only then takes the database's place.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

count() { newsarc_search -d "$1" --count "$2"; }

# 2,500 articles of about a kilobyte: 2.5 MB, more than the 2 MiB held
# back to train the compression dictionary, and 35 MB at the cost model's
# 12 bytes a byte, more than the quarter of 32 MB of index_memory that
# pending documents are given.
awk 'BEGIN {
    for (i = 1; i <= 2500; i++) {
        body = "";
        for (w = 0; w < 120; w++)
            body = body sprintf(" word%d", (i * 7 + w * 13) % 997);
        printf "{\"id\": \"a%d\", \"title\": \"Story %d\", \"topics\": [\"t%d\"], \"body\": \"%s\"}\n", i, i, i % 5, body
    }
}' >big.jsonl
printf "extract: never\nindex_memory: 32\ncommit_every: 100000\n" >small.yaml
printf '{"id": "seed", "title": "Seed", "body": "word1 seed"}\n' >seed.jsonl

# waitfor FILE PATTERN: until FILE holds a line matching PATTERN (30 s at most).
waitfor() {
    n=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        n=$((n + 1))
        [ $n -le 300 ] || return 1
        sleep 0.1
    done
}

test_expect_success 'index_memory is a configuration key' '
    newsarc_index -c small.yaml -d one.db seed.jsonl && test "$(count one.db "")" = 1
'
test_expect_failure_code 2 '... of 32 MB or more' '
    printf "index_memory: 8\n" >tiny.yaml && newsarc_index -c tiny.yaml -d tiny.db seed.jsonl
'
test_expect_success 'a first build larger than index_memory is written as partial databases and merged' '
    newsarc_index -v -c small.yaml -d bulk.db big.jsonl 2>err &&
    grep -q "^newsarc-index: bulk.db: written as [2-9] partial databases, merged$" err &&
    test "$(count bulk.db "")" = 2500 && test "$(count bulk.db word5)" = "$(grep -c "word5\"\\| word5 " big.jsonl)" &&
    test "$(cat bulk.db/XAPIANDB)" = "auto gen-1" && test "$(ls bulk.db)" = "$(printf "XAPIANDB\ngen-1")"
'
test_expect_success '... holding what an ordinary build holds' '
    newsarc_index -c small.yaml -d plain.db seed.jsonl && newsarc_index -c small.yaml -d plain.db big.jsonl &&
    newsarc_index -c small.yaml -d bulk.db seed.jsonl &&
    for q in "" word5 word996 "story 17" "title:story" topic:t3 "word1 AND word2" "\"word10 word23\""; do
        test "$(count bulk.db "$q")" = "$(count plain.db "$q")" || { echo "differs: $q"; exit 1; }
    done &&
    newsarc_search -d bulk.db --facet topic --limit 0 "" | grep -v "^#\|ms" >b.out &&
    newsarc_search -d plain.db --facet topic --limit 0 "" | grep -v "^#\|ms" >p.out &&
    test_cmp b.out <p.out &&
    newsarc_search -d bulk.db --show a1234 >b.show && newsarc_search -d plain.db --show a1234 >p.show &&
    test_cmp b.show <p.show
'
test_expect_success 'nothing of a first build is visible until it is complete, whatever commit_every says' '
    printf "extract: never\nindex_memory: 32\ncommit_every: 100\n" >often.yaml &&
    mkfifo hold1 &&
    { newsarc_index -v -c often.yaml -d first.db big.jsonl - <hold1 2>err1 & pid=$!; } &&
    exec 9>hold1 &&
    waitfor err1 "big.jsonl: 2500 articles" &&
    test ! -e first.db/XAPIANDB && ! count first.db "" 2>/dev/null &&
    cat seed.jsonl >&9 && exec 9>&- &&
    wait $pid &&
    test "$(count first.db "")" = 2501
'
test_expect_success 'an ordinary run commits when index_memory is spent, before commit_every' '
    newsarc_index -c small.yaml -d more.db seed.jsonl &&
    mkfifo hold2 &&
    { newsarc_index -v -c small.yaml -d more.db big.jsonl - <hold2 2>err2 & pid=$!; } &&
    exec 8>hold2 &&
    waitfor err2 "big.jsonl: 2500 articles" &&
    n=$(count more.db "") &&
    cat seed.jsonl >&8 && exec 8>&- &&
    wait $pid &&
    test "$n" -gt 1 && test "$n" -lt 2501 &&
    test "$(count more.db "")" = 2501
'
test_expect_success 'a first build interrupted by a signal keeps what it read' '
    mkfifo hold3 &&
    { "$top_builddir/indexer/newsarc-index" -v -c small.yaml -d stopped.db big.jsonl - <hold3 2>err3 &
      pid=$!; } &&
    exec 7>hold3 &&
    waitfor err3 "big.jsonl: 2500 articles" &&
    kill -TERM $pid; wait $pid; rc=$?;
    exec 7>&-;
    test "$rc" -eq 143 && test "$(count stopped.db "")" = 2500 &&
    test "$(cat stopped.db/XAPIANDB)" = "auto gen-1" && test "$(ls stopped.db)" = "$(printf "XAPIANDB\ngen-1")"
'
test_expect_success 'what a first build killed outright left goes with the next run' '
    mkfifo hold4 &&
    { "$top_builddir/indexer/newsarc-index" -c small.yaml -d left.db big.jsonl - <hold4 2>err4 & pid=$!; } &&
    exec 6>hold4 &&
    n=0; while [ ! -d left.db/gen-1-parts/part-2 ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done &&
    test -d left.db/gen-1-parts/part-2 &&
    kill -KILL $pid; wait $pid; exec 6>&-;
    test -d left.db/gen-0 && test ! -e left.db/XAPIANDB &&
    newsarc_index -c small.yaml -d left.db seed.jsonl &&
    test "$(ls left.db)" = "$(printf "XAPIANDB\ngen-1")" && test "$(count left.db "")" = 1
'
test_expect_success 'a rebuild writes its generation as partial databases, merged, and switches to it' '
    newsarc_index -v -c small.yaml --rebuild -d bulk.db 2>err5 &&
    grep -q "^newsarc-index: bulk.db: written as [2-9] partial databases, merged$" err5 &&
    test "$(cat bulk.db/XAPIANDB)" = "auto gen-2" && test "$(count bulk.db "")" = 2501 &&
    xapian-check bulk.db/gen-2 >check.out 2>&1 && grep -q "No errors found" check.out
'
test_done
