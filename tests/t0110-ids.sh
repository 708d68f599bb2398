#!/bin/sh
# Ids and sources: an article is its source's id or a digest of its bytes,
# whatever file, spelling of the path or feed it came from; it keeps the
# list of places it was read; a file read again settles its sources; long
# and duplicate ids; archives of an older layout are rebuilt.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

# The indexer without extraction, for speed: ids and sources do not
# depend on it.
index() { newsarc_index --extract never "$@"; }
count() { newsarc_search -d "$1" --count ""; }
# The id of the one article read from PATH in DB.
idof() { newsarc_search -d "$1" --show "$2" | sed -n "s/^id: //p"; }

test_expect_success 'the same feed on standard input twice is one article' '
    printf "Monday story\n\nMarkets rose on Monday.\n" >monday.txt &&
    index -v -d stdin.db - <monday.txt 2>err && grep -q "1 added, 0 replaced, 0 unchanged" err &&
    index -v -d stdin.db - <monday.txt 2>err && grep -q "0 added, 0 replaced, 1 unchanged" err &&
    test "$(count stdin.db)" = 1
'
test_expect_success 'two different feeds on standard input never replace each other' '
    printf "{\"title\": \"a\", \"body\": \"Monday one\"}\n{\"title\": \"b\", \"body\": \"Monday two\"}\n" |
        index -v -d feeds.db - 2>err && grep -q "2 added, 0 replaced" err &&
    printf "{\"title\": \"c\", \"body\": \"Tuesday one\"}\n{\"title\": \"d\", \"body\": \"Tuesday two\"}\n" |
        index -v -d feeds.db - 2>err && grep -q "2 added, 0 replaced" err &&
    printf -- "---\ntitle: e\nbody: YAML one\n---\ntitle: f\nbody: YAML two\n" |
        index -v --input-format yaml -d feeds.db - 2>err && grep -q "2 added, 0 replaced" err &&
    test "$(count feeds.db)" = 6 &&
    test "$(newsarc_search -d feeds.db --count Monday)" = 2
'
test_expect_success 'an article without an id is named d- and the digest of its bytes' '
    id=$(newsarc_search -d stdin.db --format json "" | sed -n "s/.*\"id\": \"\\([^\"]*\\)\".*/\\1/p") &&
    echo "$id" | grep -q "^d-[0-9a-f]\\{16\\}$" &&
    index -d file.db monday.txt && test "$(idof file.db monday.txt)" = "$id"
'
test_expect_success 'articles from standard input record the source stdin' '
    index -d stdin2.db - <monday.txt &&
    newsarc_search -d stdin2.db --format json "" >out &&
    grep -q "\"sources\": \\[\"stdin\"\\]" out
'

mkdir -p art/art2 &&
printf "Kyiv grain\n\nKYIV, June 3 (Reuters) - Grain exports rose again.\n" >art/art2/kyiv-grain.txt &&
printf "Oslo fish\n\nCod prices fell in Oslo.\n" >art/oslo-fish.txt

test_expect_success 'a PATH spelled two ways gives each article once' '
    index -d two.db art/art2 && index -v -d two.db art 2>err &&
    grep -q "1 added, 0 replaced, 0 unchanged.*; 1 files unchanged" err &&
    test "$(count two.db)" = 2 &&
    (cd art && index -v -d ../two.db ./art2/../art2/kyiv-grain.txt 2>../err) &&
    grep -q "0 added, 0 replaced, 0 unchanged, 0 removed.*; 1 files unchanged" err &&
    (cd art && index -v --force -d ../two.db ./art2/../art2/kyiv-grain.txt 2>../err) &&
    grep -q "0 added, 1 replaced, 0 unchanged, 0 removed" err &&
    test "$(count two.db)" = 2
'
test_expect_success '... and its one source is the canonical path' '
    newsarc_search -d two.db --show art/art2/kyiv-grain.txt >out &&
    test "$(grep -c "^file: " out)" = 1 &&
    grep -q "^file: $(pwd -P)/art/art2/kyiv-grain.txt$" out
'
test_expect_success 'a renamed file is the same article, which gains the new path' '
    mv art/oslo-fish.txt art/oslo-cod.txt &&
    index -v -d two.db art 2>err && grep -q "0 added, 0 replaced, 1 unchanged.*; 1 files unchanged" err &&
    test "$(count two.db)" = 2 &&
    newsarc_search -d two.db --show art/oslo-cod.txt >out &&
    grep -q "^file: $(pwd -P)/art/oslo-cod.txt$" out
