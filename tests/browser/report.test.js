// The owner's report as an owner opens it on Monday: figures in words, charts whose
// labels fit inside them, no code names or ISO timestamps; a screenshot is saved for a
// person to look at (tests/browser/screenshots/report.png).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { signedInSession, logComplaint, submitStep, assertNoProblems, ensureScreenshotDir, snap } from './harness.js';

const session = signedInSession();

async function restateAndLink(page, c, restatement, problem) {
  await page.goto(c.url);
  await page.fill('#restatement', restatement);
  await submitStep(page, 'restatement');
  await submitStep(page, 'confirm');
  await page.fill('#new_problem', problem);
  await page.fill('#preventive_action', 'Checked before every weekend');
  await submitStep(page, 'prevent');
}

test('the report says in words whether we kept them, with charts whose labels fit', async () => {
  const { page, server } = session;
  const late = await logComplaint(page, server, {
    name: 'Hannah Reyes', email: 'hannah@example.com', body: 'The birthday cake came a day late and squashed.',
  });
  await restateAndLink(page, late, 'Your birthday cake came a day late and squashed.',
    'Weekend deliveries slip because the van is shared with the café next door');
  await page.locator('details.skip-step summary', { hasText: 'gone for good' }).click();
  await page.fill('form[action$="/steps/outcome"] #outcome_reason', 'Orders from the market stall now');
  await submitStep(page, 'outcome');
  const change = await logComplaint(page, server, {
    name: 'Omar Haddad', email: 'omar@example.com', body: 'I was given the wrong change at the till.',
  });
  await restateAndLink(page, change, 'You were given the wrong change at the till.', 'Wrong change given');
  await logComplaint(page, server, { name: 'Jun Watanabe', body: 'The rolls were burnt.' });

  await page.goto(`${server.url}/reports`);
  assert.equal(await page.locator('h1').innerText(), 'Did we keep them?');
  const text = await page.locator('main').innerText();
  for (const code of ['cases_opened', 'gesture_cost_minor', 'recovery_rate', '_minor', 'non_complainers']) {
    assert.ok(!text.includes(code), `no code name ${code} on the page`);
  }
  assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:/, 'no ISO timestamps');
  assert.match(text, /Recovery rate\s*0 %/);
  assert.match(text, /Complaints\s*3/);
  assert.match(text, /Customers lost\s*1/);
  assert.match(text, /Weekend deliveries slip because the van is shared with the café next door/);

  // Every text of every chart lies inside its chart (nothing clipped at either side).
  const outside = await page.evaluate(() => {
    const bad = [];
    for (const svg of document.querySelectorAll('svg.chart')) {
      const box = svg.viewBox.baseVal;
      for (const t of svg.querySelectorAll('text')) {
        const b = t.getBBox();
        if (b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5 || b.y < box.y - 0.5 || b.y + b.height > box.y + box.height + 0.5) {
          bad.push(`${svg.getAttribute('aria-label')}: "${t.textContent}" at ${b.x.toFixed(0)}..${(b.x + b.width).toFixed(0)} of ${box.width}`);
        }
      }
    }
    return bad;
  });
  assert.deepEqual(outside, [], 'chart labels fit');
  assert.equal(await page.locator('svg.chart').count(), 3, 'recovery by month, returns by month, root causes');
  for (const svg of await page.locator('svg.chart').all()) {
    assert.ok((await svg.getAttribute('aria-label')).length > 10, 'each chart says what it shows');
  }

  // The figure leads to its cases.
  await page.locator('.figure', { hasText: 'Customers lost' }).locator('a').click();
  await page.waitForURL(/\/reports\/cases\?/);
  assert.match(await page.locator('main').innerText(), new RegExp(late.reference));
  assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(change.reference));
  await page.goBack();

  const dir = await ensureScreenshotDir();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => document.fonts.ready);
  await snap(page, { path: path.join(dir, 'report.png'), fullPage: true });
  assertNoProblems(page);
});
