#!/bin/sh
# Configuration: where it comes from, what it changes, and bad files.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

samples=$top_srcdir/samples
index="$top_builddir/indexer/newsarc-index"
search="$top_builddir/search/newsarc-search"

test_expect_success 'the shipped configuration loads' '
    run_prog "$index" -c "$CONFIG" -d db "$samples/2025-06-14-harbour-festival.txt"
'
test_expect_success 'the database path comes from --config when -d is not given' '
    printf "database: fromfile.db\nextract: never\n" >my.yaml &&
    run_prog "$index" -c my.yaml "$samples/2025-06-14-harbour-festival.txt" &&
    test -d fromfile.db
'
test_expect_success 'NEWSARC_CONFIG is read when --config is not given' '
    printf "database: fromenv.db\nextract: never\n" >env.yaml &&
    NEWSARC_CONFIG=$PWD/env.yaml run_prog "$index" "$samples/2025-06-14-harbour-festival.txt" &&
    test -d fromenv.db
'
test_expect_success './newsarc.yaml is read when nothing else is named' '
    mkdir here && cd here &&
    printf "database: local.db\nextract: never\n" >newsarc.yaml &&
    run_prog "$index" "$samples/2025-06-14-harbour-festival.txt" &&
    test -d local.db
'
test_expect_success '--config wins over NEWSARC_CONFIG and -d over both' '
    NEWSARC_CONFIG=$PWD/env.yaml run_prog "$index" -c my.yaml -d cli.db "$samples/2025-06-14-harbour-festival.txt" &&
    test -d cli.db
'
test_expect_failure_code 2 'a bad configuration file is refused with exit 2' '
    printf "database: x.db\nlanguage: [oops\n" >bad.yaml &&
    run_prog "$index" -c bad.yaml "$samples"
'
test_expect_success '... naming file, line and column' '
    run_prog "$index" -c bad.yaml "$samples" 2>err;
    grep -q "bad.yaml:[0-9][0-9]*:[0-9][0-9]*: " err && test "$(wc -l <err)" -eq 1
'
test_expect_failure_code 2 'an unknown key is refused' '
    printf "databse: typo.db\n" >typo.yaml &&
    run_prog "$index" -c typo.yaml "$samples" 2>err
'
test_expect_failure_code 2 'an out-of-range value is refused' '
    printf "compression_level: 12\n" >range.yaml &&
    run_prog "$search" -c range.yaml -d db "" 2>err
'
test_expect_failure_code 2 'a --config file that does not exist is refused' '
    run_prog "$index" -c no-such.yaml "$samples" 2>err
'
test_expect_success 'alias tables from the configuration normalise places' '
    newsarc_search -d db --count "place:usa" >/dev/null &&
    run_prog "$index" -c "$CONFIG" -d aliased "$samples" &&
    a=$(newsarc_search -d aliased --count "place:usa") &&
    b=$(newsarc_search -d aliased --count "place:US") &&
    c=$(newsarc_search -d aliased --count "place:\"United States\"") &&
    test "$a" -ge 1 && test "$a" = "$b" && test "$b" = "$c"
'
test_expect_success 'without PATH the configured sources are read, each in its format' '
    mkdir -p feeds &&
    printf "{\"id\": \"cfg-1\", \"title\": \"From a source\", \"body\": \"configured feed\"}\n" >feeds/feed.txt &&
    printf "database: src.db\nextract: never\nsources:\n  - {path: feeds, format: jsonl}\n" >src.yaml &&
    run_prog "$index" -c src.yaml &&
    test "$(run_prog "$search" -c src.yaml --count id:cfg-1)" = 1
'
test_expect_success 'newsarc-search keeps the parsed configuration in the cache' '
    mkdir cached && cd cached && NEWSARC_CACHE=$PWD/c && export NEWSARC_CACHE &&
    printf "# a comment\nmax_limit: 3\n" >cfg.yaml &&
    run_prog "$search" -c cfg.yaml -d ../db --limit 5 "" >/dev/null 2>err1 &&
    grep -q "limit cut to 3" err1 &&
    ls "$NEWSARC_CACHE"/config-* >files && test "$(wc -l <files)" = 1 &&
    run_prog "$search" -c cfg.yaml -d ../db --limit 5 "" >/dev/null 2>err2 &&
    grep -q "limit cut to 3" err2 &&
    for f in "$NEWSARC_CACHE"/config-*; do echo junk >"$f"; done &&
    run_prog "$search" -c cfg.yaml -d ../db --limit 5 "" >/dev/null 2>err3 &&
    grep -q "limit cut to 3" err3
'
test_expect_success '... read again when the file changes, whatever its size and time say' '
    cd cached && NEWSARC_CACHE=$PWD/c && export NEWSARC_CACHE &&
    touch -r cfg.yaml stamp &&
    printf "# a comment\nmax_limit: 4\n" >cfg.yaml &&
    touch -r stamp cfg.yaml &&
    run_prog "$search" -c cfg.yaml -d ../db --limit 5 "" >/dev/null 2>err &&
    grep -q "limit cut to 4" err
'
test_expect_failure_code 2 '... and when a data file it looked for appears beside it' '
    cd cached && NEWSARC_CACHE=$PWD/c && export NEWSARC_CACHE &&
    printf "aliases:\n  places: aliases/places.tsv\n" >data.yaml &&
    run_prog "$search" -c data.yaml -d ../db --count "" >/dev/null &&
    mkdir -p aliases/places.tsv &&
    run_prog "$search" -c data.yaml -d ../db --count "" 2>err
'
test_done
