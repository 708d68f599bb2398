#!/bin/sh
# Inputs read as what they are: files that are not text and editor backups
# in a folder, fifos, dangling links and unreadable entries, YAML streams
# without a .yaml name, text that is not UTF-8, and articles whose
# document cannot be built.  Each gets its one line (or none, for
# backups), the good files around them are indexed, and the exit status
# is 1 only when something was not indexed.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

article() { printf '%s\n\n%s\n' "$1" "$2"; }

mkdir spool spool/sub
article 'Harbour reopens' 'The harbour reopened after the storm.' >spool/a-harbour.txt
article 'Bridge closes' 'The old bridge closed for repairs.' >spool/m-bridge.txt
article 'Tunnel opens' 'The tunnel opened to traffic.' >spool/z-tunnel.txt
article 'Ferry resumes' 'The ferry resumed its crossings.' >spool/sub/e-ferry.txt
# Not text: an archive of an article, an executable, an image.
(cd spool && tar czf bundle.tar.gz a-harbour.txt)
cp "$top_builddir/indexer/newsarc-index" spool/tool
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001' >spool/pixel.png
# Editor backups and swap files of an article, skipped without a word.
article 'Backup copy' 'A stale backup of the bridge story.' >spool/m-bridge.txt~
cp spool/m-bridge.txt~ spool/m-bridge.txt.swp
cp spool/m-bridge.txt~ spool/m-bridge.bak
cp spool/m-bridge.txt~ "spool/#m-bridge.txt#"
# A fifo that nobody writes to: opening it would block the run.
mkfifo spool/n-pipe
# A dangling link sorted before the tunnel story, and a link to itself.
ln -s nowhere spool/b-link.txt
ln -s c-loop.txt spool/c-loop.txt

test_expect_failure_code 1 'a spool folder with broken entries exits 1' '
    timeout 60 "$top_builddir/indexer/newsarc-index" -c "$CONFIG" -d db spool 2>err
'
test_expect_success 'every good file is indexed, also those after the bad entries' '
    test "$(newsarc_search -d db --count "")" = 4 &&
    test "$(newsarc_search -d db --count "tunnel")" = 1 &&
    test "$(newsarc_search -d db --count "ferry")" = 1
'
test_expect_success 'files that are not text are skipped with one warning each' '
    grep -q "^newsarc-index: spool/bundle.tar.gz: warning: skipped, not text: gzip data$" err &&
    grep -q "^newsarc-index: spool/tool: warning: skipped, not text: ELF executable$" err &&
    grep -q "^newsarc-index: spool/pixel.png: warning: skipped, not text: PNG image$" err
'
test_expect_success 'a fifo gets a warning and is never opened' '
    grep -q "^newsarc-index: spool/n-pipe: warning: fifo skipped, not read$" err
'
test_expect_success 'a dangling link and a link loop are errors of their own' '
    grep -q "^newsarc-index: spool/b-link.txt: error: dangling symbolic link$" err &&
    grep -q "^newsarc-index: spool/c-loop.txt: error: " err
'
test_expect_success 'backups say nothing and are not indexed' '
    ! grep -q "m-bridge\.\|#m-bridge\|bridge.txt~" err &&
    test "$(newsarc_search -d db --count "stale")" = 0 &&
    test "$(wc -l <err)" -eq 6
'
test_expect_success 'warnings alone leave the exit status 0' '
    mkdir quiet && cp spool/a-harbour.txt spool/pixel.png quiet/ && mkfifo quiet/pipe &&
    timeout 60 "$top_builddir/indexer/newsarc-index" -c "$CONFIG" -d db2 quiet 2>err2 &&
    test "$(wc -l <err2)" -eq 2 &&
    test "$(newsarc_search -d db2 --count "")" = 1
'
# Root reads any folder, so as root the indexer runs as "nobody" here
# when setpriv can drop to it.
as_reader=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    as_reader="setpriv --reuid=65534 --regid=65534 --clear-groups"
    chmod 755 "$TRASH"
fi
if [ "$(id -u)" = 0 ] && [ -z "$as_reader" ]; then
    test_skip 'an unreadable folder (running as root without setpriv)'
else
    test_expect_success 'an unreadable folder is an error and the walk goes on' '
        mkdir locked-root locked-root/locked && mkdir -m 777 out &&
        cp spool/a-harbour.txt locked-root/locked/ && cp spool/z-tunnel.txt locked-root/ &&
        chmod 000 locked-root/locked &&
        $as_reader "$top_builddir/indexer/newsarc-index" -c "$CONFIG" -d out/db locked-root 2>err3;
        rc=$?; chmod 755 locked-root/locked;
        test $rc = 1 &&
        grep -q "^newsarc-index: locked-root/locked: error: permission denied$" err3 &&
        test "$(wc -l <err3)" -eq 1 &&
        test "$(newsarc_search -d out/db --count "")" = 1
    '
fi

cat >stream.txt <<'YAML'
---
id: stream-one
title: Grain deal signed
body: The grain deal was signed in Istanbul.
---
id: stream-two
title: Grain ships sail
body: The first grain ships sailed from Odesa.
YAML
test_expect_success 'a YAML stream on standard input is read as YAML' '
    newsarc_index -v -d db4 - <stream.txt 2>err4 &&
    grep -q "^newsarc-index: -: 2 articles as yaml$" err4 &&
    test "$(newsarc_search -d db4 --count "id:stream-two")" = 1