'
test_expect_success 'the same bytes in two files in one run are one article with both sources' '
    cp art/oslo-cod.txt art/oslo-copy.txt &&
    index -v -d copy.db art 2>err && grep -q "2 added, 0 replaced, 0 unchanged" err &&
    newsarc_search -d copy.db --format json --show art/oslo-copy.txt >out &&
    grep -q "\"sources\": \\[\"$(pwd -P)/art/oslo-cod.txt\", \"$(pwd -P)/art/oslo-copy.txt\"\\]" out &&
    rm art/oslo-copy.txt
'

printf "{\"title\": \"one\", \"body\": \"first record\"}\n{\"title\": \"two\", \"body\": \"second record\"}\n{\"title\": \"three\", \"body\": \"third record\"}\n" >three.jsonl

test_expect_success 'a file shrinking from three records to two loses the article it dropped' '
    index -d shrink.db three.jsonl && test "$(count shrink.db)" = 3 &&
    printf "{\"title\": \"one\", \"body\": \"first record\"}\n{\"title\": \"three\", \"body\": \"third record\"}\n" >three.jsonl &&
    index -v -d shrink.db three.jsonl 2>err &&
    grep -q "0 added, 0 replaced, 2 unchanged, 1 removed" err &&
    test "$(count shrink.db)" = 2 &&
    test "$(newsarc_search -d shrink.db --count second)" = 0
'
test_expect_success '... and the record that moved up is now record 2' '
    newsarc_search -d shrink.db --show "three.jsonl#2" >out &&
    grep -q "^title: three$" out &&
    grep -q "^file: $(pwd -P)/three.jsonl#2$" out && ! grep -q "three.jsonl#3" out
'
test_expect_failure_code 1 '... and record 3 no longer names an article' '
    newsarc_search -d shrink.db --show "three.jsonl#3"
'
test_expect_success 'an article also fed on standard input keeps that source' '
    printf "{\"title\": \"one\", \"body\": \"first record\"}\n" | index -d shrink.db - &&
    printf "{\"title\": \"three\", \"body\": \"third record\"}\n" >three.jsonl &&
    index -v -d shrink.db three.jsonl 2>err && grep -q "0 added, 0 replaced, 1 unchanged, 0 removed" err &&
    newsarc_search -d shrink.db --count first >n && test "$(cat n)" = 1 &&
    newsarc_search -d shrink.db --format json first | grep -q "\"sources\": \\[\"stdin\"\\]"
'
test_expect_success 'a file that cannot be read changes nothing' '
    printf "{\"title\": \"x\", \"body\": \"kept record\"}\n" >gone.jsonl &&
    index -d gone.db gone.jsonl && chmod 000 gone.jsonl &&
    { index -d gone.db gone.jsonl 2>err; test $? -eq 1 || test "$(id -u)" = 0; } &&
    chmod 644 gone.jsonl && test "$(count gone.db)" = 1
'

test_expect_success '--show PATH of a file of several articles lists their ids' '
    printf "{\"title\": \"a\", \"body\": \"alpha\"}\n{\"title\": \"b\", \"body\": \"beta\"}\n" >two.jsonl &&
    index -d list.db two.jsonl &&
    { newsarc_search -d list.db --show two.jsonl >out 2>err; test $? -eq 1; } &&
    test "$(wc -l <out)" = 2 && test "$(grep -c "^d-" out)" = 2 &&
    grep -q "holds 2 articles" err &&
    { newsarc_search -d list.db --format json --show two.jsonl >out 2>err; test $? -eq 1; } &&
    grep -q "^{\"format_version\":1,\"ids\":\[\"d-[0-9a-f]*\",\"d-[0-9a-f]*\"\]}$" out
'

long=$(printf "%0300d" 7 | tr 0 x)
printf "{\"id\": \"%s\", \"title\": \"long\", \"body\": \"a story with a long id\"}\n" "$long" >long.jsonl

test_expect_success 'an id longer than the term limit is indexed once, however often it is read' '
    index -d long.db long.jsonl && index --force -d long.db long.jsonl && index -d long.db long.jsonl &&
    test "$(count long.db)" = 1
'
test_expect_success '... and --show and id: find it, with its id whole' '
    newsarc_search -d long.db --show "$long" >out && grep -q "^id: $long$" out &&
    test "$(newsarc_search -d long.db --count "id:$long")" = 1
'

