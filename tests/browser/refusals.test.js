// A refused step says its rule in plain words and keeps what was typed; a stale page is
// refused rather than overwriting a colleague's step; a skip needs a reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  signedInSession,
  startServer, launchBrowser, watch, newPage, assertNoProblems, signIn, logComplaint,
  stepStatus, submitStep,
} from './harness.js';

const session = signedInSession();

/** Posts a urlencoded form from inside the page, as a forged or scripted form would. */
async function postForm(p, action, fields) {
  return p.evaluate(async ({ action, fields }) => {
    const res = await fetch(action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    const html = await res.text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    return {
      status: res.status,
      refusal: doc.querySelector('#refusal')?.textContent ?? null,
      restate: doc.querySelector('#step-restate .step-status')?.textContent ?? null,
    };
  }, { action, fields });
}

test('offering options before the customer agreed is refused with the rule in plain words', async () => {
  const c = await logComplaint(session.page, session.server, {
    name: 'Cyril Mbeki',
    email: 'cyril.mbeki@example.com',
    body: 'The plumber never came.\nI took a day off for nothing.',
  });
  await session.page.fill('#restatement', 'You took a day off and the plumber did not come.');
  await submitStep(session.page, 'restatement');
  assert.equal(await stepStatus(session.page, 'restate'), 'Waiting for the customer');
  // The page offers no offer form yet, so post it as a script would.
  assert.equal(await session.page.locator('form[action$="/steps/offer"]').count(), 0);
  const csrf = await session.page.locator('form[action$="/steps/confirm"] input[name=csrf]').inputValue();
  const version = await session.page.locator('form[action$="/steps/confirm"] input[name=version]').inputValue();
  session.page.__allowedStatuses.add(409);
  const res = await postForm(session.page, `/cases/${c.id}/steps/offer`, {
    csrf, version, option1: 'A visit tomorrow morning', option2: 'Our fee waived',
  });
  session.page.__allowedStatuses.delete(409);
  assert.equal(res.status, 409);
  assert.ok(res.refusal, 'the answer is the case session.page with the refusal');
  assert.match(res.refusal, /No solution is offered before the customer agrees on the problem\./);
  assert.match(res.refusal, /Restate and confirm/, 'it names the step that must come first');
  assert.equal(res.restate.trim(), 'Waiting for the customer');

  // Nothing was recorded.
  await session.page.reload();
  const titles = await session.page.locator('ol.timeline > li strong').allInnerTexts();
  assert.ok(!titles.includes('Two options offered'), `no offer on the timeline: ${titles}`);
  assertNoProblems(session.page);
});

test('a refused offer through the session.page keeps both typed options', async () => {
  await logComplaint(session.page, session.server, {
    name: 'Dagny Holm',
    body: 'My glasses were scratched at the fitting.',
  });
  await session.page.fill('#restatement', 'The new lenses were scratched during the fitting.');
  await submitStep(session.page, 'restatement');
  await submitStep(session.page, 'confirm');
  await session.page.fill('#apology', 'I am sorry, we scratched them.');
  await submitStep(session.page, 'apology');
  assert.equal(await stepStatus(session.page, 'apologise'), 'Done');

  // Two options that are the same are refused; what was typed stays in the form.
  await session.page.fill('#option1', 'New lenses this week');
  await session.page.fill('#option2', 'New lenses this week');
  session.page.__allowedStatuses.add(409);
  const res = await submitStep(session.page, 'offer');
  session.page.__allowedStatuses.delete(409);
  assert.equal(res.status(), 409);
  assert.match(await session.page.locator('#refusal').innerText(), /the two options are the same/i);
  assert.equal(await session.page.locator('#option1').inputValue(), 'New lenses this week');
  assert.equal(await session.page.locator('#option2').inputValue(), 'New lenses this week');
  assert.match(await stepStatus(session.page, 'offer'), /^Due /);

  // Fixing one option from the refused page goes through.
  await session.page.fill('#option2', 'Your money back');
  await submitStep(session.page, 'offer');
  assert.equal(await session.page.locator('#refusal').count(), 0);
  assert.equal(await stepStatus(session.page, 'offer'), 'Waiting for the customer');
  assertNoProblems(session.page);
});

test('a restatement from a stale tab is refused, says the case changed, and keeps the draft', async () => {
  const c = await logComplaint(session.page, session.server, {
    name: 'Emeka Okafor',
    body: 'Charged twice for one haircut.',
  });
  const tabA = session.page;
  const tabB = await newPage(session.browser.context);
  await tabB.goto(c.url);
  assert.equal(await stepStatus(tabB, 'restate'), await stepStatus(tabA, 'restate'));

  const draft = 'You paid twice for one haircut,\nand want the second charge back.';
  await tabB.fill('#restatement', draft);

  // Meanwhile a colleague (tab A) adds a note: the case's version moves on.
  await tabA.fill('#note', 'Called the bank: the second charge is pending.');
  await submitStep(tabA, 'note');
  assert.match(await tabA.locator('ol.timeline').innerText(), /the second charge is pending/);

  tabB.__allowedStatuses.add(409);
  const res = await submitStep(tabB, 'restatement');
  tabB.__allowedStatuses.delete(409);
  assert.equal(res.status(), 409);
  assert.match(await tabB.locator('#refusal').innerText(), /changed/i);
  assert.match(await tabB.locator('#refusal').innerText(), /open the case as it is now/i);
  assert.equal(await tabB.locator('#restatement').inputValue(), draft);
  assert.match(await stepStatus(tabB, 'restate'), /^Due /, 'the restatement was not recorded');
  // The refused page shows what changed meanwhile.
  assert.match(await tabB.locator('ol.timeline').innerText(), /the second charge is pending/);

  // Sent again from the refreshed page, it goes through.
  await submitStep(tabB, 'restatement');
  assert.equal(await tabB.locator('#refusal').count(), 0);
  assert.equal(await stepStatus(tabB, 'restate'), 'Waiting for the customer');
  assert.equal(await tabB.locator('#step-restate blockquote').innerText(), draft);
  assertNoProblems(tabA);
  assertNoProblems(tabB);
  await tabB.close();
});

test('a step is skipped only with a reason, which the stepper then shows', async () => {
  const c = await logComplaint(session.page, session.server, {
    name: 'Farah Haddad',
    body: 'The courier left my parcel in the rain.',
  });
  const skip = session.page.locator('#step-restate details.skip-step');
  await skip.locator('summary').click();
  // An empty reason: the browser refuses to send the form.
  await skip.locator('button[type=submit]').click();
  const missing = await skip.locator('input[name=skip_reason]').evaluate((el) => el.validity.valueMissing);
  assert.equal(missing, true);
  assert.equal(session.page.url(), c.url, 'the form was not sent');
  assert.match(await stepStatus(session.page, 'restate'), /^Due /);

  await skip.locator('input[name=skip_reason]').fill('She only wanted it logged, not discussed');
  await submitStep(session.page, 'skip', { within: session.page.locator('#step-restate') });
  assert.equal(await stepStatus(session.page, 'restate'), 'Skipped: She only wanted it logged, not discussed');
  assert.match(await session.page.locator('ol.timeline').innerText(), /Skipped: Restate and confirm\s*She only wanted it logged/);
  // Skipping the restatement opens the next steps.
  assert.match(await stepStatus(session.page, 'apologise'), /^Due /);
  assertNoProblems(session.page);
});
