// page.test.mjs - the search page driven in headless Chromium, its
// answers checked against `newsarc-search --format json` on the same
// database.  Run by tests/t0500-browser.sh, which indexes the fixtures and
// starts the server; reads:
//   NEWSARC_URL      the page, e.g. http://127.0.0.1:PORT/
//   NEWSARC_SEARCH   the newsarc-search binary
//   NEWSARC_ARGS     its -c and -d options, one a line
//   NEWSARC_OUT      the folder for screenshots
//   NEWSARC_CHROMIUM the browser (default /usr/bin/chromium)
// Prints one line per step, `ok STEP` or `not ok STEP` followed by `#`
// lines saying why; stops at the first failure, since each step starts
// from where the last one left the page.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { assert, exitWith, launch, runSteps, same, settled, watchProblems } from './harness.mjs';

const BASE = process.env.NEWSARC_URL;
const SEARCH = process.env.NEWSARC_SEARCH;
const ARGS = (process.env.NEWSARC_ARGS || '').split('\n').filter(Boolean);
const OUT = process.env.NEWSARC_OUT || 'out';
const FACETS = ['person', 'place', 'org', 'topic'];
const PAGE_SIZE = 10;
const FACET_SIZE = 10;

function cli(args) {
  return execFileSync(SEARCH, [...ARGS, ...args], { maxBuffer: 1 << 26 });
}

function cliJson(args) {
  return JSON.parse(cli(['--format', 'json', ...args]).toString('utf8'));
}

// The page's state, read back from its URL.
function urlState(page) {
  const p = new URL(page.url()).searchParams;
  const filters = [];
  for (const f of FACETS) for (const v of p.getAll(f)) filters.push(`${f}=${v}`);
  return {
    q: p.get('q') || '', filters, date: p.get('date'), sort: p.get('sort') || 'relevance',
    page: +(p.get('page') || 1), article: p.get('article'), params: p,
  };
}

// The query the page sends for that state: the date range ANDed on.
function effectiveQuery(s) {
  if (!s.date) return s.q;
  return s.q.trim() ? `(${s.q}) date:${s.date}` : `date:${s.date}`;
}

// What the CLI answers for the state the page shows.
function cliFor(s) {
  const args = ['--limit', String(PAGE_SIZE), '--offset', String((s.page - 1) * PAGE_SIZE),
    '--sort', s.sort, '--facet-size', String(FACET_SIZE)];
  for (const f of FACETS) args.push('--facet', f);
  for (const f of s.filters) args.push('--filter', f);
  args.push('--', effectiveQuery(s));
  return cliJson(args);
}

// What the page shows: result ids, the total in the summary, the facets.
async function shown(page) {
  return page.evaluate(() => {
    const facets = {};
    for (const fs of document.querySelectorAll('#facets fieldset')) {
      facets[fs.dataset.facet] = [...fs.querySelectorAll('li')].map((li) => {
        const c = li.querySelector('.count');
        return { value: li.querySelector('.value').textContent, count: c ? +c.textContent.replace(/,/g, '') : null };
      });
    }
    const m = /^(?:At least )?([\d,]+) match/.exec(document.getElementById('summary').textContent);
    return {
      ids: [...document.querySelectorAll('#results a.title')].map((a) => a.dataset.id),
      total: m ? +m[1].replace(/,/g, '') : 0,
      facets,
    };
  });
}

// The page against the CLI for the state in its URL.
async function checkAgainstCli(page, what) {
  const s = urlState(page);
  const want = cliFor(s);
  const got = await shown(page);
  same(got.total, want.total, `${what}: total`);
  same(got.ids, want.results.map((r) => r.id), `${what}: results`);
  for (const f of FACETS) {
    const values = (want.facets[f] || []).map((v) => ({ value: v.value, count: v.count }));
    // A checked value the API did not list is kept on the page, uncounted.
    const pageValues = (got.facets[f] || []).filter((v) => v.count !== null);
    same(pageValues, values, `${what}: facet ${f}`);
  }
  return { s, want, got };
}

// Clicks the label of facet FACET's value VALUE, matched exactly.
async function clickFacet(page, facet, value) {
  const id = await page.evaluate(([f, v]) => {
    const c = [...document.querySelectorAll('#facets input[type=checkbox]')]
      .find((x) => x.dataset.facet === f && x.dataset.value === v);
    return c ? c.id : null;
  }, [facet, value]);
  assert(id, `no checkbox for ${facet} ${value}`);
  await page.click(`label[for="${id}"]`);
}

