#!/bin/sh
# The bad-input corpus (tests/fixtures/bad/) indexed among good articles,
# and what a spool folder can hold besides files (a dangling link, a fifo,
# an unreadable folder, a binary or a 200 MB file, made here): each bad
# input gets exactly one line naming its file (and line, for a record),
# the good articles around it are indexed, nothing crashes or hangs, and
# the run exits 1.  Inputs that once crashed a fuzz harness
# (tests/fuzz/regressions/) are indexed too.

. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

bad=$FIXTURES/bad
good=$FIXTURES/articles
# A run over the whole corpus takes about a second; the bound catches a
# hang (billion laughs, deep nesting, a fifo opened) without waiting long.
# Known hangs get a short limit of their own, enough for a fixed indexer.
limit=60
short=3
[ "${NEWSARC_VALGRIND:-no}" = yes ] && limit=600 short=60

# Runs the indexer with a time limit; its exit status goes to FILE.rc,
# its standard error to FILE.
index_into() {
    out=$1
    shift
    timeout -k 5 "$limit" "$top_builddir/indexer/newsarc-index" -c "$CONFIG" "$@" 2>"$out"
    echo $? >"$out.rc"
}

count() {
    newsarc_search -d "$1" --count "$2"
}

# Succeeds when DB holds an article read from PATH (ids are digests of
# the bytes, so files are found by their source).
has() {
    newsarc_search -d "$1" --show "$2" >/dev/null 2>&1
}

# The lines of diagnostics file ERR about PATH, each cut after its
# "error: " or "warning: ".
lines_about() {
    grep -F "newsarc-index: $2:" "$1" | sed 's/\(: error: \|: warning: \).*/\1/'
}

# ---- the committed corpus, among good articles ----
mkdir spool &&
cp -R "$good" spool/a-good &&
cp -R "$bad" spool/bad &&
chmod -R u+w spool &&
rm -f spool/bad/spool-backup.txt.gz &&
mkdir spool/z-good &&
cp "$good/harbour-plan.txt" "$good/untitled-note.txt" spool/z-good/ || exit 1
index_into err -d db spool

test_expect_success 'the corpus run ends by itself, without a crash, exit status 1' '
    test "$(cat err.rc)" = 1
'

