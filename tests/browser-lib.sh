# tests/browser-lib.sh - sourced by the tests that drive the search page
# in headless Chromium (tests/browser/*.test.mjs) after tests/setup.

browser_dir=$top_srcdir/tests/browser
chromium=${NEWSARC_CHROMIUM:-/usr/bin/chromium}

# browser_prereqs SEARCH: skips the whole script unless node, chromium,
# playwright-core and SEARCH's --serve are there.
browser_prereqs() {
    need='Debian packages chromium, nodejs and npm, then npm ci in tests/browser'
    command -v node >/dev/null 2>&1 || skip_all "node not found (install the $need)"
    [ -x "$chromium" ] || skip_all "no chromium at $chromium (install the $need)"
    [ -d "$browser_dir/node_modules/playwright-core" ] ||
        skip_all "playwright-core is not installed (install the $need)"
    "$1" --help 2>/dev/null | grep -q -- '--serve' ||
        skip_all 'newsarc-search --serve is not built yet: the page needs its server'
}

# free_port: a loopback port nothing listens on now (another program may
# still take it before it is used).
free_port() {
    node -e 'const s = require("net").createServer();
s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# browser_run SCRIPT: runs tests/browser/SCRIPT with the environment the
# caller set, one TAP line per step it reports.
browser_run() {
    NEWSARC_CHROMIUM=$chromium node "$browser_dir/$1" >steps 2>&1
    while IFS= read -r line; do
        case $line in
        'ok '*) test_ok_ "${line#ok }" ;;
        'not ok '*) : >"$TRASH/.test-output"; test_fail_ "${line#not ok }" ;;
        '# '*) echo "$line" ;;
        *) echo "# $line" ;;
        esac
    done <steps
    grep -q '^ok ' steps || test_fail_ "the browser test $1 ran"
}
