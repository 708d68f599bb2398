#!/bin/sh
# Bad input: one line per problem naming file and line, exit status 1, the
# good records around it indexed, nothing already indexed lost.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

broken=$FIXTURES/broken

newsarc_index -d db "$FIXTURES/articles" || exit 1

test_expect_failure_code 1 'a folder of broken files exits 1' '
    newsarc_index -d db "$broken" 2>err
'
newsarc_index -d db2 "$broken" 2>err

test_expect_success 'each problem is one line naming file and line' '
    grep -q "^newsarc-index: .*/bad-front-matter.md:4: error: front matter: " err &&
    grep -q "^newsarc-index: .*/unclosed-front-matter.md:1: error: front matter opened" err &&
    grep -q "^newsarc-index: .*/mixed.yaml:5: error: expected an object" err &&
    grep -q "^newsarc-index: .*/mixed.jsonl:2: error: invalid JSON" err &&
    grep -q "^newsarc-index: .*/mixed.jsonl:3: error: expected an object" err &&
    grep -q "^newsarc-index: .*/bad-elements.sgm:5: error: .*NEWID" err &&
    grep -q "^newsarc-index: .*/bad-elements.sgm:9: error: .*not closed" err &&
    grep -q "^newsarc-index: .*/empty.txt: error: empty file" err &&
    test "$(wc -l <err)" -eq 8
'
test_expect_success 'the good records beside them are indexed' '
    test "$(newsarc_search -d db2 --count "")" = 6 &&
    test "$(newsarc_search -d db2 --count "id:broken-good-two")" = 1 &&
    test "$(newsarc_search -d db2 --count "id:broken-jsonl-4")" = 1 &&
    test "$(newsarc_search -d db2 --count "id:reuters-95001")" = 1
'
test_expect_success 'Latin-1 text is indexed and its bytes kept as they are' '
    test "$(newsarc_search -d db2 --count "café")" = 1 &&
    newsarc_search -d db2 --show "$broken/latin1.txt" --raw >raw &&
    cmp raw "$broken/latin1.txt"
'
test_expect_success 'what was indexed before is still there' '
    newsarc_index -d db "$broken" 2>/dev/null;
    test "$(newsarc_search -d db --count "")" = 20
'
test_expect_success 'a huge single line is indexed; binary junk is skipped with a warning' '
    head -c 3000000 /dev/zero | tr "\0" "a" >long.txt &&
    head -c 20000 /dev/urandom >junk.txt &&
    newsarc_index -d db3 long.txt junk.txt 2>err &&
    grep -q "^newsarc-index: junk.txt: warning: skipped, not text: " err &&
    test "$(wc -l <err)" -eq 1 &&
    test "$(newsarc_search -d db3 --count "")" = 1
'
test_expect_success 'a file that cannot be read is reported and skipped' '
    ln -s /nonexistent/target unreadable.txt &&
    newsarc_index -d db4 unreadable.txt "$FIXTURES/articles/harbour-plan.txt" 2>err;
    grep -q "unreadable.txt: error: " err &&
    test "$(newsarc_search -d db4 --count "")" = 1
'
test_done
