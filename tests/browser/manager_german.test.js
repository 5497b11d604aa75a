// A German-speaking manager reads the report and a problem's page in German (account
// page → Deutsch), while the customers' own words stay as they wrote them; switched back
// to English, the same pages read as before. Screenshots of both are saved for a person
// to look at (tests/browser/screenshots/manager-{de,en}-{report,problem}.png).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { signedInSession, logComplaint, submitStep, assertNoProblems, ensureScreenshotDir, snap } from './harness.js';

const session = signedInSession();

async function speak(page, server, tag) {
  await page.goto(`${server.url}/account`);
  await page.selectOption('#language', tag);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/account"] button[type=submit]')]);
}

test('a German-speaking manager reads the report and a problem in German', async () => {
  const { page, server } = session;
  const dir = await ensureScreenshotDir();
  const late = await logComplaint(page, server, {
    name: 'Hannah Reyes', email: 'hannah@example.com', body: 'The birthday cake came a day late and squashed.',
  });
  await page.goto(late.url);
  await page.fill('#restatement', 'Your birthday cake came a day late and squashed.');
  await submitStep(page, 'restatement');
  await submitStep(page, 'confirm');
  await page.fill('#new_problem', 'Weekend deliveries slip');
  await page.fill('#preventive_action', 'Checked before every weekend');
  await submitStep(page, 'prevent');
  await logComplaint(page, server, { name: 'Jun Watanabe', body: 'The rolls were burnt.' });
  await page.goto(`${server.url}/problems`);
  const problemUrl = await page.locator('table a', { hasText: 'Weekend deliveries slip' }).getAttribute('href');

  // English first: the pages as they always read.
  await page.goto(`${server.url}/reports`);
  assert.equal(await page.locator('h1').innerText(), 'Did we keep them?');
  assert.match(await page.locator('main').innerText(), /Recovery rate/);
  await snap(page, { path: path.join(dir, 'manager-en-report.png'), fullPage: true });
  await page.goto(`${server.url}${problemUrl}`);
  assert.match(await page.locator('main').innerText(), /What it is, and what we do about it/);
  await snap(page, { path: path.join(dir, 'manager-en-problem.png'), fullPage: true });

  await speak(page, server, 'de');
  await page.goto(`${server.url}/reports`);
  assert.equal(await page.locator('h1').innerText(), 'Haben wir sie gehalten?');
  const report = await page.locator('main').innerText();
  for (const german of ['Auf einen Blick', 'Rückgewinnungsquote', 'Monat für Monat', 'Was die meisten Beschwerden bringt']) {
    assert.ok(report.includes(german), `the report says "${german}"`);
  }
  for (const english of ['At a glance', 'Month by month', 'Recovery rate', 'Complaints opened from']) {
    assert.ok(!report.includes(english), `no English "${english}" left on the German report`);
  }
  assert.match(report, /Weekend deliveries slip/, 'the problem keeps the title it was given');
  assertNoProblems(page, 'the German report');
  await snap(page, { path: path.join(dir, 'manager-de-report.png'), fullPage: true });

  await page.goto(`${server.url}${problemUrl}`);
  const problem = await page.locator('main').innerText();
  for (const german of ['Worum es geht und was wir dagegen tun', 'Wie verhindern wir, dass es wieder passiert?', 'Status ändern']) {
    assert.ok(problem.includes(german), `the problem page says "${german}"`);
  }
  assert.ok(!problem.includes('What it is, and what we do about it'), 'no English heading on the German problem page');
  assertNoProblems(page, 'the German problem page');
  await snap(page, { path: path.join(dir, 'manager-de-problem.png'), fullPage: true });

  await speak(page, server, 'en');
  await page.goto(`${server.url}/reports`);
  assert.equal(await page.locator('h1').innerText(), 'Did we keep them?');
});
