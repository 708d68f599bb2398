#!/bin/sh
# A shard served from another "host": a network namespace made by the
# test, reached over a veth pair from a second namespace where the
# searches run, so that nothing is added to the machine's own network.
# xapian-tcpsrv listens on the other host's address only; an archive
# whose stub lists two shards on disk and that remote one answers as the
# shards on disk all do, and with the link down the shard is left out
# (partial) or fails the search.  Needs root (or the right to make
# network namespaces), unshare, nsenter and ip; skips where not allowed.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/shards-lib.sh"

command -v xapian-tcpsrv >/dev/null 2>&1 || skip_all "xapian-tcpsrv not found (Debian package xapian-tools)"
for p in unshare nsenter ip; do
    command -v $p >/dev/null 2>&1 || skip_all "$p not found (Debian packages util-linux and iproute2)"
done
unshare --net true 2>/dev/null || skip_all 'network namespaces are not allowed here (unshare --net failed)'

search_bin=$top_builddir/search/newsarc-search
# The two hosts: each namespace lives as long as its holder process.
NS_CLIENT= NS_HOST= TCPSRV=
trap 'for p in $TCPSRV $NS_CLIENT $NS_HOST; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
      [ -n "${NEWSARC_KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT
unshare --net sleep 600 &
NS_CLIENT=$!
unshare --net sleep 600 &
NS_HOST=$!
on_client() { nsenter -t "$NS_CLIENT" -n "$@"; }
on_host() { nsenter -t "$NS_HOST" -n "$@"; }
# A holder is in its namespace once unshare has run: until then nsenter
# would enter this test's own, the machine's network.
# await PID CMD...: runs CMD every 0.1 s until it succeeds; fails after
# 10 s, or once process PID is gone.
await() {
    pid=$1
    shift
    i=0
    until "$@"; do
        i=$((i + 1))
        [ $i -lt 100 ] && kill -0 $pid 2>/dev/null || return 1
        sleep 0.1
    done
}
own_ns=$(readlink /proc/self/ns/net)
in_new_ns() { ns=$(readlink /proc/$1/ns/net) && [ "$ns" != "$own_ns" ]; }
for pid in $NS_CLIENT $NS_HOST; do
    await $pid in_new_ns $pid || {
        echo "Bail out! no network namespace for process $pid"
        exit 1
    }
done

# Addresses from TEST-NET-3, which no real network uses; in these private
# namespaces they could clash with nothing anyway.
client_ip=203.0.113.1
host_ip=203.0.113.2
on_client ip link add na-client type veth peer name na-host netns "$NS_HOST" 2>veth.err ||
    skip_all "cannot make a veth pair here: $(head -n 1 veth.err)"
on_client ip addr add $client_ip/30 dev na-client && on_client ip link set na-client up &&
    on_host ip addr add $host_ip/30 dev na-host && on_host ip link set na-host up 2>veth.err || {
    cat veth.err
    echo "Bail out! cannot set up the veth pair"
    exit 1
}

split_articles art || exit 1
index_shards art sh || exit 1

# xapian-tcpsrv for the 1988 shard, on the host's address only (its own
# session: a stopped xapian-tcpsrv signals its process group).
setsid nsenter -t "$NS_HOST" -n xapian-tcpsrv --interface $host_ip --port 7001 sh/1988 >tcpsrv.log 2>&1 &
TCPSRV=$!
await $TCPSRV grep -q Listening tcpsrv.log || {
    echo "Bail out! xapian-tcpsrv did not start in the namespace: $(cat tcpsrv.log)"
    exit 1
}
printf 'auto %s/sh/1987\nremote %s:7001\nauto %s/sh/undated\n' "$TRASH" $host_ip "$TRASH" >mixed.stub
printf 'remote_timeout: 2000\nremote_connect_timeout: 2000\n' >fast.yaml

search_on_client() { on_client "$search_bin" -c "$CONFIG" "$@"; }

test_expect_success 'the host is reached over the veth pair, not over loopback' '
    on_client ip route get $host_ip >route && grep -q "dev na-client" route &&
    test "$(search_on_client -d tcp:$host_ip:7001 --count "")" = "$(newsarc_search -d sh/1988 --count "")"
'
n=0
for req in "copper --facet place --facet topic" "'' --sort newest --limit 5 --offset 2 --facet year" \
    "'\"copper prices\"' --sort oldest" "'rai* OR str*' --facet place"; do
    n=$((n + 1))
    test_expect_success "a shard on the other host answers as on disk: $req" "
        eval \"search_on_client -d mixed.stub --format json $req\" >r$n.mixed &&
        eval \"newsarc_search -d sh --format json $req\" >r$n.disk &&
        grep -q '\"total\"' r$n.disk && json_cmp r$n.disk r$n.mixed
    "
done
test_expect_success '--show of an article on the other host' '
    id=$(sed -n "s/.*\"id\": \"\\(shard-[0-9]*\\)\", \"title\": [^,]*, \"date\": \"1988.*/\\1/p" \
        "$FIXTURES/shards/articles.jsonl" | head -n 1) &&
    test -n "$id" &&
    search_on_client -d mixed.stub --show "$id" --raw >raw.mixed &&
    newsarc_search -d sh --show "$id" --raw >raw.disk && cmp raw.disk raw.mixed
'

on_host ip link set na-host down
test_expect_failure_code 3 'with the link down the search fails, naming the shard (shard_failure fail)' '
    on_client "$search_bin" -c fast.yaml -d mixed.stub copper >out 2>err
    rc=$?
    grep -q "shard .tcp:$host_ip:7001." err && exit $rc
'
test_expect_success '... and with partial the answer is the other shards'\'' own' '
    on_client "$search_bin" -c fast.yaml --shard-failure partial -d mixed.stub --format json copper >out 2>err &&
    grep -q "\"failed\": \[{\"shard\": \"tcp:$host_ip:7001\"" out &&
    newsarc_search -d sh/1987 -d sh/undated --format json copper >want &&
    sed "s/, \"shards\": {[^}]*}]}//" out >out.s && json_cmp want out.s
'

test_done