const steps = [];
function step(name, fn) {
  steps.push([name, fn]);
}

let browser;
let page;
const problems = [];

step('the server sends the page with a CSP that allows no inline script', async () => {
  mkdirSync(OUT, { recursive: true });
  const res = await page.goto(BASE);
  assert(res.ok(), `GET / answered ${res.status()}`);
  const h = res.headers();
  const csp = h['content-security-policy'] || '';
  assert(csp, 'no Content-Security-Policy header');
  const script = (/(?:^|;)\s*script-src([^;]*)/.exec(csp) || /(?:^|;)\s*default-src([^;]*)/.exec(csp) || [])[1];
  assert(script !== undefined, `no script-src or default-src in '${csp}'`);
  assert(!/unsafe-inline|unsafe-eval/.test(script), `the CSP allows inline script: '${csp}'`);
  assert(/frame-ancestors\s+'none'/.test(csp), `no frame-ancestors 'none' in '${csp}'`);
  assert(h['x-content-type-options'] === 'nosniff', 'no X-Content-Type-Options: nosniff');
  await settled(page);
});

step('typing a query and Enter searches; results and facets are the CLI\'s', async () => {
  await page.fill('#q', 'port');
  await page.press('#q', 'Enter');
  await page.waitForURL(/[?&]q=port(&|$)/);
  await settled(page);
  const { got } = await checkAgainstCli(page, 'query port');
  assert(got.total > PAGE_SIZE, `fixture query port should need two pages, has ${got.total}`);
  const marks = await page.$$eval('#results .snippet mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
  assert(marks.length > 0 && marks.every((m) => m.startsWith('port')), `highlights: ${JSON.stringify(marks)}`);
});

step('clicking a facet value filters; a second value of the facet is ORed', async () => {
  const value = (await shown(page)).facets.place[0].value;
  await clickFacet(page, 'place', value);
  await page.waitForURL((u) => new URL(u).searchParams.getAll('place').includes(value));
  await settled(page);
  const one = await checkAgainstCli(page, `place=${value}`);
  // The checked facet keeps its other values, counted without its own filter.
  const others = one.got.facets.place.filter((v) => v.value !== value);
  assert(others.length > 0, 'the checked facet no longer lists its other values');
  // A second place that adds matches (not a city of the first place).
  const count = (fs) => +cli(['--count', ...fs.flatMap((f) => ['--filter', f]), '--', 'port']).toString();
  const second = others.find((v) => count([`place=${value}`, `place=${v.value}`]) > one.got.total);
  assert(second, 'no second place adds matches');
  others.unshift(second);
  await clickFacet(page, 'place', second.value);
  await page.waitForURL((u) => new URL(u).searchParams.getAll('place').length === 2);
  await settled(page);
  const two = await checkAgainstCli(page, `place=${value} or ${others[0].value}`);
  assert(two.got.total > one.got.total, `two places match ${two.got.total}, one ${one.got.total}`);
  const checked = await page.$$eval('#facets input:checked', (cs) => cs.map((c) => c.dataset.value));
  same(checked.sort(), [value, others[0].value].sort(), 'checked boxes');
  // Another facet is ANDed; its counts are with every filter, so checking
  // a value leaves as many matches as it counted.
  const topic = two.got.facets.topic.find((v) => v.count < two.got.total);
  assert(topic, `no topic narrows the ${two.got.total} matches`);
  await clickFacet(page, 'topic', topic.value);
  await page.waitForURL((u) => new URL(u).searchParams.get('topic') === topic.value);
  await settled(page);
  const three = await checkAgainstCli(page, `two places and topic=${topic.value}`);
  same(three.got.total, topic.count, `matches with topic ${topic.value} against its count`);
});

step('the next page is the CLI\'s second page', async () => {
  // Back to the query alone: the two places match too few for two pages.
  for (let i = 0; i < 3; i++) await page.goBack();
  await page.waitForURL((u) => !new URL(u).searchParams.has('place'));
  await settled(page);
  await page.click('#pager a.next');
  await page.waitForURL(/[?&]page=2/);
  await settled(page);
  await checkAgainstCli(page, 'page 2');
});

step('sorting by date starts again at the first page, in the CLI\'s order', async () => {
  await page.selectOption('#sort', 'oldest');
  await page.waitForURL((u) => new URL(u).searchParams.get('sort') === 'oldest');
  await settled(page);
  assert(!new URL(page.url()).searchParams.has('page'), 'a new order should start at page 1');
  const { want } = await checkAgainstCli(page, 'sort oldest');
  const dates = want.results.map((r) => r.date);
  same(dates, dates.slice().sort(), 'oldest first');
});

step('dragging across the histogram selects a date range', async () => {
  const bars = page.locator('#histogram .bar');
  const n = await bars.count();
  assert(n >= 3, `the histogram has ${n} bars`);
  const grain = await page.getAttribute('#histogram .bars', 'data-grain');
  // From the first bar with matches to the one before the last with matches.
  const periods = await bars.evaluateAll((bs) => bs.map((b) => [b.dataset.period, +b.dataset.count]));
  const full = periods.map((p, i) => [i, p[1]]).filter((p) => p[1] > 0).map((p) => p[0]);
  const from = full[0];
  const to = full.length > 2 ? full[full.length - 2] : full[full.length - 1];
  await page.locator('#histogram').scrollIntoViewIfNeeded();
  const a = await bars.nth(from).boundingBox();
  const b = await bars.nth(to).boundingBox();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height - 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, a.y + a.height / 2, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height - 2, { steps: 4 });
  await page.mouse.up();
  const want = periods[from][0] === periods[to][0] ? periods[from][0] : `${periods[from][0]}..${periods[to][0]}`;
  await page.waitForURL((u) => new URL(u).searchParams.get('date') === want);
  await settled(page);
  assert(!new URL(page.url()).searchParams.has('page'), 'a new range should start at page 1');
  const { got } = await checkAgainstCli(page, `date:${want}`);
  const sum = periods.slice(from, to + 1).reduce((t, p) => t + p[1], 0);
  same(got.total, sum, `matches in ${want} against the bars' counts (${grain})`);
  // The histogram is drawn again for the range alone (at a finer grain
  // when the range is short enough).
  const drawn = await page.locator('#histogram .bar').evaluateAll((bs) => bs.map((x) => x.dataset.period));
  assert(drawn[0].startsWith(periods[from][0]) && drawn[drawn.length - 1].startsWith(periods[to][0]),
    `after choosing ${want} the histogram spans ${drawn[0]} to ${drawn[drawn.length - 1]}`);
  // A click on one bar keeps its period; a month is drawn by day.
  const bars2 = page.locator('#histogram .bar');
  const periods2 = await bars2.evaluateAll((bs) => bs.map((x) => [x.dataset.period, +x.dataset.count]));
  const k = periods2.findIndex((p) => p[1] > 0);
  await bars2.nth(k).click();
  await page.waitForURL((u) => new URL(u).searchParams.get('date') === periods2[k][0]);
  await settled(page);
  const month = await checkAgainstCli(page, `date:${periods2[k][0]}`);
  same(month.got.total, periods2[k][1], `matches in ${periods2[k][0]} against its bar`);
  if (/^\d{4}-\d{2}$/.test(periods2[k][0])) {
    same(await page.getAttribute('#histogram .bars', 'data-grain'), 'day', `the grain of ${periods2[k][0]}`);
    const days = await page.locator('#histogram .bar').evaluateAll((bs) => bs.map((x) => +x.dataset.count));
    same(days.reduce((t, n) => t + n, 0), month.got.total, `day bars of ${periods2[k][0]} against the matches`);
  }
});

