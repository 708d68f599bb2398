#!/bin/sh
# The scheduled run: unchanged files are not opened (size and mtime kept
# per file, compared for equality), --prune only under roots walked
# completely and within prune_max, --delete, and waiting for the lock.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

index() { newsarc_index --extract never "$@"; }
count() { newsarc_search -d "$1" --count "${2:-}"; }

mkdir spool
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
    printf "Story %s\n\nHarbour report number %s from the spool.\n" $i $i >spool/s$i.txt
done

test_expect_success 'a second run over unchanged files reads none of them' '
    index -d db spool && test "$(count db)" = 20 &&
    index -v -d db spool 2>err &&
    grep -q "0 added, 0 replaced, 0 unchanged, 0 removed.*; 20 files unchanged and not read" err
'
test_expect_success 'a file with the same size and mtime is taken as unchanged, so it is not opened' '
    cp -p spool/s01.txt keep && printf "Story 01\n\nHarbour report number XX from the spool.\n" >spool/s01.txt &&
    touch -r keep spool/s01.txt &&
    index -v -d db spool 2>err && grep -q "; 20 files unchanged" err &&
    test "$(count db XX)" = 0
'
test_expect_success 'a file restored with an older mtime is read again' '
    touch -d "2001-02-03 04:05:06" spool/s01.txt &&
    index -v -d db spool 2>err && grep -q "1 added, 0 replaced, 0 unchanged, 1 removed.*; 19 files unchanged" err &&
    test "$(count db XX)" = 1 && test "$(count db)" = 20
'
test_expect_success '--force reads every file again' '
    index -v --force -d db spool 2>err && grep -q "0 added, 20 replaced.*; 0 files unchanged" err
'
test_expect_failure_code 1 'a bad record is reported when its file is read' '
    printf "{\"title\": \"good\", \"body\": \"a good record\"}\n{broken\n" >spool/feed.jsonl &&
    index -d db spool 2>err
'
test_expect_success '... and not again while the file stays as it was' '
    grep -q "feed.jsonl:2: error" err &&
    index -d db spool 2>err && test ! -s err &&
    test "$(count db "good record")" = 1
'

test_expect_success 'without --prune, the articles of a removed file stay' '
    printf "{\"title\": \"good\", \"body\": \"a good record\"}\n" >spool/feed.jsonl &&
    rm spool/s20.txt &&
    index -v -d db spool 2>err && grep -q "0 pruned" err && test "$(count db)" = 21
'
test_expect_success '--prune removes them, listed at -v and counted' '
    index -v --prune -d db spool 2>err &&
    grep -q "s20.txt: pruned: article .d-[0-9a-f]*. removed, no source left" err &&
    grep -q "1 pruned" err && test "$(count db)" = 20 && test "$(count db "number 20")" = 0
'
test_expect_success 'a file that comes back after a prune is read again' '
    printf "Story 20\n\nHarbour report number 20 from the spool.\n" >spool/s20.txt &&
    touch -d "2001-02-03 04:05:06" spool/s20.txt &&
    index -v --prune -d db spool 2>err && grep -q "1 added" err && test "$(count db "number 20")" = 1
'
test_expect_failure_code 1 'a prune of more than prune_max of the archive is refused' '
    mkdir -p away && mv spool/s1[0-4].txt away/ &&
    index -v --prune -d db spool 2>err
'
test_expect_success '... saying so in one line, removing nothing' '
    grep -q "error: prune refused: it would remove 5 articles, more than prune_max (10%)" err &&
    grep -q "0 pruned" err && test "$(count db)" = 21
'
test_expect_success '--force lets it remove them' '
    index -v --prune --force -d db spool 2>err && grep -q "5 pruned" err && test "$(count db)" = 16
'
test_expect_success 'a root that was not walked completely prunes nothing under it' '
    rm spool/s09.txt && ln -s nowhere spool/dangling.txt &&
    { index -v --prune -d db spool 2>err; test $? -eq 1; } &&
    grep -q "spool: warning: not walked completely; nothing under it is pruned" err &&
    grep -q "0 pruned" err && test "$(count db "number 09")" = 1 &&
    rm spool/dangling.txt
'
test_expect_success 'an empty root prunes nothing under it' '
    mkdir -p mnt/spool && index -d mnt.db spool/s01.txt &&
    mv spool mnt/spool/inner && mkdir spool &&
    index -v --prune --force -d db spool 2>err &&
    grep -q "spool: warning: no files found; nothing under it is pruned" err &&
    test "$(count db)" = 16 && rmdir spool && mv mnt/spool/inner spool
'
test_expect_success 'articles from standard input are never pruned' '
    printf "Fed story\n\nA story fed on standard input.\n" | index -d db - &&
    rm spool/s19.txt &&
    index -v --prune --force -d db spool 2>err && grep -q "2 pruned" err &&
    test "$(count db "fed on standard input")" = 1 && test "$(count db "number 09")" = 0
'
test_expect_success 'an article with a file left keeps it when the other is pruned' '
    cp spool/s01.txt spool/copy.txt && index -d db spool &&
    rm spool/s01.txt && index -v --prune -d db spool 2>err &&
    grep -q "s01.txt: pruned: source of article .d-[0-9a-f]*. removed" err && grep -q "0 pruned" err &&
    newsarc_search -d db --show spool/copy.txt >out && test "$(grep -c "^file: " out)" = 1
'
test_expect_success '--delete removes an article by id, whatever its sources' '
    id=$(newsarc_search -d db --show spool/copy.txt | sed -n "s/^id: //p") &&
    index -v -d db --delete "$id" 2>err && grep -q "1 deleted" err &&
    test "$(count db "number XX")" = 0
