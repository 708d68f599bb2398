#!/bin/sh
# The extraction targets on the annotated corpora (tests/eval/extract-eval):
# span F1 on CoNLL-2003 eng.testa and place F1 on Reuters-21578.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

if ! test -d "$SHARED_CORPUS"; then
    echo "1..0 # SKIP no corpus folder at $SHARED_CORPUS"
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 is needed by tests/eval/extract-eval"
    exit 0
fi

test_expect_success 'every extraction target is met' '
    python3 "$top_srcdir/tests/eval/extract-eval" --check --no-cv \
        --index "$top_builddir/indexer/newsarc-index" --config "$CONFIG" \
        --shared "$SHARED_CORPUS/.." >out 2>&1;
    status=$?; cat out; exit $status
'
test_done
