// harness.mjs - what the browser tests share: Debian's chromium started
// headless, checks that throw with both sides shown, waiting for the
// page to draw its answer, and a runner printing one line per step
// (`ok STEP`, or `not ok STEP` and `#` lines saying why) that stops at
// the first failure, since each step starts where the last one left the
// page.
import { chromium } from 'playwright-core';

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export function same(got, want, what) {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  assert(g === w, `${what}:\n  page: ${g}\n  CLI:  ${w}`);
}

// Waits until the page has drawn its answer for the URL it shows: the
// page marks the view it shows aria-busy until then.
export async function settled(page) {
  await page.waitForFunction(() => {
    const v = [...document.querySelectorAll('main')].find((m) => !m.hidden);
    return v && !v.hasAttribute('aria-busy');
  });
}

// The browser NEWSARC_CHROMIUM names (default /usr/bin/chromium).
export function launch() {
  return chromium.launch({
    executablePath: process.env.NEWSARC_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Runs STEPS, [name, async fn] pairs, in order; after a failure the rest
// are reported as not run and PAGE is saved as OUT/failure.png.  True
// when every step passed.
export async function runSteps(steps, page, out) {
  let failed = false;
  for (const [name, fn] of steps) {
    if (failed) {
      console.log(`not ok ${name} # not run after an earlier failure`);
      continue;
    }
    try {
      await fn();
      console.log(`ok ${name}`);
    } catch (e) {
      failed = true;
      console.log(`not ok ${name}`);
      for (const line of String(e.stack || e).split('\n').slice(0, 12)) console.log(`# ${line}`);
      await page.screenshot({ path: `${out}/failure.png`, fullPage: true }).catch(() => {});
    }
  }
  return !failed;
}

// Collects into PROBLEMS what PAGE reports that no test expects: script
// errors, dialogs (dismissed), and console errors other than the
// favicon's and those matching EXPECTED (a regular expression over the
// message and its source, e.g. the failed requests a test provokes).
export function watchProblems(page, problems, expected = /favicon/) {
  page.on('pageerror', (e) => problems.push('script error: ' + e.message));
  page.on('dialog', (d) => { problems.push('dialog: ' + d.message()); d.dismiss(); });
  page.on('console', (m) => {
    const text = m.text() + m.location().url;
    if (m.type() === 'error' && !/favicon/.test(text) && !expected.test(text)) problems.push(m.text());
  });
}

// Runs MAIN, an async function returning whether every step passed, and
// exits with its status; a browser that cannot be driven is one failure.
export function exitWith(main) {
  main().then((passed) => process.exit(passed ? 0 : 1), (e) => {
    console.log(`not ok the browser could not be driven\n# ${e.message}`);
    process.exit(1);
  });
}
