// The customer's language. Greta's browser asks for German: /complain speaks German,
// she files her complaint with Deutsch picked, and the thanks, her status page and the
// page behind the restatement's link are German, while the agent works her case in
// English. No English sentence of those pages shows through.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startServer, launchBrowser, watch, newPage, assertNoProblems, signIn, ensureScreenshotDir, submitStep, mailsIn,
  snap,
} from './harness.js';

process.env.AMENDS_MAIL_FROM = '"Café Weber" <desk@weber.example>';

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

/** The path of the link in the `count`-th mail with a personal link to `to`, once it arrives. */
async function linkMailed(to, count) {
  for (let i = 0; i < 100; i++) {
    const mails = (await mailsIn(server)).filter((m) => m.To.includes(to) && /\/c\/[0-9a-f]{64}/.test(m.text));
    if (mails.length >= count) return new URL(mails[count - 1].text.match(/https?:\/\/\S+\/c\/[0-9a-f]{64}/)[0]).pathname;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`no ${count} mails with a link reached ${to}`);
}

/** Asserts the page is German and shows none of `english`. */
async function assertGerman(customer, what, english) {
  assert.equal(await customer.locator('html').getAttribute('lang'), 'de', `${what}: <html lang="de">`);
  const text = await customer.locator('body').innerText();
  for (const sentence of english) assert.ok(!text.includes(sentence), `${what} shows "${sentence}":\n${text}`);
  return text;
}

test('a German customer files in German and reads her pages in German', async () => {
  const shots = await ensureScreenshotDir();
  const greta = await newPage(browser.context);
  // Her browser asks for German (the shared profile's locale is en-GB, so the header is set per request).
  await greta.route('**/*', (route) =>
    route.continue({ headers: { ...route.request().headers(), 'accept-language': 'de-DE,de;q=0.9,en;q=0.4' } }));

  await greta.goto(`${server.url}/complain`);
  let text = await assertGerman(greta, '/complain', ['Tell us what went wrong', 'What happened', 'Your name', 'Send']);
  assert.equal(await greta.locator('h1').innerText(), 'Sagen Sie uns, was schiefgelaufen ist');
  assert.match(text, /Café Weber/);
  assert.equal(await greta.inputValue('#language'), 'de', 'Deutsch is picked, as her browser asks');
  await greta.fill('#name', 'Greta Krause');
  await greta.fill('#email', 'greta@example.de');
  await greta.fill('#body', 'Die Geburtstagstorte kam einen Tag zu spät und war völlig zerdrückt. Meine Tochter hat geweint.');
  await greta.fill('#wish', 'Eine neue Torte');
  await snap(greta, { path: path.join(shots, 'de-complain.png'), fullPage: true });
  await Promise.all([greta.waitForNavigation(), greta.click('form[action="/complain"] button[type=submit]')]);
  text = await assertGerman(greta, 'the done page', ['Thank you', 'We have your message', 'Your reference is']);
  assert.equal(await greta.locator('h1').innerText(), 'Vielen Dank. Ihre Nachricht ist bei uns angekommen.');
  const reference = (await greta.locator('main strong').filter({ hasText: /AM-\d+/ }).innerText()).trim();
  await snap(greta, { path: path.join(shots, 'de-complain-done.png'), fullPage: true });

  // The agent works the case in English: the restatement goes out.
  await page.goto(`${server.url}/inbox`);
  await Promise.all([page.waitForURL(/\/cases\/\d+/), page.locator('a', { hasText: reference }).first().click()]);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the agent reads English');
  await page.fill('#restatement', 'Ihre Geburtstagstorte kam einen Tag zu spät und zerdrückt an.');
  await submitStep(page, 'restatement', { button: 'button.primary' });
  assertNoProblems(page);

  // Her status page, from the acknowledgement's link.
  await greta.goto(`${server.url}${await linkMailed('greta@example.de', 1)}`);
  text = await assertGerman(greta, 'the status page',
    ['Where your case stands', 'What you told us', 'What we have done', 'What comes next', 'We received your message.']);
  assert.match(text, /Was Sie uns geschrieben haben\s+Die Geburtstagstorte kam einen Tag zu spät/);
  assert.match(text, /Was wir getan haben[\s\S]*Wir haben Ihnen geschrieben, was wir verstanden haben/);
  assert.match(text, /Worauf Sie warten\s+Ihre Antwort: Bitte sagen Sie uns, ob wir Sie richtig verstanden haben/);
  await snap(greta, { path: path.join(shots, 'de-status.png'), fullPage: true });

  // The restatement's page, and her answer.
  await greta.goto(`${server.url}${await linkMailed('greta@example.de', 2)}`);
  text = await assertGerman(greta, 'the restatement page', ['Did we understand you?', 'Yes, that is right']);
  assert.equal(await greta.locator('h1').innerText(), 'Haben wir Sie richtig verstanden?');
  assert.match(text, /Ihre Geburtstagstorte kam einen Tag zu spät und zerdrückt an\./);
  await snap(greta, { path: path.join(shots, 'de-restatement.png'), fullPage: true });
  await Promise.all([greta.waitForNavigation(), greta.click('button.primary')]);
  text = await assertGerman(greta, 'the thanks', ['Thank you', 'We have your answer']);
  assert.match(text, /Ihre Antwort ist bei uns angekommen\. Sie hören bald von uns\./);
  await snap(greta, { path: path.join(shots, 'de-thanks.png'), fullPage: true });
  assertNoProblems(greta);
  await greta.close();
});
