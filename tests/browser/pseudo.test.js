// The pseudo-locale: with AMENDS_PSEUDO_LOCALE=1 every Fluent message renders as
// bracketed, accented pseudo-English ("[Ïñböx]"). This test seeds data whose words it
// chose, walks the staff pages, and fails with every visible text (and placeholder,
// title, aria-label, alt) that is neither pseudo text, nor the seeded data, nor a
// number, time, reference or punctuation: each such text skipped Fluent.
//
// To add your pages: put what they need in SEEDS (through the JSON API, which stays
// English), the words you seeded through `seeded(...)`, and one entry per page in PAGES.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, watch, isoLocal } from './harness.js';

// Read once by the server process it starts (the harness passes process.env on).
process.env.AMENDS_PSEUDO_LOCALE = '1';

let server;
let browser;
let page;
let api;
/** What the seeds made: ids and references, for the pages' paths. */
const fixture = { cases: {} };
/** Every string the test put into the desk itself: allowed on any page. */
const SEEDED = new Set();
function seeded(...values) {
  for (const v of values) if (v) SEEDED.add(String(v).replace(/\s+/g, ' ').trim());
  return values[0];
}

const later = (days) => new Date(Date.now() + days * 24 * 3600 * 1000);
const iso = (d) => d.toISOString().replace(/\.\d+Z$/, 'Z');

async function step(id, action, body = {}) {
  return api('POST', `/cases/${id}/${action}`, body);
}

/** A case for a new customer, with words nobody would write in a template. */
async function newCase(key, words, extra = {}) {
  const name = seeded(`Xanthe Quillfeather ${key}`);
  const email = `xanthe.${key.toLowerCase()}@example.test`;
  const made = await api('POST', '/cases', {
    customer: { name, email }, body: seeded(words), channel: 'phone', ...extra,
  });
  fixture.cases[key] = made.id;
  return made.id;
}

const RESTATEMENT = seeded('Zorblax restatement: the quokka marmalade came late.');
const APOLOGY = seeded('I am sorry. We got your zorblax order wrong and I accept all responsibility for it.');
const OPTIONS = [seeded('Zorblax option one: fresh quokka marmalade'), seeded('Zorblax option two: a refund')];

async function agreeAndOffer(id) {
  await step(id, 'restatement', { text: RESTATEMENT });
  await step(id, 'restatement/confirm');
  await step(id, 'apology', { text: APOLOGY });
  await step(id, 'offer', { options: OPTIONS });
}

/**
 * Seeds run in order before the walk, each with the API client, the fixture and
 * `seeded`. Add yours at the end.
 */
const SEEDS = [
  // Staff pages A: cases at several steps of the playbook, a customer with orders, a saved view.
  async () => {
    const c = fixture.cases;
    await newCase('Fresh', 'Zorblax quokka marmalade arrived cracked and sticky.');
    await newCase('Serious', 'Zorblax quokka courier shouted at my elderly father.', { severity: 'high' });
    await newCase('Restating', 'Zorblax quokka delivery was two days late.');
    await step(c.Restating, 'restatement', { text: RESTATEMENT });
    await newCase('Offered', 'Zorblax quokka tart was burnt underneath.');
    await agreeAndOffer(c.Offered);
    await newCase('Fixing', 'Zorblax quokka cake had the wrong name piped on it.');
    await agreeAndOffer(c.Fixing);
    await step(c.Fixing, 'offer/choice', { option: 1 });
    await step(c.Fixing, 'fix/promise', { what: seeded('Zorblax fix: bake a new quokka cake'), due: iso(later(3)) });
    await newCase('Retained', 'Zorblax quokka bread was stale on Monday.');
    await agreeAndOffer(c.Retained);
    await step(c.Retained, 'offer/choice', { option: 1 });
    await step(c.Retained, 'skip', { step: 'gesture', reason: seeded('Zorblax skip reason') });
    await step(c.Retained, 'fix/promise', { what: seeded('Zorblax fresh quokka bread'), due: iso(later(2)) });
    await step(c.Retained, 'fix/done', { note: seeded('Zorblax delivered') });
    const problem = await api('POST', '/problems', {
      title: seeded('Zorblax ovens too hot'), preventive_action: seeded('Zorblax oven timer'),
    });
    fixture.problem = problem.id;
    await step(c.Retained, 'prevent', { problem_id: problem.id });
    await step(c.Retained, 'follow-up', { satisfaction: 5, words: seeded('Zorblax all good') });
    await step(c.Retained, 'watch');
    await step(c.Retained, 'outcome', { outcome: 'retained', reason: seeded('Zorblax ordered again') });
    fixture.customer = (await api('GET', `/cases/${c.Fresh}`)).customer_id;
    await api('POST', '/transactions', {
      customer_id: fixture.customer, external_id: seeded('ZORB-1'), kind: 'order', amount_minor: 2450,
      currency: 'EUR', sku: seeded('QUOKKA-7'), occurred_at: '2026-10-10T10:00:00Z',
    });
    fixture.view = await api('POST', '/views', {
      name: seeded('Zorblax view'), filters: { view: 'all', severity: 'normal' },
    });
  },
];

