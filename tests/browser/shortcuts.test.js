// Keyboard shortcuts: help with ?, search with /, j and Enter to open a case from the
// inbox, a to assign it to me; and no shortcut fires while typing in a field.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, watch, signIn, logComplaint } from './harness.js';

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

test('shortcuts move through the inbox and act on a case, but not while typing', async () => {
  await logComplaint(page, server, { name: 'Quentin Ross', body: 'The bike repair took a week longer than promised.' });
  await page.goto(`${server.url}/inbox`);

  await page.keyboard.press('?');
  assert.equal(await page.locator('#shortcuts').isVisible(), true, '? shows the help');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#shortcuts').isVisible(), false);

  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'q', '/ focuses the search');
  await page.keyboard.type('j');
  assert.equal(await page.inputValue('#q'), 'j', 'typing in a field is typing, not a shortcut');
  await page.locator('#q').blur();

  await page.keyboard.press('j');
  assert.equal(await page.locator('.case-row.selected').count(), 1, 'j selects the first case');
  await Promise.all([page.waitForURL(/\/cases\/\d+$/), page.keyboard.press('Enter')]);

  await Promise.all([page.waitForURL(/\/cases\/\d+/), page.keyboard.press('a')]);
  assert.match(await page.locator('#owner option:checked').innerText(), /Administrator/, 'a assigns the case to me');

  await page.keyboard.press('r');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'restatement', 'r goes to the next step\'s text');
});
