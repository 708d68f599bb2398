#!/bin/sh
# Concurrency, on parts of Reuters-21578: two indexers started together
# on one database (one writes, the other waits or says in one line that
# the database is locked, and nothing is lost); twenty searches in a
# loop (and on while the run lasts) as an ordinary run adds 6,000
# articles committed every 500 (counts only grow, by whole batches) and as
# --rebuild replaces the database (every count is the old or the new
# total; searches are counted on each side of the switch, and there must
# be some on both); an export as --force rewrites what it reads goes on
# and prints every article once.  No error reaches a searcher.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/reuters-db"

test -f "$REUTERS/reut2-000.sgm" ||
    skip_all "Reuters-21578 not found at $REUTERS (the shared corpus folder)"
[ "${NEWSARC_VALGRIND:-no}" = yes ] && skip_all "too slow under valgrind"

r() { echo "$REUTERS/reut2-$1.sgm"; }
sed -e 's/^commit_every:.*/commit_every: 500/' \
    -e "s|: aliases/|: $top_srcdir/config/aliases/|" "$CONFIG" >batch.yaml
index() { newsarc_index -c batch.yaml -q --extract never "$@"; }
count() { newsarc_search -d "$1" --count ""; }

# Runs searches of DB, PAUSE seconds apart, twenty at least, more while
# the process PID runs and three more once it has ended: each count goes
# to FILE, with "running" or "ended" (whether PID ran when the search
# started) to FILE.phase, each search's standard error to FILE.err, a
# failed search's exit status to FILE.fail.
searches() {
    db=$1 pid=$2 pause=$3 out=$4
    : >"$out" && : >"$out.phase" && : >"$out.err" && : >"$out.fail"
    i=0 ended=0
    while [ $i -lt 2000 ] && { [ $i -lt 20 ] || [ $ended -lt 3 ]; }; do
        i=$((i + 1))
        if kill -0 "$pid" 2>/dev/null; then phase=running; else phase=ended ended=$((ended + 1)); fi
        n=$(newsarc_search -d "$db" --count "" 2>>"$out.err")
        rc=$?
        [ $rc = 0 ] || echo "$rc" >>"$out.fail"
        echo "$n" >>"$out"
        echo "$n $phase" >>"$out.phase"
        sleep "$pause"
    done
}

# ---- two writers at once ----
index -d two.db "$(r 000)" 2>one.err &
p1=$!
index -d two.db "$(r 001)" 2>two.err &
p2=$!
wait "$p1"; rc1=$?
wait "$p2"; rc2=$?
echo "# two indexers at once: exit statuses $rc1 and $rc2"
test_expect_success 'two indexers at once: each indexes or says the database is locked' '
    for rc in $rc1 $rc2; do test $rc = 0 || test $rc = 75 || exit 1; done &&
    test $rc1 = 0 || test $rc2 = 0
'
test_expect_success '... a locked one says so in one line naming the database' '
    for n in 1 2; do
        eval rc=\$rc$n; f=$(test $n = 1 && echo one.err || echo two.err)
        if test $rc = 75; then
            test "$(wc -l <$f)" = 1 && grep -q "^newsarc-index: error: .*two.db.*locked" $f || exit 1
        else
            ! test -s $f || exit 1
        fi
    done
'
test_expect_success '... and run again, it finds the lock gone: nothing is lost' '
    if test $rc1 = 75; then index -d two.db "$(r 000)"; fi &&
    if test $rc2 = 75; then index -d two.db "$(r 001)"; fi &&
    test "$(count two.db)" = 2000 &&
    if command -v xapian-check >/dev/null 2>&1; then xapian_check_db two.db >/dev/null; fi
'

# ---- searches during an ordinary run ----
# 3,000 articles first (which also trains the store's dictionary), then
# 6,000 more in batches of 500.
index -d grow.db "$(r 000)" "$(r 001)" "$(r 002)" || exit 1
before=$(count grow.db)
index -d grow.db "$(r 003)" "$(r 004)" "$(r 005)" "$(r 006)" "$(r 007)" "$(r 008)" 2>grow.err &
pid=$!
searches grow.db "$pid" 0.2 grow.counts
wait "$pid"; grow_rc=$?
after=$(count grow.db)
echo "# an ordinary run from $before to $after articles; searches saw: $(tr '\n' ' ' <grow.counts)"
test_expect_success 'the run indexed its 6,000 articles' '
    test $grow_rc = 0 && ! test -s grow.err && test "$before" = 3000 && test "$after" = 9000