/**
 * The pages to walk, in order: a name, a path (or a function of the fixture), and
 * optionally the status it answers, `signedOut` (visited before signing in), or `act`
 * (something done in the browser first, e.g. a form sent; its page is then checked
 * where `path` is left out). Add yours at the end.
 */
const PAGES = [
  // Staff pages A: signing in, the inbox, cases, customers, search, errors.
  { name: 'login', path: '/login', signedOut: true },
  { name: 'login refused', signedOut: true, act: async (p) => {
    await p.goto(`${server.url}/login`);
    await p.fill('#email', server.email);
    await p.fill('#password', 'not the password at all');
    await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
  }, status: 401 },
  { name: 'inbox', path: '/inbox' },
  { name: 'inbox, every view', path: '/inbox?view=everything' },
  { name: 'inbox, closed', path: '/inbox?view=closed' },
  { name: 'inbox, empty', path: '/inbox?view=escalated_to_me' },
  { name: 'inbox, a step and a saved view', path: (f) => `/inbox?view=all&step=restate&severity=normal&saved=${f.view.id}` },
  { name: 'inbox after a bulk action', act: async (p) => {
    await p.goto(`${server.url}/inbox`);
    await p.locator('input[data-select]').first().check();
    await p.selectOption('#bulk-action', 'tag');
    await p.fill('form#bulk input[name=tag]', seeded('zorbtag'));
    await Promise.all([p.waitForURL(/done=/), p.click('form#bulk button[type=submit]')]);
  } },
  { name: 'a saved view', path: (f) => `/inbox/views/${f.view.id}` },
  { name: 'new complaint', path: '/cases/new' },
  { name: 'new complaint for a customer', path: (f) => `/cases/new?customer_id=${f.customer}` },
  { name: 'search', path: '/search?q=quokka' },
  { name: 'search, nothing found', path: '/search?q=zzyzzyva' },
  { name: 'customers', path: '/customers' },
  { name: 'customers, none found', path: '/customers?q=zzyzzyva' },
  { name: 'a customer', path: (f) => `/customers/${f.customer}` },
  { name: 'a customer, editing', path: (f) => `/customers/${f.customer}/edit` },
  { name: 'new customer', path: '/customers/new' },
  { name: 'password', path: '/account/password' },
  { name: 'case: restate due', path: (f) => `/cases/${f.cases.Fresh}` },
  { name: 'case: high severity, to escalate', path: (f) => `/cases/${f.cases.Serious}` },
  { name: 'case: restatement waits for the customer', path: (f) => `/cases/${f.cases.Restating}` },
  { name: 'case: options offered', path: (f) => `/cases/${f.cases.Offered}` },
  { name: 'case: fix promised', path: (f) => `/cases/${f.cases.Fixing}` },
  { name: 'case: retained', path: (f) => `/cases/${f.cases.Retained}` },
  { name: 'case: a step refused', act: async (p) => {
    await p.goto(`${server.url}/cases/${fixture.cases.Fresh}`);
    const form = p.locator('form[action$="/steps/restatement"]');
    await p.fill('#restatement', seeded('Zorblax late restatement'));
    // An out-of-date version: someone else changed the case meanwhile.
    await form.locator('input[name=version]').evaluate((el) => { el.value = '0'; });
    await Promise.all([p.waitForNavigation(), form.locator('button.primary').click()]);
    assert.equal(await p.locator('#refusal').count(), 1, 'the stale restatement is refused in words');
  }, status: 409 },
  { name: 'error: no such case', path: '/cases/999999', status: 404 },
  { name: 'error: no such customer', path: '/customers/999999', status: 404 },
];

