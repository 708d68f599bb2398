#!/bin/sh
# Signals: the first SIGINT or SIGTERM lets the run finish its article,
# commit and exit 130 or 143; a second one exits at once, keeping what
# was committed before (the lock goes with the process).
#
# The run is held still: it has committed its spool's articles one by one
# and waits for more on a fifo (its last input, standard input).  It is
# stopped with SIGSTOP, sent its signals and let go with SIGCONT, so
# that both are delivered before it does anything else, whatever the
# machine's speed.  Which of the two handlers runs second, and so gives
# the status (130 or 143), is the kernel's choice (Linux sets up both
# handlers' frames at once, the later one running first).
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

sed -e 's/^commit_every:.*/commit_every: 1/' \
    -e "s|: aliases/|: $top_srcdir/config/aliases/|" "$CONFIG" >one.yaml
count() { newsarc_search -d db --count ""; }

mkdir spool
for n in 1 2 3; do printf "Story %s\n\nThe first run's story %s.\n" $n $n >spool/a$n.txt; done
newsarc_index -q --extract never -d db spool || exit 1

# Starts a run over the spool (three more articles each time) and standard
# input from the fifo "hold", and waits until the spool's articles are
# committed.  Sets pid.
start_held() {
    for n in 1 2 3; do printf "Story %s%s\n\nAdded by run %s.\n" "$1" $n "$1" >spool/$1$n.txt; done
    rm -f hold && mkfifo hold
    "$top_builddir/indexer/newsarc-index" -c one.yaml --extract never -d db spool - <hold 2>"$1.err" &
    pid=$!
    exec 9>hold
    want=$2 n=0
    while [ "$(count 2>/dev/null)" != "$want" ] && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
}

# Sends the signals named in $@ to the stopped run, lets it go, and
# waits at most 10 s for it to end.  Sets rc and waited (tenths of a
# second).
signal_held() {
    kill -STOP $pid
    for sig in "$@"; do kill -$sig $pid; done
    kill -CONT $pid
    waited=0
    while kill -0 $pid 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    kill -0 $pid 2>/dev/null && kill -KILL $pid
    wait $pid
    rc=$?
    exec 9>&-
}

start_held b 6
test_expect_success 'the held run committed its spool before the signals' '
    test "$(count)" = 6
'
signal_held INT TERM
echo "# two signals: exit status $rc after ${waited} tenths of a second"
test_expect_success 'a second signal exits at once, with a signal'"'"'s status' '
    { test $rc = 130 || test $rc = 143; } && test $waited -lt 50
'
test_expect_success '... without the summary of a finished stop' '
    ! grep "interrupted by signal" b.err
'
test_expect_success '... keeping what was committed, in a database xapian-check passes' '
    test "$(count)" = 6 &&
    if command -v xapian-check >/dev/null 2>&1; then xapian_check_db db >check.out; fi
'
test_expect_success '... and the lock went with the process: the next run writes' '
    printf "After\n\nIndexed after the signals.\n" >after.txt &&
    newsarc_index -q --extract never -d db after.txt && test "$(count)" = 7
'

# The same hold with one signal: the run stops in its own time, says so
# and exits 130 (the contrast that shows the second signal did the above).
start_held c 10
signal_held INT
echo "# one signal: exit status $rc after ${waited} tenths of a second"
test_expect_success 'one signal stops the run after its article, says so and exits 130' '
    test $rc = 130 && grep -q "^newsarc-index: interrupted by signal 2; .* committed" c.err &&
    test "$(count)" = 10
'
test_done