# FILE, then what it must give: "error" or "warning" with the lines of its
# records ("-" for a whole-file problem), or "clean" for input that is
# repaired (parse.h: invalid UTF-8, NUL and control bytes cost nothing).
while read -r file kind where; do
    case $kind in
    clean)
        test_expect_success "$file: indexed without a word" "
            ! grep -F 'spool/bad/$file:' err
        " ;;
    *)
        test_expect_success "$file: one $kind line per bad record ($where)" "
            lines_about err spool/bad/$file >got &&
            for l in \$(echo '$where' | tr , ' '); do
                if [ \"\$l\" = - ]; then
                    echo 'newsarc-index: spool/bad/$file: $kind: '
                else
                    echo \"newsarc-index: spool/bad/$file:\$l: $kind: \"
                fi
            done >want &&
            diff -u want got
        " ;;
    esac
done <<'MANIFEST'
bad-escapes.jsonl error 1,2,3
bad-newid.sgm error 1
bad-references.sgm clean
billion-laughs.yaml error 4
blank-lines.jsonl error -
bom-only.txt error -
cut-name.sgm error 5
broken-line.jsonl error 2
control-chars.yaml clean
deep-brackets.jsonl error 2
deep-brackets.yaml error 4
deep-maps.yaml error 4
deep-stream.yaml error 6
deep-unclosed.yaml error 4
duplicate-keys.jsonl error 1
empty-front-matter.md error 1
empty.jsonl error -
empty.sgm error -
fm-billion-laughs.md error 4
fm-deep-nesting.md error 4
fm-flow-unclosed.md error 5
fm-list.md error 2
fm-nul-byte.md warning -
fm-open-only.md error 1
fm-scalar.md error 2
fm-tab-indent.md error 5
fm-truncated.md error 1
fm-undefined-alias.md error 3
fm-wrong-title.md error 2
huge-numbers.jsonl error 1,2
invalid-utf8.jsonl clean
invalid-utf8.txt clean
lone-cr.yaml error 1
nested-reuters.sgm error 1
no-reuters.sgm error -
not-objects.jsonl error 2,3,4
nul-bytes.txt warning -
nul-in-line.jsonl clean
only-separators.yaml error -
truncated.jsonl error 2
truncated.yaml error 2
unclosed-reuters.sgm error 5
undefined-alias.yaml error 6
version-directive.yaml error 1
whitespace-only.txt error -
MANIFEST

test_expect_success 'every diagnostic names one file of the corpus' '
    ! grep -v "^newsarc-index: spool/bad/[a-z0-9.-]*\(:[0-9][0-9]*\)\?: \(error\|warning\): " err
'
test_expect_success 'the good articles before and after the bad ones are indexed' '
    test "$(count db "id:fixture-lisbon-summit")" = 1 &&
    has db spool/a-good/harbour-plan.txt &&
    has db spool/z-good/harbour-plan.txt &&
    has db spool/z-good/untitled-note.txt
'
test_expect_success 'the good records beside the bad ones are indexed' '
    for id in bad-jsonl-1 bad-jsonl-3 bad-jtypes-good bad-jtypes-good-last \
            bad-types-good-first bad-types-good-last bad-jdeep-1 bad-jtrunc-1 \
            bad-jnot-1 bad-jnot-5 bad-yaml-alias-good bad-yaml-alias-good2 \
            reuters-96001 reuters-96042 reuters-96071 reuters-96011 reuters-96013 \
            bad-jnul-1 bad-jnul-3 bad-jutf8 bad-ydeep-good1 bad-ydeep-good2 reuters-96091; do
        test "$(count db "id:$id")" = 1 || { echo "missing: $id"; exit 1; }
    done &&
    has db spool/bad/invalid-utf8.txt
'
test_expect_success 'records with a key of the wrong type are not indexed' '
    for k in id title date source url language dateline authors people places \
            orgs topics exchanges body; do
        test "$(count db "id:bad-jtypes-$k")" = 0 &&
        test "$(count db "id:bad-types-$k")" = 0 || { echo "indexed: $k"; exit 1; }
    done
'
# 14 good articles (the two in z-good/ are copies of a-good/ files: the
# same bytes, one article with two sources) and 43 good or repaired
# records among the bad (the two files with NUL bytes are not text).
test_expect_success 'the run indexed 57 articles' '
    test "$(count db "")" = 57
'
test_expect_success 'an impossible date costs the article nothing' '
    test "$(count db "id:bad-date-feb30")" = 1 &&
    test "$(count db "id:bad-ydate")" = 1 &&
    test "$(count db "id:reuters-96081")" = 1 &&
    for i in 1 2 3 4 5 6 7; do test "$(count db "id:bad-jdate-$i")" = 1 || exit 1; done
'

# parse.h: a record whose known key has the wrong shape is rejected, a
# list for "date" too.
test_expect_success 'a list for date rejects the record (wrong-types.jsonl:4, wrong-types.yaml:12)' '
    test "$(lines_about err spool/bad/wrong-types.jsonl | grep -c ":4: error: ")" = 1 &&
    test "$(lines_about err spool/bad/wrong-types.yaml | grep -c ":12: error: ")" = 1
'
# The rest of wrong-types.*: one error line for each other key.
test_expect_success 'every other key of the wrong type: one error line each' '
    test "$(lines_about err spool/bad/wrong-types.jsonl | grep -v ":4: " | grep -c ": error: ")" = 13 &&
    test "$(lines_about err spool/bad/wrong-types.yaml | grep -v ":12: " | grep -c ": error: ")" = 13
'
# parse.h: an unparsable date is a warning.
test_expect_success 'an impossible date gets one warning line per record' '
    test "$(lines_about err spool/bad/date-feb30.md)" = "newsarc-index: spool/bad/date-feb30.md:1: warning: " &&
    test "$(lines_about err spool/bad/impossible-date.yaml | grep -c ": warning: ")" = 1 &&
    test "$(lines_about err spool/bad/impossible-date.sgm | grep -c ": warning: ")" = 1 &&
    test "$(lines_about err spool/bad/impossible-dates.jsonl | grep -c ": warning: ")" = 7
'
# A truncated <REUTERS at the end of a file is an element lost.
test_expect_success 'truncated-tag.sgm: the cut element gets one error line (line 5)' '
    test "$(lines_about err spool/bad/truncated-tag.sgm)" = "newsarc-index: spool/bad/truncated-tag.sgm:5: error: "
'
# Unclosed TITLE, TEXT or BODY tags are read leniently, with a warning.
test_expect_success 'an unclosed tag inside an element gets one warning line' '
    for f in unclosed-body.sgm unclosed-text.sgm unclosed-title.sgm; do
        test "$(lines_about err spool/bad/$f | grep -c ": warning: ")" = 1 &&
        test "$(lines_about err spool/bad/$f | wc -l)" = 1 || { echo "$f"; exit 1; }
    done &&
    test "$(count db "id:reuters-96012")" = 1 && test "$(count db "id:reuters-96021")" = 1 &&
    test "$(count db "id:reuters-96031")" = 1
'
# libyaml counts a lone "\r" as a line break and moves to a line past the
# end of a stream that ends with a break: the lines printed must still be
# lines of the file.
test_expect_success 'lone-cr-front-matter.md and eof-in-key.yaml: one error line each' '
    test "$(lines_about err spool/bad/lone-cr-front-matter.md | grep -c ": error: ")" = 1 &&
    test "$(lines_about err spool/bad/eof-in-key.yaml | grep -c ": error: ")" = 1
'
test_expect_success 'the line printed is a line of the file (lone CR, no final newline)' '
    lines_about err spool/bad/lone-cr-front-matter.md | grep -q "md:[1-5]: error: " &&
    lines_about err spool/bad/eof-in-key.yaml | grep -q "yaml:[1-3]: error: "
'
# libyaml's scanner takes time quadratic in the depth of flow nesting
# (0.6 s for the 10,000 levels of deep-brackets.yaml, 4.8 s for 40,000):
# 80,000 levels, 160 kB, would take some 20 s.  Refused up front (a bound
# on nesting before libyaml sees the text), it takes no time.
python3 -c 'print("id: deep\ntitle: Deep\nbody: Deep.\nnest: " + "[" * 80000 + "]" * 80000)' \
    >deep-80000.yaml 2>/dev/null ||
    awk 'BEGIN { printf "id: deep\ntitle: Deep\nbody: Deep.\nnest: ";
                 for (i = 0; i < 80000; i++) printf "["; for (i = 0; i < 80000; i++) printf "]"; print "" }' \
    >deep-80000.yaml
