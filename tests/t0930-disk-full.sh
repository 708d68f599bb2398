#!/bin/sh
# A full disk: writes fail with ENOSPC part-way through indexing a part
# of Reuters-21578 (five files, 5,000 articles, committed every 500, into
# an archive of the first 1,000).  The indexer says so in one line of its
# own ("newsarc-index: error: DB: no space left on device", not Xapian's
# text) and exits 3; the database still opens and
# passes xapian-check, and what it holds is what was committed: articles
# whole, with the bytes a clean run stores (tests/reuters-db).  A rebuild
# that meets a full disk says the same and leaves the live database be.
#
# Two ways to fill a disk: an 8 MB tmpfs where it can be mounted (root,
# with the right to mount), and always an LD_PRELOAD shim
# (tests/enospc.c) that makes writes under a folder fail after N bytes.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/reuters-db"

test -f "$REUTERS/reut2-000.sgm" ||
    skip_all "Reuters-21578 not found at $REUTERS (the shared corpus folder)"
[ "${NEWSARC_VALGRIND:-no}" = yes ] && skip_all "valgrind does not mix with the preloaded shim"

clean=$(reuters_db) || { echo "Bail out! the shared Reuters index cannot be built"; exit 1; }
"$top_builddir/tests/db-digest" "$clean" | sort >clean.digest || exit 1
sed -e 's/^commit_every:.*/commit_every: 500/' \
    -e "s|: aliases/|: $top_srcdir/config/aliases/|" "$CONFIG" >full.yaml

# Checks what the run writing DIR/db left: exit status 3, one line saying
# the disk is full, a database that opens with whole committed articles.
check_full() {
    dir=$1
    echo "# $2: $(newsarc_search -d $dir/db --count "" 2>/dev/null) articles committed before the disk filled"
    test_expect_success "$2: exit status 3" '
        test "$(cat $dir.rc)" = 3
    '
    test_expect_success "$2: one line in our words, naming the database and the full disk" '
        test "$(cat $dir.err)" = "newsarc-index: error: $dir/db: no space left on device"
    '
    test_expect_success "$2: the database opens, with what was committed" '
        n=$(newsarc_search -d $dir/db --count "") &&
        test "$n" -ge 1000 && test "$n" -lt 6000
    '
    test_expect_success "$2: xapian-check passes" '
        if command -v xapian-check >/dev/null 2>&1; then xapian_check_db $dir/db >$dir.check; else true; fi
    '
    test_expect_success "$2: each article whole, with the bytes of a clean run" '
        "$top_builddir/tests/db-digest" $dir/db >$dir.digest &&
        test "$(wc -l <$dir.digest)" = "$(newsarc_search -d $dir/db --count "")" &&
        ! sort $dir.digest | comm -23 - clean.digest | grep .
    '
}

# A first build is invisible until it is complete: the disk fills in a
# later, ordinary run, which commits in batches over an archive that
# already holds the first file.
first=$REUTERS/reut2-000.sgm
rest="$REUTERS/reut2-001.sgm $REUTERS/reut2-002.sgm $REUTERS/reut2-003.sgm
      $REUTERS/reut2-004.sgm $REUTERS/reut2-005.sgm"

# ---- a small filesystem ----
mkdir tmpfs
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=24m newsarc-test tmpfs 2>/dev/null; then
    trap 'umount "$TRASH/tmpfs" 2>/dev/null; rm -rf "$TRASH"' EXIT
    # shellcheck disable=SC2086
    newsarc_index -c full.yaml -q --extract never -d tmpfs/db "$first" 2>tmpfs.err &&
        newsarc_index -c full.yaml -q --extract never -d tmpfs/db $rest 2>tmpfs.err
    echo $? >tmpfs.rc
    check_full tmpfs "a 24 MB tmpfs"
    umount tmpfs
else
    test_skip "a 24 MB tmpfs (cannot mount one: not root, or no right to mount)"
fi

# ---- writes that fail after N bytes ----
shim=$top_builddir/tests/enospc.so
if test -f "$shim"; then
    mkdir shim
    newsarc_index -c full.yaml -q --extract never -d shim/db "$first" 2>shim.err || echo "Bail out! the first file does not index"
    # ASan wants its runtime first among the libraries; the shim may come
    # before it.
    NEWSARC_ENOSPC_DIR=$(pwd -P)/shim NEWSARC_ENOSPC_AFTER=12000000 LD_PRELOAD=$shim \
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
        "$top_builddir/indexer/newsarc-index" -c "$CONFIG" -c full.yaml -q --extract never -d shim/db $rest \
        2>shim.err
    echo $? >shim.rc
    check_full shim "writes failing after 12 MB"

    # A rebuild that meets the full disk leaves the live database as it was.
    before=$(newsarc_search -d shim/db --count "")
    NEWSARC_ENOSPC_DIR=$(pwd -P)/shim NEWSARC_ENOSPC_AFTER=100000 LD_PRELOAD=$shim \
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
        "$top_builddir/indexer/newsarc-index" -c "$CONFIG" -c full.yaml -q --extract never --rebuild -d shim/db \
        2>rebuild.err
    echo $? >rebuild.rc
    test_expect_success "a rebuild on a full disk: exit status 3 and the same one line" '
        test "$(cat rebuild.rc)" = 3 &&
        test "$(cat rebuild.err)" = "newsarc-index: error: shim/db: no space left on device"
    '
    test_expect_success "... and the live database is as it was" '
        test "$(newsarc_search -d shim/db --count "")" = "$before"
    '
else
    test_skip "writes failing after 12 MB (tests/enospc.so was not built)"
    test_skip "a rebuild on a full disk (tests/enospc.so was not built)"
fi
test_done
