#!/bin/sh
# newsarc-search: a facet value as printed, passed to --filter, matches
# exactly as many articles as the facet said.  Spellings of one name are
# one value shown in one form (the canonical name, else the most frequent
# spelling, merged across runs and shards); mentioned counts one grain at
# a time; a filter on a facet leaves that facet's own counts standing
# (disjunctive faceting); and counts are the same through xapian-tcpsrv.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

# WOBEGON and Wobegon are one place (as Reuters writes DENVER and Denver;
# a name no table knows, so the spellings choose its form), counted once by
# an article that has both; USA and United States are one canonical
# name.  Dates in the text are mentioned periods.
cat >one.jsonl <<'EOF2'
{"id": "f1", "title": "One", "date": "1987-03-02", "places": ["WOBEGON"], "topics": ["widgets"], "body": "Oil talks were held on 9 March 1987 and again in April 1987."}
{"id": "f2", "title": "Two", "date": "1987-03-05", "places": ["WOBEGON", "USA"], "topics": ["widgets"], "body": "Oil prices rose in March 1987."}
{"id": "f3", "title": "Three", "date": "1987-04-05", "places": ["Wobegon", "WOBEGON"], "topics": ["gas"], "body": "Gas prices fell in 1987."}
{"id": "f4", "title": "Four", "date": "1987-04-06", "places": ["Boulder", "United States"], "topics": ["widgets"], "body": "Oil output rose on 10 March 1987 and on 11 March 1987."}
{"id": "f5", "title": "Five", "date": "1987-05-06", "places": ["USA"], "topics": ["gas"], "body": "Gas output rose in the first quarter of 1987."}
EOF2
# A later run spells it Wobegon more often than the first run spelled
# it WOBEGON: the merged counts choose.
cat >two.jsonl <<'EOF2'
{"id": "g1", "title": "G1", "date": "1987-06-01", "places": ["Wobegon"], "body": "one"}
{"id": "g2", "title": "G2", "date": "1987-06-02", "places": ["Wobegon"], "body": "two"}
{"id": "g3", "title": "G3", "date": "1987-06-03", "places": ["Wobegon"], "body": "three"}
EOF2

test_expect_success 'the articles index' '
    newsarc_index -d db one.jsonl 2>err && ! test -s err
'
test_expect_success 'two spellings are one value, in the most frequent spelling' '
    facet_lines place -d db "" >out &&
    test_cmp out <<EOF2
3 United States
3 WOBEGON
1 Boulder
EOF2
'
test_expect_success 'the value as printed and each spelling filter the same articles' '
    test "$(newsarc_search -d db --count --filter place=WOBEGON "")" = 3 &&
    test "$(newsarc_search -d db --count --filter place=Wobegon "")" = 3 &&
    test "$(newsarc_search -d db --count place:wobegon)" = 3
'
test_expect_success 'a facet value filters exactly its count: place, topic, year, month' '
    check_invariant place place -d db "" &&
    check_invariant topic topic -d db "" &&
    check_invariant year year -d db oil &&
    check_invariant month month -d db ""
'
test_expect_success 'mentioned counts an article once per month it names, days included' '
    facet_lines mentioned -d db "" >out &&
    test_cmp out <<EOF2 &&
3 1987-03
1 1987-04
EOF2
    test "$(newsarc_search -d db --count --filter mentioned=1987-03 "")" = 3
'
test_expect_success 'mentioned:year, :quarter and :day count their own grain' '
    facet_lines mentioned:year -d db "" >out &&
    test_cmp out <<EOF2 &&
5 1987
EOF2
    facet_lines mentioned:quarter -d db "" >out &&
    test_cmp out <<EOF2 &&
4 1987-Q1
1 1987-Q2
EOF2
    facet_lines mentioned:day -d db "" >out &&
    test_cmp out <<EOF2
1 1987-03-09
1 1987-03-10
1 1987-03-11
EOF2
'
test_expect_success 'every mentioned grain filters exactly its count' '
    for g in mentioned mentioned:year mentioned:quarter mentioned:month mentioned:day; do
        check_invariant $g mentioned -d db "" || return 1
    done
'
test_expect_failure_code 2 'an unknown grain is a usage error' '
    newsarc_search -d db --facet mentioned:week ""
'
test_expect_failure_code 2 'a grain on another facet is a usage error' '
    newsarc_search -d db --facet place:year ""
'
test_expect_success 'a filter on a facet does not narrow its own counts' '
    facet_lines place -d db --filter place=Boulder "" >out &&
    test_cmp out <<EOF2
3 United States
3 WOBEGON
1 Boulder
EOF2
'
test_expect_success '... but the other facets count with every filter' '
    facet_lines topic -d db --filter place=Boulder "" >out &&
    test_cmp out <<EOF2 &&
1 widgets
EOF2
    facet_lines place -d db --filter topic=gas "" >out &&
    test_cmp out <<EOF2
1 United States
1 WOBEGON
EOF2
'
test_expect_success 'with another facet filtered, each value filters exactly its count' '
    check_invariant place place -d db --filter topic=widgets "" &&
    check_invariant topic topic -d db --filter place=WOBEGON "" &&
    check_invariant month month -d db --filter place=WOBEGON --filter place=Boulder oil &&
    check_invariant mentioned mentioned -d db --filter topic=widgets "" &&
    check_invariant place place -d db --filter place=Boulder --filter mentioned=1987-03 ""
