// The restatement check while typing (issue 19 §1): the concerns of the complaint that the
// restatement does not yet say back are listed under the box and marked in the customer's
// own words; saying them in other words clears them; sending anyway is allowed and the
// timeline records what was left out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { signedInSession, assertNoProblems, logComplaint, submitStep, ensureScreenshotDir, snap } from './harness.js';

const session = signedInSession();

test('missed concerns show while the restatement is typed, marked in the complaint, and sending anyway is recorded', async () => {
  const { page, server } = session;
  const body = "The cake for my daughter's birthday came three hours late and the icing was smashed. Third time this year. <b>Sort it out.</b>";
  const ella = await logComplaint(page, server, { name: 'Ella Brandt', email: 'ella@example.com', body });
  const output = page.locator('#step-restate [data-coach-output]');
  const complaint = page.locator('[data-complaint]');

  // A restatement that says only the lateness: the rest is listed and marked.
  await page.fill('#restatement', 'So your cake came late.');
  await page.locator('#restatement').dispatchEvent('input');
  await output.locator('li', { hasText: 'missed: “birthday”' }).waitFor();
  const listed = await output.innerText();
  for (const words of ["daughter's", 'was smashed', 'Third time']) assert.match(listed, new RegExp(`missed: “${words}”`), listed);
  assert.match(listed, /sending anyway records them on the timeline/);
  const marked = await complaint.locator('mark.concern').allInnerTexts();
  for (const words of ["daughter's", 'birthday', 'was smashed', 'Third time']) assert.ok(marked.includes(words), `"${words}" is marked: ${JSON.stringify(marked)}`);
  // The customer's words stay text: the tag they typed is shown, never rendered.
  assert.equal(await complaint.locator('b').count(), 0);
  assert.match(await complaint.innerText(), /<b>Sort it out\.<\/b>/);
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'case-missed-concerns.png'), fullPage: true });

  // Said back in other words, every concern is covered: no marks, no missed findings.
  await page.fill('#restatement', "So your daughter's birthday cake arrived three hours behind time with the icing crushed, and it is the third time this has happened this year.");
  await page.locator('#restatement').dispatchEvent('input');
  await page.waitForFunction(() => document.querySelectorAll('[data-complaint] mark.concern').length === 0);
  await output.locator('.coach-score').waitFor();
  assert.doesNotMatch(await output.innerText(), /missed:/);

  // Sending a restatement that leaves concerns out is allowed, and the timeline says which.
  await page.fill('#restatement', 'So your cake came late.');
  await submitStep(page, 'restatement');
  await page.goto(ella.url);
  const timeline = await page.locator('ol.timeline').innerText();
  assert.match(timeline, /Sent without saying back: .*“birthday”/);
  assertNoProblems(page);
});
