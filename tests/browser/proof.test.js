// Proof of improvement (issue 22): once "Burnt bread" is fixed, the manager tells everyone
// it affected from the problem's page — Hannah (kept), Ida (lost, offered a loaf to come
// back for) and Jo (open, only a postal address: a letter) — with the coach reading the
// words first. Ida orders again and is won back; Hannah, satisfied, says she would
// recommend us. The owner's report shows the win-back rate beside the recovery rate and
// her words beside the figures, escaped, never a link.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer, launchBrowser, watch, assertNoProblems, signIn, ensureScreenshotDir, snap } from './harness.js';

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

const READ_MAIL = `
import email, email.policy, json, pathlib, sys
out = []
for f in sorted(pathlib.Path(sys.argv[1]).glob('*.eml')):
    m = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
    part = m.get_body(preferencelist=('plain',))
    out.append({'To': str(m['To'] or ''), 'Subject': str(m['Subject'] or ''), 'text': part.get_content() if part else ''})
print(json.dumps(out))
`;

/** The message to `to` whose subject has `words`, once the desk's runner has sent it. */
async function arrives(to, words) {
  for (let i = 0; i < 100; i++) {
    const { stdout } = await promisify(execFile)('python3', ['-c', READ_MAIL, server.mailDir]);
    const found = JSON.parse(stdout).find((m) => m.To.includes(to) && m.Subject.includes(words));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`no message "${words}" reached ${to}`);
}

/** A complaint from a new customer, taken up to the fix, done, and linked to the problem. */
async function linkedCase(problemId, customer, words) {
  const made = await api('POST', '/customers', customer);
  const c = await api('POST', '/cases', { customer_id: made.id, body: words, channel: 'phone' });
  await step(c.id, 'restatement', { text: 'Your bread was burnt black underneath.' });
  await step(c.id, 'restatement/confirm');
  await step(c.id, 'apology', { text: 'I am so sorry. I accept all responsibility for the burnt bread.' });
  await step(c.id, 'offer', { options: ['A fresh loaf tomorrow', 'A refund today'] });
  await step(c.id, 'offer/choice', { option: 1 });
  await step(c.id, 'skip', { step: 'gesture', reason: 'They asked for nothing more' });
  const later = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  await step(c.id, 'fix/promise', { what: 'Bake a fresh loaf', due: later });
  await step(c.id, 'fix/done', { note: 'Delivered' });
  await step(c.id, 'prevent', { problem_id: problemId });
  return c;
}

