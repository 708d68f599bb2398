#!/bin/sh
# tests/bench/scale-corpus, the generator of the benchmarks' corpus at
# archive scale: N copies with fresh ids, and with --redate a year each.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

if ! command -v python3 >/dev/null 2>&1; then
    skip_all "python3 not found"
fi
gen() { python3 "$top_srcdir/tests/bench/scale-corpus" "$@"; }
index() { newsarc_index --extract never "$@"; }
count() { newsarc_search -d "$1" --count "$2"; }
sgm=$FIXTURES/articles/newswire.sgm

test_expect_success 'N copies, the first the corpus as it is, the others with fresh ids' '
    gen 3 out "$sgm" &&
    cmp "$sgm" out/copy-1/newswire.sgm &&
    index -d three.db out 2>err && test "$(count three.db "")" = 9 &&
    for id in reuters-90001 reuters-190001 reuters-290003; do
        newsarc_search -d three.db --count "id:$id" | grep -qx 1 || exit 1
    done &&
    test "$(count three.db "place:usa")" = "$((3 * $(index -d one.db "$sgm" && count one.db "place:usa")))"
'
test_expect_success '--redate moves copy K into a year of its own' '
    gen --redate 3 dated "$sgm" &&
    index -d dated.db dated &&
    test "$(count dated.db date:1987)" = 3 && test "$(count dated.db date:1988)" = 3 &&
    test "$(count dated.db date:1989-03)" = 3 && test "$(count dated.db date:1990)" = 0
'
test_expect_failure_code 2 'a count that is not a number is refused' '
    gen x out2 "$sgm"
'
test_done