/**
 * Texts that are not the desk's own words yet: a selector, whose they are, and why.
 * Remove an entry when its owner lands the messages.
 */
const NOT_YET = [
  { selector: 'pre[data-preview]', who: 'i18n-mail', why: 'a mail as it will leave: the mail templates' },
  { selector: 'ol.timeline li.message > div.pre', who: 'i18n-mail', why: 'a mail as it left: the mail templates' },
];

// Words that are neither messages nor data: times as the `when` filter writes them
// (month and day names, zones), and the currency code.
const TIME_WORDS = new Set([
  ...'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' '),
  ...'January February March April June July August September October November December'.split(' '),
  ...'Januar Februar März Mai Juni Juli Oktober Dezember Mär Okt Dez'.split(' '),
  ...'Monday Tuesday Wednesday Thursday Friday Saturday Sunday at'.split(' '),
  ...'Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag um Uhr'.split(' '),
  'UTC', 'GMT', 'CET', 'CEST', 'EUR',
]);

const ACCENTED = /[áéïöüÅÉÏÖÜñç]/;
/** Letters the pseudo-locale accents: a bracketed text with none ("[Why]") is pseudo too. */
const UNACCENTED = /[aeiouAEIOUnc]/;
/** A pseudo message: brackets around text with at least one accented letter. */
const PSEUDO = /\[[^[\]]*\]/g;

/** What is left of a text once pseudo messages and seeded data are taken out. */
function leftover(text) {
  let rest = text.replace(/\s+/g, ' ');
  // A message whose argument is a message nests: take the innermost out first.
  for (let before = null; before !== rest;) {
    before = rest;
    rest = rest.replace(PSEUDO, (m) => (ACCENTED.test(m) || !UNACCENTED.test(m) ? ' ' : m));
  }
  // A piece of seeded data split by markup (a search match in <mark>).
  const piece = rest.trim().replace(/^[.,:;…·]+|[.,:;…·]+$/g, '').trim();
  if (piece.length >= 5 && [...SEEDED].some((s) => s.includes(piece))) return [];
  // Longest first, so a seeded sentence goes before the name inside it.
  for (const s of [...SEEDED].sort((a, b) => b.length - a.length)) {
    rest = rest.split(s).join(' ');
    // Cut short for a list ("the first 120 characters…").
    for (let n = s.length - 1; n >= 12; n--) {
      const cut = `${s.slice(0, n).trimEnd()}…`;
      if (rest.includes(cut)) {
        rest = rest.split(cut).join(' ');
        break;
      }
    }
  }
  return rest
    .split(' ')
    .map((w) => w.replace(/^[\s()[\]{}“”„"'‘’.,:;!?…·•—–\-/]+|[\s()[\]{}“”„"'‘’.,:;!?…·•—–\-/]+$/g, ''))
    .filter((w) => w && /\p{L}/u.test(w))
    .filter((w) => !/^AM-\d+$/.test(w))
    .filter((w) => !/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(w))
    .filter((w) => !TIME_WORDS.has(w.replace(/\.$/, '')));
}

/** Every text of the page a person reads or a screen reader says, with where it is. */
async function textsOf(p) {
  return p.evaluate(() => {
    const out = [];
    // Keys on the keyboard, and a language's own name (marked with its `lang`, as in a
    // language picker), are not the desk's sentences.
    const skipped = (el) => el.closest('script, style, template, noscript, kbd, body [lang]');
    const where = (el) => {
      const parts = [];
      for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
        parts.unshift(e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.classList.length ? `.${[...e.classList].join('.')}` : ''));
      }
      return parts.join(' > ');
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || skipped(el)) continue;
      // A textarea's text is its value: data someone typed.
      if (el.tagName === 'TEXTAREA') continue;
      const text = n.nodeValue.replace(/\s+/g, ' ').trim();
      if (text) out.push({ where: where(el), text, el });
    }
    for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')) {
      if (skipped(el)) continue;
      for (const attr of ['placeholder', 'title', 'aria-label', 'alt']) {
        const v = el.getAttribute(attr);
        if (v && v.trim()) out.push({ where: `${where(el)} @${attr}`, text: v.trim(), el });
      }
    }
    out.push({ where: 'title', text: document.title, el: null });
    return out.map(({ where: w, text, el }) => ({ where: w, text, el: null, selectorHit: el ? [...document.querySelectorAll('*')].indexOf(el) : -1 }));
  });
}