let opened;
step('opening an article shows its metadata, text and a raw link', async () => {
  const before = urlState(page);
  const link = page.locator('#results a.title').first();
  const id = await link.getAttribute('data-id');
  await link.click();
  await page.waitForURL((u) => new URL(u).searchParams.get('article') === id);
  await page.waitForFunction(() => document.getElementById('article-title').textContent !== '');
  const want = cliJson(['--show', id]);
  same(await page.textContent('#article-title'), want.title || want.id, 'article title');
  const meta = await page.textContent('#article-meta');
  for (const v of [...(want.places || []), ...(want.people || []), (want.date || "").slice(0, 10)].filter(Boolean)) {
    assert(meta.includes(v), `metadata lacks '${v}': ${meta}`);
  }
  const body = (await page.textContent('#article-body')).replace(/\s+/g, ' ');
  const words = want.body.replace(/\s+/g, ' ').trim();
  assert(body.includes(words.slice(0, 40)), `article text: ${body.slice(0, 80)}`);
  const raw = await page.getAttribute('#article-raw', 'href');
  const res = await page.request.get(new URL(raw, page.url()).href);
  assert(res.ok(), `raw link answered ${res.status()}`);
  const bytes = await res.body();
  assert(Buffer.compare(bytes, cli(['--show', id, '--raw'])) === 0, 'the raw link does not give the original bytes');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  same(focused, 'article-title', 'focus after opening');
  opened = { id, before };
});

