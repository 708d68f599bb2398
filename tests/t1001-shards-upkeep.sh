#!/bin/sh
# Time shards kept as one archive: --prune weighs prune_max against the
# whole archive and a refused prune changes no shard; the out-of-date
# warning counts every shard, written in the run or not; two articles
# swapping shards in one run are moved, not removed by the settling of
# their files; --rebuild routes every article by its date as rebuilt.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

cp -R "$top_srcdir/config" cfg
sed -i "s/^prune_max:.*/prune_max: 20/" cfg/newsarc.yaml
CONFIG=$TRASH/cfg/newsarc.yaml
sindex() { newsarc_index --extract never --shard-by year "$@"; }
count() { newsarc_search -d "$1" --count "${2:-}"; }

# story FILE ID DATE: a Markdown article with front matter.
story() {
    printf -- "---\ntitle: Story %s\nid: %s\ndate: %s\nplaces: [Wobegon]\n---\nHarbour report %s.\n" \
        "$2" "$2" "$3" "$2" >"$1"
}

mkdir in x
json_ids() { grep -o "\"id\": \"[^\"]*\"" | sort; }
for i in 1 2 3 4; do story in/a$i.md a$i 1987-0$i-02; done
for i in 1 2 3 4 5; do story in/b$i.md b$i 1988-0$i-03; done
story in/c1.md c1 1990-06-30

test_expect_success 'an archive of ten articles in three shards' '
    sindex -d db in && test "$(count db)" = 10 && test "$(count db/1990)" = 1
'
test_expect_success 'a prune of one article in ten is under prune_max, though it empties its shard' '
    rm in/c1.md &&
    sindex --prune -d db in 2>err && test ! -s err &&
    test "$(count db)" = 9 && test "$(count db/1990)" = 0
'
test_expect_failure_code 1 'three of the nine articles are over prune_max, though one shard loses only 20%' '
    rm in/a1.md in/a2.md in/b1.md &&
    sindex --prune -d db in 2>err
'
test_expect_success '... which says so in one line and changes no shard' '
    test "$(wc -l <err)" = 1 &&
    grep -q "^newsarc-index: db: error: prune refused: it would remove 3 articles, more than prune_max (20%)" err &&
    test "$(count db)" = 9 && test "$(count db/1988 id:b1)" = 1 && test "$(count db/1987 id:a1)" = 1
'
test_expect_success '--force removes them from both shards' '
    sindex --prune --force -d db in && test "$(count db)" = 6 &&
    test "$(count db/1988)" = 4 && test "$(count db/1987)" = 2
'

test_expect_success 'a changed alias table: one line counts the articles out of date in every shard' '
    printf "Lake Wobegon\tWobegon\n" >>cfg/aliases/places.tsv &&
    sindex -d db in 2>err && test "$(wc -l <err)" = 1 &&
    grep -q "^newsarc-index: db: warning: 6 articles are out of date (the alias tables changed); run .newsarc-index --refresh -d db." err
'
test_expect_success '... also when the run writes one shard only' '
    story in/a5.md a5 1987-05-05 &&
    sindex -d db in 2>err && grep -q "^newsarc-index: db: warning: 6 articles are out of date" err
'
test_expect_success '--refresh brings every shard up to date' '
    sindex --refresh -d db 2>err && test ! -s err && sindex -d db in 2>err && test ! -s err
'

test_expect_success 'two articles trading shards in one run are moved, not removed' '
    story in/a3.md a3 1988-03-02 && story in/b3.md b3 1987-03-03 &&
    sindex -v -d db in 2>err &&
    grep -q "0 removed" err && grep -q "2 articles moved to another shard" err &&
    test "$(count db/1988 id:a3)" = 1 && test "$(count db/1987 id:a3)" = 0 &&
    test "$(count db/1987 id:b3)" = 1 && test "$(count db/1988 id:b3)" = 0 && test "$(count db)" = 7
'

test_expect_success '--rebuild moves an article left in a wrong shard to the shard of its date' '
    story stray.md s1 1988-07-07 && newsarc_index --extract never -d db/1987 stray.md &&
    test "$(count db/1987 id:s1)" = 1 &&
    sindex -v --rebuild -d db 2>err &&
    grep -q "article .s1. removed from shard .1987.: it belongs in .1988." err &&
    test "$(count db/1987 id:s1)" = 0 && test "$(count db/1988 id:s1)" = 1 && test "$(count db)" = 8
'
test_expect_success '... and the rebuilt archive holds what a fresh run makes, shard by shard' '
    sindex -d fresh in stray.md &&
    for shard in 1987 1988; do
        newsarc_search -d db/$shard --limit 100 --format json "" | json_ids >rebuilt.$shard &&
        newsarc_search -d fresh/$shard --limit 100 --format json "" | json_ids >fresh.$shard &&
        cmp rebuilt.$shard fresh.$shard || return 1
    done
'
test_expect_success '--rebuild without extraction takes an article dated by its dateline to the undated shard' '
    printf "Harbour note\n\nLONDON, March 3, 1991 - Harbour note of the day.\n" >x/x.txt &&
    newsarc_index --extract auto --shard-by year -d db x && test "$(count db/1991)" = 1 &&
    ! test -d db/undated &&
    sindex --rebuild -d db 2>err &&
    test "$(count db/1991)" = 0 && test "$(count db/undated)" = 1 && test "$(count db)" = 9
'

# Many articles of one year after one of another: the writer given them
# uses the memory the idle one leaves, not half of it, so its partial
# databases are as few as one database would write.
awk 'BEGIN {
    printf "{\"id\": \"m0\", \"title\": \"Early\", \"date\": \"1987-01-01\", \"body\": \"Early note.\"}\n"
    for (i = 1; i <= 500; i++) {
        body = ""
        for (j = 0; j < 180; j++) body = body sprintf("w%dx%d ", i, j)
        printf "{\"id\": \"m%d\", \"title\": \"Note %d\", \"date\": \"1988-01-01\", \"body\": \"%s\"}\n", i, i, body
    }
}' >many.jsonl
sed "s/^index_memory:.*/index_memory: 64/" cfg/newsarc.yaml >mem.yaml
test_expect_success 'one database writes the articles as one partial database' '
    newsarc_index -c mem.yaml --extract never -v -d mem-one many.jsonl 2>err &&
    ! grep -q "partial databases" err
'
test_expect_success 'shards write one each: the memory goes to the shard being written' '
    newsarc_index -c mem.yaml --extract never --shard-by year -v -d mem-sh many.jsonl 2>err &&
    grep -q "written as 2 partial databases" err && test "$(count mem-sh)" = 501
'

test_done
