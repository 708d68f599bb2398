#!/bin/sh
# Time shards written by the indexer: --shard-by year|month makes DB a
# folder of one archive per period plus a Xapian stub listing them (read
# whole by quest, xapian-delve and newsarc-search); an article whose
# date changes moves to its shard; a copy left in a wrong shard (a crash
# between the two commits of a move) is removed; --prune, --delete,
# --rebuild and --stats work across shards; a run locks only the shards
# it writes (a test sees a lock taken in /proc/locks, not by sleeping);
# another --shard-by on an existing archive is refused.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

index() { newsarc_index --extract never "$@"; }
sindex() { newsarc_index --extract never --shard-by year "$@"; }
count() { newsarc_search -d "$1" --count "${2:-}"; }

# story FILE ID DATE WORD: a Markdown article with front matter.
story() {
    printf -- "---\ntitle: Story %s\nid: %s\ndate: %s\nsource: Wire\n---\nHarbour report %s from the %s desk.\n" \
        "$2" "$2" "$3" "$2" "$4" >"$1"
}

# A run that holds a shard's lock for as long as a test needs, with no
# guess at how long anything takes: an ordinary run on the shard reading
# standard input, fed only once the test releases it, and a test that
# goes on only once the kernel lists the lock.  Every wait has a limit,
# so a failing test fails instead of hanging.

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every 0.1 s until it
# succeeds; after SECONDS, says what it was waiting for and fails.
wait_for() {
    tries=$(($1 * 10))
    what=$2
    shift 2
    until "$@"; do
        tries=$((tries - 1))
        [ $tries -gt 0 ] || { echo "gave up waiting for $what" >&2; return 1; }
        sleep 0.1
    done
}

# lock_held SHARD: /proc/locks lists a lock on the flintlock of the
# generation SHARD/XAPIANDB names (Xapian's writer lock, an OFD lock).
lock_held() {
    lockfile=$1/$(sed -n 's/^auto //p' "$1/XAPIANDB")/flintlock
    [ -e "$lockfile" ] || return 1
    grep -q " $(printf '%02x:%02x' $(stat -c '%Hd %Ld' "$lockfile")):$(stat -c %i "$lockfile") " /proc/locks
}

# hold SHARD FILE: starts a run indexing FILE into SHARD from standard
# input and returns once it holds SHARD's lock; sets HOLDER.  The input
# comes when release is called (or after 120 s, so the run always ends).
hold() {
    rm -f release
    (wait_for 120 "the test to release $1" test -e release; cat "$2") |
        index --input-format markdown -d "$1" - &
    HOLDER=$!
    [ -r /proc/locks ] || { echo "cannot read /proc/locks to see the lock taken" >&2; release; return 1; }
    wait_for 30 "the lock on $1" lock_held "$1" || { release; return 1; }
}

# release: lets the holder read its input, and waits for it to finish.
release() {
    : >release
    wait $HOLDER
}

mkdir in
story in/a1.md a1 1987-03-02 north
story in/a2.md a2 1987-11-20 south
story in/b1.md b1 1988-01-15 north
story in/c1.md c1 1990-06-30 east
printf "An undated note\n\nNothing in this text says when it was written.\n" >in/u.txt

test_expect_success 'a first run makes one shard per year, and one for undated articles' '
    sindex -d db in &&
    test -d db/1987 && test -d db/1988 && test -d db/1990 && test -d db/undated &&
    test "$(cat db/newsarc-shards)" = year &&
    test -f db/1987/XAPIANDB && ! test -d db/1989
'
test_expect_success 'the top stub lists every shard' '
    test_cmp db/XAPIANDB <<-EOF
	auto 1987
	auto 1988
	auto 1990
	auto undated
	EOF
'
test_expect_success 'each shard holds the articles of its period' '
    test "$(count db/1987)" = 2 && test "$(count db/1988)" = 1 && test "$(count db/1990)" = 1 &&
    test "$(count db/undated)" = 1