timeout -k 1 "$short" "$top_builddir/indexer/newsarc-index" -c "$CONFIG" -d deep.db deep-80000.yaml 2>deep.err
echo $? >deep.err.rc
test_expect_success '80,000 levels of YAML nesting are refused at once, in one line' '
    test "$(cat deep.err.rc)" = 1 &&
    test "$(lines_about deep.err deep-80000.yaml | wc -l)" = 1
'
test_expect_success 'the database passes xapian-check' '
    if command -v xapian-check >/dev/null; then xapian_check_db db >/dev/null; fi
'

# ---- what else a spool folder holds: one hazard between good files ----
# Each spool is a.txt, the hazard as b*, c.txt and d/e.txt: the hazard
# gets one line and the three good files are indexed.
spool_with() {
    rm -rf "$1" && mkdir -p "$1/d" &&
    cp "$good/harbour-plan.txt" "$1/a.txt" &&
    cp "$good/untitled-note.txt" "$1/c.txt" &&
    cp "$good/harbour-plan.txt" "$1/d/e.txt"
}
# a.txt and d/e.txt hold the same bytes: one article with two sources.
good_around() {
    db=$1 dir=${1%.db}
    test "$(count "$db" "")" = 2 &&
    has "$db" "$dir/a.txt" && has "$db" "$dir/c.txt" && has "$db" "$dir/d/e.txt"
}

