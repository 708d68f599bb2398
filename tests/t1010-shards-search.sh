#!/bin/sh
# Answers independent of the layout: one database, the same articles in
# time shards (through the archive's top stub, and as repeated -d), and
# those shards served by xapian-tcpsrv give byte-identical JSON for words,
# phrases, fields, date ranges, every sort, filters, every facet, pages
# and --show; ties fall to date then id, never to Xapian's docid.  Then a
# shard that is gone or stops answering: shard_failure fail and partial.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"
. "$top_srcdir/tests/shards-lib.sh"
. "$top_srcdir/tests/server-lib.sh"

command -v xapian-tcpsrv >/dev/null 2>&1 || skip_all "xapian-tcpsrv not found (Debian package xapian-tools)"
SERVER=
trap 'stop_all_tcpsrv; [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; [ -n "${NEWSARC_KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT

split_articles art || exit 1
newsarc_index -q -d one art/*.jsonl || exit 1
index_shards art sh || exit 1
start_tcpsrv s1987 sh/1987 && start_tcpsrv s1988 sh/1988 && start_tcpsrv sundated sh/undated || {
    echo "Bail out! cannot start xapian-tcpsrv"
    exit 1
}
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' \
    "$s1987_port" "$s1988_port" "$sundated_port" >remote.stub

# One request a line: the options after newsarc-search -d LAYOUT --format json.
cat >requests <<'EOR'
copper
copper --limit 3 --offset 2
copper --sort newest
copper --sort oldest --limit 4 --offset 1
'"year end trading"'
'"copper prices"' --sort oldest
'title:copper'
'oil OR rates' --facet place --facet org
'place:canada' --facet topic --facet source
'topic:copper' --sort newest --facet place --facet-size 2
'date:1987' --sort oldest --facet day
'date:1987-03..1988-06' --facet month --facet year
'date:1988..' --sort newest
'date:..1987-06'
'copper NOT place:chile'
'person:"jane roe"' --facet person
'' --facet place --facet topic --facet person --facet org --facet author --facet source --facet year --facet month --facet day --facet mentioned --facet mentioned:year --facet-size 0
'' --sort newest --limit 5 --offset 0
'' --sort newest --limit 5 --offset 5
'' --sort newest --limit 5 --offset 15
'' --sort oldest --limit 7 --offset 3
'' --limit 4 --offset 8
'' --filter place=canada --facet place --facet topic
'' --filter place=chile --filter place=peru --filter topic=copper --facet place --facet topic --sort oldest
'strike' --filter year=1987 --facet year --facet place --limit 2 --offset 1
'' --count
'copper' --count
'rai*'
'rai* OR str*' --facet year --facet place
'cu* -oil' --sort oldest
'title:ra*' --limit 3 --offset 1
'rai* au*'
'NOT str*' --limit 4
'copper OR st*' --count
EOR

n=0
while IFS= read -r req; do
    n=$((n + 1))
    for layout in one stub dashd remote; do
        case $layout in
        one) dbs="-d one" ;;
        stub) dbs="-d sh" ;;
        dashd) dbs="-d sh/1987 -d sh/1988 -d sh/undated" ;;
        remote) dbs="-d remote.stub" ;;
        esac
        eval "newsarc_search $dbs --format json $req" >"r$n.$layout" 2>"r$n.$layout.err"
        echo $? >"r$n.$layout.rc"
    done
    test_expect_success "same JSON on every layout: $req" "
        test \"\$(cat r$n.one.rc)\" = 0 &&
        grep -q '\"total\"' r$n.one &&
        for l in stub dashd remote; do
            test \"\$(cat r$n.\$l.rc)\" = 0 && json_cmp r$n.one r$n.\$l || exit 1
        done
    "
done <requests

test_expect_success 'ties in score fall to the newest date, then the higher id' '
    newsarc_search -d sh --format jsonl --all copper >/dev/null &&
    newsarc_search -d remote.stub --format json --limit 6 copper |
        grep -o "\"id\": \"shard-[0-9]*\"" | sed "s/.*\"\\(shard-[0-9]*\\)\"/\\1/" >ties &&
    test_cmp ties <<-EOT
	shard-02
	shard-05
	shard-04
	shard-01
	shard-06
	shard-03
	EOT
'

test_expect_success 'the export gives every match in the same order on every layout' '
    for l in one sh remote.stub; do
        newsarc_search -d $l --format jsonl --all --sort newest "" >"x.$(basename $l)" || exit 1
    done &&
    test "$(wc -l <x.one)" -eq 20 &&
    cmp x.one x.sh && cmp x.one x.remote.stub
'

test_expect_success '--show of every article is the same on every layout' '
    for id in $(sed -n "s/.*\"id\": \"\\(shard-[0-9]*\\)\".*/\\1/p" "$FIXTURES/shards/articles.jsonl"); do
        for l in one sh remote.stub; do
            newsarc_search -d $l --format json --show $id >"show.$(basename $l)" &&
            newsarc_search -d $l --show $id --raw >"raw.$(basename $l)" || exit 1
        done
        cmp show.one show.sh && cmp show.one show.remote.stub &&
        cmp raw.one raw.sh && cmp raw.one raw.remote.stub || exit 1
    done