'
test_expect_success 'xapian-delve and quest read the archive as one database' '
    xapian-delve db >delve && grep -q "number of documents = 5" delve &&
    quest -d db harbour >quest && grep -q "Exactly 4 matches" quest
'
test_expect_success 'newsarc-search reads the sharded archive: counts, ids, facets, --show' '
    test "$(count db)" = 5 && test "$(count db "id:b1")" = 1 &&
    test "$(count db "year:1987")" = 2 &&
    newsarc_search -d db --limit 0 --facet year --facet-size 0 harbour >facets &&
    grep -q "2  1987" facets && grep -q "1  1990" facets &&
    newsarc_search -d db --show c1 >show && grep -q "^title: Story c1$" show
'
story held.md h1 1987-12-12 held
test_expect_success 'a second run opens no file, and no shard: one held by another writer is no obstacle' '
    hold db/1987 held.md && ls -i db/XAPIANDB >stub.before &&
    sindex -v -d db in 2>err; rc=$?
    release && test $rc = 0 && grep -q "0 added.*; 5 files unchanged and not read" err
'
test_expect_success '... and leaves the top stub alone, as it lists the same shards' '
    ls -i db/XAPIANDB | cmp - stub.before
'
test_expect_success '--stats prints each shard and the total' '
    newsarc_index -d db --stats >stats &&
    grep -q "^1987  *3 " stats && grep -q "^undated  *1 " stats && grep -q "^total  *6 " stats &&
    newsarc_index -d db --stats --format json >stats.json &&
    grep -q "\"shard\": \"1990\"" stats.json && grep -q "^{\"articles\": 6," stats.json
'
test_expect_success 'an article whose date changes moves to its new shard in the same run' '
    story in/a2.md a2 1989-11-20 south &&
    sindex -v -d db in 2>err &&
    grep -q "article .a2. removed from shard .1987.: it belongs in .1989." err &&
    test "$(count db/1987 id:a2)" = 0 && test "$(count db/1989 id:a2)" = 1 && test "$(count db id:a2)" = 1 &&
    grep -q "^auto 1989$" db/XAPIANDB
'
test_expect_success 'a copy left in a wrong shard (a crash between two commits) is removed by the next run' '
    story dup.md d1 1988-05-05 west &&
    index -d db/1990 dup.md && test "$(count db id:d1)" = 1 &&
    sindex -v -d db dup.md 2>err &&
    grep -q "article .d1. removed from shard .1990.: it belongs in .1988." err &&
    test "$(count db/1990 id:d1)" = 0 && test "$(count db/1988 id:d1)" = 1
'
test_expect_success '--delete removes an id from whatever shard holds it' '
    sindex -d db --delete d1 && test "$(count db id:d1)" = 0 && test "$(count db)" = 6
'
test_expect_failure_code 1 '--delete of an id no shard holds fails' '
    sindex -d db --delete no-such-id 2>err
'
test_expect_success '--prune removes the articles of gone files from their shards' '
    rm in/c1.md &&
    sindex -v --prune --force -d db in 2>err &&
    test "$(count db/1990 id:c1)" = 0 && test "$(count db id:c1)" = 0 && test "$(count db)" = 5 &&
    ! grep -q "c1.md" db/files
'
test_expect_success 'a file read again settles its sources in a shard the run did not write' '
    printf -- "---\ntitle: Two\nid: m1\ndate: 1988-02-02\n---\nHarbour one.\n" >feed.md &&
    sindex -d db feed.md && test "$(count db/1988 id:m1)" = 1 &&
    printf -- "---\ntitle: Other\nid: m2\ndate: 1990-02-02\n---\nHarbour two.\n" >feed.md &&
    sindex -d db feed.md &&
    test "$(count db id:m1)" = 0 && test "$(count db/1990 id:m2)" = 1