spool_with link && ln -s nowhere link/b.txt && index_into link.err -d link.db link
test_expect_success 'a dangling link: one error line naming it, exit status 1' '
    test "$(cat link.err.rc)" = 1 &&
    test "$(lines_about link.err link/b.txt)" = "newsarc-index: link/b.txt: error: " &&
    test "$(wc -l <link.err)" = 1
'
test_expect_success 'a dangling link: the walk goes on past it' '
    good_around link.db
'

spool_with fifo && mkfifo fifo/b.fifo && index_into fifo.err -d fifo.db fifo
test_expect_success 'a fifo in a folder is never opened (no hang)' '
    test "$(cat fifo.err.rc)" -lt 124 && good_around fifo.db
'
test_expect_success 'a fifo in a folder: one warning line, exit status 0' '
    test "$(lines_about fifo.err fifo/b.fifo)" = "newsarc-index: fifo/b.fifo: warning: " &&
    test "$(cat fifo.err.rc)" = 0
'
# Named on the command line, a fifo must not block the run either.
timeout -k 1 "$short" "$top_builddir/indexer/newsarc-index" -c "$CONFIG" -d fifo2.db fifo/b.fifo fifo/a.txt \
    2>fifo2.err </dev/null
echo $? >fifo2.err.rc
test_expect_success 'a fifo named on the command line: one line, not opened (no hang)' '
    test "$(cat fifo2.err.rc)" -lt 124 &&
    test "$(lines_about fifo2.err fifo/b.fifo | wc -l)" = 1 &&
    test "$(count fifo2.db "")" = 1
'

spool_with binary && cp "$bad/spool-backup.txt.gz" binary/b.txt.gz && index_into binary.err -d binary.db binary
test_expect_success 'a binary file does not stop the run' '
    test "$(cat binary.err.rc)" -lt 124 && good_around binary.db
'
test_expect_success 'a binary file: one warning line naming it, not indexed, exit status 0' '
    test "$(lines_about binary.err binary/b.txt.gz)" = "newsarc-index: binary/b.txt.gz: warning: " &&
    test "$(wc -l <binary.err)" = 1 &&
    ! has binary.db binary/b.txt.gz &&
    test "$(cat binary.err.rc)" = 0
'

# 200 MB of nothing: a sparse file, so it costs no disk and no time to
# make; reading it whole would cost 200 MB of memory.
spool_with huge && truncate -s 200M huge/b.txt && index_into huge.err -d huge.db huge
test_expect_success 'a 200 MB file does not stop the run: one error line, exit status 1' '
    test "$(cat huge.err.rc)" = 1 && good_around huge.db &&
    test "$(lines_about huge.err huge/b.txt | wc -l)" = 1 &&
    test "$(wc -l <huge.err)" = 1
'
test_expect_success 'a 200 MB file is refused by its size (max_article_bytes), not read' '
    grep -q "^newsarc-index: huge/b.txt: error: file of 209715200 bytes is larger than max_article_bytes (67108864); not read$" huge.err
'
# Memory stays bounded: the run over the 200 MB file stays far below it
# (it took 216 MB when the file was read whole).
if [ -x /usr/bin/time ] && [ "${NEWSARC_VALGRIND:-no}" != yes ]; then
    /usr/bin/time -f %M -o huge.rss "$top_builddir/indexer/newsarc-index" -c "$CONFIG" -d huge2.db huge \
        2>/dev/null
    echo "# the run over a 200 MB file peaked at $(tail -n 1 huge.rss) kB"
    test_expect_success 'a 200 MB file costs no 200 MB of memory' '
        test "$(tail -n 1 huge.rss)" -lt 150000
    '
else
    test_skip 'a 200 MB file costs no 200 MB of memory (no GNU time, or valgrind)'
fi

# A limit of 4 KiB: files and standard input past it are refused, the
# rest indexed.  (Built-in defaults otherwise: no model is needed.)
echo "max_article_bytes: 4096" >small.yaml
mkdir limit && cp "$good/harbour-plan.txt" limit/a.txt &&
awk 'BEGIN { print "Big"; print ""; for (i = 0; i < 200; i++) print "A line of text that fills the file up." }' \
    >limit/b.txt
