#!/bin/sh
# A query of stopwords alone finds the articles with those words, with
# the default stopwords and with none.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

index="$top_builddir/indexer/newsarc-index"
search="$top_builddir/search/newsarc-search"

test_expect_success 'setup: three articles, indexed with the default stopwords and with none' '
    mkdir in &&
    printf "Minister\n\nThe minister said rates would rise.\n" >in/a.txt &&
    printf "Rates\n\nRates fell in March.\n" >in/b.txt &&
    printf "Quiet\n\nOfficials said nothing at all.\n" >in/c.txt &&
    printf "extract: never\n" >default.yaml &&
    printf "extract: never\nstopwords: []\n" >none.yaml &&
    run_prog "$index" -c default.yaml -d default.db in &&
    run_prog "$index" -c none.yaml -d none.db in
'

# Each line: the query, then its count with the default stopwords and
# with none.
cat >cases <<'EOF_CASES'
said	2	2
the	1	1
at	1	1
Said	2	2
the said	1	1
was OR said	2	2
+said rates	1	1
rates -said	1	1
said rates	2	1
title:the	0	0
"minister said"	1	1
EOF_CASES

while IFS='	' read -r q want_default want_none; do
    test_expect_success "'$q' finds $want_default with the default stopwords" '
        test "$(run_prog "$search" -c default.yaml -d default.db --count "$q")" = "$want_default"
    '
    test_expect_success "'$q' finds $want_none with stopwords: []" '
        test "$(run_prog "$search" -c none.yaml -d none.db --count "$q")" = "$want_none"
    '
done <cases

# The stopwords an archive was indexed with have no stemmed terms there,
# whatever the search's configuration says.
test_expect_success 'indexed with the default stopwords, searched with none' '
    test "$(run_prog "$search" -c none.yaml -d default.db --count said)" = 2 &&
    test "$(run_prog "$search" -c none.yaml -d default.db --count "said rates")" = 1 &&
    test "$(run_prog "$search" -c none.yaml -d default.db --count "the minister")" = 1
'
test_expect_success 'indexed with none, searched with the default stopwords' '
    test "$(run_prog "$search" -c default.yaml -d none.db --count said)" = 2 &&
    test "$(run_prog "$search" -c default.yaml -d none.db --count "said rates")" = 2
'
test_expect_success 'the archive keeps the stopwords of every run' '
    printf "extract: never\nstopwords: [fell]\n" >fell.yaml &&
    run_prog "$index" -c fell.yaml -d default.db in &&
    test "$(run_prog "$search" -c none.yaml -d default.db --count fell)" = 1 &&
    test "$(run_prog "$search" -c none.yaml -d default.db --count said)" = 2
'

test_expect_success 'a stopword-only search lists its articles' '
    run_prog "$search" -c default.yaml -d default.db --format json said >out.json &&
    grep -q "\"total\": 2," out.json && grep -q "\"title\": \"Minister\"" out.json &&
    grep -q "\"title\": \"Quiet\"" out.json
'
test_expect_success 'a bad query still reports its own column' '
    run_prog "$search" -c default.yaml -d default.db "the AND" 2>err; test $? = 2 &&
    grep -q "query .the AND. at column 5" err
'
test_done
