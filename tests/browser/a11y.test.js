// Accessibility: axe-core (from npm, evaluated in the page by the test, never served by
// the app) runs on every staff page and every customer page, and any serious or
// critical violation fails. Then: a step's state is never told by colour alone, the
// customer's pages work with JavaScript off and at phone width, and the whole playbook
// can be walked to "retained" with the keyboard alone. AMENDS_AXE_ALL=1 reports the
// moderate and minor findings too (the pages have none today).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  HERE, startServer, launchBrowser, watch, assertNoProblems, signIn, binaryPath, isoLocal,
} from './harness.js';

const AXE_SOURCE = readFile(path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

let server;
let desktop;
let page;
let api;
const fixture = { cases: {}, links: {} };

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

/** Every customer link in the outbox, by the purpose of the message that carried it and its case. */
// Which message each link came in: the outbox rows of a backup (Message-ID, purpose,
// case; their links are masked) joined with the mail the SMTP sink received (Message-ID,
// the live link), read by Python's email package so any transfer encoding is undone.
const READ_MAIL = `
import email, email.policy, json, pathlib, re, sys
found = {}
for f in sorted(pathlib.Path(sys.argv[1]).glob('*.eml')):
    m = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
    part = m.get_body(preferencelist=('plain',))
    token = re.search(r'/c/([A-Za-z0-9_-]{20,})', part.get_content() if part else '')
    if token: found[str(m['Message-ID']).strip('<>')] = '/c/' + token.group(1)
print(json.dumps(found))
`;

async function outboxLinks() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'amends-a11y-backup-'));
  try {
    const file = path.join(dir, 'backup.jsonl');
    await promisify(execFile)(binaryPath(), ['backup', file], {
      env: { ...process.env, AMENDS_DATA_DIR: server.dataDir, AMENDS_LOG: 'error' },
    });
    const { stdout } = await promisify(execFile)('python3', ['-c', READ_MAIL, server.mailDir]);
    const sent = JSON.parse(stdout);
    const links = {};
    let columns = null;
    for (const line of (await readFile(file, 'utf8')).split('\n').filter(Boolean)) {
      const row = JSON.parse(line);
      if (!Array.isArray(row)) {
        columns = row.table === 'outbox' ? row.columns : null;
        continue;
      }
      if (!columns) continue;
      const rec = Object.fromEntries(columns.map((c, i) => [c, row[i]]));
      const link = sent[String(rec.message_id).replace(/^<|>$/g, '')];
      if (link) links[`${rec.purpose}:${rec.case_id ?? ''}`] = link;
    }
    return links;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function step(id, action, body = {}) {
  return api('POST', `/cases/${id}/${action}`, body);
}

async function newCase(words, extra = {}) {
  const n = Object.keys(fixture.cases).length + 1;
  return (await api('POST', '/cases', {
    customer: { name: `Customer ${n}`, email: `customer${n}@example.com` }, body: words, channel: 'phone', ...extra,
  })).id;
}

const APOLOGY = { text: 'I am sorry. We got your order wrong and I accept all responsibility for it.' };
const OFFER = { options: ['A new cake delivered tomorrow morning', 'A full refund today'] };

async function agreeAndOffer(id) {
  await step(id, 'restatement', { text: 'Your cake came late and the wrong flavour.' });
  await step(id, 'restatement/confirm');
  await step(id, 'apology', APOLOGY);
  await step(id, 'offer', OFFER);
}

before(async () => {
  server = await startServer({ mail: true });
  desktop = await launchBrowser();
  page = watch(desktop.first);
  api = await apiClient(server.url, server.email, server.password);

  const problem = await api('POST', '/problems', { title: 'Cakes left the oven too early', preventive_action: 'A timer on every oven' });
  const c = fixture.cases;
  c.fresh = await newCase('The cake I collected was dry and the icing had melted.');
  c.escalated = await newCase('Your driver shouted at my elderly father on the doorstep.', { severity: 'high' });
  c.restating = await newCase('My order arrived two days late.');
  await step(c.restating, 'restatement', { text: 'Your order came two days after the date we promised.' });
  c.offered = await newCase('The tart was burnt underneath.');
  await agreeAndOffer(c.offered);
  c.fixing = await newCase('The wrong name was piped on the birthday cake.');
  await agreeAndOffer(c.fixing);
  await step(c.fixing, 'offer/choice', { option: 1 });
  const later = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  await step(c.fixing, 'fix/promise', { what: 'Bake and deliver a new cake with the right name', due: later });
  c.followup = await newCase('Half of the pastries were missing from the box.');
  await agreeAndOffer(c.followup);
  await step(c.followup, 'offer/choice', { option: 2 });
  await step(c.followup, 'fix/promise', { what: 'Refund the missing pastries', due: later });
  await step(c.followup, 'fix/done', { note: 'Refunded' });
  await step(c.followup, 'follow-up/schedule', { due: new Date(Date.now() + 1000).toISOString(), channel: 'email' });
  c.retained = await newCase('The bread was stale on Monday.');
  await agreeAndOffer(c.retained);
  await step(c.retained, 'offer/choice', { option: 1 });
  await step(c.retained, 'skip', { step: 'gesture', reason: 'The customer asked for nothing more.' });
  await step(c.retained, 'fix/promise', { what: 'Deliver fresh bread', due: later });
  await step(c.retained, 'fix/done', { note: 'Delivered' });
  await step(c.retained, 'prevent', { problem_id: problem.id });
  await step(c.retained, 'follow-up', { satisfaction: 5, words: 'All good now.' });
  await step(c.retained, 'watch');
  await step(c.retained, 'outcome', { outcome: 'retained', reason: 'Ordered again.' });
  await api('POST', '/transactions', {
    customer_id: (await api('GET', `/cases/${c.retained}`)).customer_id, external_id: 'order-1', kind: 'order',
    amount_minor: 2400, currency: 'EUR', sku: 'CAKE-7', occurred_at: '2026-10-10T10:00:00Z',
  });
  const disclosure = await api('POST', '/disclosures', {
    problem_id: problem.id, title: 'About the cakes of batch 7', audience: { skus: ['CAKE-7'] },
    explanation: 'Cakes of batch 7 left the oven too early.', solution: 'We will bake you a new cake, on us.',
  });
  await api('POST', `/disclosures/${disclosure.id}/send`, {});
  fixture.view = await api('POST', '/views', { name: 'High severity', filters: { view: 'all', severity: 'high' } });
  fixture.problem = problem.id;
  fixture.customer = (await api('GET', `/cases/${c.fresh}`)).customer_id;

  // A spammy post of the public form lands in the spam folder.
  const form = new FormData();
  form.set('name', 'Seo Sales');
  form.set('email', 'sales@seo.example');
  form.set('body', 'SEO services: first page of google! Backlinks at https://bit.ly/a https://tinyurl.com/b http://198.51.100.7/');
  form.set('website', '');
  assert.equal((await fetch(`${server.url}/complain`, { method: 'POST', body: form })).status, 201);
  c.spam = (await api('GET', '/spam')).items[0].id;

  // The runner sends the acknowledgements, the restatement, the offer, the follow-up
  // and the disclosure: one link of each kind, each on a case still waiting for it.
  const wanted = {
    status: `acknowledgement:${c.fresh}`, restatement: `restatement:${c.restating}`, offer: `offer:${c.offered}`,
    follow_up: `follow_up:${c.followup}`, disclosure: 'disclosure:',
  };
  let all = {};
  for (let i = 0; i < 60; i++) {
    all = await outboxLinks();
    if (Object.values(wanted).every((k) => all[k])) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const [kind, key] of Object.entries(wanted)) fixture.links[kind] = all[key];
  assert.deepEqual(Object.keys(wanted).filter((k) => !fixture.links[k]), [], `links of every kind: ${JSON.stringify(all)}`);
});

after(async () => {
  await desktop?.close();
  await server?.stop();
});

/** Serious and critical axe violations on the page as it is now, one line each. */
async function violations(p) {
  await p.evaluate(await AXE_SOURCE);
  const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => process.env.AMENDS_AXE_ALL || v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function audit(p, url, found, { status = 200 } = {}) {
  p.__allowedStatuses = new Set([status]);
  const res = await p.goto(`${server.url}${url}`);
  assert.equal(res.status(), status, `${url} answers ${status}`);
  for (const v of await violations(p)) found.push(`${url}: ${v}`);
  assertNoProblems(p, url);
}

test('no serious or critical axe violation on any staff page', async () => {
  const found = [];
  // The sign-in page, before signing in.
  await audit(page, '/login', found);
  await signIn(page, server);
  const c = fixture.cases;
  const pages = [
    '/inbox', '/inbox?view=mine', '/inbox?view=unassigned', '/inbox?view=escalated', '/inbox?view=overdue',
    '/inbox?view=all&step=restate', '/inbox?view=all&severity=high', `/inbox?view=all&severity=high&saved=${fixture.view.id}`,
    `/inbox/views/${fixture.view.id}`,
    '/cases/new',
    ...Object.values(c).map((id) => `/cases/${id}`),
    '/customers', '/customers/new', `/customers/${fixture.customer}`, `/customers/${fixture.customer}/edit`,
    '/search?q=cake', '/search?q=nothing-matches-this',
    '/admin/users', '/account/password', '/admin/templates', '/admin/templates/acknowledgement',
    '/problems', `/problems/${fixture.problem}`, '/reports', '/approvals', '/letters',
    '/spam', '/admin/spam',
  ];
  for (const url of pages) await audit(page, url, found);
  // Whatever else the header's navigation offers (new pages are covered without a list).
  await page.goto(`${server.url}/inbox`);
  const nav = await page.locator('header nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const url of nav.filter((u) => !pages.includes(u))) await audit(page, url, found);
  // An error page.
  await audit(page, '/cases/999999', found, { status: 404 });
  assert.deepEqual(found, [], `axe found:\n${found.join('\n')}`);
});

test('no serious or critical axe violation on any customer page', async () => {
  const { context, first, close } = await launchBrowser();
  const p = watch(first);
  try {
    const found = [];
    await audit(p, '/complain', found);
    for (const [purpose, url] of Object.entries(fixture.links)) {
      await audit(p, url, found);
      assert.ok(purpose);
    }
    await audit(p, '/c/not-a-real-token-at-all-0000000000000', found, { status: 404 });
    // The thank-you page, after a real post.
    await p.goto(`${server.url}/complain`);
    await p.fill('#name', 'Ada Lovelace');
    await p.fill('#email', 'ada@example.com');
    await p.fill('#body', 'The scones were raw in the middle.');
    await Promise.all([p.waitForNavigation(), p.locator('form button[type=submit]').click()]);
    assert.match(await p.locator('h1').innerText(), /Thank you/);
    for (const v of await violations(p)) found.push(`thank-you page: ${v}`);
    assertNoProblems(p);
    assert.deepEqual(found, [], `axe found:\n${found.join('\n')}`);
  } finally {
    await close();
    assert.ok(context);
  }
});

test('a step\'s state is told in words and a mark, never by colour alone', async () => {
  await page.goto(`${server.url}/cases/${fixture.cases.fixing}`);
  const steps = await page.locator('ol.stepper > li').evaluateAll((lis) => lis.map((li) => ({
    status: li.querySelector('.step-status')?.textContent.trim(),
    mark: li.querySelector('.mark')?.textContent.trim(),
  })));
  assert.equal(steps.length, 10);
  for (const s of steps) {
    assert.ok(s.status, 'every step says where it stands in words');
    assert.ok(s.mark, 'and shows a mark beside it');
  }
  const words = new Set(steps.map((s) => s.status.replace(/ \d{4}-.*$/, '')));
  assert.ok(words.has('Done') && words.has('Not needed'), [...words].join(', '));
  assert.ok([...words].some((w) => w.startsWith('In progress')), [...words].join(', '));
});

test('the customer\'s pages work with JavaScript off and fit a phone', async () => {
  const { first, close } = await launchBrowser({
    javaScriptEnabled: false, viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true,
  });
  const p = watch(first);
  const fits = async (what) => {
    const { scroll, width } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    assert.ok(scroll <= width, `${what} fits a phone: ${scroll}px content in ${width}px`);
  };
  try {
    await p.goto(`${server.url}/complain`);
    await fits('the complaint form');
    await p.fill('#name', 'Grace Hopper');
    await p.fill('#email', 'grace@example.com');
    await p.fill('#body', 'My order number 1206 never came, and the phone line was closed all week.');
    await Promise.all([p.waitForNavigation(), p.locator('form button[type=submit]').click()]);
    assert.match(await p.locator('h1').innerText(), /Thank you/);
    assert.match(await p.locator('main').innerText(), /AM-\d+/);
    await fits('the thank-you page');
    for (const url of Object.values(fixture.links)) {
      await p.goto(`${server.url}${url}`);
      await fits(url);
    }
    // Answering through a link needs no script either: confirm the restatement.
    await p.goto(`${server.url}${fixture.links.restatement}`);
    const confirm = p.locator('form button[type=submit]').first();
    await Promise.all([p.waitForNavigation(), confirm.click()]);
    assert.equal(await p.evaluate(() => document.readyState), 'complete');
    assert.doesNotMatch(await p.locator('main').innerText(), /went wrong/i);
    assertNoProblems(p);
  } finally {
    await close();
  }
});

/** Presses Tab until `selector` has the focus; the focus must be visible when it gets there. */
async function tabTo(p, selector) {
  for (let i = 0; i < 250; i++) {
    await p.keyboard.press('Tab');
    const there = await p.evaluate((sel) => {
      const el = document.activeElement;
      if (!el || !el.matches(sel)) return null;
      const s = getComputedStyle(el);
      return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none' };
    }, selector);
    if (there) {
      assert.ok(there.outline || there.shadow, `the focus on ${selector} is visible`);
      return;
    }
  }
  assert.fail(`Tab never reached ${selector}`);
}

async function typeInto(p, selector, text) {
  await tabTo(p, selector);
  await p.keyboard.type(text);
}

/** Tabs to the submit button of the form posting to /steps/<action>, presses Enter, waits. */
async function submitByKeyboard(p, action) {
  await tabTo(p, `form[action$="/steps/${action}"] button[type=submit]`);
  await Promise.all([p.waitForNavigation(), p.keyboard.press('Enter')]);
  assert.equal(await p.locator('#refusal').count(), 0, `no refusal after ${action}: ${await p.locator('#refusal').allInnerTexts()}`);
}

test('the whole playbook, with the keyboard alone, to retained', async () => {
  const p = page;
  await p.goto(`${server.url}/inbox`);
  // Log the complaint: the "n" shortcut, then the form by keyboard.
  await p.keyboard.press('n');
  await p.waitForURL(/\/cases\/new$/);
  await typeInto(p, '#name', 'Keyboard Kim');
  await typeInto(p, '#email', 'kim@example.com');
  await typeInto(p, '#body', 'The coffee machine I bought leaks all over the counter.');
  await tabTo(p, 'form.grid-form button[type=submit]');
  await Promise.all([p.waitForURL(/\/cases\/\d+$/), p.keyboard.press('Enter')]);

  await typeInto(p, '#restatement', 'Your new coffee machine leaks onto the counter.');
  await submitByKeyboard(p, 'restatement');
  await submitByKeyboard(p, 'confirm');
  await typeInto(p, '#apology', 'I am sorry. We sold you a faulty machine and I accept all responsibility for it.');
  await submitByKeyboard(p, 'apology');
  await typeInto(p, '#option1', 'A new machine delivered tomorrow');
  await typeInto(p, '#option2', 'A full refund today');
  await submitByKeyboard(p, 'offer');
  // Radio buttons: Tab reaches the group, Space checks the first.
  await tabTo(p, '#step-offer input[name=option][value="1"]');
  await p.keyboard.press('Space');
  await submitByKeyboard(p, 'choose');
  await typeInto(p, '#cost', '15');
  await typeInto(p, '#description', 'A bag of beans from our roaster');
  await submitByKeyboard(p, 'gesture');
  await typeInto(p, '#fix_what', 'Deliver a new machine and take the old one away');
  // A date field by keyboard, whatever order its parts come in for the browser's
  // locale: up arrow fills a part with now, a second one moves it on (the year too).
  await tabTo(p, '#fix_due');
  for (let i = 0; i < 6; i++) {
    await p.keyboard.press('ArrowUp');
    await p.keyboard.press('ArrowUp');
    await p.keyboard.press('ArrowRight');
  }
  const due = await p.locator('#fix_due').inputValue();
  assert.ok(due > isoLocal(new Date()), `a date in the future was set: ${due}`);
  await submitByKeyboard(p, 'promise');
  await typeInto(p, '#fix_note', 'Delivered on Tuesday');
  await submitByKeyboard(p, 'fixed');
  await typeInto(p, '#new_problem', 'Machines from one batch leak');
  await typeInto(p, '#preventive_action', 'Each machine is tested for leaks before it ships');
  await submitByKeyboard(p, 'prevent');
  // Satisfaction 5: Tab to the group, then the arrow keys move the choice.
  await tabTo(p, '#step-follow_up input[name=satisfaction]');
  for (let i = 0; i < 4; i++) await p.keyboard.press('ArrowRight');
  assert.equal(await p.locator('#step-follow_up input[name=satisfaction]:checked').getAttribute('value'), '5');
  await submitByKeyboard(p, 'follow_up');
  await submitByKeyboard(p, 'watch');
  await tabTo(p, 'input[name=outcome][value=retained]');
  await p.keyboard.press('Space');
  await submitByKeyboard(p, 'outcome');
  assert.equal((await p.locator('.case-head .status').textContent()).trim(), 'retained');
  for (const s of ['hear', 'restate', 'apologise', 'offer', 'gesture', 'fix', 'prevent', 'follow_up', 'watch']) {
    assert.equal((await p.locator(`#step-${s} .step-status`).innerText()).trim(), 'Done', s);
  }
  assertNoProblems(p);
});
