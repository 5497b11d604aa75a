// What the customer sees. Gina complains through /complain; staff work her case, with a
// note, a surprise gesture and a promised fix. She opens her status page from the link
// in the acknowledgement she received: it names the bakery and how to reach it, tells
// her what she told us, what we did and what she waits for, and never the playbook's
// step names, a staff note or the surprise before it is given. Staff, meanwhile, see
// that the step texts they write are mails, and how each will leave.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startServer, launchBrowser, watch, newPage, assertNoProblems, signIn, ensureScreenshotDir, submitStep, mailsIn,
  snap,
} from './harness.js';

// The desk mails as the bakery: its name and address are on every customer page.
process.env.AMENDS_MAIL_FROM = '"Weber Bakery" <desk@weber.example>';

let server;
let browser;
let page;

before(async () => {
  server = await startServer({ mail: true });
  browser = await launchBrowser();
  page = watch(browser.first);
  await signIn(page, server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function arrives(to, subject) {
  for (let i = 0; i < 100; i++) {
    const found = (await mailsIn(server)).find((m) => m.To.includes(to) && m.Subject.includes(subject));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`no "${subject}" reached ${to}`);
}

/** The playbook's words and staff's, which no customer page may show. */
const INTERNAL = [
  'Escalate', 'Surprise gesture', 'Prove yourself next time', 'Prevent the root cause', 'Restate and confirm',
  '(done)', 'We are working on it', 'Playbook', 'the oven timer', 'Coffee and cake for two',
];

async function assertForTheCustomer(page, what) {
  const text = await page.locator('body').innerText();
  for (const word of INTERNAL) assert.ok(!text.includes(word), `${what} shows "${word}":\n${text}`);
  assert.match(await page.locator('header.shop').innerText(), /Weber Bakery/, `${what}: the business's name`);
  assert.match(await page.locator('footer[data-business-contact]').innerText(), /Weber Bakery · desk@weber\.example/,
    `${what}: how to reach the business`);
}

test('the customer reads her case in her words, from the bakery, with nothing internal', async () => {
  const shots = await ensureScreenshotDir();
  const gina = await newPage(browser.context);

  // She complains through the public form: the bakery's name is on it and on its done page.
  await gina.goto(`${server.url}/complain`);
  await assertForTheCustomer(gina, '/complain');
  await gina.fill('#name', 'Gina Rossi');
  await gina.fill('#email', 'gina@example.com');
  await gina.fill('#body', 'The birthday cake came a day late and squashed. My daughter cried.');
  await Promise.all([gina.waitForNavigation(), gina.click('form[action="/complain"] button[type=submit]')]);
  await assertForTheCustomer(gina, 'the done page');
  const reference = (await gina.locator('main strong').filter({ hasText: /AM-\d+/ }).innerText()).trim();
  await snap(gina, { path: path.join(shots, 'customer-complain-done.png'), fullPage: true });

  // Staff work the case: a note, then the restatement, whose form says it is a mail.
  await page.goto(`${server.url}/inbox`);
  await Promise.all([page.waitForURL(/\/cases\/\d+/), page.locator('a', { hasText: reference }).first().click()]);
  await page.fill('textarea[name=note]', 'Checked the oven timer: it was set wrong.');
  await submitStep(page, 'note');
  const restate = page.locator('form[action$="/steps/restatement"]');
  assert.match(await restate.locator('.goes-to').innerText(), /^This goes to Gina by email/);
  await page.fill('#restatement', "Your daughter's birthday cake came a day late, and squashed.");
  await Promise.all([page.waitForNavigation(), restate.locator('button[name=preview]').click()]);
  const preview = page.locator('[data-preview=restatement]');
  assert.match(await preview.innerText(), /Your daughter's birthday cake came a day late, and squashed\./);
  assert.match(await preview.innerText(), /With my apologies, and my thanks,\nAdministrator\nWeber Bakery\s*$/);
  assert.equal(await page.inputValue('#restatement'), "Your daughter's birthday cake came a day late, and squashed.");
  await snap(page.locator('form[action$="/steps/restatement"]'), { path: path.join(shots, 'step-mail-preview.png') });
  await submitStep(page, 'restatement', { button: 'button.primary' });
  assert.match(page.url(), /done=restatement/);
  assertNoProblems(page);

  // Gina reads her status page from the link in the acknowledgement she received.
  const ack = await arrives('gina@example.com', 'We have your message');
  const link = ack.text.match(/https?:\/\/\S+\/c\/[0-9a-f]{64}/)[0];
  await gina.goto(`${server.url}${new URL(link).pathname}`);
  await assertForTheCustomer(gina, 'the status page');
  const text = await gina.locator('main').innerText();
  assert.match(text, /What you told us\s+The birthday cake came a day late and squashed\. My daughter cried\./);
  assert.match(text, /What we have done[\s\S]*We wrote back what we understood, for you to check\./);
  assert.match(text, /What you are waiting for\s+Your answer: please tell us whether we understood you/);
  assert.match(text, /What comes next\s+We will write to you personally about what went wrong\./);
  assert.match(text, /What comes next\s+We will write to you personally about what went wrong\./);
  await snap(gina, { path: path.join(shots, 'customer-status.png'), fullPage: true });
  assertNoProblems(gina);
  await gina.close();
});
