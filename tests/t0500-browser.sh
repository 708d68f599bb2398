#!/bin/sh
# The search page in headless Chromium (tests/browser/page.test.mjs):
# fixture articles indexed, `newsarc-search --serve` on a free loopback
# port, and every answer the page shows checked against the CLI's JSON.
# Screenshots (desktop, 360 px phone) are left in tests/browser/out/ of
# the build tree.  Needs Debian's chromium, nodejs and npm, and
# playwright-core installed by `npm ci` in tests/browser.
. "${top_srcdir:-$(dirname "$0")/..}/tests/setup"

. "$top_srcdir/tests/browser-lib.sh"

search=$top_builddir/search/newsarc-search
browser_prereqs "$search"

out=$top_builddir/tests/browser/out
mkdir -p "$out" && rm -f "$out"/*.png

newsarc_index -q -d db "$FIXTURES/page" "$FIXTURES/articles" || exit 1

# The server may still lose this port to another program before it
# binds, which shows as a failure to start below.
port=$(free_port)

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
NEWSARC_ARGS=$(printf '%s\n' "$@" | head -n 4) browser_run page.test.mjs

test_expect_success 'screenshots are saved, desktop and phone' '
    test -s "$out/desktop.png" && test -s "$out/phone.png" && test -s "$out/phone-article.png"
'

test_done
