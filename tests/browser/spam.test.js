// The spam folder and saved views through the pages: a spammy form post waits in the
// folder; staff release one (it reaches the inbox) and confirm another, blocking its
// domain, which the admin's block list then shows; a case is marked as spam from its
// page; the inbox's filters are saved as a view, renamed and deleted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signedInSession, assertNoProblems, logComplaint, submitStep } from './harness.js';

const session = signedInSession();

async function postForm(email, body) {
  const form = new FormData();
  form.set('name', 'Visitor');
  form.set('email', email);
  form.set('body', body);
  form.set('website', '');
  const res = await fetch(`${session.server.url}/complain`, { method: 'POST', body: form });
  assert.equal(res.status, 201);
}

const PITCH = 'SEO services: get on the first page of google! Backlinks and guest post at ' +
  'https://bit.ly/x1 https://tinyurl.com/x2 http://198.51.100.7/offer';

test('staff release one held post and confirm another, blocking its domain', async () => {
  const { page, server } = session;
  await postForm('sales@seo.example', PITCH);
  await postForm('hello@growth.example', `${PITCH} (second)`);
  await page.goto(`${server.url}/spam`);
  const rows = page.locator('ol.spam-list > li');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().innerText(), /bit\.ly/);

  // Release the second one: it goes to the inbox.
  const growth = rows.filter({ hasText: '(second)' });
  const reference = (await growth.locator('h2 a').innerText()).trim();
  await Promise.all([page.waitForURL(/\/spam\?done=1$/), growth.locator('form[action$="/steps/release_spam"] button').click()]);
  assert.equal(await page.locator('.notice[role=status]').innerText(), 'Saved.');
  assert.equal(await rows.count(), 1);
  await page.goto(`${server.url}/inbox`);
  assert.match(await page.locator('ol.case-list').innerText(), new RegExp(reference));

  // Confirm the other and block its domain.
  await page.goto(`${server.url}/spam`);
  const seo = rows.first();
  await seo.locator('select[name=block]').selectOption('domain');
  await Promise.all([page.waitForURL(/\/spam\?done=1$/), seo.locator('form[action$="/steps/confirm_spam"] button').click()]);
  assert.match(await rows.first().innerText(), /confirmed spam/i);
  await page.goto(`${server.url}/admin/spam`);
  assert.match(await page.locator('table').innerText(), /seo\.example\s+domain/);
  assertNoProblems(page);

  // The admin unblocks it again from the list.
  await Promise.all([page.waitForURL(/\/admin\/spam$/), page.locator('button', { hasText: 'Unblock seo.example' }).click()]);
  assert.match(await page.locator('main').innerText(), /Nothing is blocked/);
});

test('a case is marked as spam from its page, and held until released', async () => {
  const { page, server } = session;
  const c = await logComplaint(page, server, { name: 'Pat Pitch', email: 'pat@ads.example', body: 'Buy ad space on our site.' });
  await page.locator('summary', { hasText: 'This is spam' }).click();
  await page.fill('#spam_reason', 'An advert, not a complaint.');
  await submitStep(page, 'mark_spam');
  assert.match(await page.locator('#spam-title').innerText(), /In the spam folder/);
  assert.equal((await page.locator('.case-head .status').textContent()).trim(), 'spam');
  assert.equal(await page.locator('.step-body').count(), 0, 'no step forms while held');
  await page.goto(`${server.url}/spam`);
  assert.match(await page.locator('ol.spam-list').innerText(), new RegExp(`${c.reference}[\\s\\S]*An advert, not a complaint`));
  await page.goto(c.url);
  await submitStep(page, 'release_spam');
  assert.equal((await page.locator('.case-head .status').textContent()).trim(), 'open');
  assertNoProblems(page);
});

test('the inbox\'s filters are saved as a view, renamed and deleted', async () => {
  const { page, server } = session;
  await page.goto(`${server.url}/inbox?view=all`);
  await page.selectOption('#severity', 'high');
  await Promise.all([page.waitForURL(/severity=high/), page.locator('form.filter:not(.save-view) button').click()]);
  await page.fill('#view-name', 'High ones');
  await page.check('form.save-view input[name=shared]');
  await Promise.all([page.waitForURL(/saved=\d+/), page.locator('form.save-view button').click()]);
  const link = page.locator('ul.saved-views a[aria-current=true]');
  assert.equal(await link.innerText(), 'High ones');
  assert.match(page.url(), /severity=high/);
  assert.equal(await page.locator('#severity').inputValue(), 'high', 'the view shows its filters');

  await page.locator('ul.saved-views a', { hasText: 'Edit' }).click();
  await page.fill('#vname', 'Urgent');
  await Promise.all([page.waitForURL(/saved=\d+/), page.locator('button', { hasText: 'Save' }).click()]);
  assert.equal(await page.locator('ul.saved-views a[aria-current=true]').innerText(), 'Urgent');
  await page.locator('ul.saved-views a', { hasText: 'Edit' }).click();
  await Promise.all([page.waitForURL(/\/inbox$/), page.locator('button', { hasText: 'Delete the view Urgent' }).click()]);
  assert.match(await page.locator('ul.saved-views').innerText(), /None yet/);
  assertNoProblems(page);
});