test_expect_success 'max_article_bytes: a bigger file is refused by its size, the others indexed' '
    { newsarc_index -c small.yaml --extract never -d limit.db limit 2>limit.err; test $? = 1; } &&
    test "$(cat limit.err)" = "newsarc-index: limit/b.txt: error: file of $(wc -c <limit/b.txt | tr -d " ") bytes is larger than max_article_bytes (4096); not read" &&
    has limit.db limit/a.txt && test "$(count limit.db "")" = 1
'
test_expect_success 'max_article_bytes: standard input past it is refused' '
    { newsarc_index -c small.yaml --extract never -d limit2.db - <limit/b.txt 2>limit2.err; test $? = 1; } &&
    grep -q "^newsarc-index: -: error: input larger than max_article_bytes (4096); not read$" limit2.err &&
    { newsarc_index -c small.yaml --extract never -d limit2.db - <limit/a.txt; test $? = 0; } &&
    test "$(count limit2.db "")" = 1
'

# Root reads any folder, so as root the indexer runs as "nobody" here
# when setpriv can drop to it.
as_reader=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    as_reader="setpriv --reuid=65534 --regid=65534 --clear-groups"
    chmod 755 "$TRASH"
fi
spool_with locked && mkdir locked/b && cp "$good/harbour-plan.txt" locked/b/x.txt && chmod 000 locked/b
if [ "$(id -u)" = 0 ] && [ -z "$as_reader" ]; then
    test_skip 'an unreadable folder (running as root without setpriv)'
    test_skip 'an unreadable folder: the walk goes on past it'
else
    mkdir -m 777 locked-out &&
    timeout -k 5 "$limit" $as_reader "$top_builddir/indexer/newsarc-index" -c "$CONFIG" \
        -d locked-out/locked.db locked 2>locked.err
    echo $? >locked.err.rc
    test_expect_success 'an unreadable folder: one error line naming it, exit status 1' '
        test "$(cat locked.err.rc)" = 1 &&
        test "$(lines_about locked.err locked/b | wc -l)" = 1 &&
        test "$(wc -l <locked.err)" = 1
    '
    test_expect_success 'an unreadable folder: the walk goes on past it' '
        mv locked-out/locked.db locked.db && good_around locked.db
    '
fi
chmod 755 locked/b

# ---- inputs that once crashed a fuzz harness ----
# tests/fuzz/regressions/NAME/ holds them, NAME the harness: a format, or
# detect for format detection.
regressions=$top_srcdir/tests/fuzz/regressions
for dir in "$regressions"/*/; do
    [ -d "$dir" ] || continue
    name=$(basename "$dir")
    for f in "$dir"*; do
        [ -f "$f" ] || continue
        input=$f
        if [ "$name" = query ]; then
            # The query harness reads a query, then filters a line each;
            # the program refuses such a query on one line (status 2).
            test_expect_success "fuzz regression query/$(basename "$f"): refused on one line, no crash" "
                { test -d qreg.db || index_into qreg.err -d qreg.db '$top_srcdir/tests/fixtures/articles'; } &&
                { newsarc_search -d qreg.db --count -- \"\$(head -n 1 '$f')\" 2>qreg.err; test \$? -eq 2; } &&
                test \$(wc -l <qreg.err) -eq 1 &&
                grep '^newsarc-search: error: ' qreg.err
            "
            continue
        fi
        if [ "$name" = detect ]; then
            # The detect harness reads a file name, a line break, the bytes.
            mkdir -p reg-in && rm -f reg-in/* &&
            input=reg-in/r-$(head -n 1 "$f" | tr -d '\n' | tr -c 'A-Za-z0-9._-' _ | cut -c 1-64) &&
            tail -n +2 "$f" >"$input" || exit 1
            set --
        else
            set -- --input-format "$name"
        fi
        test_expect_success "fuzz regression $name/$(basename "$f"): no crash, only diagnostic lines" "
            index_into reg.err -d reg.db $* '$input' &&
            test \"\$(cat reg.err.rc)\" -le 1 &&
            ! grep -v '^newsarc-index: .*: \\(error\\|warning\\): ' reg.err
        "
    done
done
test_done
