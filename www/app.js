/* app.js - the archive's search page, over the JSON API of
 * `newsarc-search --serve` (or its CGI).
 *
 * The whole state of the page lives in the URL's query string (see
 * readState()/writeState()), so a search can be bookmarked and shared and
 * Back walks through it: every control changes the URL with pushState and
 * render() draws the page from the URL alone.
 *
 * No text from an article, a facet or the query is ever parsed as HTML:
 * the page is built with createElement and text nodes, and highlighted
 * snippets are split on the API's private-use markers (U+E000 before a
 * match, U+E001 after it) into text nodes and <mark> elements.
 *
 * The date range chosen on the histogram becomes a `date:A..B` term ANDed
 * to the reader's query (the `date` URL parameter), so the API, the CLI
 * and a bookmark all read it the same way; the histogram is then drawn
 * for that range at a finer grain (years, months, days). */
'use strict';

(function () {
  const PAGE_SIZE = 10;
  const FACET_SIZE = 10;
  const TYPEAHEAD_SIZE = 8;
  /* URL parameter and API facet name, heading, one value's name. */
  const FACETS = [
    ['person', 'People', 'Person'],
    ['place', 'Places', 'Place'],
    ['org', 'Organisations', 'Organisation'],
    ['topic', 'Topics', 'Topic'],
  ];
  const SORTS = ['relevance', 'newest', 'oldest'];
  const HL_START = '\uE000';
  const HL_END = '\uE001';
  const DATE_RE = /^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$/;

  const $ = (id) => document.getElementById(id);

  /* Makes an element with attributes and children (strings become text
   * nodes, never markup). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'text') e.textContent = v;
        else if (k === 'dataset') Object.assign(e.dataset, v);
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function fmt(n) {
    return Number(n).toLocaleString('en');
  }

  /* ---- state <-> URL ---- */

  function emptyFilters() {
    const f = {};
    for (const [name] of FACETS) f[name] = [];
    return f;
  }

  /* A date range `A..B`, `A..`, `..B` or one period `A`, each end YYYY,
   * YYYY-MM or YYYY-MM-DD; null when it is none of these. */
  function parseRange(s) {
    if (!s) return null;
    const parts = s.split('..');
    if (parts.length > 2) return null;
    const a = parts[0];
    const b = parts.length === 2 ? parts[1] : parts[0];
    if ((a && !DATE_RE.test(a)) || (b && !DATE_RE.test(b)) || (!a && !b)) return null;
    return { from: a, to: b };
  }

  function rangeString(r) {
    if (!r) return '';
    return r.from === r.to ? r.from : r.from + '..' + r.to;
  }

  function readState() {
    const p = new URLSearchParams(location.search);
    const s = {
      q: p.get('q') || '',
      filters: emptyFilters(),
      sort: SORTS.includes(p.get('sort')) ? p.get('sort') : 'relevance',
      page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
      date: parseRange(p.get('date')),
      article: p.get('article') || null,
    };
    for (const [name] of FACETS) {
      for (const v of p.getAll(name)) if (v && !s.filters[name].includes(v)) s.filters[name].push(v);
    }
    return s;
  }

  function stateQuery(s) {
    const p = new URLSearchParams();
    if (s.q) p.set('q', s.q);
    for (const [name] of FACETS) for (const v of s.filters[name]) p.append(name, v);
    if (s.date) p.set('date', rangeString(s.date));
    if (s.sort !== 'relevance') p.set('sort', s.sort);
    if (s.page > 1) p.set('page', String(s.page));
    if (s.article) p.set('article', s.article);
    const qs = p.toString();
    return qs ? '?' + qs : location.pathname;
  }

  function copyState(s) {
    const f = emptyFilters();
    for (const [name] of FACETS) f[name] = s.filters[name].slice();
    return { q: s.q, filters: f, sort: s.sort, page: s.page, date: s.date, article: s.article };
  }

  /* Moves to state S: a new history entry (or replaces the current one),
   * then draws it.  HSTATE is kept with the entry (history.state). */
  function go(s, hstate, replace) {
    const url = stateQuery(s);
    if (replace) history.replaceState(hstate || null, '', url);
    else history.pushState(hstate || null, '', url);
    render();
  }

  /* ---- the API ---- */

  /* The reader's query with the date range ANDed to it. */
  function effectiveQuery(s) {
    if (!s.date) return s.q;
    const d = 'date:' + (s.date.from === s.date.to ? s.date.from : s.date.from + '..' + s.date.to);
    return s.q.trim() ? '(' + s.q + ') ' + d : d;
  }

  function filterParams(s, p, except) {
    for (const [name] of FACETS) {
      if (name === except) continue;
      for (const v of s.filters[name]) p.append('filter', name + '=' + v);
    }
  }

  class ApiError extends Error {}

  /* Fetches PATH (relative to the page, so the page also works under a
   * prefix or behind CGI) and returns its JSON; throws ApiError with the
   * server's message. */
  async function api(path, params, signal) {
    const url = path + (params ? '?' + params.toString() : '');
    let res;
    try {
      res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError('the archive could not be reached');
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok) {
      const msg = body && body.error && body.error.message ? body.error.message : 'the server answered ' + res.status;
      throw new ApiError(msg);
    }
    if (body === null) throw new ApiError('the server sent no JSON');
    return body;
  }

  /* The values of one facet in an /api/facets answer: an array, or under
   * `values`, or under `facets.NAME`. */
  function facetValues(body, name) {
    if (Array.isArray(body)) return body;
    if (body && Array.isArray(body.values)) return body.values;
    if (body && body.facets && Array.isArray(body.facets[name])) return body.facets[name];
    return [];
  }

  /* ---- drawing ---- */

  let current = null;       /* the state drawn last */
  let renderSeq = 0;        /* answers to older renders are dropped */
  let controller = null;    /* aborts the fetches of an older render */
  /* A few recent answers, so Back draws at once; kept a minute only, so
   * that new articles show up when the reader searches again. */
  const cache = new Map();
  const CACHE_MS = 60000;

  async function cachedApi(path, params, signal) {
    const key = path + '?' + params.toString();
    const hit = cache.get(key);
    if (hit && Date.now() - hit.time < CACHE_MS) return hit.body;
    const body = await api(path, params, signal);
    cache.delete(key);
    cache.set(key, { time: Date.now(), body });
    if (cache.size > 20) cache.delete(cache.keys().next().value);
    return body;
  }

  function render() {
    const s = readState();
    /* An address with parameters the page ignores (a hand-edited or old
     * link) is replaced by what the page shows, so the address stays the
     * state. */
    const canonical = stateQuery(s);
    if ((location.search || location.pathname) !== canonical) {
      history.replaceState(history.state, '', canonical);
    }
    const prev = current;
    current = s;
    renderSeq++;
    if (controller) controller.abort();
    controller = new AbortController();
    $('q').value = s.q;
    $('sort').value = s.sort;
    $('date-from').value = s.date ? s.date.from : '';
    $('date-to').value = s.date ? s.date.to : '';
    if (s.article) {
      $('search-view').hidden = true;
      $('article-view').hidden = false;
      showArticle(s, renderSeq, controller.signal);
    } else {
      $('article-view').hidden = true;
      $('search-view').hidden = false;
      const back = prev && prev.article;
      runSearch(s, renderSeq, controller.signal, back ? prev.article : null);
    }
  }

  function showError(box, msg) {
    box.hidden = !msg;
    box.textContent = msg ? 'Error: ' + msg : '';
  }

  async function runSearch(s, seq, signal, focusArticle) {
    document.title = (s.q ? s.q + ' - ' : '') + 'News archive';
    const p = new URLSearchParams();
    p.set('q', effectiveQuery(s));
    for (const [name] of FACETS) p.append('facet', name);
    filterParams(s, p);
    p.set('sort', s.sort);
    p.set('offset', String((s.page - 1) * PAGE_SIZE));
    p.set('limit', String(PAGE_SIZE));
    p.set('facet_size', String(FACET_SIZE));
    p.set('hl', '1');
    /* Busy until the results and the histogram are both drawn. */
    $('search-view').setAttribute('aria-busy', 'true');
    $('results').setAttribute('aria-busy', 'true');
    const histogram = drawHistogram(s, seq, signal);
    const done = async () => {
      await histogram;
      if (seq === renderSeq) $('search-view').removeAttribute('aria-busy');
    };
    let body;
    try {
      body = await cachedApi('api/search', p, signal);
    } catch (e) {
      if (e.name === 'AbortError' || seq !== renderSeq) return;
      showError($('error'), e.message);
      clear($('results'));
      clear($('pager'));
      clear($('facets'));
      $('summary').textContent = '';
      drawChips(s);
      $('results').removeAttribute('aria-busy');
      await done();
      return;
    }
    if (seq !== renderSeq) return;
    showError($('error'), '');
    const active = document.activeElement;
    const refocus = active && active.dataset && active.dataset.facet
      ? { facet: active.dataset.facet, value: active.dataset.value } : null;
    drawSummary(s, body);
    drawChips(s);
    drawResults(s, body);
    drawPager(s, body);
    drawFacets(s, body);
    $('results').removeAttribute('aria-busy');
    if (refocus) {
      const box = [...document.querySelectorAll('#facets input[type=checkbox]')]
        .find((c) => c.dataset.facet === refocus.facet && c.dataset.value === refocus.value);
      if (box) box.focus();
    } else if (focusArticle) {
      const link = [...document.querySelectorAll('#results a.title')]
        .find((a) => a.dataset.id === focusArticle);
      if (link) link.focus();
    }
    await done();
  }

  function drawSummary(s, body) {
    const total = body.total || 0;
    const lower = body.complete === false;
    let text;
    if (!total) text = 'No matches';
    else {
      const first = (body.offset || 0) + 1;
      const last = (body.offset || 0) + (body.results || []).length;
      text = (lower ? 'At least ' : '') + fmt(total) + (total === 1 ? ' match' : ' matches');
      if (last >= first) text += ', showing ' + fmt(first) + (last > first ? '-' + fmt(last) : '');
    }
    if (lower) text += ' (counting stopped early: counts are lower bounds)';
    if (total && !(body.results || []).length) {
      text += '; this page is past the last one (' + fmt(Math.ceil(total / PAGE_SIZE)) + ')';
    }
    $('summary').textContent = text;
    // Shards left out (shard_failure: partial): the answer is not the whole archive's.
    const failed = body.shards && body.shards.failed ? body.shards.failed : [];
    const banner = $('shards-banner');
    banner.textContent = failed.length
      ? 'Part of the archive did not answer (' + fmt(failed.length) + ' of ' + fmt(body.shards.total) +
        ' shards: ' + failed.map((f) => f.shard).join(', ') + '); these results and counts leave it out.'
      : '';
    banner.hidden = !failed.length;
  }

  function drawChips(s) {
    const ul = $('active-filters');
    clear(ul);
    const add = (label, change) => {
      const b = el('button', { type: 'button', class: 'chip', 'aria-label': 'Remove filter ' + label },
        label, el('span', { 'aria-hidden': 'true', class: 'x' }, ' \u00d7'));
      b.addEventListener('click', () => {
        const n = copyState(current);
        change(n);
        n.page = 1;
        go(n);
        $('q').focus();
      });
      ul.append(el('li', null, b));
    };
    for (const [name, , one] of FACETS) {
      for (const v of s.filters[name]) {
        add(one + ': ' + v,
          (n) => { n.filters[name] = n.filters[name].filter((x) => x !== v); });
      }
    }
    if (s.date) add('Dates: ' + rangeLabel(s.date), (n) => { n.date = null; });
    ul.hidden = !ul.firstChild;
    const active = ul.children.length;
    $('refine-toggle').textContent = active ? 'Refine (' + active + ' active)' : 'Refine';
  }

  function rangeLabel(r) {
    if (r.from === r.to) return r.from;
    return (r.from || '\u2026') + ' to ' + (r.to || '\u2026');
  }

  /* Appends SNIPPET to NODE: text nodes, with each span between the
   * highlight markers in a <mark>.  A stray or missing marker only ends or
   * starts a highlight; the markers themselves are never shown. */
  function appendHighlighted(node, snippet) {
    let inMark = false;
    let buf = '';
    const flush = () => {
      if (!buf) return;
      node.append(inMark ? el('mark', null, buf) : document.createTextNode(buf));
      buf = '';
    };
    for (const ch of snippet) {
      if (ch === HL_START || ch === HL_END) {
        flush();
        inMark = ch === HL_START;
      } else buf += ch;
    }
    flush();
  }

  function articleHref(s, id) {
    const n = copyState(s);
    n.article = id;
    return stateQuery(n);
  }

  function drawResults(s, body) {
    const ol = $('results');
    clear(ol);
    ol.setAttribute('start', String((body.offset || 0) + 1));
    for (const r of body.results || []) {
      const link = el('a', { class: 'title', href: articleHref(s, r.id), dataset: { id: r.id } },
        r.title || r.id);
      link.addEventListener('click', (ev) => {
        if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        ev.preventDefault();
        const n = copyState(current);
        n.article = r.id;
        go(n, { fromSearch: true });
      });
      const meta = el('p', { class: 'meta' });
      const parts = [];
      if (r.date) parts.push(el('time', { datetime: r.date }, r.date));
      if (r.source) parts.push(el('span', { class: 'source' }, r.source));
      if (r.places && r.places.length) parts.push(el('span', { class: 'places' }, r.places.join(', ')));
      if (r.people && r.people.length) parts.push(el('span', { class: 'people' }, r.people.join(', ')));
      parts.forEach((x, i) => {
        if (i) meta.append(el('span', { class: 'sep', 'aria-hidden': 'true' }, ' \u00b7 '));
        meta.append(x);
      });
      const snip = el('p', { class: 'snippet' });
      appendHighlighted(snip, r.snippet || '');
      ol.append(el('li', { class: 'hit' }, el('h3', null, link), meta, snip));
    }
  }

  function drawPager(s, body) {
    const nav = $('pager');
    clear(nav);
    const pages = Math.ceil((body.total || 0) / PAGE_SIZE);
    if (pages <= 1) return;
    const ul = el('ul');
    const item = (label, page, attrs) => {
      const li = el('li');
      if (page === null) {
        li.append(el('span', { class: 'gap', 'aria-hidden': 'true' }, label));
      } else if (page === s.page && !attrs) {
        li.append(el('a', { 'aria-current': 'page', href: pageHref(s, page), 'aria-label': 'Page ' + page }, label));
      } else {
        const a = el('a', Object.assign({ href: pageHref(s, page) }, attrs || { 'aria-label': 'Page ' + page }), label);
        a.addEventListener('click', (ev) => {
          if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
          ev.preventDefault();
          const n = copyState(current);
          n.page = page;
          go(n);
          $('results').focus();
        });
        li.append(a);
      }
      ul.append(li);
    };
    if (s.page > 1) item('Previous', s.page - 1, { rel: 'prev', class: 'prev' });
    const shown = new Set([1, pages, s.page - 2, s.page - 1, s.page, s.page + 1, s.page + 2]);
    let last = 0;
    for (let i = 1; i <= pages; i++) {
      if (!shown.has(i)) continue;
      if (i > last + 1) item('\u2026', null);
      item(String(i), i);
      last = i;
    }
    if (s.page < pages) item('Next', s.page + 1, { rel: 'next', class: 'next' });
    nav.append(ul);
  }

  function pageHref(s, page) {
    const n = copyState(s);
    n.page = page;
    return stateQuery(n);
  }

  function toggleFilter(name, value, on) {
    const n = copyState(current);
    const list = n.filters[name].filter((x) => x !== value);
    if (on) list.push(value);
    n.filters[name] = list;
    n.page = 1;
    go(n);
  }

  function drawFacets(s, body) {
    const box = $('facets');
    clear(box);
    const facets = body.facets || {};
    for (const [name, title] of FACETS) {
      const values = (facets[name] || []).slice();
      const checked = s.filters[name];
      /* A checked value stays on the list even when it is not among the
       * most frequent, so it can be unchecked where it was checked. */
      for (const v of checked) {
        if (!values.some((x) => x.value === v)) values.push({ value: v, count: null });
      }
      if (!values.length) continue;
      const fs = el('fieldset', { class: 'facet', dataset: { facet: name } }, el('legend', null, title));
      const ul = el('ul');
      values.forEach((v, i) => {
        const id = 'f-' + name + '-' + i;
        const cb = el('input', {
          type: 'checkbox', id, checked: checked.includes(v.value),
          dataset: { facet: name, value: v.value },
        });
        cb.addEventListener('change', () => toggleFilter(name, v.value, cb.checked));
        ul.append(el('li', null, cb,
          el('label', { for: id }, el('span', { class: 'value' }, v.value),
            v.count === null ? null : el('span', { class: 'count' }, fmt(v.count)))));
      });
      fs.append(ul);
      if ((facets[name] || []).length >= FACET_SIZE) fs.append(typeahead(name, title));
      box.append(fs);
    }
  }

  /* A box that finds more values of facet NAME by their start, through
   * /api/facets/NAME, counted like the facet's list: for the query and
   * the other facets' filters. */
  function typeahead(name, title) {
    const wrap = el('div', { class: 'typeahead' });
    const listId = 'ta-' + name;
    const input = el('input', {
      type: 'search', autocomplete: 'off', spellcheck: 'false',
      'aria-label': 'Find more ' + title.toLowerCase(), placeholder: 'Find more ' + title.toLowerCase(),
      'aria-controls': listId, 'aria-autocomplete': 'list',
    });
    const list = el('ul', { id: listId, class: 'suggestions', 'aria-label': title + ' found' });
    let timer = null;
    let ctl = null;
    const lookup = async () => {
      const prefix = input.value.trim();
      if (ctl) ctl.abort();
      clear(list);
      if (!prefix) return;
      ctl = new AbortController();
      const s = current;
      const p = new URLSearchParams();
      p.set('q', effectiveQuery(s));
      filterParams(s, p, name);
      p.set('prefix', prefix);
      p.set('limit', String(TYPEAHEAD_SIZE));
      let body;
      try {
        body = await api('api/facets/' + encodeURIComponent(name), p, ctl.signal);
      } catch (e) {
        if (e.name !== 'AbortError') list.append(el('li', { class: 'none' }, e.message));
        return;
      }
      clear(list);
      const values = facetValues(body, name);
      if (!values.length) list.append(el('li', { class: 'none' }, 'Nothing starts with that'));
      for (const v of values) {
        const on = current.filters[name].includes(v.value);
        const b = el('button', { type: 'button', 'aria-pressed': on ? 'true' : 'false' },
          el('span', { class: 'value' }, v.value), el('span', { class: 'count' }, fmt(v.count)));
        b.addEventListener('click', () => toggleFilter(name, v.value, !on));
        b.addEventListener('keydown', (ev) => {
          const li = b.parentNode;
          if (ev.key === 'ArrowDown' && li.nextSibling) {
            ev.preventDefault();
            li.nextSibling.querySelector('button').focus();
          } else if (ev.key === 'ArrowUp') {
            ev.preventDefault();
            const prev = li.previousSibling && li.previousSibling.querySelector('button');
            (prev || input).focus();
          } else if (ev.key === 'Escape') {
            input.focus();
          }
        });
        list.append(el('li', null, b));
      }
    };
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowDown') {
        const b = list.querySelector('button');
        if (b) {
          ev.preventDefault();
          b.focus();
        }
      } else if (ev.key === 'Escape') {
        input.value = '';
        clear(list);
      }
    });
    wrap.append(input, list);
    return wrap;
  }

  /* ---- the date histogram ---- */

  function pad(n, w) {
    return String(n).padStart(w, '0');
  }

  /* The first and last day of a period YYYY, YYYY-MM or YYYY-MM-DD, as
   * UTC dates. */
  function periodStart(p) {
    const m = DATE_RE.exec(p);
    return new Date(Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1));
  }

  function periodEnd(p) {
    const m = DATE_RE.exec(p);
    if (m[3]) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    if (m[2]) return new Date(Date.UTC(+m[1], +m[2], 0));
    return new Date(Date.UTC(+m[1], 11, 31));
  }

  function label(d, grain) {
    const y = pad(d.getUTCFullYear(), 4);
    if (grain === 'year') return y;
    const mo = y + '-' + pad(d.getUTCMonth() + 1, 2);
    return grain === 'month' ? mo : mo + '-' + pad(d.getUTCDate(), 2);
  }

  function nextBucket(d, grain) {
    if (grain === 'year') return new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1));
    if (grain === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    return new Date(d.getTime() + 86400000);
  }

  /* Every bucket label from A to B (dates) at GRAIN, at most MAX. */
  function buckets(a, b, grain) {
    const out = [];
    const MAX = 400;
    for (let d = periodStart(label(a, grain)); d <= b && out.length < MAX; d = nextBucket(d, grain)) {
      out.push(label(d, grain));
    }
    return out;
  }

  /* Years when the range spans more than three, days when it spans two
   * months or less, else months. */
  function grainFor(a, b) {
    const days = (b - a) / 86400000 + 1;
    if (days > 3 * 366) return 'year';
    if (days <= 62) return 'day';
    return 'month';
  }

  function valueRange(values) {
    const sorted = values.filter((v) => DATE_RE.test(v.value)).map((v) => v.value).sort();
    if (!sorted.length) return null;
    return [periodStart(sorted[0]), periodEnd(sorted[sorted.length - 1])];
  }

  async function drawHistogram(s, seq, signal) {
    const base = () => {
      const p = new URLSearchParams();
      p.set('q', effectiveQuery(s));
      filterParams(s, p);
      p.set('limit', '0');
      p.set('facet_size', '0');
      return p;
    };
    let grain;
    let a;
    let b;
    let values;
    try {
      if (s.date && s.date.from && s.date.to) {
        a = periodStart(s.date.from);
        b = periodEnd(s.date.to);
      } else {
        /* No range, or an open one: the range is what the matches hold. */
        const p = base();
        p.append('facet', 'year');
        p.append('facet', 'month');
        const body = await cachedApi('api/search', p, signal);
        const years = (body.facets && body.facets.year) || [];
        const months = (body.facets && body.facets.month) || [];
        const r = valueRange(years) || [null, null];
        [a, b] = r;
        if (a && grainFor(a, b) !== 'year') {
          const rm = valueRange(months);
          if (rm) [a, b] = rm;
        }
        if (a && grainFor(a, b) === 'year') {
          grain = 'year';
          values = years;
        } else if (a && grainFor(a, b) === 'month') {
          grain = 'month';
          values = months;
        }
      }
      if (a && !grain) {
        grain = grainFor(a, b);
        const p = base();
        p.append('facet', grain);
        const body = await cachedApi('api/search', p, signal);
        values = (body.facets && body.facets[grain]) || [];
      }
    } catch (e) {
      /* The results say what went wrong; the histogram stays empty. */
      if (e.name === 'AbortError' || seq !== renderSeq) return;
      clear($('histogram'));
      return;
    }
    if (seq !== renderSeq) return;
    const box = $('histogram');
    const hadFocus = box.contains(document.activeElement);
    clear(box);
    if (!a) {
      box.append(el('p', { class: 'help' }, 'No dated matches.'));
      box.removeAttribute('aria-label');
      return;
    }
    const counts = new Map(values.map((v) => [v.value, v.count]));
    const labels = buckets(a, b, grain);
    const max = Math.max(1, ...labels.map((l) => counts.get(l) || 0));
    const bars = el('div', { class: 'bars', dataset: { grain } });
    const focusIndex = Math.max(0, labels.findIndex((l) => counts.get(l)));
    labels.forEach((l, i) => {
      const n = counts.get(l) || 0;
      const fill = el('span', { class: 'fill' });
      /* A style property, not a style attribute: allowed by the CSP. */
      fill.style.height = (n ? Math.max(4, Math.round((100 * n) / max)) : 0) + '%';
      const bar = el('button', {
        type: 'button', class: 'bar' + (n ? '' : ' empty'), tabindex: i === focusIndex ? '0' : '-1',
        title: l + ': ' + fmt(n), 'aria-label': l + ', ' + fmt(n) + (n === 1 ? ' article' : ' articles'),
        dataset: { period: l, count: String(n) },
      }, fill);
      bars.append(bar);
    });
    box.setAttribute('aria-label', 'Matches by ' + grain + ', ' + labels[0] + ' to ' + labels[labels.length - 1]);
    box.append(bars, el('div', { class: 'axis', 'aria-hidden': 'true' },
      el('span', null, labels[0]), el('span', null, labels[labels.length - 1])));
    wireHistogram(bars, labels);
    /* A bar chosen with the keyboard is redrawn: the keyboard stays here. */
    if (hadFocus) bars.children[focusIndex].focus();
  }

  function chooseRange(from, to) {
    const n = copyState(current);
    n.date = { from, to };
    n.page = 1;
    go(n);
  }

  /* Dragging across the bars selects the periods between where the
   * pointer went down and where it came up; a click selects one bar.  The
   * arrow keys move between bars, Enter or Space selects one, and with
   * Shift held the arrows stretch a selection that Enter applies. */
  function wireHistogram(bars, labels) {
    const items = [...bars.children];
    let start = -1;
    let end = -1;
    let anchor = -1;
    const indexAt = (x) => {
      const r = bars.getBoundingClientRect();
      const i = Math.floor(((x - r.left) / r.width) * items.length);
      return Math.min(items.length - 1, Math.max(0, i));
    };
    const mark = (i, j) => {
      const lo = Math.min(i, j);
      const hi = Math.max(i, j);
      items.forEach((b, k) => b.classList.toggle('selected', k >= lo && k <= hi));
    };
    const apply = (i, j) => chooseRange(labels[Math.min(i, j)], labels[Math.max(i, j)]);
    bars.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      ev.preventDefault();
      start = end = indexAt(ev.clientX);
      bars.setPointerCapture(ev.pointerId);
      mark(start, end);
    });
    bars.addEventListener('pointermove', (ev) => {
      if (start < 0) return;
      end = indexAt(ev.clientX);
      mark(start, end);
    });
    bars.addEventListener('pointerup', (ev) => {
      if (start < 0) return;
      end = indexAt(ev.clientX);
      const i = start;
      start = -1;
      apply(i, end);
    });
    bars.addEventListener('pointercancel', () => {
      start = -1;
      mark(-1, -2);
    });
    /* Pointer presses are handled above; a click that comes from the
     * keyboard (Enter or Space on a bar) has detail 0. */
    bars.addEventListener('click', (ev) => {
      const i = items.indexOf(ev.target.closest('.bar'));
      if (ev.detail !== 0 || i < 0) return;
      if (anchor >= 0) apply(anchor, i);
      else apply(i, i);
    });
    bars.addEventListener('keydown', (ev) => {
      const i = items.indexOf(document.activeElement);
      if (i < 0) return;
      let j = i;
      if (ev.key === 'ArrowRight' || ev.key === 'ArrowUp') j = Math.min(items.length - 1, i + 1);
      else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowDown') j = Math.max(0, i - 1);
      else if (ev.key === 'Home') j = 0;
      else if (ev.key === 'End') j = items.length - 1;
      else if (ev.key === 'Escape') {
        anchor = -1;
        mark(-1, -2);
        return;
      } else return;
      ev.preventDefault();
      if (ev.shiftKey) {
        if (anchor < 0) anchor = i;
        mark(anchor, j);
      } else if (anchor >= 0) {
        anchor = -1;
        mark(-1, -2);
      }
      items[i].tabIndex = -1;
      items[j].tabIndex = 0;
      items[j].focus();
    });
  }

  /* ---- the article view ---- */

  const META = [
    ['date', 'Date'], ['source', 'Source'], ['dateline', 'Dateline'], ['authors', 'By'],
    ['person', 'People', 'people'], ['place', 'Places', 'places'], ['org', 'Organisations', 'orgs'],
    ['topic', 'Topics', 'topics'], ['url', 'Address'], ['language', 'Language'], ['id', 'Id'],
  ];

  function safeUrl(u) {
    try {
      const url = new URL(u);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /* A search for articles with facet NAME = VALUE, from the current query. */
  function facetLink(name, value) {
    const n = copyState(current);
    n.article = null;
    n.page = 1;
    n.q = '';
    n.date = null;
    n.filters = emptyFilters();
    n.filters[name] = [value];
    const a = el('a', { href: stateQuery(n) }, value);
    a.addEventListener('click', (ev) => {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      go(n);
      $('q').focus();
    });
    return a;
  }

  function appendBody(node, text) {
    for (const para of text.split(/\n\s*\n/)) {
      if (!para.trim()) continue;
      /* Columns laid out with spaces (tables in wire copy) keep their
       * lines; prose is reflowed to the screen's width. */
      if (/ {3,}\S/.test(para)) node.append(el('pre', null, para.replace(/^\n+|\s+$/g, '')));
      else node.append(el('p', null, para.trim().replace(/\s*\n\s*/g, ' ')));
    }
  }

  async function showArticle(s, seq, signal) {
    const back = $('back');
    const n = copyState(s);
    n.article = null;
    back.href = stateQuery(n);
    $('article-raw').href = 'api/article/' + encodeURIComponent(s.article) + '/raw';
    const title = $('article-title');
    const meta = $('article-meta');
    const body = $('article-body');
    const view = $('article-view');
    view.setAttribute('aria-busy', 'true');
    let a;
    try {
      a = await cachedApi('api/article/' + encodeURIComponent(s.article), new URLSearchParams(), signal);
    } catch (e) {
      if (e.name === 'AbortError' || seq !== renderSeq) return;
      showError($('article-error'), e.message);
      $('article').hidden = true;
      view.removeAttribute('aria-busy');
      back.focus();
      return;
    }
    if (seq !== renderSeq) return;
    showError($('article-error'), '');
    $('article').hidden = false;
    title.textContent = a.title || a.id;
    document.title = (a.title || a.id) + ' - News archive';
    clear(meta);
    for (const [key, label, field] of META) {
      const v = a[field || key];
      if (v === null || v === undefined || (Array.isArray(v) && !v.length) || v === '') continue;
      const dd = el('dd');
      if (field) {
        v.forEach((x, i) => {
          if (i) dd.append(', ');
          dd.append(facetLink(key, x));
        });
      } else if (key === 'url') {
        const href = safeUrl(v);
        dd.append(href ? el('a', { href, rel: 'noopener noreferrer' }, v) : String(v));
      } else if (key === 'date') {
        dd.append(el('time', { datetime: v }, String(v).replace('T', ' ')));
      } else dd.append(Array.isArray(v) ? v.join(', ') : String(v));
      meta.append(el('dt', null, label), dd);
    }
    clear(body);
    appendBody(body, a.body || '');
    view.removeAttribute('aria-busy');
    title.focus();
  }

  /* ---- controls ---- */

  function wire() {
    $('search-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const n = copyState(current);
      n.q = $('q').value.trim();
      n.page = 1;
      n.article = null;
      go(n);
    });
    $('sort').addEventListener('change', () => {
      const n = copyState(current);
      n.sort = $('sort').value;
      n.page = 1;
      go(n);
    });
    $('date-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const from = $('date-from').value.trim();
      const to = $('date-to').value.trim();
      const n = copyState(current);
      n.date = from || to ? parseRange(from + '..' + to) : null;
      if ((from || to) && !n.date) {
        showError($('error'), 'dates are written YYYY, YYYY-MM or YYYY-MM-DD');
        return;
      }
      n.page = 1;
      go(n);
    });
    $('date-clear').addEventListener('click', () => {
      const n = copyState(current);
      n.date = null;
      n.page = 1;
      go(n);
    });
    $('back').addEventListener('click', (ev) => {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      if (history.state && history.state.fromSearch) history.back();
      else {
        const n = copyState(current);
        n.article = null;
        go(n);
      }
    });
    $('home').addEventListener('click', (ev) => {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      go({ q: '', filters: emptyFilters(), sort: 'relevance', page: 1, date: null, article: null });
      $('q').focus();
    });
    const toggle = $('refine-toggle');
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      $('sidebar').classList.toggle('open', open);
    });
    window.addEventListener('popstate', render);
  }

  wire();
  render();
})();
