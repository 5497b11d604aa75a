// A desk people work at all day: two complaints of one customer ticked in the inbox with
// the keyboard and merged from the bulk bar; the survivor shows one timeline with both,
// the merged case says where it went; and s opens the snooze form.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signedInSession, logComplaint, assertNoProblems } from './harness.js';

const session = signedInSession();

test('two duplicates merged from the inbox bulk bar show one timeline', async () => {
  const { page, server } = session;
  const customer = { name: 'Rosa Diaz', email: 'rosa@example.com' };
  const first = await logComplaint(page, server, { ...customer, body: 'The wedding cake had the wrong names on it.' });
  const second = await logComplaint(page, server, { ...customer, body: 'I am writing again about the names on the cake.' });

  await page.goto(`${server.url}/inbox`);
  assert.equal(await page.locator('form#bulk').count(), 1, 'the bulk bar is there');
  // Tick both with the keyboard: j selects a row, x ticks it.
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  assert.equal(await page.locator('input[data-select]:checked').count(), 2, 'x ticks the selected case');

  await page.selectOption('#bulk-action', 'merge');
  await page.selectOption('form#bulk select[name=into]', 'oldest');
  await Promise.all([page.waitForURL(/\/inbox\?view=all&done=/), page.click('form#bulk button[type=submit]')]);
  assert.match(await page.locator('.notice').innerText(), /2 case\(s\): merge/);
  const rows = await page.locator('.case-row .ref').allInnerTexts();
  assert.deepEqual(rows, [first.reference], 'only the survivor is left in the inbox');

  await page.goto(first.url);
  const timeline = await page.locator('ol.timeline').innerText();
  assert.match(timeline, new RegExp(`${second.reference} merged into this case`));
  assert.match(timeline, new RegExp(`from ${second.reference}`), 'the merged case\'s events are on the survivor');
  assert.equal((timeline.match(/Complaint heard/g) || []).length, 2, 'both complaints are on one timeline');

  await page.goto(second.url);
  const banner = page.locator('#merged');
  assert.match(await banner.innerText(), new RegExp(`merged into ${first.reference}`));
  assert.equal(await page.locator('#note').count(), 0, 'a merged case takes no more notes');
  await Promise.all([page.waitForURL(first.url), banner.locator('a').click()]);

  // s opens the snooze form and puts the cursor in it.
  await page.keyboard.press('s');
  assert.equal(await page.locator('#snooze').getAttribute('open'), '', 's opens the snooze form');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'snooze_until');
  assertNoProblems(page);
});