'

# Through xapian-tcpsrv a wildcard used to be expanded shard by shard;
# now it is expanded once, over every shard's terms, within a limit.
test_expect_success 'a wildcard is expanded over all shards into an OR of their terms' '
    newsarc_search -d remote.stub -v --count "rai*" 2>err >/dev/null &&
    grep -q "query: Query((rail OR rains OR raised OR raises))" err
'
# Xapian gives a wildcard's pattern back only in its description, where
# some bytes are escaped: a pattern past ASCII must survive the trip.
test_expect_success 'a wildcard past ASCII expands to its terms' '
    printf "{\"id\": \"g1\", \"body\": \"\316\264\316\277\316\272\316\271\316\274\316\256 \316\264\316\277\316\272\316\254\317\201 \316\264\316\261\"}\n" >greek.jsonl &&
    newsarc_index -q -d greek greek.jsonl &&
    q=$(printf "\316\264\316\277\316\272*") &&
    test "$(newsarc_search -d greek --count "$q")" = 1 &&
    newsarc_search -d greek -v --count "$q" 2>err >/dev/null &&
    grep -q " OR " err &&
    test "$(newsarc_search -d greek --count "$q -$(printf "\316\264\316\277\316\272\316\261\317\201")")" = 0
'
awk 'BEGIN { printf "{\"id\": \"wide\", \"body\": \""; for (i = 1; i <= 1001; i++) printf "zqw%d ", i; print "\"}" }' >wide.jsonl
test_expect_failure_code 2 'a wildcard matching more than 1000 terms is a query error naming it' '
    newsarc_index -q -d wide wide.jsonl &&
    test "$(newsarc_search -d wide --count "zqw1*")" = 1 &&
    newsarc_search -d wide --count "zqw*" >out 2>err
    rc=$?
    grep -q "error: the wildcard .zqw\*. matches more than 1000 terms" err &&
    exit $rc
'

# ---- shard failures ----

cat >fast.yaml <<EOC
remote_timeout: 1000
remote_connect_timeout: 1000
EOC
cat >partial.yaml <<EOC
remote_timeout: 1000
remote_connect_timeout: 1000
shard_failure: partial
EOC
search_bin=$top_builddir/search/newsarc-search
newsarc_search -d sh/1987 -d sh/undated --format json --facet place copper >without1988 || exit 1

stop_tcpsrv s1988
test_expect_failure_code 3 'a shard that is gone fails the search, naming it (shard_failure fail)' '
    "$search_bin" -c fast.yaml -d remote.stub copper >out 2>err
    rc=$?
    grep -q "error: cannot open shard .tcp:127.0.0.1:$s1988_port.: NetworkError" err && ! test -s out &&
    exit $rc
'
test_expect_success '--shard-failure partial answers from the others and says which was left out' '
    "$search_bin" -c fast.yaml -d remote.stub --shard-failure partial --format json --facet place copper >out 2>err &&
    grep -q "^newsarc-search: warning: shard .tcp:127.0.0.1:$s1988_port. left out of the answer: NetworkError" err &&
    python3 - out without1988 <<-EOP
	import json, sys
	got, want = (json.load(open(f)) for f in sys.argv[1:3])
	s = got.pop("shards")
	assert s["total"] == 3, s
	assert [f["shard"] for f in s["failed"]] == ["tcp:127.0.0.1:$s1988_port"], s
	assert s["failed"][0]["error"].startswith("NetworkError"), s
	for j in (got, want):
	    j.pop("elapsed_ms")
	assert got == want, (got, want)
	EOP
'
test_expect_success '--all with --shard-failure partial warns about the shard left out of the export' '
    "$search_bin" -c fast.yaml -d remote.stub --shard-failure partial --format jsonl --all copper >out 2>err &&
    grep -q "^newsarc-search: warning: shard .tcp:127.0.0.1:$s1988_port. left out of the export: NetworkError" err &&
    "$search_bin" -d sh/1987 -d sh/undated --format jsonl --all copper >want &&
    test -s want && cmp want out
'
test_expect_success 'the partial answer passes the JSON schema' '
    python3 "$top_srcdir/tests/json-validate" "$top_srcdir/doc/newsarc-json.schema.json" out
'
test_expect_success 'shard_failure: partial in the configuration does the same; --shard-failure fail overrides it' '
    "$search_bin" -c partial.yaml -d remote.stub --format json copper >out 2>err &&
    grep -q "\"shards\": {\"total\": 3, \"failed\": \\[{\"shard\": \"tcp:127.0.0.1:$s1988_port\"" out &&
    ! "$search_bin" -c partial.yaml -d remote.stub --shard-failure fail copper >out 2>err &&
    grep -q "cannot open shard" err
