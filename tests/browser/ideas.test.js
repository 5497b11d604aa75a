// Words and music, and asking the people who do the work (issue 22 §2 and §3).
// Grace rings about a lost parcel: at the Hear step the case page asks how she felt; the
// restatement box then reminds the writer, live, that she was anxious until the words
// name the worry. Her case is linked to a new root cause in the prevent step: whoever
// handled it finds "Your idea is wanted" in their inbox, gives an idea on the problem's
// page, votes, and (as a manager) adopts it: it becomes the preventive action, credited.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { signedInSession, assertNoProblems, logComplaint, submitStep, ensureScreenshotDir, snap } from './harness.js';

const session = signedInSession();

test('the feeling heard is asked for, shown at later steps, and the coach reminds the writer of it', async () => {
  const { page, server } = session;
  const grace = await logComplaint(page, server, {
    name: 'Grace Obi', email: 'grace@example.com',
    body: 'My parcel never came and my passport was in it. I fly on Friday.',
  });
  // At the Hear step the feeling is asked for, its form open.
  assert.match(await page.locator('[data-feeling-ask]').innerText(), /How did they feel\?/);
  assert.equal(await page.locator('#feeling-heard').getAttribute('open'), '', 'offered open at the Hear step');
  await page.selectOption('#feeling', 'anxious');
  await page.fill('#feeling-words', 'I cannot sleep over it');
  await page.fill('#mattered-most', 'Flying on Friday');
  await submitStep(page, 'feeling');
  assert.match(await page.locator('p.feeling[data-feeling="anxious"]').innerText(), /They felt anxious/);
  assert.match(await page.locator('#step-restate [data-feeling-reminder]').innerText(),
    /Grace felt anxious \(“I cannot sleep over it”\): say you understand it\. What mattered most: Flying on Friday\./);

  // The live coach: a restatement that skips the worry is reminded of it…
  const output = page.locator('#step-restate [data-coach-output]');
  await page.fill('#restatement', 'So your parcel never came, your passport was in it, and you fly on Friday.');
  await page.locator('#restatement').dispatchEvent('input');
  await assert.doesNotReject(output.locator('li', { hasText: 'Grace felt anxious — say you understand the worry' }).waitFor());
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'case-feeling-reminder.png'), fullPage: true });
  // …and one that names it, in words of its own, is not.
  await page.fill('#restatement', 'So your parcel with your passport never came, you fly on Friday, and the not knowing keeps you up.');
  await page.locator('#restatement').dispatchEvent('input');
  await output.locator('.coach-score').waitFor();
  await page.waitForFunction(() => !document.querySelector('#step-restate [data-coach-output]').innerText.includes('Grace felt anxious'));
  await submitStep(page, 'restatement');
  await page.goto(grace.url);
  assertNoProblems(page);
});

test('whoever handled the cases is asked for an idea; the one adopted becomes the preventive action', async () => {
  const { page, server } = session;
  const rosa = await logComplaint(page, server, { name: 'Rosa Diaz', email: 'rosa@example.com', body: 'The cake came crushed in its box.' });
  await page.fill('#restatement', 'So the cake arrived crushed in its box.');
  await submitStep(page, 'restatement');
  await submitStep(page, 'confirm');
  await page.fill('#new_problem', 'Cake boxes crushed in the van');
  await page.fill('#preventive_action', 'Drivers told to take care');
  await submitStep(page, 'prevent');
  assert.equal(await page.locator('#step-prevent .step-status').innerText(), 'Done');

  // The inbox asks.
  await page.goto(`${server.url}/inbox`);
  const wanted = page.locator('[data-ideas-wanted]');
  assert.match(await wanted.innerText(), /Your idea is wanted/);
  assert.match(await wanted.locator('[data-idea-wanted]').innerText(), /Cake boxes crushed in the van \(1 case; asked /);
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'inbox-idea-wanted.png'), fullPage: true });

  // The problem's page: give an idea, vote for it, adopt it.
  await Promise.all([page.waitForURL(/\/problems\/\d+#ideas$/), wanted.locator('a').first().click()]);
  await page.fill('#idea-text', 'Boxes ride in a rack, not on the van floor');
  await Promise.all([page.waitForURL(/#ideas$/), page.click('#ideas button.primary')]);
  const idea = page.locator('#ideas li.idea').first();
  assert.match(await idea.innerText(), /Boxes ride in a rack, not on the van floor — idea of /);
  assert.equal(await idea.locator('[data-votes]').innerText(), '0 votes');
  await Promise.all([page.waitForURL(/#ideas$/), idea.locator('button', { hasText: 'Vote' }).click()]);
  assert.equal(await page.locator('#ideas li.idea [data-votes]').first().innerText(), '1 vote');
  assert.match(await page.locator('#ideas li.idea').first().innerText(), /you voted/, 'one vote per person');
  await Promise.all([page.waitForURL(/#ideas$/), page.locator('#ideas li.idea button', { hasText: 'Adopt' }).click()]);
  assert.match(await page.locator('#ideas li.idea.adopted').innerText(), /adopted.*idea of .*, adopted by /is);
  assert.match(await page.inputValue('#preventive_action'), /^Boxes ride in a rack, not on the van floor \(idea of .+\)$/);
  await page.locator('#ideas').scrollIntoViewIfNeeded();
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'problem-ideas-adopted.png'), fullPage: true });

  // Answered: the inbox asks no more; the report counts it.
  await page.goto(`${server.url}/inbox`);
  assert.equal(await page.locator('[data-ideas-wanted]').count(), 0);
  await page.goto(`${server.url}/reports`);
  assert.match(await page.locator('[data-ideas-adopted]').innerText(), /adopted as a preventive action: 1/);
  await page.goto(rosa.url);
  assertNoProblems(page);
});
