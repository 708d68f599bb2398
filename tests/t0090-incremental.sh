#!/bin/sh
# newsarc-index: runs over the same files skip what is unchanged, replace
# what changed, and never duplicate an id.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

cp -R "$top_srcdir/samples" articles

test_expect_success 'first run adds every article' '
    newsarc_index -v -d db articles 2>err &&
    grep -q "8 added, 0 replaced, 0 unchanged" err
'
test_expect_success 'second run over the same files changes nothing' '
    newsarc_index -v -d db articles 2>err &&
    grep -q "0 added, 0 replaced, 0 unchanged, 0 removed.*; 5 files unchanged and not read" err
'
test_expect_success 'an edited file is a new article and the old one goes, never both' '
    sed -i "s/record crowds/a record crowd/" articles/2025-06-14-harbour-festival.txt &&
    newsarc_index -v -d db articles 2>err &&
    grep -q "1 added, 0 replaced, 0 unchanged, 1 removed.*; 4 files unchanged" err &&
    newsarc_search -d db --count "" >count && test "$(cat count)" = 8 &&
    newsarc_search -d db --count "crowd" >count && test "$(cat count)" = 1
'
test_expect_success '--force reindexes unchanged articles' '
    newsarc_index -v --force -d db articles 2>err &&
    grep -q "0 added, 8 replaced, 0 unchanged" err
'
test_expect_success 'a new file is added alongside' '
    printf "Late story\n\nA late story about harbour ferries.\n" >articles/late.txt &&
    newsarc_index -v -d db articles 2>err &&
    grep -q "1 added, 0 replaced, 0 unchanged.*; 5 files unchanged" err &&
    newsarc_search -d db --count "" >count && test "$(cat count)" = 9
'
test_expect_success 'stored bytes of a changed article are its new bytes' '
    newsarc_search -d db --show articles/2025-06-14-harbour-festival.txt --raw >raw &&
    cmp raw articles/2025-06-14-harbour-festival.txt
'
test_done