'
test_expect_success 'an answer with every shard has no "shards" member' '
    newsarc_search -d sh --format json copper >out && ! grep -q "\"shards\"" out
'

# The HTTP server: 200 with the shards left out listed (partial), 503 (fail).
if command -v curl >/dev/null 2>&1; then
    start_server partial.yaml -d remote.stub
    test_expect_success 'the server answers 200 from the other shards, listing the one left out' '
        test -n "$PORT" &&
        curl -s -o body -w "%{http_code}" "http://127.0.0.1:$PORT/api/search?q=copper" >status &&
        test "$(cat status)" = 200 &&
        grep -q "\"shards\": {\"total\": 3, \"failed\": \[{\"shard\": \"tcp:127.0.0.1:$s1988_port\"" body
    '
    stop_server
    start_server fast.yaml -d remote.stub
    test_expect_success 'with shard_failure fail the server answers 503' '
        test -n "$PORT" &&
        curl -s -o body -w "%{http_code}" "http://127.0.0.1:$PORT/api/search?q=copper" >status &&
        test "$(cat status)" = 503
    '
    stop_server
else
    test_skip 'curl not found: the server tests'
fi

start_tcpsrv s1988 sh/1988 || exit 1
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' \
    "$s1987_port" "$s1988_port" "$sundated_port" >remote.stub
kill -STOP -- "-$s1988_pid"
test_expect_failure_code 3 'a shard that stops answering fails the search after remote_timeout' '
    start=$(date +%s)
    "$search_bin" -c fast.yaml -d remote.stub copper >out 2>err
    rc=$?
    test $(($(date +%s) - start)) -lt 8 && grep -q "shard .tcp:127.0.0.1:$s1988_port.: NetworkTimeoutError" err &&
    exit $rc
'
test_expect_success 'with partial, a shard that stops answering is left out after remote_timeout' '
    "$search_bin" -c partial.yaml -d remote.stub --format json --facet place copper >out 2>err &&
    python3 - out without1988 <<-EOP
	import json, sys
	got, want = (json.load(open(f)) for f in sys.argv[1:3])
	s = got.pop("shards")
	assert s["failed"][0]["error"].startswith("NetworkTimeoutError"), s
	for j in (got, want):
	    j.pop("elapsed_ms")
	assert got == want
	EOP
'
kill -CONT -- "-$s1988_pid"
test_expect_success 'the shard answers again once it is back' '
    "$search_bin" -c partial.yaml -d remote.stub --format json copper >out &&
    ! grep -q "\"shards\"" out && json_cmp out r1.one
'

# A long-running server whose shard stops answering after its connections
# are open: the forked xapian-tcpsrv serving them is stopped too (its
# process group), the next request meets the timeout and is answered by
# the others; once the shard is back, by all.
if command -v curl >/dev/null 2>&1; then
    cat partial.yaml >srvpartial.yaml && echo "server_threads: 1" >>srvpartial.yaml
    start_server srvpartial.yaml -d remote.stub
    test_expect_success 'the server answers from every shard first' '
        curl -s -o body -w "%{http_code}" "http://127.0.0.1:$PORT/api/search?q=copper" >status &&
        test "$(cat status)" = 200 && ! grep -q "\"shards\"" body
    '
    kill -STOP -- "-$s1988_pid"
    test_expect_success 'a shard that stops answering under a running server is left out of its next answer' '
        curl -s -o body -w "%{http_code}" "http://127.0.0.1:$PORT/api/search?q=copper" >status &&
        test "$(cat status)" = 200 &&
        grep -q "\"failed\": \[{\"shard\": \"tcp:127.0.0.1:$s1988_port\", \"error\": \"Network" body
    '
    test_expect_success '... which the server says on standard error once, not at every request' '
        curl -s -o body "http://127.0.0.1:$PORT/api/search?q=strike" &&
        grep -q "\"failed\": \[{\"shard\": \"tcp:127.0.0.1:$s1988_port\"" body &&
        test "$(grep -c "^newsarc-search: warning: shard .tcp:127.0.0.1:$s1988_port. left out of answers: Network" server.err)" = 1
    '
    kill -CONT -- "-$s1988_pid"
    test_expect_success '... and answers again once it is back' '
        curl -s -o body -w "%{http_code}" "http://127.0.0.1:$PORT/api/search?q=copper" >status &&
        test "$(cat status)" = 200 && ! grep -q "\"shards\"" body
    '
    test_expect_success '... which the server says too' '
        grep -q "^newsarc-search: shard .tcp:127.0.0.1:$s1988_port. answers again$" server.err
    '
    stop_server
fi

test_done
