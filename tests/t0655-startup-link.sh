#!/bin/sh
# How newsarc-search is linked decides much of a whole query's cost: the
# dynamic loader looks each symbol up library by library in the order of
# the program's NEEDED entries, so libstdc++ comes right after libxapian
# (configure.ac), and nothing is linked that the program does not use.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

search="$top_builddir/search/newsarc-search"
index="$top_builddir/indexer/newsarc-index"

command -v objdump >/dev/null 2>&1 || skip_all "no objdump"
grep -q '^NA_CXX_LIB = -lstdc++' "$top_builddir/Makefile" || skip_all "this C++ library is not libstdc++"

needed() { objdump -p "$1" | awk '$1 == "NEEDED" { print $2 }'; }

for prog in "$search" "$index"; do
    name=${prog##*/}
    test_expect_success "$name: libstdc++ right after libxapian" '
        needed "$prog" >needed &&
        grep -A1 "^libxapian" needed | sed -n 2p | grep -q "^libstdc++"
    '
done
test_expect_success 'newsarc-search: no libmicrohttpd, no libraries it does not use' '
    needed "$search" >needed &&
    ! grep -q microhttpd needed && ! grep -q "^libpthread\|^libdl\|^libuuid" needed
'
test_done
