#!/bin/sh
# The installed layout: run without -c or -d, the installed programs read
# the installed configuration and data, and the default database is
# $(localstatedir)/lib/newsarc/newsarc.db, not beside the configuration
# nor in the current directory.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

test -f "$top_builddir/Makefile" || skip_all "no configured build tree"
command -v tar >/dev/null || skip_all "no tar"

samples=$top_srcdir/samples
P=$TRASH/prefix

# The build tree is copied, never touched: other tests are using it.  In
# the copy only the file holding the installed paths is rebuilt, with the
# scratch prefix, and the programs relinked.
test_expect_success 'setup: install a copy of the build into a scratch prefix' '
    mkdir build &&
    (cd "$top_builddir" && tar --exclude="./tests/*.log" --exclude="./tests/*.trs" --exclude=./.git -cf - .) |
        (cd build && tar -xf -) &&
    rm -f build/lib/config.o &&
    # A build beside its sources finds them in the copy; a separate one
    # (make distcheck) in the source tree, which holds no objects.
    # Named absolutely: the copy is elsewhere, where "../.." means nothing.
    src=$(cd "$top_srcdir" && pwd) &&
    if test "$src" = "$(cd "$top_builddir" && pwd)"; then
        set -- ; else
        # A separate build (make distcheck): its dependency files name the
        # sources relative to it, as the copy cannot reach them.
        rel=$(sed -n "s/^srcdir = //p" build/Makefile | sed "s/[.]/\\\\./g") &&
        find build -name "*.Po" -exec sed -i -e "s# $rel/# $src/#g" -e "s#^$rel/#$src/#" {} + &&
        set -- srcdir="$src" top_srcdir="$src" VPATH="$src"; fi &&
    make -s -C build install prefix="$P" "$@" >make.out 2>&1 || { cat make.out; false; }
'
test_expect_success 'the layout: programs, configuration, data, and the database folder' '
    test -x "$P/bin/newsarc-index" && test -x "$P/bin/newsarc-search" &&
    test -f "$P/etc/newsarc/newsarc.yaml" &&
    test -f "$P/share/newsarc/ner.model" && test -f "$P/share/newsarc/aliases/places.tsv" &&
    test -d "$P/share/newsarc/gazetteer" && test -d "$P/var/lib/newsarc"
'
test_expect_success 'the installed configuration leaves the database to the default' '
    ! grep -q "^database:" "$P/etc/newsarc/newsarc.yaml"
'
test_expect_success 'run anywhere without -c or -d, the indexer writes the default database' '
    mkdir elsewhere && cd elsewhere &&
    run_prog "$P/bin/newsarc-index" "$samples" &&
    test -d "$P/var/lib/newsarc/newsarc.db" &&
    ! test -e "$P/etc/newsarc/newsarc.db" && ! test -e newsarc.db
'
test_expect_success '... and the search reads it, with the installed alias tables' '
    cd elsewhere &&
    test "$(run_prog "$P/bin/newsarc-search" --count "")" -ge 5 &&
    a=$(run_prog "$P/bin/newsarc-search" --count "place:usa") &&
    b=$(run_prog "$P/bin/newsarc-search" --count "place:\"United States\"") &&
    test "$a" -ge 1 && test "$a" = "$b"
'
test_expect_success '--stats names no other database' '
    cd elsewhere &&
    run_prog "$P/bin/newsarc-index" --stats >stats && grep -q "^articles  *[1-9]" stats
'
test_expect_success 'a relative database in the installed file is beside that file, as documented' '
    cp "$P/etc/newsarc/newsarc.yaml" own.yaml && printf "database: here.db\n" >>own.yaml &&
    run_prog "$P/bin/newsarc-index" -c own.yaml --extract never "$samples" && test -d here.db
'
test_done