step('Back returns to the results with the whole state in the URL', async () => {
  await page.goBack();
  await page.waitForURL((u) => !new URL(u).searchParams.has('article'));
  await settled(page);
  const s = urlState(page);
  same([s.q, s.filters, s.date, s.sort], [opened.before.q, opened.before.filters, opened.before.date, opened.before.sort], 'state after Back');
  assert(await page.isVisible('#search-view'), 'the results are not shown');
  await checkAgainstCli(page, 'after Back');
  const focused = await page.evaluate(() => document.activeElement.dataset && document.activeElement.dataset.id);
  same(focused, opened.id, 'focus after Back');
  // The same URL loaded afresh (a bookmark) draws the same page.
  const url = page.url();
  const fresh = await browser.newPage();
  await fresh.goto(url);
  await settled(fresh);
  same(await shown(fresh), await shown(page), 'the bookmarked URL');
  await fresh.close();
});

step('markup in articles and queries is shown as text, never run', async () => {
  await page.fill('#q', '<img src=x onerror=alert(1)> dockers');
  await page.press('#q', 'Enter');
  await settled(page);
  await page.fill('#q', 'dockers');
  await page.press('#q', 'Enter');
  await page.waitForURL(/[?&]q=dockers(&|$)/);
  await page.click('#date-clear');
  await page.waitForURL((u) => !new URL(u).searchParams.has('date'));
  await settled(page);
  const title = await page.textContent('#results a.title');
  assert(title.includes('<script>'), `the title should show its markup as text: ${title}`);
  const snippet = await page.textContent('#results .snippet');
  assert(snippet.includes('<img src=x'), `the snippet should show its markup as text: ${snippet}`);
  await page.click('#results a.title');
  await page.waitForFunction(() => document.getElementById('article-title').textContent !== '');
  const injected = await page.evaluate(() => document.querySelectorAll('main img, main script, main b').length);
  same(injected, 0, 'elements made from article text');
  assert(!/owned/.test(await page.title()), 'an onerror handler ran');
  await page.goBack();
  await settled(page);
});

step('a query that does not parse shows the server\'s message, with its column', async () => {
  await page.fill('#q', 'copper AND');
  await page.press('#q', 'Enter');
  await page.waitForURL(/[?&]q=copper\+AND/);
  await settled(page);
  assert(await page.isVisible('#error'), 'no error shown');
  const msg = await page.textContent('#error');
  assert(/column/i.test(msg), `the error does not give the column: ${msg}`);
  same(await page.locator('#results li').count(), 0, 'results shown beside the error');
  await page.fill('#q', 'port');
  await page.press('#q', 'Enter');
  await page.waitForURL(/[?&]q=port(&|$)/);
  await settled(page);
  assert(!(await page.isVisible('#error')), 'the error stays after a good query');
});

step('an address with bad parameters draws the defaults', async () => {
  await page.goto(BASE + '?q=port&date=2025-13..soon&sort=sideways&page=-4&place=&x=1');
  await settled(page);
  same(new URL(page.url()).search, '?q=port', 'the address, made canonical');
  same(await page.inputValue('#sort'), 'relevance', 'sort');
  same(await page.inputValue('#date-from'), '', 'date');
  assert(!(await page.isVisible('#error')), 'an error is shown');
  await checkAgainstCli(page, 'bad parameters');
});

