#!/bin/sh
# Programs run from the build tree without -c find the source tree's
# model and alias tables; a program that finds no data says what is
# missing in one line instead of running without it.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

samples=$top_srcdir/samples
index="$top_builddir/indexer/newsarc-index"
search="$top_builddir/search/newsarc-search"

test_expect_success 'from the build tree, without -c: indexed with extraction and aliases' '
    run_prog "$index" -d x "$samples" 2>err && test ! -s err &&
    a=$(run_prog "$search" -d x --count "place:usa") &&
    b=$(run_prog "$search" -d x --count "place:\"United States\"") &&
    test "$a" -ge 1 && test "$a" = "$b"
'
test_expect_success '... the same articles as with the shipped configuration' '
    newsarc_index -d y "$samples" &&
    for q in "" "place:usa" "person:\"Lula\"" "org:ecb" bank; do
        test "$(run_prog "$search" -d x --count "$q")" = "$(newsarc_search -d y --count "$q")" || return 1
    done
'
test_expect_success '--extract-only finds the model too' '
    run_prog "$index" --extract-only "$samples" >out.jsonl && test "$(wc -l <out.jsonl)" -ge 5
'

# A copy outside the build tree is an installed program: it must not
# take the source tree's data, and must say what it lacks.
datadir=$(printf 'print:\n\t@echo $(pkgdatadir)\n' |
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$top_builddir" -f Makefile -f - print 2>/dev/null)
if test -n "$datadir" && ! test -e "$datadir"; then
    test_expect_success 'a copy outside the build tree names the missing table in one line, exit 2' '
        cp "$index" "$search" . &&
        ./newsarc-index -d z --extract never "$samples" 2>err; rc=$?; cat err; test "$rc" = 2 &&
        test "$(wc -l <err)" = 1 &&
        grep -qx "newsarc-index: error: built-in defaults: alias table .places. cannot be read: .$datadir/aliases/places.tsv.: no such file or directory (set aliases.places to \"\" to go without)" err &&
        ./newsarc-search -d x --count bank 2>err; test $? = 2 && grep -q "$datadir/aliases/places.tsv" err
    '
    test_expect_success '... and the missing model in one line when the tables are off' '
        printf "aliases: {places: \"\", people: \"\", orgs: \"\", topics: \"\", sources: \"\"}\n" >off.yaml &&
        ./newsarc-index -c off.yaml -d z "$samples" 2>err; rc=$?; cat err; test "$rc" = 2 &&
        test "$(wc -l <err)" = 1 && grep -q "$datadir/ner.model: cannot read the model" err
    '
else
    test_skip "the data folder '$datadir' exists: an installed copy would find it"
fi

dbdir=$(printf 'print:\n\t@echo $(pkglocalstatedir)\n' |
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$top_builddir" -f Makefile -f - print 2>/dev/null)
if test -n "$dbdir" && ! test -e "$dbdir"; then
    test_expect_success 'without -d before make install: one line naming the missing folder, exit 3' '
        run_prog "$index" --extract never "$samples" 2>err; rc=$?; cat err; test "$rc" = 3 &&
        test "$(wc -l <err)" = 1 &&
        grep -qx "newsarc-index: error: $dbdir/newsarc.db: no folder .$dbdir. for the database: create it, or give -d PATH or .database. in the configuration" err &&
        ! test -e newsarc.db
    '
else
    test_skip "the database folder '$dbdir' exists"
fi
test_done