'
test_expect_success 'a YAML stream in a file without an extension is read as YAML' '
    cp stream.txt feed &&
    newsarc_index -v -d db5 feed 2>err5 &&
    grep -q "^newsarc-index: feed: 2 articles as yaml$" err5 &&
    test "$(newsarc_search -d db5 --count "")" = 2
'
test_expect_success 'a Markdown body that opens with another block gets a warning' '
    printf -- "---\ntitle: First\n---\n---\ntitle: Second\n---\nText.\n" >double.md &&
    newsarc_index -d db6 double.md 2>err6 &&
    grep -q "^newsarc-index: double.md:4: warning: the body starts with another front matter block" err6 &&
    test "$(newsarc_search -d db6 --count "")" = 1
'

# Latin-1 text whose bytes "\303\251" would also read as UTF-8 "é": read as
# Windows-1252 as a whole they are two characters.
printf 'Caf\351 cr\350me in Z\374rich\n\nThe caf\351 near the \223lake\224 sells \303\251clairs.\n' >latin.txt
test_expect_success 'text that is not UTF-8 is read as Windows-1252 as a whole' '
    newsarc_index -d db7 latin.txt 2>err7 &&
    test ! -s err7 &&
    test "$(newsarc_search -d db7 --count "crème")" = 1 &&
    test "$(newsarc_search -d db7 --count "lake")" = 1 &&
    newsarc_search -d db7 --format json --show latin.txt >show7 &&
    grep -q "Ã©clairs" show7 &&
    newsarc_search -d db7 --show latin.txt --raw >raw7 && cmp raw7 latin.txt
'
test_expect_success '... and says so at -v' '
    newsarc_index -v --force -d db7 latin.txt 2>err7v &&
    grep -q "^newsarc-index: latin.txt:1: warning: not valid UTF-8, read as Windows-1252$" err7v
'
test_expect_success '--extract-only offsets of a Latin-1 file point into its bytes' '
    newsarc_index --extract-only latin.txt >spans7 &&
    python3 - spans7 latin.txt <<-PY
	import json, sys
	raw = open(sys.argv[2], "rb").read()
	o = json.loads(open(sys.argv[1]).read())
	places = [s for s in o["spans"] if s["value"] == "Zürich"]
	assert places, o["spans"]
	for s in places:
	    assert raw[s["start"]:s["end"]] == b"Z\xfcrich", s
	    assert s["text"] == "Zürich", s
	PY
'
cat >saotome.jsonl <<'JSON'
{"id": "cocoa-1", "places": ["São Tomé and Príncipe"], "title": "Cocoa harvest", "body": "Farmers in São Tomé brought in the best cocoa harvest in years."}
JSON
test_expect_success '--extract-only places a span in the body, not in the metadata' '
    newsarc_index --extract-only saotome.jsonl >spans8 &&
    python3 - spans8 saotome.jsonl <<-PY
	import json, sys
	raw = open(sys.argv[2], "rb").read().rstrip(b"\n")
	o = json.loads(open(sys.argv[1]).read())
	body = raw.index(b"\"body\"")
	found = [s for s in o["spans"] if s["text"] == "São Tomé"]
	assert found, o["spans"]
	for s in found:
	    assert s["start"] > body, (s, body)
	    assert raw[s["start"]:s["end"]] == "São Tomé".encode(), s
	PY
'

# A document that cannot be built: zlib is made to fail for one article.
cat >shim.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <zlib.h>
int deflate(z_streamp strm, int flush)
{
    static int (*real)(z_streamp, int);
    if (!real)
        real = (int (*)(z_streamp, int))dlsym(RTLD_NEXT, "deflate");
    if (strm->next_in && strm->avail_in >= 11 && memmem(strm->next_in, strm->avail_in, "CANNOT-PACK", 11))
        return Z_STREAM_ERROR;
    return real(strm, flush);
}
C
cat >feed.jsonl <<'JSON'
{"id": "pack-1", "title": "First", "body": "The first story."}
{"id": "pack-2", "title": "Second", "body": "CANNOT-PACK this story."}
{"id": "pack-3", "title": "Third", "body": "The third story."}
JSON
if ${CC:-cc} -shared -fPIC -o shim.so shim.c -ldl 2>/dev/null; then
    test_expect_failure_code 1 'an article whose document cannot be built does not stop the run' '
        LD_PRELOAD=$TRASH/shim.so ASAN_OPTIONS=verify_asan_link_order=0 \
            newsarc_index -d db9 feed.jsonl "$FIXTURES/articles/harbour-plan.txt" 2>err9
    '
    test_expect_success '... it is a rejected record naming file, line and id' '
        grep -q "^newsarc-index: feed.jsonl:2: error: article .pack-2. not indexed: " err9 &&
        test "$(wc -l <err9)" -eq 1 &&
        test "$(newsarc_search -d db9 --count "")" = 3 &&
        test "$(newsarc_search -d db9 --count "id:pack-2")" = 0
    '
else
    test_skip 'no C compiler to build the zlib fault shim'
    test_skip 'no C compiler to build the zlib fault shim'
fi
test_done
