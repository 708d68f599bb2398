#!/bin/sh
# The search page over an archive with a shard that cannot be reached
# (tests/browser/shards.test.mjs): the archive's stub lists a shard on
# disk and `remote 127.0.0.1:PORT` with nothing listening there.  Served
# with --shard-failure partial, the page shows the live shard's answer
# under a banner naming the one left out, with HTTP status 200; with
# fail, the API answers 503 and the page an error.  Screenshots are left
# in tests/browser/out/shards/ of the build tree.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/shards-lib.sh"
. "$top_srcdir/tests/server-lib.sh"
. "$top_srcdir/tests/browser-lib.sh"

search_bin=$top_builddir/search/newsarc-search
browser_prereqs "$search_bin"

out=$top_builddir/tests/browser/out/shards
mkdir -p "$out" && rm -f "$out"/*.png

split_articles art || exit 1
mkdir arch
newsarc_index -q -d "$TRASH/arch/1987" $(awk '$1 == 1987 { print $2 }' art/map) || exit 1
dead=$(free_port)
printf 'auto 1987\nremote 127.0.0.1:%s\n' "$dead" >arch/XAPIANDB

printf 'remote_timeout: 2000\nremote_connect_timeout: 2000\n' >fast.yaml
PARTIAL_SERVER= FAIL_SERVER=
trap 'for p in $PARTIAL_SERVER $FAIL_SERVER; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
      [ -n "${NEWSARC_KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT

# serve NAME FAILURE: a server for the archive in folder NAME (its log and
# errors there), with --shard-failure FAILURE; sets NAME_port.
serve() {
    mkdir -p "$1" && cd "$1" &&
    start_server "$TRASH/fast.yaml" -d "$TRASH/arch" --static "$top_srcdir/www" --shard-failure "$2"
    rc=$?
    cd "$TRASH" || return 1
    eval "${1}_port=\${PORT:-}; ${1}_pid=\$SERVER"
    return $rc
}

test_expect_success 'the unreachable shard is refused by the kernel: nothing listens on its port' '
    ! "$search_bin" -c fast.yaml -d "tcp:127.0.0.1:$dead" --count "" 2>err &&
    grep -q "NetworkError" err
'
serve partial partial && PARTIAL_SERVER=$partial_pid &&
serve fail fail && FAIL_SERVER=$fail_pid || {
    echo "Bail out! cannot start newsarc-search --serve"
    cat partial/server.err fail/server.err 2>/dev/null
    exit 1
}

NEWSARC_PARTIAL_URL=http://127.0.0.1:$partial_port/ NEWSARC_FAIL_URL=http://127.0.0.1:$fail_port/ \
NEWSARC_DEAD=tcp:127.0.0.1:$dead NEWSARC_SEARCH=$search_bin NEWSARC_OUT=$out \
NEWSARC_ARGS=$(printf '%s\n' -c "$CONFIG" -d "$TRASH/arch/1987") browser_run shards.test.mjs

test_expect_success 'the server with partial said once which shard it left out' '
    test "$(grep -c "^newsarc-search: warning: shard .tcp:127.0.0.1:$dead. left out of answers: NetworkError" partial/server.err)" = 1
'
test_expect_success 'the server with fail names the shard it cannot open' '
    grep -q "^newsarc-search: warning: cannot open shard .tcp:127.0.0.1:$dead.: NetworkError" fail/server.err
'
test_expect_success 'screenshots are saved, partial and failed' '
    test -s "$out/partial.png" && test -s "$out/fail.png"
'

test_done
