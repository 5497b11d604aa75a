// The language coach while typing: findings appear under the apology as it is written,
// and a held-back apology can be sent with a reason that lands on the timeline.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signedInSession, logComplaint, stepStatus, submitStep } from './harness.js';

const session = signedInSession();

test('coach findings show while typing, and a held-back apology needs a reason', async () => {
  await logComplaint(session.page, session.server, { name: 'Nora Quinn', email: 'nora@example.com', body: 'The plumber left a mess.' });
  await session.page.fill('#restatement', 'Our plumber left your kitchen dirty.');
  await submitStep(session.page, 'restatement');
  await submitStep(session.page, 'confirm');

  await session.page.locator('#apology').pressSequentially('You should have covered the floor. Unfortunately our policy does not allow refunds.', { delay: 5 });
  // Findings arrive while typing; wait for the review of the whole sentence.
  await session.page.waitForFunction(() => /policy/i.test(document.querySelector('#step-apologise .coach')?.innerText || ''), null, { timeout: 5000 });
  const text = await session.page.locator('#step-apologise .coach').innerText();
  assert.match(text, /blame/i);
  assert.match(text, /policy/i);

  // Rewritten, the findings go away while typing.
  await session.page.fill('#apology', '');
  await session.page.locator('#apology').pressSequentially('I am so sorry. I accept all responsibility, and I will clean it myself by 5pm today.', { delay: 2 });
  await session.page.waitForFunction(() => /customer-focused/.test(document.querySelector('#step-apologise .coach')?.innerText || ''), null, { timeout: 5000 });

  // The server holds back a company-focused apology until a reason is given.
  await session.page.fill('#apology', 'You should have covered the floor. Unfortunately our policy does not allow refunds.');
  session.page.__allowedStatuses.add(422);
  await submitStep(session.page, 'apology');
  session.page.__allowedStatuses.delete(422);
  assert.match(await session.page.locator('#refusal').innerText(), /coach held this back/i);
  assert.equal(await session.page.locator('#apology').inputValue(), 'You should have covered the floor. Unfortunately our policy does not allow refunds.');
  await session.page.fill('#override-apology', 'Agreed wording with the customer by phone');
  await submitStep(session.page, 'apology');
  assert.equal(await stepStatus(session.page, 'apologise'), 'Done');
  assert.match(await session.page.locator('ol.timeline').innerText(), /Sent despite the coach[\s\S]*Agreed wording with the customer by phone/);
});
