#!/bin/sh
# newsarc-index: options, exit statuses, indexing the samples, stdin.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

samples=$top_srcdir/samples

test_expect_success '--help prints usage on stdout and exits 0' '
    newsarc_index --help >out 2>err &&
    grep -q "^Usage: newsarc-index" out && ! test -s err
'
test_expect_success '--version names the program' '
    newsarc_index --version | grep -q "^newsarc-index [0-9]"
'
test_expect_failure_code 2 'an unknown option is a usage error' '
    newsarc_index --bogus samples
'
test_expect_failure_code 2 'no PATH is a usage error' '
    newsarc_index -d db
'
test_expect_failure_code 2 'a bad --extract value is a usage error' '
    newsarc_index -d db --extract sometimes "$samples"
'
test_expect_success 'indexing the samples is silent and exits 0' '
    newsarc_index -d db "$samples" >out 2>err &&
    ! test -s out && ! test -s err
'
test_expect_success '--stats --format json counts every sample article' '
    newsarc_index -d db --stats --format json >stats.json &&
    grep -q "\"articles\": 8" stats.json &&
    grep -q "\"raw_bytes\"" stats.json && grep -q "\"stored_bytes\"" stats.json &&
    grep -q "\"db_bytes\"" stats.json
'
test_expect_success '--stats in text names the figures' '
    newsarc_index -d db --stats >stats.txt &&
    grep -q "^articles *8$" stats.txt && grep -q "^stored bytes" stats.txt
'
test_expect_success 'the samples are searchable by id' '
    newsarc_search -d db --count "id:sample-ecb-rates" >count &&
    test "$(cat count)" = 1
'
test_expect_success 'standard input is read with -' '
    newsarc_index -d db2 - <"$samples/2025-06-09-ecb-rates.md" &&
    newsarc_search -d db2 --count "" >count && test "$(cat count)" = 1 &&
    newsarc_search -d db2 --count "id:sample-ecb-rates" >count && test "$(cat count)" = 1
'
test_expect_success 'a file without an id is named by a digest of its bytes' '
    newsarc_search -d db --show "$samples/2025-06-14-harbour-festival.txt" >out &&
    grep -q "^id: d-[0-9a-f]\{16\}$" out &&
    id=$(sed -n "s/^id: //p" out) &&
    newsarc_search -d db --count "id:$id" >count && test "$(cat count)" = 1
'
test_expect_failure_code 1 'a missing path is reported and the rest indexed' '
    newsarc_index -d db3 no-such-file "$samples/2025-06-14-harbour-festival.txt" 2>err
'
test_expect_success '... with one line naming the path' '
    newsarc_index -d db3b no-such-file "$samples/2025-06-14-harbour-festival.txt" 2>err;
    test "$(wc -l <err)" -eq 1 &&
    grep -q "^newsarc-index: no-such-file: error: no such file or directory$" err &&
    newsarc_search -d db3b --count "" >count && test "$(cat count)" = 1
'
test_expect_failure_code 3 'a database path that is a file is a database error' '
    echo not a database >plainfile &&
    newsarc_index -d plainfile "$samples" 2>err
'
test_expect_success 'a second writer is told the database is locked (exit 75)' '
    mkfifo hold &&
    { newsarc_index -d locked - <hold & } &&
    exec 9>hold &&
    sleep 1 &&
    { newsarc_index -d locked "$samples" 2>err; rc=$?; } ;
    exec 9>&- ; wait;
    test "$rc" -eq 75 && grep -q "locked" err
'
test_expect_success '-v reports each file and the totals' '
    newsarc_index -v -d db4 "$samples" 2>err &&
    grep -q "2025-05-korea-chips.jsonl: 3 articles as jsonl" err &&
    grep -q "8 added, 0 replaced, 0 unchanged" err
'
test_done
