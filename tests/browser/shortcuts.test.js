// Keyboard shortcuts: help with ?, search with /, j and Enter to open a case from the
// inbox, a to assign it to me; and no shortcut fires while typing in a field.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signedInSession, logComplaint } from './harness.js';

const session = signedInSession();

test('shortcuts move through the inbox and act on a case, but not while typing', async () => {
  await logComplaint(session.page, session.server, { name: 'Quentin Ross', body: 'The bike repair took a week longer than promised.' });
  await session.page.goto(`${session.server.url}/inbox`);

  await session.page.keyboard.press('?');
  assert.equal(await session.page.locator('#shortcuts').isVisible(), true, '? shows the help');
  await session.page.keyboard.press('Escape');
  assert.equal(await session.page.locator('#shortcuts').isVisible(), false);

  await session.page.keyboard.press('/');
  assert.equal(await session.page.evaluate(() => document.activeElement?.id), 'q', '/ focuses the search');
  await session.page.keyboard.type('j');
  assert.equal(await session.page.inputValue('#q'), 'j', 'typing in a field is typing, not a shortcut');
  await session.page.locator('#q').blur();

  await session.page.keyboard.press('j');
  assert.equal(await session.page.locator('.case-row.selected').count(), 1, 'j selects the first case');
  await Promise.all([session.page.waitForURL(/\/cases\/\d+$/), session.page.keyboard.press('Enter')]);

  await Promise.all([session.page.waitForURL(/done=assign/), session.page.keyboard.press('a')]);
  assert.match(await session.page.locator('#owner option:checked').innerText(), /Administrator/, 'a assigns the case to me');

  await session.page.keyboard.press('r');
  assert.equal(await session.page.evaluate(() => document.activeElement?.id), 'restatement', 'r goes to the next step\'s text');
});
