// A disclosure from start to send, as a manager does it in the browser: customers and
// their orders imported from CSV files, a problem, the audience counted live while the
// filters are typed, the count and sample on the disclosure's page, the send, and the
// progress as it runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { signedInSession, assertNoProblems, ensureScreenshotDir, snap } from './harness.js';

const session = signedInSession();

async function importCsv(page, server, kind, name, text) {
  await page.goto(`${server.url}/imports`);
  await page.check(`input[name=kind][value=${kind}]`);
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await Promise.all([page.waitForNavigation(), page.click('form[action="/imports"] button[type=submit]')]);
  return page.locator('#import-report').innerText();
}

test('a manager counts the affected customers, sends the disclosure and watches it go', async () => {
  const { page, server } = session;
  let customers = 'name,email,external_id\n';
  let orders = 'customer_external_id,external_id,kind,amount_minor,currency,sku,location,occurred_at\n';
  for (let i = 1; i <= 30; i++) {
    customers += `Customer ${String(i).padStart(2, '0')},c${i}@example.com,k${i}\n`;
    const sku = i % 3 === 0 ? 'TART-1' : 'CAKE-7';
    orders += `k${i},o${i},order,1500,EUR,${sku},Berlin,2026-10-0${1 + (i % 9)}T10:00:00Z\n`;
  }
  assert.match(await importCsv(page, server, 'customers', 'customers.csv', customers), /30 rows: 30 imported/);
  const report = await importCsv(page, server, 'transactions', 'orders.csv', orders + 'k99,o99,order,10,EUR,,,2026-10-01T10:00:00Z\n');
  assert.match(report, /31 rows: 30 imported, 0 already present, 1 refused/);
  assert.match(report, /32\s+no such customer/);

  await page.goto(`${server.url}/problems`);
  await page.fill('#title', 'Cream past its date in batch 7');
  await Promise.all([page.waitForURL(/\/problems\/\d+$/), page.click('form[action="/problems"] button[type=submit]')]);

  await page.click('nav a[href="/disclosures"]');
  await Promise.all([page.waitForURL(/\/disclosures\/new$/), page.click('a[href="/disclosures/new"]')]);
  await page.selectOption('#problem_id', { label: 'Cream past its date in batch 7' });
  // The count follows the filters as they are typed, before anything is saved.
  await page.locator('#skus').pressSequentially('CAKE-7', { delay: 5 });
  await page.waitForFunction(() => document.querySelector('[data-audience-count]')?.textContent === '20', null, { timeout: 5000 });
  await page.fill('#max_amount', '10');
  await page.waitForFunction(() => document.querySelector('[data-audience-count]')?.textContent === '0', null, { timeout: 5000 });
  await page.fill('#max_amount', '');
  await page.fill('#from', '2026-10-01');
  await page.waitForFunction(() => document.querySelector('[data-audience-count]')?.textContent === '20', null, { timeout: 5000 });
  assert.match(await page.locator('#audience').innerText(), /Customer 01\s+c1@example.com/);

  await page.fill('#title', 'About the cakes of batch 7');
  await page.fill('#explanation', 'The cream in the cakes of batch 7 was past its date. We found it in our own check.');
  await page.fill('#solution', 'We will bake you a new cake, on us, this week.');
  await Promise.all([page.waitForURL(/\/disclosures\/\d+$/), page.click('button[value=create]')]);
  assert.equal(await page.locator('#audience-count').innerText(), '20');
  assert.equal(await page.locator('#audience-sample li').count(), 20);
  assert.match(await page.locator('.preview-body').innerText(), /Dear Customer 01/);
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'disclosure-before-send.png'), fullPage: true });

  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Send to 20 customers")')]);
  // Sending asks first, with the count.
  assert.equal(await page.locator('h1').innerText(), 'Send to 20 customers?');
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'disclosure-confirm.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Yes, send to 20 customers")')]);
  // The page follows the send by itself until every notice is queued.
  await page.waitForFunction(() => document.getElementById('disclosure-status')?.textContent === 'sent', null, { timeout: 15000 });
  assert.equal(await page.locator('[data-status=queued]').innerText(), '20');
  assert.equal(await page.locator('#recipients tbody tr').count(), 20);
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'disclosure-sent.png'), fullPage: true });
  assertNoProblems(page, 'the disclosure pages');
});
