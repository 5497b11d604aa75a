// Escalation is a person: Sam logs a serious complaint (the case page says what flagged
// it and why), escalates it to Maria by name; Maria finds it under "Escalated to me"
// with the reason, and takes it over. Screenshots of both views are saved.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startServer, launchBrowser, watch, assertNoProblems, logComplaint, stepStatus, submitStep,
  ensureScreenshotDir,
  snap,
} from './harness.js';

let server;
const browsers = [];
const PASSWORD = 'correct horse battery';

async function asAdmin(method, url, body) {
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: server.email, password: server.password }),
  });
  const { csrf_token: csrf } = await res.json();
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const r = await fetch(`${server.url}/api/v1${url}`, {
    method, headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${text}`);
  return JSON.parse(text);
}

/** A browser of its own, signed in as `email`. */
async function signedInAs(email) {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = watch(browser.first);
  await page.goto(`${server.url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(/\/inbox$/), page.click('button[type=submit]')]);
  return page;
}

before(async () => { server = await startServer(); });
after(async () => {
  for (const b of browsers) await b.close();
  await server?.stop();
});

test('Sam escalates a serious case to Maria by name; Maria finds it under Escalated to me and takes it over', async () => {
  await asAdmin('POST', '/users', { email: 'sam@bakery.example', name: 'Sam Okafor', role: 'agent', password: PASSWORD });
  await asAdmin('POST', '/users', { email: 'maria@bakery.example', name: 'Maria Lind', role: 'manager', password: PASSWORD });
  await asAdmin('POST', '/users', { email: 'leo@bakery.example', name: 'Leo Park', role: 'manager', password: PASSWORD });

  const sam = await signedInAs('sam@bakery.example');
  const c = await logComplaint(sam, server, {
    name: 'Hannah Berg',
    email: 'hannah@example.com',
    body: 'I told your staff about my nut allergy and the brownie had walnuts in it. My lips swelled up within minutes.',
  });
  // Flagged when it came in: the words and why, and the severity raised.
  const flagged = await sam.locator('[data-severity-reasons]').innerText();
  assert.match(flagged, /Flagged as serious when it came in/);
  assert.match(flagged, /allergy: “nut”/);
  assert.match(await sam.locator('.case-head .sev').innerText(), /high/i);
  assert.match(await stepStatus(sam, 'escalate'), /^(Due|Overdue)/);

  // The list names the managers (and the admin), not an agent.
  const choices = await sam.locator('#escalate_to option').allInnerTexts();
  assert.ok(choices.includes('Maria Lind (manager)'), choices.join(', '));
  assert.ok(!choices.some((o) => o.startsWith('Sam Okafor')), 'an agent is nobody to escalate to');
  await sam.selectOption('#escalate_to', { label: 'Maria Lind (manager)' });
  await sam.fill('#escalate_reason', 'Nut allergy, she reacted: please call her today.');
  await submitStep(sam, 'escalate');
  assert.equal(await sam.locator('#refusal').count(), 0, await sam.locator('#refusal').allInnerTexts().then(String));
  assert.equal(await stepStatus(sam, 'escalate'), 'Waiting on Maria Lind');
  assert.match(await sam.locator('[data-escalated-to]').innerText(), /Escalated to Maria Lind: Nut allergy, she reacted/);
  assert.equal(await sam.locator('form[action$="/steps/take_over"]').count(), 0, 'Sam cannot answer it for her');
  const shots = await ensureScreenshotDir();
  await snap(sam, { path: path.join(shots, 'escalation-waiting-on-maria.png'), fullPage: true });
  assertNoProblems(sam);

  const maria = await signedInAs('maria@bakery.example');
  await maria.click('nav.views a:has-text("Escalated to me")');
  await maria.waitForURL(/view=escalated_to_me/);
  const rows = maria.locator('.case-row');
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().innerText(), new RegExp(`${c.reference}[\\s\\S]*Escalated to Maria Lind: Nut allergy, she reacted`));
  await snap(maria, { path: path.join(shots, 'escalation-escalated-to-me.png'), fullPage: true });

  await Promise.all([maria.waitForURL(c.url), rows.first().locator('a').first().click()]);
  await submitStep(maria, 'take_over');
  assert.equal(await stepStatus(maria, 'escalate'), 'Done');
  assert.equal(await maria.locator('#owner option:checked').innerText(), 'Maria Lind', 'she owns it now');
  assert.match(await maria.locator('ol.timeline').innerText(), /Took the case over/);
  await maria.goto(`${server.url}/inbox?view=escalated_to_me`);
  assert.equal(await maria.locator('.case-row').count(), 0);
  assert.match(await maria.locator('.empty h2').innerText(), /Nothing is escalated to you/);
  assertNoProblems(maria);
});
