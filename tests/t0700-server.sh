#!/bin/sh
# newsarc-search --serve and CGI: every route and error of the HTTP API,
# the same JSON as the command line (golden files, the JSON schema),
# hostile input, signals, and picking up a changed database.  Each test
# server listens on a free loopback port and is stopped by its test.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/server-lib.sh"

command -v curl >/dev/null 2>&1 || skip_all "curl not found (Debian package curl)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found (Debian package python3)"

# Canonical, as the sources an article records are.
articles=$(cd "$FIXTURES/articles" && pwd -P)
golden=$top_srcdir/tests/golden
schema=$top_srcdir/doc/newsarc-json.schema.json
search_bin=$top_builddir/search/newsarc-search

# The configuration of these tests: sources shown, so that the server's
# JSON is the command line's; short timeouts for the slow-client test.
cat >srv.yaml <<EOC
database: db
http_show_sources: true
server_threads: 2
server_timeout: 2
cors_origins: [https://news.example.org]
EOC

trap 'test -n "${SERVER:-}" && kill -9 "$SERVER" 2>/dev/null; [ -n "${NEWSARC_KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT

# get PATH [CURL-OPTION...]: the body on stdout, "STATUS" in ./status.
get() {
    p=$1
    shift
    curl -s --path-as-is -o body -w '%{http_code}' "$@" "http://127.0.0.1:$PORT$p" >status
    cat body
}
status_is() { test "$(cat status)" = "$1" || { echo "status $(cat status), expected $1"; cat body; return 1; }; }
error_is() {
    status_is "$1" &&
    python3 -c 'import json, sys; d = json.load(open("body")); assert d["error"]["code"] == int(sys.argv[1]), d' "$1" &&
    cp body "json.err.$1.$(date +%s%N)"
}

# NEWSARC_UPDATE_GOLDEN=1 rewrites the golden files from the command
# line's output (then read the diff before committing it).
# JSON as compared with golden files: elapsed_ms left out, fixture paths
# made relative.
normal() { sed -e 's/, "elapsed_ms": [-0-9.e+]*//' -e "s|$articles/|FIXTURES/|g"; }

test_expect_success 'the fixture articles index' '
    newsarc_index -d db --extract never "$articles" 2>err && ! test -s err
'
PORT= SERVER=
start_server srv.yaml
test_expect_success 'the server starts on a free loopback port' '
    test -n "$PORT" && kill -0 "$SERVER"
'
test_expect_success 'GET /api/health: 200, the article count and the last commit' '
    get /api/health >health.json && status_is 200 &&
    n=$(newsarc_search -d db --count) &&
    python3 -c "import json, sys; d = json.load(open(\"health.json\")); assert d[\"status\"] == \"ok\" and d[\"articles\"] == int(sys.argv[1]) and d[\"last_commit\"].endswith(\"Z\"), d" "$n"
'

# Golden queries: NAME then the query string, whose parameters are the
# command line's options of the same names.
cat >queries <<'EOQ'
rates-place q=rates&facet=place&facet=topic
all-newest sort=newest&limit=3&facet=year&facet=day
filter-canada q=&filter=place=Canada&facet=place&facet=topic
paged offset=2&limit=2&facet_size=2&facet=place
hl q=bank&hl=1&limit=3
EOQ
# cli_args QUERYSTRING: the same request as newsarc-search options.
cli_args() {
    python3 -c '
import sys, urllib.parse
names = {"facet": "--facet", "filter": "--filter", "sort": "--sort", "offset": "--offset",
         "limit": "--limit", "facet_size": "--facet-size"}
q = []
for k, v in urllib.parse.parse_qsl(sys.argv[1], keep_blank_values=True):
    if k == "q":
        q.append(v)
    elif k == "hl":
        print("--highlight-markers")
    else:
        print(names[k]); print(v)
print("--"); print(" ".join(q))' "$1"
}

test_expect_success 'the command line prints the golden JSON of each query' '
    while read -r name qs; do
        set -f; IFS="
"; set -- $(cli_args "$qs"); unset IFS; set +f
        newsarc_search -c srv.yaml --format json "$@" >"cli.$name.json" || return 1
        normal <"cli.$name.json" >"cli.$name.norm" &&
        { [ -z "${NEWSARC_UPDATE_GOLDEN:-}" ] || cp "cli.$name.norm" "$golden/$name.json"; } &&
        cmp "cli.$name.norm" "$golden/$name.json" || { diff "cli.$name.norm" "$golden/$name.json"; return 1; }
    done <queries
'
test_expect_success 'GET /api/search answers the same bytes for the same options' '
    while read -r name qs; do
        get "/api/search?$qs" >"srv.$name.json" && status_is 200 &&
        normal <"srv.$name.json" >"srv.$name.norm" &&
        cmp "srv.$name.norm" "$golden/$name.json" || { diff "srv.$name.norm" "$golden/$name.json"; return 1; }
    done <queries
'
test_expect_success 'hl=1 wraps matched terms in U+E000 and U+E001' '
    grep -q "$(printf "\356\200\200")[Bb]ank$(printf "\356\200\201")" srv.hl.json
'
test_expect_success 'GET /api/article/ID: the JSON of --show ID --format json' '
    get /api/article/fixture-wire-2 | normal >srv.article.norm && status_is 200 &&
    newsarc_search -c srv.yaml --show fixture-wire-2 --format json | normal >cli.article.norm &&
    { [ -z "${NEWSARC_UPDATE_GOLDEN:-}" ] || cp cli.article.norm "$golden/article.json"; } &&
    cmp srv.article.norm cli.article.norm && cmp srv.article.norm "$golden/article.json" &&
    cp body article.json
'
test_expect_success 'GET /api/article/ID/raw: the original bytes with a fitting type' '
    get /api/article/fixture-wire-2/raw -D headers >raw && status_is 200 &&
    newsarc_search -c srv.yaml --show fixture-wire-2 --raw >raw.cli && cmp raw raw.cli &&
    grep -qi "^content-type: application/json" headers
'
test_expect_success 'GET /api/facets/NAME: one facet, filtered by prefix, counted as --facet counts' '
    get "/api/facets/place?prefix=ger&limit=5" >facet.json && status_is 200 &&
    newsarc_search -c srv.yaml --format json --limit 0 --facet-size 0 --facet place >cli.facet.json &&
    python3 -c "
import json
f = json.load(open(\"facet.json\")); c = json.load(open(\"cli.facet.json\"))
want = [v for v in c[\"facets\"][\"place\"] if any(w.lower().startswith(\"ger\") for w in v[\"value\"].split())]
assert want and f[\"values\"] == want[:5], (f, want)
assert f[\"facet\"] == \"place\" and f[\"total\"] == c[\"total\"]"
'
test_expect_success 'GET /api/export: every match as JSON Lines, as --format jsonl --all' '
    get "/api/export?q=&sort=oldest" -D headers >export.jsonl && status_is 200 &&
    grep -qi "^content-type: application/x-ndjson" headers &&
    newsarc_search -c srv.yaml --format jsonl --all --sort oldest >cli.jsonl &&
    cmp export.jsonl cli.jsonl &&
    test "$(wc -l <export.jsonl)" = "$(newsarc_search -d db --count)"
'
test_expect_success 'every JSON the command line and the server printed fits the schema' '
    newsarc_search -c srv.yaml --count --format json rates >count.json &&
    "$top_srcdir/tests/json-validate" "$schema" cli.*.json srv.*.json health.json article.json facet.json \
        export.jsonl cli.jsonl count.json
'

# ---- errors ----
test_expect_success '400 for a bad parameter, with a JSON error' '
    get "/api/search?sort=sideways" && error_is 400 &&
    get "/api/search?facet=colour" && error_is 400 &&
    get "/api/search?filter=year=87" && error_is 400
'
test_expect_success '400 for a query syntax error, the message giving the column' '
    get "/api/search?q=copper%20AND" && error_is 400 && grep -q "column 8" body
'
test_expect_success '404 for an unknown article, API path or file' '
    get /api/article/no-such-article && error_is 404 &&
    get /api/article/no-such-article/raw && error_is 404 &&
    get /api/nothing && error_is 404 &&
    get /no-such-file.html && error_is 404
'
test_expect_success '405 for methods other than GET and HEAD, with Allow' '
    get /api/search -X POST -D headers && error_is 405 && grep -qi "^allow: GET, HEAD" headers &&
    get /api/search -X DELETE && error_is 405 &&
    get /api/health -I >/dev/null && status_is 200
'
test_expect_success '413 for a request with a body' '
    get /api/search -X GET --data-binary "q=rates" && error_is 413
'
# raw PATH-FILE: sends GET with the path read from a file (too long for a
# command line); the body in ./body, the status in ./status.
raw() {
    python3 - "$PORT" "$1" <<'EOP'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("GET", open(sys.argv[2]).read())
r = c.getresponse()
open("body", "wb").write(r.read())
open("status", "w").write(str(r.status))
EOP
}
test_expect_success '414 for a 150 KB query' '
    python3 -c "print(\"/api/search?q=\" + \"a\" * 150000, end=\"\")" >long &&
    raw long && error_is 414
'
test_expect_success '400 for a query over max_query_bytes' '
    python3 -c "print(\"/api/search?q=\" + \"a%20\" * 3000, end=\"\")" >long &&
    raw long && error_is 400 && grep -q "at most 4096" body
'
test_expect_success '431 for oversized headers' '
    python3 -c "print(\"X-Big: \" + \"b\" * 40000, end=\"\")" >bighdr &&
    get /api/health -H "@bighdr" && error_is 431
'

# ---- hostile input ----
test_expect_success 'limit=-1 and offset=10^12 are refused, limit=1000 is cut to max_limit' '
    get "/api/search?limit=-1" && error_is 400 &&
    get "/api/search?offset=1000000000000" && error_is 400 &&
    get "/api/search?offset=20000" && error_is 400 &&
    get "/api/search?limit=1000" >cut.json && status_is 200 && grep -q "\"limit\": 100," cut.json
'
test_expect_success 'bad UTF-8 and NUL bytes in parameters are refused' '
    get "/api/search?q=%ff%fe" && error_is 400 &&
    get "/api/search?q=a%00b" && error_is 400 &&
    get "/api/search?filter=place=%c3" && error_is 400 &&
    get "/api/facets/place?prefix=a%00" && error_is 400
'
mkdir -p www/sub && echo "<!doctype html><p>page" >www/index.html && echo "body{}" >www/sub/s.css &&
    ln -s /etc/passwd www/passwd && ln -s / www/root
stop_server
start_server srv.yaml --static www
test_expect_success 'no file outside the static folder: .., encoded dots and slashes, backslashes, symlinks' '
    get / >page && status_is 200 && grep -q "<p>page" page &&
    get /sub/s.css && status_is 200 &&
    for p in /../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /%2e%2e%2f%2e%2e%2fetc%2fpasswd /..%5c..%5cetc%5cpasswd \
             "/sub/..%5c..%5cetc/passwd" /passwd /root/etc/passwd /.hidden /sub/../index.html; do
        get "$p" >out && ! grep -q "root:" out && error_is 404 || { echo "served $p"; return 1; }
    done &&
    get /%00 && error_is 400
'
test_expect_success 'the page carries the security headers; script tags in q come back as JSON text' '
    get / -D headers >/dev/null && status_is 200 &&
    grep -qi "^content-security-policy: .*script-src .self.;.*frame-ancestors .none." headers &&
    ! grep -qi "unsafe-inline" headers &&
    grep -qi "^x-content-type-options: nosniff" headers && grep -qi "^referrer-policy: " headers &&
    get "/api/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E" -D headers >xss.json && status_is 200 &&
    grep -qi "^content-type: application/json" headers && grep -qi "^x-content-type-options: nosniff" headers
'
test_expect_success 'CORS only for a configured origin' '
    get /api/health -H "Origin: https://news.example.org" -D headers >/dev/null &&
    grep -qi "^access-control-allow-origin: https://news.example.org" headers &&
    get /api/health -H "Origin: https://evil.example" -D headers >/dev/null &&
    ! grep -qi "^access-control-allow-origin" headers
'
test_expect_success 'a slow client holding a connection open neither blocks others nor stays forever' '
    python3 - "$PORT" <<EOP
import socket, sys, time, subprocess
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")   # never finished
t = time.time()
out = subprocess.run(["curl", "-s", "-m", "5", "http://127.0.0.1:%d/api/health" % port],
                     capture_output=True).stdout
assert b"\"status\": \"ok\"" in out, out
s.settimeout(10)
try:
    data = s.recv(100)
except ConnectionResetError:
    data = b""
# Closed by the server after server_timeout (2 s), answered or not.
assert time.time() - t < 9, "kept open"
EOP
'
test_expect_success '1,000 connections opened at once: the server stays up and answers after' '
    python3 - "$PORT" <<EOP
import socket, sys
port = int(sys.argv[1])
socks = []
for i in range(1000):
    try:
        s = socket.socket(); s.settimeout(2); s.connect(("127.0.0.1", port)); socks.append(s)
    except OSError:
        pass
for s in socks:
    try: s.sendall(b"GET /api/health HTTP/1.0\r\n\r\n")
    except OSError: pass
for s in socks: s.close()
EOP
    kill -0 "$SERVER" && get /api/health >/dev/null && status_is 200
'
test_expect_success 'one log line per request: method, path and query, status' '
    grep -q "\"GET /api/search?q=rates&facet=place&facet=topic\" 200 " server.log &&
    grep -q "\"POST /api/search\" 405 " server.log &&
    ! grep -q "$(printf "\r")" server.log
'

# ---- signals and a changing database ----
test_expect_success 'a new commit is picked up without a restart' '
    before=$(get "/api/search?q=zanzibar" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"total\"])") &&
    test "$before" = 0 &&
    mkdir more && printf "title: Zanzibar spice harvest\ndate: 2025-08-01\n---\nZanzibar cloves are in.\n" >more/z.md &&
    newsarc_index -d db -q more &&
    after=$(get "/api/search?q=zanzibar" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"total\"])") &&
    test "$after" = 1
'
test_expect_success 'SIGHUP reopens the log and reloads the configuration' '
    mv server.log server.log.1 &&
    sed "s/^server_threads: 2/max_limit: 5\nserver_threads: 2/" srv.yaml >srv2.yaml && cp srv2.yaml srv.yaml &&
    kill -HUP "$SERVER" &&
    i=0; while ! grep -q "configuration reloaded" server.err && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done &&
    get "/api/search?limit=50" >cut.json && status_is 200 && grep -q "\"limit\": 5," cut.json &&
    test -s server.log && grep -q "/api/search?limit=50" server.log
'
stop_server
echo $? >term.rc
test_expect_success 'SIGTERM stops the server cleanly (exit 0)' '
    test "$(cat term.rc)" = 0 && grep -q "stopped" server.err
'
# SIGTERM while two clients are sending their requests slowly: one
# finishes its headers after the signal and is answered, the other never
# does and is closed after server_timeout; no new connection is taken
# meanwhile; the server exits 0 and logs both.
: >server.log
start_server srv.yaml
python3 - "$PORT" "$SERVER" >slow-stop.out 2>&1 <<'EOP'
import os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
done = socket.create_connection(("127.0.0.1", port))
done.sendall(b"GET /api/search?q=rates&limit=1 HTTP/1.1\r\nHost: x\r\n")
stall = socket.create_connection(("127.0.0.1", port))
stall.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
time.sleep(0.5)
os.kill(pid, signal.SIGTERM)
t = time.time()
time.sleep(0.5)
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    sys.exit("a new connection was taken while stopping")
except OSError:
    pass
done.sendall(b"Connection: close\r\n\r\n")
done.settimeout(5)
data = b""
while True:
    chunk = done.recv(65536)
    if not chunk:
        break
    data += chunk
assert data.startswith(b"HTTP/1.1 200"), data[:300]
assert b'"query": "rates"' in data, data[:300]
def running():
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
while running() and time.time() - t < 15:
    time.sleep(0.05)
took = time.time() - t
# The stalled client holds it for server_timeout (2 s), no longer.
assert not running() and took < 6, "still running %.1f s after SIGTERM" % took
print("stopped %.1f s after SIGTERM" % took)
EOP
echo $? >slow-stop.py.rc
wait "$SERVER"
echo $? >slow-stop.rc
SERVER=
test_expect_success 'SIGTERM with slow requests in flight: the finished one answered, no new connection, exit 0 in time' '
    cat slow-stop.out &&
    test "$(cat slow-stop.py.rc)" = 0 && test "$(cat slow-stop.rc)" = 0 && grep -q "stopped" server.err
'
test_expect_success '... both logged: the answered one with its status, the other with 0' '
    grep -q "\"GET /api/search?q=rates&limit=1\" 200 " server.log &&
    grep -q "\"- /api/health\" 0 0 " server.log
'

printf "database: late.db\n" >late.yaml
start_server late.yaml
test_expect_success 'a missing database is a 503, and the server recovers when it appears' '
    get /api/health && error_is 503 &&
    get "/api/search?q=rates" && error_is 503 && ! grep -qi "xapian\|late.db" body &&
    newsarc_index -d late.db -q "$articles" &&
    get /api/health >/dev/null && status_is 200
'
stop_server
newsarc_index -d one.db -q "$articles/wire.jsonl" && newsarc_index -d two.db -q "$articles"
echo "auto $PWD/one.db" >stub && printf "database: stub\n" >stub.yaml
start_server stub.yaml
test_expect_success 'a stub file switched to another database is followed without a restart' '
    n1=$(get /api/health | python3 -c "import json,sys; print(json.load(sys.stdin)[\"articles\"])") &&
    echo "auto $PWD/two.db" >stub.new && mv stub.new stub &&
    n2=$(get /api/health | python3 -c "import json,sys; print(json.load(sys.stdin)[\"articles\"])") &&
    test "$n1" -lt "$n2"
'
stop_server
printf "database: db\n" >plain.yaml
start_server plain.yaml
test_expect_success 'source paths are left out of the HTTP API unless configured' '
    get "/api/search?q=rates" >s.json && get /api/article/fixture-wire-2 >a.json &&
    get "/api/export?q=rates" >e.jsonl &&
    ! grep -q "$articles" s.json a.json e.jsonl && grep -q "\"sources\": \[\]" s.json &&
    newsarc_search -c plain.yaml --format json rates | grep -q "$articles"
'

stop_server

# ---- CGI ----
cgi() {
    env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD="${METHOD:-GET}" PATH_INFO="$1" QUERY_STRING="${2:-}" \
        NEWSARC_CONFIG="$PWD/cgi.yaml" "$search_bin"
}
test_expect_success 'CGI answers the same JSON as the server, with a Status line' '
    newsarc_index -d cgi.db --extract never -q "$articles" &&
    printf "database: cgi.db\nhttp_show_sources: true\n" >cgi.yaml &&
    cgi /api/search "q=rates&facet=place&facet=topic" >cgi.out &&
    head -1 cgi.out | grep -q "^Status: 200 OK" &&
    grep -qi "^Content-Type: application/json" cgi.out &&
    sed "1,/^\r\$/d" cgi.out | normal >cgi.norm && cmp cgi.norm "$golden/rates-place.json"
'
test_expect_success 'CGI: the same errors and routes' '
    cgi /api/article/no-such-article | head -1 | grep -q "^Status: 404" &&
    cgi /api/search "limit=-1" | head -1 | grep -q "^Status: 400" &&
    METHOD=POST cgi /api/search | head -1 | grep -q "^Status: 405" &&
    cgi /api/export "q=rates" | sed "1,/^\r\$/d" >cgi.jsonl && test -s cgi.jsonl &&
    "$top_srcdir/tests/json-validate" "$schema" cgi.jsonl json.err.*
'

test_done
