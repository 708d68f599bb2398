#!/bin/sh
# newsarc-search --serve with four worker threads under concurrent
# requests while the ground moves: SIGHUP reloads, commits of new
# articles, a --rebuild switch, and exports the client closes early.
# Every answer must be right (a count only grows, by whole commits),
# the server must keep answering and exit 0 on SIGTERM, also with
# requests in flight.  Deterministic: fixed numbers of operations, each
# client a minimum of requests, nothing timed.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/server-lib.sh"

command -v curl >/dev/null 2>&1 || skip_all "curl not found (Debian package curl)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (Debian package python3)"
[ "${NEWSARC_VALGRIND:-no}" = yes ] && skip_all "too slow under valgrind"

search_bin=$top_builddir/search/newsarc-search
BASE=2000     # articles indexed first: an export of them is longer than a socket's buffers
COMMITS=6     # runs of the indexer while the clients run, one article each
RELOADS=20

cat >srv.yaml <<EOC
database: db
server_threads: 4
server_timeout: 5
EOC
trap 'test -n "${SERVER:-}" && kill -9 "$SERVER" 2>/dev/null; [ -n "${NEWSARC_KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT

# mkarticles FILE FIRST N WORD: N JSON Lines articles with ids from FIRST.
mkarticles() {
    awk -v first="$2" -v n="$3" -v w="$4" 'BEGIN {
        for (i = first; i < first + n; i++)
            printf "{\"id\": \"s-%d\", \"title\": \"Grain report %d\", \"date\": \"1987-03-%02d\", \"places\": [\"Japan\"], \"topics\": [\"grain\"], \"body\": \"Sorghum and %s shipments resumed, report %d said.\"}\n", i, i, i % 28 + 1, w, i
    }' >"$1"
}

# The clients: THREADS threads, each at least ROUNDS rounds and on until
# the file STOP appears, a round being an every-document search (the
# query whose handling once crashed the workers), a faceted search, a
# facet's values, an article, the health route and an export read in
# part and closed.  Each answer is checked; a search's count must lie
# between the counts before and after all the commits (LOW and HIGH)
# and never fall in a thread's sequence, which a rebuild keeps.  Prints
# "ok REQUESTS" or the first problems.
cat >clients.py <<'EOP'
import http.client, json, os, socket, sys, threading
port, threads, rounds, low, high, stop = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
problems, done = [], [0]
lock = threading.Lock()

def get(c, path):
    c.request("GET", path)
    r = c.getresponse()
    return r.status, r.read()

def cut_export():
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"GET /api/export?q= HTTP/1.1\r\nHost: x\r\n\r\n")
    got = s.recv(4096)
    s.close()
    assert got.startswith(b"HTTP/1.1 200"), got[:200]

def client(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    last, n, i = -1, 0, 0
    try:
        while i < rounds or not os.path.exists(stop):
            i += 1
            st, body = get(c, "/api/search?q=&limit=1")
            assert st == 200, (st, body[:200])
            total = json.loads(body)["total"]
            assert low <= total <= high and total >= last, (low, total, high, last)
            last = total
            st, body = get(c, "/api/search?q=sorghum&facet=place&facet=topic&limit=3")
            assert st == 200 and json.loads(body)["total"] >= low, (st, body[:200])
            st, body = get(c, "/api/facets/place?q=&prefix=ja")
            assert st == 200 and json.loads(body)["values"][0]["value"] == "Japan", (st, body[:200])
            st, body = get(c, "/api/article/s-%d" % (i % 50))
            assert st == 200 and json.loads(body)["id"] == "s-%d" % (i % 50), (st, body[:200])
            st, body = get(c, "/api/health")
            assert st == 200 and json.loads(body)["articles"] >= low, (st, body[:200])
            cut_export()
            n += 6
    except Exception as e:
        with lock:
            problems.append("client %d, round %d: %r" % (k, i, e))
    with lock:
        done[0] += n

ts = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("\n".join(problems[:5]) if problems else "ok %d" % done[0])
EOP

test_expect_success 'an archive of generated articles indexes' '
    mkarticles base.jsonl 0 $BASE oil &&
    newsarc_index -d db -q --extract never base.jsonl &&
    test "$(newsarc_search -d db --count)" = $BASE
'
PORT= SERVER=
start_server srv.yaml
test_expect_success 'the server starts with four worker threads' '
    test -n "$PORT" && kill -0 "$SERVER"
'

# hup: one SIGHUP, then waits for its reload (signals sent together
# would merge into one); false when it never comes.
hup() {
    before=$(grep -c "configuration reloaded" server.err)
    kill -HUP "$SERVER" || return 1
    n=0
    while [ "$(grep -c "configuration reloaded" server.err)" = "$before" ]; do
        [ $n -lt 600 ] && kill -0 "$SERVER" 2>/dev/null || return 1
        sleep 0.1
        n=$((n + 1))
    done
}

# Reloads, commits and a rebuild, in turn, while the clients run.
python3 clients.py "$PORT" 6 40 $BASE $((BASE + COMMITS)) stop >clients.out 2>&1 &
clients=$!
: >moves.err
i=0
while [ $i -lt $COMMITS ]; do
    i=$((i + 1))
    mkarticles add$i.jsonl $((BASE + i)) 1 wheat
    newsarc_index -d db -q --extract never --wait 60 add$i.jsonl 2>>moves.err || echo "commit $i failed" >>moves.err
    j=0
    while [ $j -lt $((RELOADS / COMMITS)) ]; do
        hup || echo "reload $i.$j not seen" >>moves.err
        j=$((j + 1))
    done
    [ $i = 3 ] && { newsarc_index -d db -q --extract never --wait 60 --rebuild 2>>moves.err || echo "rebuild failed" >>moves.err; }
done
# The clients end after their rounds.
: >stop
wait $clients
test_expect_success 'commits, a rebuild and SIGHUP reloads went through' '
    ! test -s moves.err &&
    test "$(grep -c "configuration reloaded" server.err)" = $((COMMITS * (RELOADS / COMMITS))) &&
    test "$(newsarc_search -d db --count)" = $((BASE + COMMITS))
'
test_expect_success 'every answer under them was right' '
    cat clients.out && grep -q "^ok [0-9]" clients.out
'
test_expect_success 'the server still answers, with every commit' '
    kill -0 "$SERVER" &&
    curl -s "http://127.0.0.1:$PORT/api/search?q=wheat&limit=0" >wheat.json &&
    python3 -c "import json,sys; assert json.load(open(\"wheat.json\"))[\"total\"] == $COMMITS" &&
    curl -s "http://127.0.0.1:$PORT/api/export?q=" >all.jsonl &&
    test "$(wc -l <all.jsonl)" = $((BASE + COMMITS))
'
test_expect_success 'no request was refused or failed (the log has only 200s)' '
    awk "{ print \$(NF - 2) }" server.log | sort -u >codes &&
    test "$(cat codes)" = 200
'

# SIGTERM while every client has a request in flight or coming.
rm -f stop
python3 clients.py "$PORT" 6 1000000 $((BASE + COMMITS)) $((BASE + COMMITS)) stop >late.out 2>&1 &
clients=$!
logged=$(wc -l <server.log)
i=0
while [ "$(wc -l <server.log)" -lt $((logged + 300)) ] && [ $i -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
done
stop_server
echo $? >term.rc
wait $clients
test_expect_success 'SIGTERM with requests in flight: exit 0' '
    test "$(cat term.rc)" = 0 && grep -q "stopped" server.err &&
    ! grep -v -e "configuration reloaded" -e "listening on" -e "stopped" server.err
'
test_done
