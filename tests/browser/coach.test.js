// The language coach while typing: findings appear under the apology as it is written,
// and a held-back apology can be sent with a reason that lands on the timeline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, watch, signIn, logComplaint, stepStatus, submitStep } from './harness.js';

let server;
let browser;
let page;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = watch(browser.first);
  await signIn(page, server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('coach findings show while typing, and a held-back apology needs a reason', async () => {
  await logComplaint(page, server, { name: 'Nora Quinn', email: 'nora@example.com', body: 'The plumber left a mess.' });
  await page.fill('#restatement', 'Our plumber left your kitchen dirty.');
  await submitStep(page, 'restatement');
  await submitStep(page, 'confirm');

  await page.locator('#apology').pressSequentially('You should have covered the floor. Unfortunately our policy does not allow refunds.', { delay: 5 });
  // Findings arrive while typing; wait for the review of the whole sentence.
  await page.waitForFunction(() => /policy/i.test(document.querySelector('#step-apologise .coach')?.innerText || ''), null, { timeout: 5000 });
  const text = await page.locator('#step-apologise .coach').innerText();
  assert.match(text, /blame/i);
  assert.match(text, /policy/i);

  // Rewritten, the findings go away while typing.
  await page.fill('#apology', '');
  await page.locator('#apology').pressSequentially('I am so sorry. I accept all responsibility, and I will clean it myself by 5pm today.', { delay: 2 });
  await page.waitForFunction(() => /customer-focused/.test(document.querySelector('#step-apologise .coach')?.innerText || ''), null, { timeout: 5000 });

  // The server holds back a company-focused apology until a reason is given.
  await page.fill('#apology', 'You should have covered the floor. Unfortunately our policy does not allow refunds.');
  page.__allowedStatuses.add(422);
  await submitStep(page, 'apology');
  page.__allowedStatuses.delete(422);
  assert.match(await page.locator('#refusal').innerText(), /coach held this back/i);
  assert.equal(await page.locator('#apology').inputValue(), 'You should have covered the floor. Unfortunately our policy does not allow refunds.');
  await page.fill('#override-apology', 'Agreed wording with the customer by phone');
  await submitStep(page, 'apology');
  assert.equal(await stepStatus(page, 'apologise'), 'Done');
  assert.match(await page.locator('ol.timeline').innerText(), /Sent despite the coach[\s\S]*Agreed wording with the customer by phone/);
});
