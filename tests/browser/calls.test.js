// A personal touch for disclosures (issue 22 §4): Maria makes a disclosure a call list.
// The list rings the most valuable customer first, each with the script in their name;
// she records that Ida was reached and what worries her, in Ida's words.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { signedInSession, assertNoProblems, ensureScreenshotDir, snap } from './harness.js';

const session = signedInSession();

/** A call to the JSON API with the page's session and CSRF token. */
async function api(page, method, url, body) {
  return page.evaluate(async ({ method, url, body }) => {
    const csrf = document.querySelector("meta[name='csrf-token']").content;
    const res = await fetch(url, {
      method, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json() };
  }, { method, url, body });
}

test('a disclosure made a call list rings the most valuable first and keeps what each customer said', async () => {
  const { page, server } = session;
  await page.goto(`${server.url}/inbox`);
  const ids = [];
  for (const [name, email, phone] of [['Jon Weiss', 'jon@example.com', '+49 30 2222'], ['Ida Brandt', 'ida@example.com', '+49 30 1111']]) {
    const made = await api(page, 'POST', '/api/v1/customers', { name, email, phone });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    ids.push(made.body.id);
  }
  const orders = [
    { customer_id: ids[0], external_id: 'j1', kind: 'order', amount_minor: 900, currency: 'EUR', sku: 'RYE-3', occurred_at: '2026-10-02T10:00:00Z' },
    { customer_id: ids[1], external_id: 'i1', kind: 'order', amount_minor: 8700, currency: 'EUR', sku: 'RYE-3', occurred_at: '2026-10-02T10:00:00Z' },
  ];
  assert.equal((await api(page, 'POST', '/api/v1/transactions/batch', { transactions: orders })).status, 200);
  const problem = await api(page, 'POST', '/api/v1/problems', { title: 'Walnuts in the rye' });
  const d = await api(page, 'POST', '/api/v1/disclosures', {
    problem_id: problem.body.id, title: 'Walnuts in batch 3 of our rye bread', audience: { skus: ['RYE-3'] },
    explanation: 'Walnuts from the next line got into batch 3 of our rye bread.',
    solution: 'We have taken it off the shelves and will refund every loaf.',
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));

  await page.goto(`${server.url}/disclosures/${d.body.id}`);
  await page.click('summary:text-is("Call them first: a personal touch")');
  await page.fill('#call-hours', '24');
  await Promise.all([page.waitForURL(/\/calls$/), page.click('form[action$="/calls"] button[type=submit]')]);
  const calls = page.locator('li.call');
  assert.equal(await calls.count(), 2);
  assert.match(await calls.nth(0).locator('h2').innerText(), /^Ida Brandt\s+lifetime value €87\.00/);
  assert.match(await calls.nth(0).locator('[data-script]').innerText(), /^Hello Ida, this is \[your name\] from .*Walnuts from the next line/s);
  assert.match(await page.locator('[data-call-deadline]').innerText(), /Those not reached by .* get the notice by email\. Reached so far: 0\./);

  const ida = calls.nth(0);
  await ida.locator('input[value="reached"]').check();
  await ida.locator('textarea[name="concerns"]').fill('My son ate two slices. Is he going to be all right?');
  await Promise.all([page.waitForURL(/\/calls#r\d+$/), ida.locator('button[type=submit]').click()]);
  const after = page.locator('li.call').nth(0);
  assert.match(await after.locator('[data-outcome]').innerText(), /reached/i);
  assert.match(await after.locator('.calls-made').innerText(), /reached — “My son ate two slices\. Is he going to be all right\?”/);
  assert.match(await page.locator('[data-call-deadline]').innerText(), /Reached so far: 1\./);
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'disclosure-call-list.png'), fullPage: true });

  // The disclosure says it is a call list; its send button is not the way any more.
  await page.goto(`${server.url}/disclosures/${d.body.id}`);
  assert.match(await page.locator('[data-call-list]').innerText(), /It is a call list: 2 customers are rung first/);
  assert.equal(await page.locator('form[action$="/send"]').count(), 0);
  assertNoProblems(page);
});