test_expect_success 'a duplicate id in one run is one line naming both places, indexed once' '
    printf "{\"id\": \"dup\", \"body\": \"the first\"}\n{\"id\": \"other\", \"body\": \"another\"}\n" >a.jsonl &&
    printf "{\"title\": \"x\", \"body\": \"x\"}\n{\"id\": \"dup\", \"body\": \"the second\"}\n" >b.jsonl &&
    { index -v -d dup.db a.jsonl b.jsonl 2>err; test $? -eq 1; } &&
    test "$(grep -c "error" err)" = 1 &&
    grep -q "^newsarc-index: b.jsonl:2: error: duplicate id .dup. (first at a.jsonl:1)" err &&
    grep -q "3 added" err &&
    test "$(newsarc_search -d dup.db --count "id:dup")" = 1 &&
    test "$(newsarc_search -d dup.db --count first)" = 1
'

test_expect_success 'a dateline read from plain text is kept in the metadata' '
    newsarc_index -d dl.db art/art2/kyiv-grain.txt &&
    newsarc_search -d dl.db --format json --show art/art2/kyiv-grain.txt >out &&
    grep -q "\"dateline\": \"KYIV, June 3 (Reuters)\"" out
'

if command -v xapian-metadata >/dev/null 2>&1; then
test_expect_success 'an archive of an older layout is rebuilt on first open, saying so in one line' '
    index -d old.db art && printf "Feed story\n\nFrom a feed.\n" | index -d old.db - &&
    xapian-metadata set old.db newsarc:layout newsarc-layout-2 &&
    mkdir old.db.rebuild-99999 &&
    index -d old.db art 2>err &&
    test "$(wc -l <err)" = 1 && grep -q "^newsarc-index: old.db: .*rebuilding it from its 3 stored articles$" err &&
    test "$(count old.db)" = 3 &&
    test "$(xapian-metadata get old.db newsarc:layout)" != newsarc-layout-2 &&
    ! test -e old.db.rebuild-99999 && test "$(ls -d old.db.* 2>/dev/null)" = ""
'
test_expect_success '... keeping every source' '
    newsarc_search -d old.db --format json feed | grep -q "\"sources\": \\[\"stdin\"\\]" &&
    newsarc_search -d old.db --show art/oslo-cod.txt >out && grep -q "^file: " out
'
test_expect_success '--rebuild rebuilds an archive of this layout too, and a later run changes nothing' '
    index -v --rebuild -d old.db 2>err && grep -q "rebuilding it from its 3 stored articles" err &&
    test "$(count old.db)" = 3 &&
    index -v -d old.db art 2>err && grep -q "0 added, 0 replaced, 0 unchanged, 0 removed.*; 2 files unchanged" err
'
test_expect_success 'a rebuild stopped while moving databases is undone by the next run' '
    index -d moved.db art && mv moved.db moved.db.rebuild-4242-old && mkdir moved.db.rebuild-4242 &&
    mkdir moved.db.rebuild-keep moved.db.old-1 &&
    index -v -d moved.db art 2>err && grep -q "0 added, 0 replaced, 0 unchanged.*; 2 files unchanged" err &&
    ! test -e moved.db.rebuild-4242 && ! test -e moved.db.rebuild-4242-old &&
    test -d moved.db.rebuild-keep && test -d moved.db.old-1
'
test_expect_success 'an interrupted rebuild leaves the live database as it was' '
    xapian-delve old.db | grep UUID >uuid-before &&
    mkfifo hold &&
    { "$top_builddir/indexer/newsarc-index" -c "$CONFIG" --extract never --rebuild -d old.db - <hold 2>err &
      pid=$!; } &&
    exec 9>hold &&
    sleep 1 &&
    kill -TERM $pid; wait $pid; rc=$?;
    exec 9>&-;
    test "$rc" -eq 143 &&
    xapian-delve old.db | grep UUID >uuid-after && cmp uuid-before uuid-after &&
    test "$(count old.db)" = 3 && test "$(ls -d old.db.* 2>/dev/null)" = ""
'
test_expect_failure_code 2 'a large archive of an older layout is refused until --rebuild' '
    awk "BEGIN { for (i = 1; i <= 2001; i++) printf \"{\\\"id\\\": \\\"n%d\\\", \\\"body\\\": \\\"b\\\"}\\n\", i }" >big.jsonl &&
    index -d big.db big.jsonl &&
    xapian-metadata set big.db newsarc:layout newsarc-layout-2 &&
    index -d big.db art 2>err
'
test_expect_success '... in one line, writing nothing' '
    test "$(wc -l <err)" = 1 && grep -q "error: big.db: .*--rebuild" err &&
    test "$(count big.db)" = 2001 &&
    test "$(xapian-metadata get big.db newsarc:layout)" = newsarc-layout-2
'
test_expect_success '--rebuild then carries it over, the PATHs given with it' '
    index --rebuild -d big.db art 2>err &&
    test "$(count big.db)" = 2003
'
else
test_skip 'older layouts need xapian-metadata (Debian package xapian-tools)'
fi
test_done
