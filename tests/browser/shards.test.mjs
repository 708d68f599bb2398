// shards.test.mjs - the search page over an archive with a shard that
// cannot be reached: with shard_failure partial it shows the answer of
// the shards that answered (the CLI's on those alone) under a banner
// naming the one left out, and the API says 200; with fail the API says
// 503 and the page shows an error and no results.  Run by
// tests/t1030-shards-browser.sh, which starts both servers; reads:
//   NEWSARC_PARTIAL_URL  the page served with --shard-failure partial
//   NEWSARC_FAIL_URL     the page served with --shard-failure fail
//   NEWSARC_DEAD         the unreachable shard's spec (tcp:HOST:PORT)
//   NEWSARC_SEARCH       the newsarc-search binary
//   NEWSARC_ARGS         its -c and -d options for the live shards alone, one a line
//   NEWSARC_OUT          the folder for screenshots
//   NEWSARC_CHROMIUM     the browser (default /usr/bin/chromium)
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { assert, exitWith, launch, runSteps, same, settled, watchProblems } from './harness.mjs';

const PARTIAL = process.env.NEWSARC_PARTIAL_URL;
const FAIL = process.env.NEWSARC_FAIL_URL;
const DEAD = process.env.NEWSARC_DEAD;
const SEARCH = process.env.NEWSARC_SEARCH;
const ARGS = (process.env.NEWSARC_ARGS || '').split('\n').filter(Boolean);
const OUT = process.env.NEWSARC_OUT || 'out';
const QUERY = 'copper';

// The CLI's answer over the live shards: what the page shows, ten a page.
function liveAnswer() {
  const out = execFileSync(SEARCH, [...ARGS, '--format', 'json', '--limit', '10', '--facet', 'place', '--', QUERY]);
  return JSON.parse(out.toString('utf8'));
}

// Loads BASE?q=QUERY and returns the answer of its api/search request.
async function search(page, base) {
  const answer = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/api/search'));
  await page.goto(`${base}?q=${QUERY}`);
  const res = await answer;
  await settled(page);
  return res;
}

async function shownResults(page) {
  return page.evaluate(() => ({
    ids: [...document.querySelectorAll('#results a.title')].map((a) => a.dataset.id),
    places: [...document.querySelectorAll('#facets fieldset[data-facet=place] li')].map((li) => ({
      value: li.querySelector('.value').textContent,
      count: +li.querySelector('.count').textContent.replace(/,/g, ''),
    })),
  }));
}

let page;
const problems = [];
const steps = [];
const step = (name, fn) => steps.push([name, fn]);

step('partial: the API answers 200 and lists the shard left out', async () => {
  mkdirSync(OUT, { recursive: true });
  const res = await search(page, PARTIAL);
  same(res.status(), 200, 'HTTP status');
  const body = await res.json();
  assert(body.shards, `no "shards" in the answer: ${JSON.stringify(body).slice(0, 200)}`);
  same(body.shards.total, 2, 'shards in all');
  same(body.shards.failed.map((f) => f.shard), [DEAD], 'shards failed');
});

step('partial: the page shows a banner naming the failed shard', async () => {
  assert(await page.isVisible('#shards-banner'), 'no banner shown');
  const text = await page.textContent('#shards-banner');
  assert(text.includes(DEAD), `the banner does not name ${DEAD}: ${text}`);
  assert(text.includes('1 of 2'), `the banner does not count the shards: ${text}`);
  assert(!(await page.isVisible('#error')), 'an error is shown beside the partial answer');
});

step('partial: the results and counts are the live shard\'s', async () => {
  const want = liveAnswer();
  assert(want.results.length > 0, `the live shard has no match for ${QUERY}`);
  const got = await shownResults(page);
  same(got.ids, want.results.map((r) => r.id), 'results');
  same(got.places, want.facets.place.map((v) => ({ value: v.value, count: v.count })), 'place facet');
  const summary = await page.textContent('#summary');
  assert(summary.startsWith(`${want.total} match`), `summary '${summary}' against total ${want.total}`);
  await page.screenshot({ path: `${OUT}/partial.png`, fullPage: true });
});

step('fail: the API answers 503 and the page shows an error, no results, no banner', async () => {
  const res = await search(page, FAIL);
  same(res.status(), 503, 'HTTP status');
  assert(await page.isVisible('#error'), 'no error shown');
  const msg = await page.textContent('#error');
  assert(/^Error: \S/.test(msg), `the error says nothing: '${msg}'`);
  same(await page.locator('#results li').count(), 0, 'results shown beside the error');
  assert(!(await page.isVisible('#shards-banner')), 'the partial banner is shown for a failed search');
  await page.screenshot({ path: `${OUT}/fail.png`, fullPage: true });
});

step('no script error or dialog on the way (503 answers aside)', async () => {
  same(problems, [], 'console errors');
});

async function main() {
  const browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15000);
  watchProblems(page, problems, /status of 503/);
  const passed = await runSteps(steps, page, OUT);
  await browser.close();
  return passed;
}

exitWith(main);