'
test_expect_success '--rebuild rebuilds every shard into a new generation' '
    before=$(count db) &&
    sindex -v --rebuild -d db 2>err &&
    test "$(count db)" = "$before" && grep -q "gen-2" db/1987/XAPIANDB && grep -q "gen-2" db/1988/XAPIANDB &&
    xapian-delve db | grep -q "number of documents = $before"
'
test_expect_failure_code 2 'another --shard-by on an existing archive is refused in one line' '
    newsarc_index --extract never --shard-by month -d db in 2>err
'
test_expect_success '... which says what the archive is' '
    test "$(wc -l <err)" = 1 && grep -q "^newsarc-index: error: db: the archive is sharded by year, not month" err
'
test_expect_failure_code 2 'so is a run without --shard-by' '
    index -d db in 2>err
'
test_expect_failure_code 2 'and shards for an archive that is one database' '
    index -d one.db in && sindex -d one.db in 2>err
'
test_expect_success 'shard_by in the configuration does as --shard-by month' '
    sed -e "s/^shard_by:.*/shard_by: month/" -e "s|: aliases/|: $top_srcdir/config/aliases/|" "$CONFIG" >month.yaml &&
    newsarc_index -c month.yaml --extract never -d mdb in &&
    test "$(cat mdb/newsarc-shards)" = month &&
    test -d mdb/1987-03 && test -d mdb/1988-01 && test -d mdb/1989-11 && test -d mdb/undated &&
    test "$(count mdb)" = 4
'
test_expect_success 'articles dated by extraction go to the shard of that date' '
    printf "LONDON, March 3 - Harbour note of the day.\n" >x.txt && touch -d "1991-04-01 12:00" x.txt &&
    newsarc_index --extract auto --shard-by year -d xdb x.txt &&
    test -d xdb/1991 && test "$(count xdb/1991)" = 1
'

# Two runs over different periods at once: one holds the 1987 shard
# (its input arrives slowly) while another writes 1988.
story p87.md p87 1987-07-07 west
story p88.md p88 1988-08-08 west
story q87.md q87 1987-09-09 west
test_expect_success 'two runs over different periods write at once' '
    hold db/1987 p87.md &&
    sindex -d db p88.md; rc=$?
    lock_held db/1987; held=$?
    release && test $rc = 0 && test $held = 0 &&
    test "$(count db/1988 id:p88)" = 1 && test "$(count db/1987 id:p87)" = 1
'
test_expect_failure_code 75 'a run needing a shard another run writes says it is locked' '
    hold db/1987 p87.md || exit 1
    sindex -d db q87.md 2>err; rc=$?; release; exit $rc
'
test_expect_success '... and names the shard' '
    test "$(wc -l <err)" = 1 &&
    grep -q "^newsarc-index: error: db: shard .1987. is locked by another writer; try again later" err
'
# The release comes while the waiting run polls, or, on a slow machine,
# before it first tries the lock: either way it must write, never exit 75.
test_expect_success 'with --wait it writes once the other run is done' '
    hold db/1987 p87.md &&
    { sindex --wait 60 -d db q87.md & } && waiter=$! &&
    sleep 0.5 && release && wait $waiter && test "$(count db/1987 id:q87)" = 1
'
story r88.md r88 1988-10-10 west
story r87.md r87 1987-10-10 west
test_expect_failure_code 75 'a run holding a later shard does not wait for an earlier one, even with --wait' '
    hold db/1987 p87.md || exit 1
    sindex --wait 20 -d db r88.md r87.md 2>err; rc=$?; release; exit $rc
'
test_expect_success '... and says why in one line' '
    test "$(wc -l <err)" = 1 &&
    grep -q "^newsarc-index: error: db: shard .1987. is locked by another writer, and this run holds the later shard .1988., so it does not wait" err
'
test_expect_success '... what it wrote before is kept' '
    test "$(count db id:r88)" = 1 && test "$(count db id:r87)" = 0
'

test_done
