#!/bin/sh
# Crashes: newsarc-index indexing all of Reuters-21578 is killed with
# SIGKILL at 20 random moments and started again each time; then one run
# goes to the end.  Each kill leaves a database that opens, never with
# fewer articles than before, and the last run leaves exactly the
# articles of a clean single run (tests/reuters-db), each with the same
# original bytes, and a database xapian-check passes.
#
# The moments come from a seed, printed: NEWSARC_CRASH_SEED=N replays a
# failure.  Each run is killed at a moment drawn within a twentieth of a
# clean run's time after its first commit, so that every kill finds work
# committed and work in flight, and the runs together go through the
# whole collection rather than each starting over what the last one lost.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/reuters-db"

test -f "$REUTERS/reut2-000.sgm" ||
    skip_all "Reuters-21578 not found at $REUTERS (the shared corpus folder)"
[ "${NEWSARC_VALGRIND:-no}" = yes ] && skip_all "too slow under valgrind"

clean=$(reuters_db) || { echo "Bail out! the shared Reuters index cannot be built"; exit 1; }
seconds=$(reuters_db_seconds)
seed=${NEWSARC_CRASH_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
echo "# seed $seed (NEWSARC_CRASH_SEED=$seed replays this run); a clean run took ${seconds}s"

# Small batches, so that most kills find some committed and some not.
# The configuration is the project's with its alias tables named by
# absolute paths, since this copy lives elsewhere.
sed -e 's/^commit_every:.*/commit_every: 1000/' \
    -e "s|: aliases/|: $top_srcdir/config/aliases/|" "$CONFIG" >crash.yaml

awk -v seed="$seed" -v t="$seconds" 'BEGIN {
    srand(seed)
    for (i = 0; i < 20; i++) printf "%.2f\n", rand() * t / 20
}' >moments

: >counts
i=0
while read -r moment; do
    i=$((i + 1))
    "$top_builddir/indexer/newsarc-index" -c crash.yaml -q --extract never -d db \
        "$REUTERS"/reut2-*.sgm 2>>kill.err &
    pid=$!
    start=$(tail -n 1 counts 2>/dev/null)
    while kill -0 "$pid" 2>/dev/null &&
        [ "$(newsarc_search -d db --count "" 2>/dev/null || echo 0)" = "${start:-0}" ]; do
        sleep 0.3
    done
    sleep "$moment"
    if kill -KILL "$pid" 2>/dev/null; then
        echo "$i killed ${moment}s after a commit" >>kills
    else
        echo "$i ended by itself" >>kills
    fi
    wait "$pid" 2>/dev/null
    # What a reader sees after the crash.
    if test -d db; then
        newsarc_search -d db --count "" >>counts 2>>search.err || echo "error" >>counts
    else
        echo 0 >>counts
    fi
done <moments
echo "# $(grep -c killed kills) of 20 runs killed while running; articles after each: $(tr '\n' ' ' <counts)"

test_expect_success 'every database a kill left opens for a search' '
    ! test -s search.err && ! grep -q error counts
'
test_expect_success 'no kill lost what an earlier run committed' '
    awk "NR > 1 && \$1 < last { exit 1 } { last = \$1 }" counts
'
test_expect_success 'no run after a kill failed on what the kill left (a lock, a partial commit)' '
    ! grep -v "^newsarc-index: .*: warning: " kill.err
'
test_expect_success 'a last run after the kills indexes the rest, exit status 0' '
    newsarc_index -c crash.yaml -q --extract never -d db "$REUTERS"/reut2-*.sgm 2>last.err &&
    ! test -s last.err
'
test_expect_success 'xapian-check passes' '
    if command -v xapian-check >/dev/null 2>&1; then xapian_check_db db >check.out; else true; fi
'
test_expect_success 'the same articles as a clean run, with the same original bytes' '
    "$top_builddir/tests/db-digest" "$clean" >clean.digest &&
    "$top_builddir/tests/db-digest" db >crash.digest &&
    test "$(wc -l <clean.digest)" = 21578 &&
    cmp clean.digest crash.digest
'
test_done