async function notYetIndexes(p) {
  if (!NOT_YET.length) return new Set();
  return new Set(await p.evaluate((selectors) => {
    const all = [...document.querySelectorAll('*')];
    const hits = new Set();
    for (const s of selectors) {
      for (const el of document.querySelectorAll(s)) {
        for (const inner of [el, ...el.querySelectorAll('*')]) hits.add(all.indexOf(inner));
      }
    }
    return [...hits];
  }, NOT_YET.map((n) => n.selector)));
}

/** The texts of the page as it is that skipped Fluent, one line each. */
async function untranslated(p, name) {
  const exempt = await notYetIndexes(p);
  const found = [];
  for (const { where, text, selectorHit } of await textsOf(p)) {
    if (exempt.has(selectorHit)) continue;
    const words = leftover(text);
    if (words.length) found.push(`${name}: ${where}: "${text}" (${words.join(' ')})`);
  }
  return found;
}

/** The JSON API as the signed-in admin (session cookie plus CSRF header). */
async function apiClient(base, email, password) {
  const res = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  assert.equal(res.status, 200);
  const { csrf_token: csrf } = await res.json();
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return async (method, url, body) => {
    const r = await fetch(`${base}/api/v1${url}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = watch(browser.first);
  api = await apiClient(server.url, server.email, server.password);
  const me = await api('GET', '/me');
  seeded(me.name);
  // Each language by its own name, in the language pickers: names, not sentences.
  seeded('English', 'Deutsch');
  for (const seed of SEEDS) await seed({ api, fixture, seeded, step, newCase, later, iso, isoLocal });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('every text on the staff pages comes through Fluent (pseudo-locale)', async () => {
  const found = [];
  const visit = async (entry) => {
    if (entry.act) {
      page.__allowedStatuses = new Set([entry.status || 200]);
      await entry.act(page, fixture);
    }
    if (entry.path) {
      const path = typeof entry.path === 'function' ? entry.path(fixture) : entry.path;
      page.__allowedStatuses = new Set([entry.status || 200]);
      const res = await page.goto(`${server.url}${path}`);
      assert.equal(res.status(), entry.status || 200, `${entry.name} (${path}) answers ${entry.status || 200}`);
    }
    found.push(...await untranslated(page, entry.name));
  };
  for (const entry of PAGES.filter((e) => e.signedOut)) await visit(entry);
  // Signing in through the form: the heading is pseudo, so wait for the inbox's address.
  await page.goto(`${server.url}/login`);
  await page.fill('#email', server.email);
  await page.fill('#password', server.password);
  await Promise.all([page.waitForURL(/\/inbox$/), page.click('button[type=submit]')]);
  assert.match(await page.locator('h1').innerText(), /^\[.*[áéïöüÅÉÏÖÜñç].*\]$/, 'the inbox heading is pseudo text');
  for (const entry of PAGES.filter((e) => !e.signedOut)) await visit(entry);
  assert.deepEqual(found, [], `${found.length} texts skipped Fluent:\n${found.join('\n')}`);
});