/** The problem page's proof section, reloaded until `done` says it settled. */
async function proofSection(problemId, done) {
  for (let i = 0; i < 100; i++) {
    await page.goto(`${server.url}/problems/${problemId}`);
    const text = await page.locator('[data-proof]').innerText();
    if (done(text)) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
  return page.locator('[data-proof]').innerText();
}

before(async () => {
  server = await startServer({ mail: true });
  browser = await launchBrowser();
  page = watch(browser.first);
  await signIn(page, server);
  api = await apiClient(server.url, server.email, server.password);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a manager tells everyone a fixed problem affected, and the lost come back', async () => {
  const problem = await api('POST', '/problems', {
    title: 'Burnt bread',
    corrective_action: 'Every burnt loaf replaced',
    preventive_action: 'The oven temperature is checked every hour',
  });
  const hannah = await linkedCase(problem.id, { name: 'Hannah Berg', email: 'hannah@example.com' },
    'My sourdough was burnt black underneath, on the morning of my daughter\'s birthday.');
  await step(hannah.id, 'follow-up/schedule', { due: '2020-01-01T10:00:00Z', channel: 'email' });
  const ida = await linkedCase(problem.id, { name: 'Ida Vogt', email: 'ida@example.com' },
    'The rye was burnt and nobody called me back.');
  await step(ida.id, 'outcome', { outcome: 'lost', reason: 'She buys her bread elsewhere now' });
  const jo = await linkedCase(problem.id, { name: 'Jo Brandt', postal_address: 'Lindenweg 4\n10115 Berlin' },
    'Two burnt baguettes.');

  // Hannah answers her follow-up satisfied, and her page asks the one question.
  const followUp = await arrives('hannah@example.com', 'Did we put it right?');
  const link = followUp.text.match(/\/c\/[0-9a-f]{64}/)[0];
  const customer = watch(await browser.context.newPage());
  await customer.goto(`${server.url}${link}`);
  await customer.check('input[name=satisfied][value=yes]');
  await customer.check('input[name=satisfaction][value="5"]');
  await Promise.all([customer.waitForLoadState(), customer.click('button:has-text("Send")')]);
  assert.match(await customer.locator('[data-testimonial]').innerText(), /would you recommend us to a friend\?/);
  const dir = await ensureScreenshotDir();
  await snap(customer, { path: path.join(dir, 'proof-testimonial-asked.png'), fullPage: true });
  await customer.check('input[name=recommend][value=yes]');
  await customer.fill('#testimonial-words', 'They owned it <b>and</b> fixed it — see https://evil.example');
  await Promise.all([customer.waitForLoadState(), customer.click('[data-testimonial] button')]);
  assert.match(await customer.locator('h1').innerText(), /Thank you/);
  assertNoProblems(customer);
  await step(hannah.id, 'watch');
  await step(hannah.id, 'outcome', { outcome: 'retained' });

  // Not fixed yet: the page offers nothing to send.
  await page.goto(`${server.url}/problems/${problem.id}`);
  assert.equal(await page.locator('[data-proof]').count(), 0, 'no proof before the problem is fixed');
  for (const status of ['fixing', 'fixed']) await api('POST', `/problems/${problem.id}/status`, { status });

  // Fixed: everyone it affected, with their case's outcome, nobody told yet.
  await page.goto(`${server.url}/problems/${problem.id}`);
  const rows = page.locator('[data-proof-recipients] tbody tr');
  assert.equal(await rows.count(), 3);
  const table = await page.locator('[data-proof-recipients]').innerText();
  assert.match(table, /Hannah Berg\s+AM-\d+\s+kept\s+not yet/);
  assert.match(table, /Ida Vogt\s+AM-\d+\s+lost\s+not yet/);
  assert.match(table, /Jo Brandt\s+AM-\d+\s+still open\s+not yet/);
  await snap(page.locator('[data-proof]'), { path: path.join(dir, 'proof-before.png') });

  // The coach reads the words first: blame is held, the draft kept.
  page.__allowedStatuses.add(409);
  await page.fill('#proof-text', 'Our policy is clear: you should have read the label.');
  await Promise.all([page.waitForLoadState(), page.click('[data-proof-form] button[type=submit]')]);
  assert.match(await page.locator('.alert').innerText(), /The coach found company-focused wording/);
  assert.equal(await page.inputValue('#proof-text'), 'Our policy is clear: you should have read the label.');
  assert.equal(await page.locator('#proof-override').count(), 1, 'a reason may be given instead');

  // What changed, and a loaf for the lost to come back for.
  await page.fill('#proof-text', 'Every oven now has a thermometer, and the temperature is checked and written down every hour.');
  await page.fill('#proof-override', '');
  await page.selectOption('#gesture-kind', 'gift');
  await page.fill('#gesture-cost', '5.00');
  await page.fill('#gesture-description', 'A loaf of your choice on us, next time');
  assert.match(await page.locator('[data-gesture-budget]').innerText(), /stays within the budget/);
  await Promise.all([page.waitForURL(/#proof$/), page.click('[data-proof-form] button[type=submit]')]);
  const told = await proofSection(problem.id, (t) => (t.match(/sent by email/g) || []).length === 2);
  assert.match(told, /Hannah Berg\s+AM-\d+\s+kept\s+sent by email/);
  assert.match(told, /Ida Vogt\s+AM-\d+\s+lost\s+sent by email · offered A loaf of your choice on us, next time/);
  assert.match(told, /Jo Brandt\s+AM-\d+\s+still open\s+letter waiting for the print run/);
  assert.match(told, /Everyone it affected has been told\./);
  assert.equal(await page.locator('[data-proof-form]').count(), 0, 'nobody is left to tell: no second send');
  await snap(page.locator('[data-proof]'), { path: path.join(dir, 'proof-told.png') });
  const mail = await arrives('ida@example.com', 'What we changed');
  assert.match(mail.text, /nobody called me back/);
  assert.match(mail.text, /To welcome you back: A loaf of your choice on us, next time\./);

  // The letter waits in the print run; the case's timeline says she was told.
  await page.goto(`${server.url}/letters`);
  assert.match(await page.locator('main').innerText(), /What we changed: Burnt bread\s+Jo Brandt/);
  await page.goto(`${server.url}/cases/${ida.id}`);
  assert.match(await page.locator('main').innerText(), /Told what changed, and invited back/);

  // Ida orders again: won back, on her case and on the problem's page.
  await api('POST', '/transactions', {
    customer_id: ida.customer_id, external_id: 'ida-back', kind: 'order', amount_minor: 1200, currency: 'EUR',
    occurred_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  await page.goto(`${server.url}/cases/${ida.id}`);
  assert.match(await page.locator('main').innerText(), /Won back/);
  const back = await proofSection(problem.id, (t) => /won back/.test(t));
  assert.match(back, /Ida Vogt\s+AM-\d+\s+lost · won back/);

  // The owner's report: the win-back rate beside the recovery rate, Hannah's words escaped.
  await page.goto(`${server.url}/reports`);
  const figures = page.locator('.figures .figure');
  assert.match(await figures.nth(0).innerText(), /Recovery rate\s+50 ?%/);
  assert.match(await figures.nth(1).innerText(), /Win-back rate\s+100 ?%\s+1 of 1 lost customer told what changed came back/);
  const said = page.locator('[data-testimonials]');
  assert.match(await page.locator('[data-recommend]').innerText(), /1 of 1 satisfied customers we kept would recommend us/);
  assert.match(await said.innerText(), /Hannah Berg, .*would recommend us — They owned it <b>and<\/b> fixed it — see https:\/\/evil\.example/);
  assert.equal(await said.locator('a[href*="evil"]').count(), 0, 'their words are never a link');
  assert.equal(await said.locator('b').count(), 0, 'their words are text, not markup');
  await page.locator('#glance').scrollIntoViewIfNeeded();
  await snap(page, { path: path.join(dir, 'proof-report.png'), fullPage: false });
  await snap(page.locator('section[aria-labelledby=testimonials]'), { path: path.join(dir, 'proof-testimonials.png') });
  assertNoProblems(page);
});
