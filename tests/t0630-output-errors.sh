#!/bin/sh
# Output that cannot be written: both programs exit 74 on every path that
# writes standard output, with one line on standard error.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

test -c /dev/full && test -w /dev/full || skip_all "no /dev/full"

samples=$top_srcdir/samples
index="$top_builddir/indexer/newsarc-index"
search="$top_builddir/search/newsarc-search"

test_expect_success 'setup: a database' '
    newsarc_index -d db --extract never "$samples" &&
    id=$(newsarc_search -d db --format json --limit 1 "" | sed -n "s/.*\"results\": \[{\"id\": \"\([^\"]*\)\".*/\1/p") &&
    test -n "$id" && echo "$id" >id
'

# Runs PROG ARGS... with standard output on /dev/full: exit 74, one line.
full() {
    prog=$1
    shift
    run_prog "$prog" "$@" >/dev/full 2>err
    rc=$?
    cat err
    test "$rc" = 74 && test "$(wc -l <err)" = 1 &&
        grep -qx "$(basename "$prog"): error: cannot write the output: no space left on device" err
}

test_expect_success 'newsarc-index --help' 'full "$index" --help'
test_expect_success 'newsarc-index --version' 'full "$index" --version'
test_expect_success 'newsarc-index --stats' 'full "$index" -c "$CONFIG" -d db --stats'
test_expect_success 'newsarc-index --stats --format json' 'full "$index" -c "$CONFIG" -d db --stats --format json'
test_expect_success 'newsarc-index --extract-only' 'full "$index" -c "$CONFIG" --extract-only "$samples"'
test_expect_success 'newsarc-index PATH --stats (indexed, then the figures lost)' '
    full "$index" -c "$CONFIG" --extract never -d db2 "$samples" --stats &&
    test "$(newsarc_search -d db2 --count "")" -ge 1
'
test_expect_success 'newsarc-search --help' 'full "$search" --help'
test_expect_success 'newsarc-search --version' 'full "$search" --version'
test_expect_success 'newsarc-search QUERY' 'full "$search" -c "$CONFIG" -d db bank'
test_expect_success 'newsarc-search with facets' 'full "$search" -c "$CONFIG" -d db --facet place ""'
test_expect_success 'newsarc-search --format json' 'full "$search" -c "$CONFIG" -d db --format json bank'
test_expect_success 'newsarc-search --count' 'full "$search" -c "$CONFIG" -d db --count bank'
test_expect_success 'newsarc-search --show' 'full "$search" -c "$CONFIG" -d db --show "$(cat id)"'
test_expect_success 'newsarc-search --show --raw' 'full "$search" -c "$CONFIG" -d db --show "$(cat id)" --raw'
test_expect_success 'output that goes out still exits 0' '
    run_prog "$index" --help >/dev/null && run_prog "$search" --version >/dev/null &&
    newsarc_index -d db --stats >/dev/null && newsarc_search -d db --count bank >/dev/null
'
test_done
