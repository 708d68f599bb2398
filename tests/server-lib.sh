# tests/server-lib.sh - sourced by the tests of newsarc-search --serve
# after tests/setup: starting a server on a free port and stopping it.
# They need search_bin, the newsarc-search to run.

# start_server CONFIG [OPTION...]: starts a server on a free port; sets
# PORT and SERVER (its pid).  Fails after 10 s without it listening.
# Tests run in subshells, so servers are started and stopped between
# them, in this shell.
start_server() {
    cfg=$1
    shift
    : >server.err
    "$search_bin" -c "$cfg" --serve 127.0.0.1:0 --log server.log "$@" 2>server.err &
    SERVER=$!
    i=0
    while [ $i -lt 100 ]; do
        PORT=$(sed -n 's/^newsarc-search: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' server.err)
        [ -n "$PORT" ] && return 0
        kill -0 "$SERVER" 2>/dev/null || { cat server.err; return 1; }
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# stop_server: SIGTERM, then waits for a clean exit (status 0).
stop_server() {
    [ -n "${SERVER:-}" ] || return 0
    kill -TERM "$SERVER" 2>/dev/null
    wait "$SERVER"
    rc=$?
    SERVER=
    return $rc
}
