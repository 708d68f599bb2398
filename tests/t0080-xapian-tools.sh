#!/bin/sh
# The database stays a plain Xapian database: Xapian's own tools read it
# (through its stub, or its generation for xapian-check, which does not
# read stubs), find articles through the documented prefixes, and compact
# it.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

for tool in xapian-check xapian-delve quest xapian-compact; do
    command -v $tool >/dev/null 2>&1 ||
        skip_all "$tool not found (Debian package xapian-tools)"
done

newsarc_index -d db "$top_srcdir/samples" || exit 1

test_expect_success 'xapian-check finds no errors in the generation the stub names' '
    test "$(cat db/XAPIANDB)" = "auto gen-1" &&
    xapian-check db/gen-1 >out 2>&1 && grep -q "No errors found" out
'
test_expect_success 'quest finds stemmed free text' '
    quest -d db "rates" | grep -q "^MSet:" &&
    test "$(quest -d db -s english "cutting" | grep -c "^[0-9]*: \\[")" -ge 1
'
test_expect_success 'the unique id term Q is documented and present' '
    xapian-delve -t Qsample-ecb-rates db | grep -q "Posting List for term"
'
test_expect_success 'place terms are prefix XPLACE plus the lower-cased canonical name' '
    xapian-delve -t "XPLACEunited states" db | grep -q "Posting List"
'
test_expect_success 'date terms D, M and Y are present' '
    xapian-delve -t D20250609 db | grep -q "Posting List" &&
    xapian-delve -t M202506 db | grep -q "Posting List" &&
    xapian-delve -t Y2025 db | grep -q "Posting List"
'
test_expect_success 'quest with boolean prefixes filters by place' '
    quest -d db -b place:XPLACE "place:switzerland" | grep -q "^MSet:" &&
    n=$(quest -d db -b place:XPLACE "place:switzerland" | grep -c "^[0-9]*: \\[") &&
    test "$n" -eq 2
'
test_expect_success 'xapian-compact copies it and newsarc-search reads the copy' '
    xapian-compact db compact >/dev/null &&
    newsarc_search -d compact --count "" >count && test "$(cat count)" = 8
'
test_done