step('the keyboard alone searches, checks a facet and finds one by typeahead', async () => {
  await page.goto(BASE);
  await settled(page);
  await page.keyboard.press('Tab'); // skip link
  await page.keyboard.press('Tab'); // home
  await page.keyboard.press('Tab'); // query box
  same(await page.evaluate(() => document.activeElement.id), 'q', 'focus after three Tabs');
  await page.keyboard.type('port');
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]q=port(&|$)/);
  await settled(page);
  // Tab to the first person's checkbox and check it with Space.
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => document.activeElement.dataset.facet);
    if (f === 'person') break;
  }
  const value = await page.evaluate(() => document.activeElement.dataset.value);
  assert(value, 'no person checkbox reached with Tab');
  await page.keyboard.press('Space');
  await page.waitForURL((u) => new URL(u).searchParams.get('person') === value);
  await settled(page);
  same(await page.evaluate(() => document.activeElement.dataset.value), value, 'focus after checking');
  await checkAgainstCli(page, `person=${value} by keyboard`);
  // A person beyond the first ten, found by typing the start of the name.
  const listed = (await shown(page)).facets.person.map((v) => v.value);
  const all = cliJson(['--limit', '0', '--facet', 'person', '--facet-size', '0', '--', 'port']).facets.person;
  const extra = all.find((v) => !listed.includes(v.value));
  assert(extra, 'every person is listed: no typeahead to test');
  const box = page.locator('#facets fieldset[data-facet=person] .typeahead input');
  await box.focus();
  await page.keyboard.type(extra.value.slice(0, 3));
  await page.waitForSelector('#facets fieldset[data-facet=person] .suggestions button');
  await page.keyboard.press('ArrowDown');
  const picked = await page.evaluate(() => document.activeElement.querySelector('.value').textContent);
  assert(picked.toLowerCase().startsWith(extra.value.slice(0, 3).toLowerCase()), `suggested ${picked}`);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => new URL(u).searchParams.getAll('person').includes(picked));
  await settled(page);
  await checkAgainstCli(page, `person=${value} or ${picked} by typeahead`);
  // The histogram by keyboard: a bar, then Enter.
  await page.locator('#histogram .bar[tabindex="0"]').focus();
  const period = await page.evaluate(() => document.activeElement.dataset.period);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => new URL(u).searchParams.get('date') === period);
  await settled(page);
  await checkAgainstCli(page, `date:${period} by keyboard`);
  const onBar = await page.evaluate(() => document.activeElement.classList.contains('bar'));
  assert(onBar, 'the keyboard left the histogram after choosing a bar');
  // Shift and the arrows stretch a range over the bars; Enter keeps it.
  const startBar = await page.evaluate(() => document.activeElement.dataset.period);
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  const endBar = await page.evaluate(() => document.activeElement.dataset.period);
  assert(endBar > startBar, `Shift+ArrowRight went from ${startBar} to ${endBar}`);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => new URL(u).searchParams.get('date') === `${startBar}..${endBar}`);
  await settled(page);
  await checkAgainstCli(page, `date:${startBar}..${endBar} by keyboard`);
});

step('screenshots: desktop and a 360 px phone, which does not scroll sideways', async () => {
  await page.goto(BASE + '?q=port');
  await settled(page);
  await page.screenshot({ path: `${OUT}/desktop.png`, fullPage: true });
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  phone.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.location().url)) problems.push(m.text()); });
  await phone.goto(BASE + '?q=port&place=Germany');
  await settled(phone);
  const wide = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert(wide <= 360, `the phone page is ${wide} px wide`);
  assert(!(await phone.isVisible('#facets')), 'the facets should wait behind Refine');
  await phone.click('#refine-toggle');
  assert(await phone.isVisible('#facets'), 'Refine does not open the facets');
  await phone.screenshot({ path: `${OUT}/phone.png`, fullPage: true });
  await phone.click('#results a.title');
  await phone.waitForFunction(() => document.getElementById('article-title').textContent !== '');
  const wide2 = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert(wide2 <= 360, `the phone article is ${wide2} px wide`);
  await phone.screenshot({ path: `${OUT}/phone-article.png`, fullPage: true });
  await phone.close();
});

step('no script error, CSP violation or dialog on the way', async () => {
  same(problems, [], 'console errors');
});

async function main() {
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10000);
  watchProblems(page, problems, /status of 4\d\d/);
  const passed = await runSteps(steps, page, OUT);
  await browser.close();
  return passed;
}

exitWith(main);
