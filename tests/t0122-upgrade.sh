#!/bin/sh
# Upgrades reach the archive: a changed alias table or gazetteer is
# detected from the digests kept in the database, the indexer says how
# many articles are out of date, and --refresh (from the stored
# originals, no sources needed) or --rebuild brings them up to date.
# Commits: a first build is one commit, later runs commit in batches.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

cp -R "$top_srcdir/config" cfg
CONFIG=$TRASH/cfg/newsarc.yaml
index() { newsarc_index --extract never "$@"; }
revision() { xapian-delve "$1" | sed -n "s/^revision = //p"; }

mkdir spool
printf -- "---\ntitle: Grain\nplaces: [Wobegon]\n---\nGrain left by train.\n" >spool/grain.md
printf -- "---\ntitle: Fish\nplaces: [Oslo]\n---\nCod prices fell.\n" >spool/fish.md

test_expect_success 'an archive indexed with the current settings is not out of date' '
    index -d db spool 2>err && test ! -s err &&
    newsarc_search -d db --facet place "" | grep -q "  Wobegon$"
'
test_expect_success 'a changed alias table: one line says how many articles are out of date and what to run' '
    printf "Lake Wobegon\tWobegon\n" >>cfg/aliases/places.tsv &&
    index -d db spool 2>err && test "$(wc -l <err)" = 1 &&
    grep -q "^newsarc-index: db: warning: 2 articles are out of date (the alias tables changed); run .newsarc-index --refresh -d db. (or --rebuild)" err
'
test_expect_success '... on every run until they are brought up to date' '
    index -d db spool 2>err && grep -q "2 articles are out of date (the alias tables changed)" err
'
test_expect_success '--refresh reindexes them from their stored originals, without the sources' '
    mv spool away &&
    index -v --refresh -d db 2>err && grep -q "2 out-of-date articles reindexed" err &&
    newsarc_search -d db --facet place "" >facets && grep -q "  Lake Wobegon$" facets && ! grep -q "  Wobegon$" facets &&
    test "$(newsarc_search -d db --count "")" = 2 && mv away spool
'
test_expect_success '... after which nothing is out of date' '
    index -d db spool 2>err && test ! -s err
'
test_expect_success 'a changed gazetteer puts articles indexed with extraction out of date' '
    newsarc_index -d xdb spool 2>err && test ! -s err &&
    echo "A note." >>cfg/gazetteer/README.md &&
    newsarc_index -d xdb spool 2>err &&
    grep -q "2 articles are out of date (the gazetteer changed)" err
'
test_expect_success '--rebuild brings them up to date too' '
    newsarc_index --rebuild -d xdb spool 2>err && newsarc_index -d xdb spool 2>err && test ! -s err
'
test_expect_success 'an article read again with the new settings is up to date' '
    printf "Lviv\tLvov\n" >>cfg/aliases/places.tsv &&
    index --force -d db spool && index -d db spool 2>err && test ! -s err
'

mkdir batch
for i in 1 2 3 4 5; do printf "Batch %s\n\nBatch story %s.\n" $i $i >batch/b$i.txt; done
test_expect_success 'a first build into an empty database is one commit' '
    sed -i "s/^commit_every: .*/commit_every: 2/" cfg/newsarc.yaml &&
    index -d bdb batch && test "$(revision bdb)" = 1
'
test_expect_success 'later runs commit every commit_every articles' '
    for i in 6 7 8 9 10; do printf "Batch %s\n\nBatch story %s.\n" $i $i >batch/b$i.txt; done &&
    index -d bdb batch && test "$(revision bdb)" = 4 &&
    test "$(newsarc_search -d bdb --count "")" = 10
'
test_expect_success '... or every commit_bytes bytes' '
    sed -i "s/^commit_bytes: .*/commit_bytes: 1/" cfg/newsarc.yaml &&
    for i in 11 12 13; do printf "Batch %s\n\nBatch story %s.\n" $i $i >batch/b$i.txt; done &&
    index -d bdb batch && test "$(revision bdb)" -ge 7
'
test_expect_success 'a run that changes nothing commits nothing' '
    r=$(revision bdb) && index -d bdb batch && test "$(revision bdb)" = "$r"
'
test_done
