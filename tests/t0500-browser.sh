#!/bin/sh
# The search page in headless Chromium (tests/browser/page.test.mjs):
# fixture articles indexed, `newsarc-search --serve` on a free loopback
# port, and every answer the page shows checked against the CLI's JSON.
# Screenshots (desktop, 360 px phone) are left in tests/browser/out/ of
# the build tree.  Needs Debian's chromium, nodejs and npm, and
# playwright-core installed by `npm ci` in tests/browser.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

browser_dir=$top_srcdir/tests/browser
chromium=${NEWSARC_CHROMIUM:-/usr/bin/chromium}
search=$top_builddir/search/newsarc-search
need='Debian packages chromium, nodejs and npm, then npm ci in tests/browser'

command -v node >/dev/null 2>&1 || skip_all "node not found (install the $need)"
[ -x "$chromium" ] || skip_all "no chromium at $chromium (install the $need)"
[ -d "$browser_dir/node_modules/playwright-core" ] ||
    skip_all "playwright-core is not installed (install the $need)"
"$search" --help 2>/dev/null | grep -q -- '--serve' ||
    skip_all 'newsarc-search --serve is not built yet: the page needs its server'

out=$top_builddir/tests/browser/out
mkdir -p "$out" && rm -f "$out"/*.png

newsarc_index -q -d db "$FIXTURES/page" "$FIXTURES/articles" || exit 1

# A port nothing listens on now; the server may still lose it to another
# program before it binds, which shows as a failure to start below.
port=$(node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')

# The page from the source tree's www/ (--static), the server's log in
# the scratch folder.
set -- -c "$CONFIG" -d "$TRASH/db"
help=$("$search" --help)
printf '%s\n' "$help" | grep -q -e '--static' && set -- "$@" --static "$top_srcdir/www"
printf '%s\n' "$help" | grep -q -e '--log' && set -- "$@" --log "$TRASH/server.log"
"$search" "$@" --serve "127.0.0.1:$port" 2>"$TRASH/server.err" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$TRASH"' EXIT

test_expect_success 'the server answers on a loopback port' '
    node -e "
        const until = Date.now() + 15000;
        (async function poll() {
            try {
                const r = await fetch(\"http://127.0.0.1:$port/\");
                if (r.ok) process.exit(0);
            } catch (e) { /* not listening yet */ }
            if (Date.now() > until) process.exit(1);
            setTimeout(poll, 100);
        })();" ||
    { cat "$TRASH/server.err"; false; }
'

# One TAP line per step of the browser test.
NEWSARC_URL=http://127.0.0.1:$port/ NEWSARC_SEARCH=$search NEWSARC_OUT=$out \
NEWSARC_CHROMIUM=$chromium NEWSARC_ARGS=$(printf '%s\n' "$@" | head -n 4) \
    node "$browser_dir/page.test.mjs" >steps 2>&1
while IFS= read -r line; do
    case $line in
    'ok '*) test_ok_ "${line#ok }" ;;
    'not ok '*) : >"$TRASH/.test-output"; test_fail_ "${line#not ok }" ;;
    '# '*) echo "$line" ;;
    *) echo "# $line" ;;
    esac
done <steps
grep -q '^ok ' steps || test_fail_ 'the browser test ran'

test_expect_success 'screenshots are saved, desktop and phone' '
    test -s "$out/desktop.png" && test -s "$out/phone.png" && test -s "$out/phone-article.png"
'

test_done
