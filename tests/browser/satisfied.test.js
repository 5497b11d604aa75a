// Fixed to their satisfaction, on the case page: the gesture step shows the suggested
// gesture (from the customer's lifetime value and the severity) beside its form and the
// month's budget; a low follow-up answer opens the fix step again, says so in words and
// escalates; what was promised "for your next visit" is shown when they come back.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startServer, launchBrowser, watch, assertNoProblems, signIn, stepStatus, submitStep, ensureScreenshotDir,
  snap,
} from './harness.js';

let server;
let browser;
let page;
let api;

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

const step = (id, action, body = {}) => api('POST', `/cases/${id}/${action}`, body);

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = watch(browser.first);
  await signIn(page, server);
  api = await apiClient(server.url, server.email, server.password);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the gesture step shows the suggested gesture beside its form, and the budget', async () => {
  // Hannah has spent 1,000.00 with the bakery; her complaint is high.
  const c = await api('POST', '/cases', {
    customer: { name: 'Hannah Berg', email: 'hannah@example.com' },
    body: 'The sourdough loaf for my father\'s wake was burnt black underneath.',
    channel: 'phone',
    severity: 'high',
  });
  await api('POST', '/transactions', {
    customer_id: c.customer_id, external_id: 'h-1', kind: 'order', amount_minor: 100000, currency: 'EUR',
    occurred_at: '2026-01-10T10:00:00Z',
  });
  // Escalated to a manager by name, who takes it over.
  const maria = await api('POST', '/users', {
    email: 'maria@bakery.example', name: 'Maria Lind', role: 'manager', password: 'Sourdough starter fed at dawn 42',
  });
  await step(c.id, 'escalation', { to_user_id: maria.id, reason: 'A loaf for a wake' });
  await step(c.id, 'escalation/take-over');
  await step(c.id, 'restatement', { text: 'The loaf for your father\'s wake was burnt black underneath.' });
  await step(c.id, 'restatement/confirm');
  await step(c.id, 'apology', { text: 'I am so sorry. I accept all responsibility for the burnt loaf.' });
  await step(c.id, 'offer', { options: ['A fresh loaf delivered within the hour', 'A full refund today'] });
  await step(c.id, 'offer/choice', { option: 1 });
  const expected = await api('GET', `/cases/${c.id}/gesture/suggestion`);
  assert.ok(expected.suggested_minor > 2500, `more than a high case's base: ${JSON.stringify(expected)}`);

  await page.goto(`${server.url}/cases/${c.id}`);
  const suggestion = page.locator('#step-gesture [data-gesture-suggestion]');
  assert.equal(await suggestion.count(), 1, 'the suggestion stands in the gesture step');
  // Money as people read it, in the business's currency.
  const money = `€${(expected.suggested_minor / 100).toFixed(2)}`;
  const text = await suggestion.innerText();
  assert.match(text, new RegExp(`Suggested: ${money.replace('.', '\\.')}`));
  assert.match(text, /high case and a lifetime value of €1,000\.00/);
  assert.equal(await page.locator('#cost').inputValue(), (expected.suggested_minor / 100).toFixed(2), 'the cost starts at the suggestion');
  assert.match(await page.locator('#step-gesture [data-gesture-budget]').innerText(), /past the monthly budget, a manager approves it first/);
  // It stands next to the form: between the step's title and the gesture's fields.
  const [s, form] = await Promise.all([suggestion.boundingBox(), page.locator('#step-gesture form').first().boundingBox()]);
  assert.ok(s.y < form.y && form.y - (s.y + s.height) < 120, `beside the form: ${JSON.stringify({ s, form })}`);
  const dir = await ensureScreenshotDir();
  await snap(page.locator('#step-gesture'), { path: path.join(dir, 'satisfied-gesture.png') });

  // A gift "for your next visit", recorded from the form.
  await page.selectOption('#gesture', 'gift');
  await page.fill('#cost', '12.00');
  await page.fill('#description', 'A cake of her choice for your next visit');
  await submitStep(page, 'gesture');
  assert.equal(await stepStatus(page, 'gesture'), 'Done');
  assertNoProblems(page);
});

test('a follow-up answered 2 of 5 opens the fix step again, in words, and escalates', async () => {
  const c = await api('POST', '/cases', {
    customer: { name: 'Ida Lund', email: 'ida@example.com' },
    body: 'The rye bread was burnt.',
    channel: 'phone',
  });
  await step(c.id, 'restatement', { text: 'Your rye bread was burnt.' });
  await step(c.id, 'restatement/confirm');
  await step(c.id, 'apology', { text: 'I am sorry. I accept all responsibility for it.' });
  await step(c.id, 'offer', { options: ['A fresh loaf tomorrow', 'A refund today'] });
  await step(c.id, 'offer/choice', { option: 1 });
  await step(c.id, 'skip', { step: 'gesture', reason: 'She asked for nothing more' });
  const later = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  await step(c.id, 'fix/promise', { what: 'Bake a fresh loaf', due: later });
  await step(c.id, 'fix/done', { note: 'Delivered' });

  await page.goto(`${server.url}/cases/${c.id}`);
  assert.equal(await stepStatus(page, 'fix'), 'Done');
  // She answered on the phone: 2 of 5, and no, it was not put right.
  await page.check('#step-follow_up input[name=satisfaction][value="2"]');
  await page.check('#step-follow_up input[name=satisfied][value="no"]');
  await page.fill('#follow_up_words', 'The new loaf was burnt as well.');
  await submitStep(page, 'follow_up');

  assert.match(await stepStatus(page, 'fix'), /^(Due|Overdue)/, 'the fix step is open again');
  assert.equal(await stepStatus(page, 'follow_up'), 'Comes after earlier steps');
  const banner = page.locator('#step-fix [data-low-answer]');
  assert.match(
    await banner.innerText(),
    /answered the follow-up 2 of 5 and said it was not put right\. In their words: “The new loaf was burnt as well\.” The fix step is open again; the owner and the managers were alerted\./,
  );
  assert.equal(await page.locator('#fix_what').count(), 1, 'the fix can be promised again');
  const titles = await page.locator('ol.timeline > li strong').allInnerTexts();
  assert.ok(titles.some((t) => /Follow-up: satisfaction 2 of 5, put right: no\. Not put right: the fix step is open again/.test(t)), titles.join(' | '));
  assert.ok(titles.includes('Escalated to the owner and the managers'), titles.join(' | '));
  const dir = await ensureScreenshotDir();
  await snap(page, { path: path.join(dir, 'satisfied-low-answer.png'), fullPage: false });
  assertNoProblems(page);
});
