#!/bin/sh
# --rebuild as an atomic switch: the database path becomes a directory
# holding a Xapian stub (XAPIANDB) that names the current generation; a
# rebuild builds the next generation beside it and renames a new stub over
# the old one.  Readers see the old archive until then and the new one
# after; the old generation and the leftovers of an interrupted rebuild go
# at the next run.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

index() { newsarc_index --extract never "$@"; }
count() { newsarc_search -d "$1" --count "${2:-}"; }

test_expect_success 'a first build makes a stub directory, whose stub appears when the build is complete' '
    mkfifo first &&
    { "$top_builddir/indexer/newsarc-index" -c "$CONFIG" --extract never -d new.db "$top_srcdir/samples" - <first &
      pid=$!; } &&
    exec 9>first &&
    n=0; while [ ! -d new.db/gen-1 ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done &&
    sleep 1 && test ! -e new.db/XAPIANDB && ! newsarc_search -d new.db --count "" 2>/dev/null &&
    printf "Other\n\nA second writer meanwhile.\n" >other.txt &&
    { index -d new.db other.txt 2>err; test $? -eq 75; } && grep -q "locked by another writer" err &&
    printf "Late first\n\nThe last of the first build.\n" >&9 && exec 9>&- && wait $pid &&
    test "$(cat new.db/XAPIANDB)" = "auto gen-1" && test "$(count new.db)" = 9
'
test_expect_success 'a plain database (made by an older newsarc) keeps working until its first rebuild' '
    index -d made "$top_srcdir/samples" && mv made/gen-1 db && rm -r made &&
    test -f db/iamglass && index -d db stub-less.txt 2>/dev/null; test -f db/iamglass && test "$(count db)" = 8
'
test_expect_success '--rebuild turns it into a stub directory naming its generation' '
    index --rebuild -d db && test ! -e db/iamglass &&
    test "$(cat db/XAPIANDB)" = "auto gen-1" && test -f db/gen-1/iamglass &&
    test "$(count db)" = 8 && test "$(ls -d db.* 2>/dev/null)" = ""
'
test_expect_success 'Xapian tools open it through the stub' '
    quest -d db harbour | grep -q "^Exactly 1 matches" &&
    xapian-delve db | grep -q "number of documents = 8"
'
test_expect_success 'ordinary runs write to the generation the stub names' '
    printf "Stub story\n\nWritten through the stub.\n" >stub.txt &&
    index -d db stub.txt && test "$(count db)" = 9 && test ! -e db/iamglass &&
    xapian-delve db/gen-1 | grep -q "number of documents = 9"
'
test_expect_success 'the next rebuild switches to a new generation by renaming a new stub over the old' '
    index --rebuild -d db && test "$(cat db/XAPIANDB)" = "auto gen-2" &&
    test "$(count db)" = 9 && test -d db/gen-1
'
test_expect_success '... and the old generation is removed by the next run' '
    index -d db stub.txt && test ! -e db/gen-1 && test -d db/gen-2
'

mkfifo hold
test_expect_success 'during a rebuild searches see the old archive, after it the new one' '
    { "$top_builddir/indexer/newsarc-index" -c "$CONFIG" --extract never --rebuild -d db - <hold & pid=$!; } &&
    exec 9>hold &&
    n=0; while [ ! -d db/gen-3 ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done &&
    test "$(count db)" = 9 && test "$(cat db/XAPIANDB)" = "auto gen-2" &&
    printf "Rebuilt story\n\nAdded during the rebuild.\n" >&9 && exec 9>&- &&
    wait $pid && test "$(cat db/XAPIANDB)" = "auto gen-3" && test "$(count db)" = 10
'
test_expect_success 'a writer waiting through a rebuild writes to the new generation, not the old' '
    { "$top_builddir/indexer/newsarc-index" -c "$CONFIG" --extract never --rebuild -d db - <hold & pid=$!; } &&
    exec 9>hold &&
    n=0; while [ ! -d db/gen-4 ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done &&
    printf "Waiter\n\nWritten after the switch.\n" >waiter.txt &&
    { (exec 9>&-; index --wait 60 -d db waiter.txt) & w=$!; } && sleep 1 &&
    printf "Rebuilt again\n\nAdded during the second rebuild.\n" >&9 && exec 9>&- && wait $pid && wait $w &&
    test "$(cat db/XAPIANDB)" = "auto gen-4" && test "$(count db "after the switch")" = 1 &&
    test "$(count db)" = 12 && test ! -e db/gen-3
'
test_expect_success 'an interrupted rebuild leaves the stub and its generation as they were' '
    { "$top_builddir/indexer/newsarc-index" -c "$CONFIG" --extract never --rebuild -d db - <hold & pid=$!; } &&
    exec 9>hold &&
    n=0; while [ ! -d db/gen-5 ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done &&
    kill -TERM $pid; wait $pid; rc=$?; exec 9>&-;
    test "$rc" -eq 143 && test "$(cat db/XAPIANDB)" = "auto gen-4" && test ! -e db/gen-5 &&
    test "$(count db)" = 12
'
test_expect_success 'a killed rebuild leaves a generation that the next run removes' '
    { "$top_builddir/indexer/newsarc-index" -c "$CONFIG" --extract never --rebuild -d db - <hold & pid=$!; } &&
    exec 9>hold &&
    n=0; while [ ! -d db/gen-5 ] && [ $n -lt 100 ]; do sleep 0.2; n=$((n + 1)); done &&
    kill -KILL $pid; wait $pid; exec 9>&-;
    test -d db/gen-5 && test "$(count db)" = 12 &&
    index -d db stub.txt && test ! -e db/gen-5 && test "$(cat db/XAPIANDB)" = "auto gen-4"
'
test_done