'
test_expect_success 'no error reached a searcher during the run' '
    ! test -s grow.counts.fail && ! test -s grow.counts.err
'
# A commit holds at least commit_every articles (more when the writer
# thread had more queued), the last one the rest.
test_expect_success 'the counts searchers saw only grow, by whole batches of 500 or more' '
    awk -v lo="$before" -v hi="$after" "
        BEGIN { last = lo }
        \$1 !~ /^[0-9]+\$/ || \$1 < last || \$1 > hi { print \"bad count \" \$1; exit 1 }
        \$1 > last && \$1 < hi && \$1 - last < 500 { print \"less than a batch: \" last \" to \" \$1; exit 1 }
        { last = \$1 }" grow.counts
'

# ---- an export overtaken by commits ----
# The export reads a little of the 9,000 articles, then waits on a full
# pipe while --force rewrites the first 3,000 in six commits: the
# revision it reads is gone when it goes on.
mkfifo export.fifo || exit 1
newsarc_search -d grow.db --format jsonl --all "" >export.fifo 2>export.err &
spid=$!
exec 3<export.fifo
dd bs=4096 count=1 <&3 >export.out 2>/dev/null
index --force -d grow.db "$(r 000)" "$(r 001)" "$(r 002)" 2>force.err
force_rc=$?
cat <&3 >>export.out
exec 3<&-
wait "$spid"; export_rc=$?
echo "# an export during --force: exit status $export_rc, $(wc -l <export.out) lines"
test_expect_success 'an export goes on past the commits of a run rewriting what it reads' '
    test $force_rc = 0 && ! test -s force.err &&
    test $export_rc = 0 && ! test -s export.err
'
test_expect_success '... printing every article once' '
    sed -n "s/^{\"id\":\"\([^\"]*\)\".*/\1/p" export.out | sort >export.ids &&
    test "$(wc -l <export.ids)" = 9000 && test "$(sort -u export.ids | wc -l)" = 9000
'

# ---- searches during --rebuild ----
# The 3,000 articles again plus 1,000 new: every count is 3,000 or 4,000.
index -d swap.db "$(r 000)" "$(r 001)" "$(r 002)" || exit 1
index --rebuild -d swap.db "$(r 003)" 2>swap.err &
pid=$!
searches swap.db "$pid" 0.1 swap.counts
wait "$pid"; swap_rc=$?
echo "# --rebuild from 3000 to $(count swap.db) articles; searches saw: $(tr '\n' ' ' <swap.counts)"
old_running=$(grep -c "^3000 running$" swap.counts.phase)
new_running=$(grep -c "^4000 running$" swap.counts.phase)
new_ended=$(grep -c "^4000 ended$" swap.counts.phase)
echo "# searches before the switch (old total, --rebuild running): $old_running;" \
     "after it: $((new_running + new_ended)) ($new_running while --rebuild still ran)"
test_expect_success '--rebuild indexed the stored articles and the new ones' '
    test $swap_rc = 0 && ! test -s swap.err && test "$(count swap.db)" = 4000
'
test_expect_success 'no error reached a searcher during --rebuild' '
    ! test -s swap.counts.fail && ! test -s swap.counts.err
'
test_expect_success 'every count seen during --rebuild is the old or the new total' '
    ! grep -v "^\(3000\|4000\)$" swap.counts
'
test_expect_success 'searches ran on both sides of the switch, the first ones while --rebuild ran' '
    test "$old_running" -ge 1 && test "$((new_running + new_ended))" -ge 1
'
test_expect_success '... and the switch happened once: no old total after the new one' '
    ! sed -n "/^4000$/,\$p" swap.counts | grep -v "^4000$"
'
test_done