'
test_expect_failure_code 1 '--delete of an id that is not there says so' '
    index -d db --delete no-such-id 2>err && grep -q "no article .no-such-id." err
'
test_expect_failure_code 2 '--delete with no id is a usage error' '
    index -d db --delete
'

# A writer that holds the lock until its standard input ends; wait_locked
# waits (up to 20 s, for a loaded machine) until it has it, asking with a
# harmless --delete.  That probe takes the lock for a moment itself, so
# the holder waits for it (--wait) rather than losing the race and leaving.
wait_locked() {
    n=0
    while [ $n -lt 100 ]; do
        index -d db --delete no-such-id 2>/dev/null
        [ $? -eq 75 ] && return 0
        sleep 0.2
        n=$((n + 1))
    done
    return 1
}
mkfifo hold1 hold2
"$top_builddir/indexer/newsarc-index" -c "$CONFIG" --extract never --wait 60 -d db - <hold1 2>/dev/null &
holder=$!
exec 9>hold1
wait_locked
test_expect_success 'a second writer exits 75 at once, saying so' '
    { index -d db spool 2>err; test $? -eq 75; } &&
    grep -q "^newsarc-index: error: .db. is locked by another writer" err
'
test_expect_success '--wait polls for that long, then exits 75 naming the database and the wait' '
    start=$(date +%s) &&
    { index --wait 2 -d db spool 2>err; test $? -eq 75; } &&
    test $(($(date +%s) - start)) -ge 2 &&
    grep -q "^newsarc-index: error: .db. is locked by another writer; waited 2 s" err
'
kill -9 $holder
wait $holder 2>/dev/null
exec 9>&-
test_expect_success 'the lock of a killed writer never blocks the next one' '
    index -d db spool
'
"$top_builddir/indexer/newsarc-index" -c "$CONFIG" --extract never --wait 60 -d db - <hold2 2>/dev/null &
holder=$!
exec 9>hold2
wait_locked
{ sleep 1; printf "Late story\n\nIt came late.\n" >&9; exec 9>&-; } &
exec 9>&-
test_expect_success '--wait gets the lock once the other writer finishes' '
    index --wait 20 -d db spool && test "$(count db "came late")" = 1
'
wait $holder
test_expect_failure_code 2 '--wait takes whole seconds' '
    index --wait soon -d db spool
'

mkdir quiet && printf "Quiet\n\nA quiet story.\n" >quiet/q.txt && mkfifo quiet/pipe
test_expect_success '-q prints nothing when nothing failed, not even warnings' '
    index -d qdb quiet 2>err && grep -q "pipe: warning: fifo skipped" err &&
    printf "Quiet two\n\nAnother quiet story.\n" >quiet/q2.txt &&
    index -q -d qdb quiet 2>err && test ! -s err
'
test_expect_success '... but still says what failed' '
    printf "{broken\n" >quiet/bad.jsonl &&
    { index -q -d qdb quiet 2>err; test $? -eq 1; } && test "$(wc -l <err)" = 1 && grep -q "bad.jsonl:1: error" err &&
    rm quiet/bad.jsonl
'
test_expect_success '--log FILE appends every line, timestamped, and they still reach standard error' '
    index -v --log run.log -d qdb quiet 2>err && index -v --log run.log --force -d qdb quiet 2>>err &&
    test "$(grep -c "files unchanged" run.log)" = 2 &&
    ! grep -v "^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z newsarc-index: " run.log &&
    test "$(wc -l <err)" = "$(wc -l <run.log)"
'
test_expect_failure_code 74 '--log to a file that cannot be opened exits 74' '
    index --log no/such/dir/run.log -d qdb quiet
'
test_expect_success 'the example crontab line runs as written, with this test'"'"'s paths' '
    cmd=$(sed -n "s/^\*\/5 \* \* \* \*  //p" "$top_srcdir/config/newsarc-index.cron") &&
    test -n "$cmd" &&
    cmd=$(echo "$cmd" | sed -e "s|--log [^ ]*|--log cron.log|" -e "s|-d [^ ]*|-d crondb quiet|" \
                            -e "s|^newsarc-index|$top_builddir/indexer/newsarc-index -c $CONFIG|") &&
    $cmd && test -d crondb && test ! -s cron.log
'
test_expect_success 'the systemd service names the installed database and runs as written' '
    unit="$top_builddir/config/newsarc-index.service" && test -f "$unit" &&
    grep -q "^ExecStart=.*/newsarc-index .* -d .*/lib/newsarc/newsarc.db$" "$unit" &&
    cmd=$(sed -n "s/^ExecStart=//p" "$unit" | sed -e "s|^[^ ]*newsarc-index|$top_builddir/indexer/newsarc-index|" \
                -e "s|-c [^ ]*|-c $CONFIG|" -e "s|-d [^ ]*|-d unitdb|") &&
    (cd quiet && $cmd .) && test -d quiet/unitdb
'
test_expect_success 'SIGINT commits what was added and exits 130' '
    mkfifo hold3 &&
    { "$top_builddir/indexer/newsarc-index" -c "$CONFIG" --extract never -d sdb - <hold3 2>err & pid=$!; } &&
    exec 9>hold3 && printf "Signal story\n\nRead before the signal.\n" >&9 && sleep 1 &&
    kill -INT $pid; wait $pid; rc=$?; exec 9>&-;
    test "$rc" -eq 130 && grep -q "interrupted by signal 2" err
'
test_done
