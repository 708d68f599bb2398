# tests/shards-lib.sh - sourced by the shard tests after tests/setup:
# a sharded archive built from tests/fixtures/shards and xapian-tcpsrv
# servers on loopback ports.

# split_articles DIR: one file per article of the fixture, so that an
# article has the same source path in every layout; DIR/map gets
# "SHARD FILE" lines (SHARD 1987, 1988 or undated, as time shards by year).
split_articles() {
    mkdir -p "$1" || return 1
    i=0
    while IFS= read -r line; do
        i=$((i + 1))
        f=$1/art-$(printf %02d $i).jsonl
        printf '%s\n' "$line" >"$f"
        year=$(printf '%s\n' "$line" | sed -n 's/.*"date": "\([0-9][0-9][0-9][0-9]\).*/\1/p')
        echo "${year:-undated} $f" >>"$1/map"
    done <"$FIXTURES/shards/articles.jsonl"
}

# index_shards DIR ARCHIVE: indexes the articles of DIR/map into ARCHIVE/1987,
# ARCHIVE/1988 and ARCHIVE/undated and writes the top stub ARCHIVE/XAPIANDB
# listing them, as the indexer's time shards lay an archive out.
index_shards() {
    mkdir -p "$2" || return 1
    : >"$2/XAPIANDB.tmp"
    for shard in 1987 1988 undated; do
        newsarc_index -q -d "$2/$shard" $(awk -v s=$shard '$1 == s { print $2 }' "$1/map") || return 1
        echo "auto $shard" >>"$2/XAPIANDB.tmp"
    done
    mv "$2/XAPIANDB.tmp" "$2/XAPIANDB"
}

# start_tcpsrv NAME DB: serves DB with xapian-tcpsrv on a free loopback
# port; sets NAME_port and NAME_pid (kill it with stop_tcpsrv NAME).
TCPSRV_PIDS=
start_tcpsrv() {
    port=$((20000 + ($$ * 7 + ${#TCPSRV_PIDS} * 13) % 30000))
    tries=0
    while [ $tries -lt 20 ]; do
        : >"tcpsrv-$1.log"
        # Its own session: a stopped xapian-tcpsrv signals its whole
        # process group, which would otherwise be this test and make.
        setsid xapian-tcpsrv --interface 127.0.0.1 --port $port "$2" >"tcpsrv-$1.log" 2>&1 &
        pid=$!
        i=0
        while [ $i -lt 50 ]; do
            if grep -q Listening "tcpsrv-$1.log"; then
                eval "$1_port=$port; $1_pid=$pid"
                TCPSRV_PIDS="$TCPSRV_PIDS $pid"
                return 0
            fi
            kill -0 $pid 2>/dev/null || break
            sleep 0.1
            i=$((i + 1))
        done
        kill $pid 2>/dev/null
        wait $pid 2>/dev/null
        port=$((port + 1))
        tries=$((tries + 1))
    done
    return 1
}

# stop_tcpsrv NAME: kills the server NAME (also a stopped one).
stop_tcpsrv() {
    eval "pid=\${$1_pid:-}"
    [ -n "$pid" ] || return 0
    kill -CONT -- -$pid 2>/dev/null
    kill $pid 2>/dev/null
    wait $pid 2>/dev/null
    eval "$1_pid="
    return 0
}

stop_all_tcpsrv() {
    for pid in $TCPSRV_PIDS; do
        kill -CONT -- -$pid 2>/dev/null
        kill $pid 2>/dev/null
    done
}

# json_cmp A B: the two JSON answers are byte-identical but for elapsed_ms.
json_strip() { sed 's/, "elapsed_ms": [-0-9.e+]*//' "$1"; }
json_cmp() {
    json_strip "$1" >"$1.s" && json_strip "$2" >"$2.s" && cmp "$1.s" "$2.s" || {
        diff "$1.s" "$2.s" | head -20
        return 1
    }
}