'
# A server keeps the forms it read: a commit that changes one must show.
srv=
if command -v curl >/dev/null 2>&1; then
    # One thread: both requests meet the same connection and its cache.
    echo "server_threads: 1" >one-thread.yaml
    "$top_builddir/search/newsarc-search" -c one-thread.yaml -d db --serve 127.0.0.1:0 2>srv.err &
    srv=$!
    for i in $(seq 100); do
        srv_port=$(sed -n 's/^newsarc-search: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' srv.err)
        [ -n "$srv_port" ] && break
        sleep 0.1
    done
    test_expect_success 'the server prints the form the database holds' '
        curl -s "http://127.0.0.1:$srv_port/api/search?q=&facet=place&limit=0" >body &&
        grep -q "\"WOBEGON\"" body && ! grep -q "\"Wobegon\"" body
    '
fi
test_expect_success 'the forms merge across runs: the later, more frequent spelling wins' '
    newsarc_index -d db two.jsonl 2>err && ! test -s err &&
    facet_lines place -d db "" >out &&
    grep -qx "6 Wobegon" out &&
    test "$(newsarc_search -d db --count --filter place=Wobegon "")" = 6
'
if [ -n "$srv" ]; then
    test_expect_success '... and a running server prints it after the commit, not the form it read before' '
        curl -s "http://127.0.0.1:$srv_port/api/search?q=&facet=place&limit=0" >body &&
        grep -q "\"Wobegon\"" body && ! grep -q "\"WOBEGON\"" body
    '
    kill -TERM "$srv"; wait "$srv"; srv=
fi
# s1 has WOBEGON twice and Wobegon once (f3 names both: its first
# spelling counts), s2 Wobegon three times: the sum picks Wobegon, in
# whichever order the shards come.
test_expect_success '... and across shards, summed' '
    newsarc_index -d s1 one.jsonl && newsarc_index -d s2 two.jsonl &&
    facet_lines place -d s1 "" | grep -qx "3 WOBEGON" &&
    facet_lines place -d s2 "" | grep -qx "3 Wobegon" &&
    facet_lines place -d s1 -d s2 "" >out && grep -qx "6 Wobegon" out &&
    facet_lines place -d s2 -d s1 "" >out && grep -qx "6 Wobegon" out &&
    check_invariant place place -d s1 -d s2 ""
'

# A name past the term limit: its key is cut as its term is, and its
# display entry's name is hashed; the printed form still filters.
long=$(printf 'Very Long Place Name %.0s' 1 2 3 4 5 6 7 8 9 10 11 12)End
printf '{"id": "l%s", "places": ["%s"], "body": "long"}\n' 1 "$long" 2 "$long" 3 "$(echo "$long" | tr a-z A-Z)" >long.jsonl
test_expect_success 'a name longer than a term is one value that filters exactly' '
    newsarc_index -d ldb long.jsonl 2>err && ! test -s err &&
    facet_lines place -d ldb "" >out &&
    test "$(cat out)" = "3 $long" &&
    test "$(newsarc_search -d ldb --count --filter "place=$long" "")" = 3
'

# ---- through xapian-tcpsrv ----
server=
stop_server() {
    if [ -n "$server" ]; then
        kill -s KILL -- -"$server" 2>/dev/null
        wait "$server" 2>/dev/null
        server=
    fi
}
trap 'stop_server; [ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$TRASH"' EXIT

if ! command -v xapian-tcpsrv >/dev/null 2>&1 || ! command -v setsid >/dev/null 2>&1 ||
    ! command -v python3 >/dev/null 2>&1; then
    test_skip 'facets through xapian-tcpsrv (needs xapian-tcpsrv, setsid and python3)'
else
    # A port nobody listens on; another process may take it first, so
    # try a few.
    remote=
    for attempt in 1 2 3; do
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        # Its own session and process group: xapian-tcpsrv signals its
        # whole group when it stops.
        setsid xapian-tcpsrv --port "$port" --interface 127.0.0.1 db >/dev/null 2>&1 &
        server=$!
        for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
            if newsarc_search -d "tcp:127.0.0.1:$port" --count "" >/dev/null 2>&1; then
                remote=tcp:127.0.0.1:$port
                break
            fi
            kill -0 "$server" 2>/dev/null || break
            sleep 0.2
        done
        test -n "$remote" && break
        stop_server
    done
    facets_json() {
        newsarc_search --format json --limit 0 --facet-size 0 --facet place --facet topic --facet month \
            --facet mentioned --facet mentioned:day "$@" |
            python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["facets"], sort_keys=True))'
    }
    test_expect_success 'JSON facets are the same through xapian-tcpsrv, display forms too' '
        test -n "$remote" &&
        facets_json -d db "" >local && facets_json -d "$remote" "" >far && diff local far &&
        grep -q "\"Wobegon\"" far &&
        facets_json -d db --filter place=Boulder --filter topic=widgets "" >local &&
        facets_json -d "$remote" --filter place=Boulder --filter topic=widgets "" >far && diff local far
    '
    test_expect_success '... and each remote value filters exactly its count' '
        check_invariant place place -d "$remote" --filter topic=widgets ""
    '
    stop_server
fi
test_done
