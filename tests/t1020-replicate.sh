#!/bin/sh
# Read replicas: Xapian's xapian-replicate-server and xapian-replicate copy
# a shard over loopback after an index run, and again after the next one;
# the replica, opened directly and through xapian-tcpsrv, answers exactly
# as the shard it copies.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/shards-lib.sh"

for tool in xapian-replicate xapian-replicate-server xapian-tcpsrv; do
    command -v $tool >/dev/null 2>&1 || skip_all "$tool not found (Debian package xapian-tools)"
done
REPL_PID=
trap 'stop_all_tcpsrv; [ -n "$REPL_PID" ] && kill $REPL_PID 2>/dev/null; [ -n "${NEWSARC_KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT

split_articles art || exit 1
index_shards art sh || exit 1

# The replication server, on a free loopback port, serving the archive's folder.
port=$((20000 + ($$ * 11) % 30000))
tries=0
while [ $tries -lt 20 ]; do
    setsid xapian-replicate-server -I 127.0.0.1 -p $port sh >repl.log 2>&1 &
    REPL_PID=$!
    sleep 0.3
    kill -0 $REPL_PID 2>/dev/null && break
    port=$((port + 1))
    tries=$((tries + 1))
done
REPL_PORT=$port

# replicate: copies the current generation of shard 1987 into replica/.
replicate() {
    master=1987/$(sed -n 's/^auto //p' sh/1987/XAPIANDB)
    i=0
    while [ $i -lt 20 ]; do
        xapian-replicate -h 127.0.0.1 -p $REPL_PORT -m "$master" -o -q replica >>replicate.log 2>&1 && return 0
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}

cat >requests <<'EOR'
copper --facet place --facet topic
'' --sort newest --facet year --facet day --limit 5 --offset 2
'date:1987' --sort oldest
EOR

# same_answers LAYOUT_A LAYOUT_B: every request (and --show of each id) alike.
same_answers() {
    n=0
    while IFS= read -r req; do
        n=$((n + 1))
        eval "newsarc_search $1 --format json $req" >a.$n &&
        eval "newsarc_search $2 --format json $req" >b.$n &&
        grep -q '"total"' a.$n && json_cmp a.$n b.$n || return 1
    done <requests
    for id in shard-01 shard-07 shard-21; do
        newsarc_search $1 --format json --show $id >a.show 2>/dev/null
        ra=$?
        newsarc_search $2 --format json --show $id >b.show 2>/dev/null
        test $? -eq $ra && cmp a.show b.show || return 1
    done
}

test_expect_success 'a shard is replicated over loopback after an index run' '
    kill -0 $REPL_PID && replicate && test -f replica/XAPIANDB
'
test_expect_success 'the replica answers as the shard' '
    same_answers "-d sh/1987" "-d replica"
'
test_expect_success 'the archive with the replica in place of its shard answers as the archive' '
    same_answers "-d sh" "-d replica -d sh/1988 -d sh/undated"
'

cat >new.jsonl <<'EOJ'
{"id": "shard-21", "title": "Copper stocks fall", "date": "1987-10-19", "source": "Fixture Wire", "places": ["United States"], "topics": ["copper"], "body": "Copper stocks fell sharply as markets crashed on Monday."}
EOJ
newsarc_index -q -d sh/1987 new.jsonl || exit 1

test_expect_success 'after the next index run the replica catches up and answers as the shard' '
    ! same_answers "-d sh/1987" "-d replica" &&
    replicate && same_answers "-d sh/1987" "-d replica" &&
    newsarc_search -d replica --count "id:shard-21" >n && test "$(cat n)" = 1
'
# Started here, not in a test's subshell, so that the exit trap stops it.
start_tcpsrv rep replica
test_expect_success 'the replica served by xapian-tcpsrv answers as the shard' '
    test -n "${rep_pid:-}" &&
    same_answers "-d sh" "-d tcp:127.0.0.1:$rep_port -d sh/1988 -d sh/undated"
'

test_done
