// A customer who wrote is never lost: Hannah's case was closed as lost; she replies by
// mail (Gmail's shape, her words above the quote). The inbox puts her case first, marked
// "Customer replied" with the start of her words; the case page shows her new words with
// the quoted history folded away, and says it was reopened. The inbox's views (All,
// Waiting on the customer, Closed) and the search box (by reference, with or without
// "AM-", and by name) find what they should.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  signedInSession, assertNoProblems, logComplaint, submitStep, binaryPath, ensureScreenshotDir,
  snap,
} from './harness.js';

const session = signedInSession();

/** Pipes a raw message into `amends mail ingest` against the server's database, as an MTA would. */
function mailIn(raw) {
  const out = spawnSync(binaryPath(), ['mail', 'ingest'], {
    input: raw,
    env: { ...process.env, AMENDS_DATA_DIR: session.server.dataDir, AMENDS_LOG: 'warn' },
    encoding: 'utf8',
  });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout;
}

test('Hannah replies to her closed case; it is first in the inbox, marked, and found by its reference', async () => {
  const { page, server } = session;
  const hannah = await logComplaint(page, server, {
    name: 'Hannah Berg', email: 'hannah@example.com', channel: 'email',
    body: "My daughter's birthday cake came two hours late and squashed.",
  });
  await page.click('summary:text-is("The customer is gone for good")');
  await page.fill('#outcome_reason', 'She moved away');
  await submitStep(page, 'outcome');
  assert.match(await page.locator('.case-head .status').innerText(), /lost/i);

  const ben = await logComplaint(page, server, { name: 'Ben Okafor', body: 'The rye bread was stale.' });
  const cleo = await logComplaint(page, server, { name: 'Cleo Park', body: 'The coffee was cold.' });
  await page.goto(cleo.url);
  await page.fill('#restatement', 'Your coffee was served cold.');
  await submitStep(page, 'restatement');

  const out = mailIn([
    'From: Hannah Berg <hannah@example.com>', 'To: desk@amends.local',
    `Subject: Re: We have your message [${hannah.reference}]`, 'Message-ID: <hannah-1@mail.example>',
    'Date: Sun, 6 Dec 2026 10:00:00 +0000', '',
    'The cake was never replaced, and nobody called me back.', '',
    'On Mon, 30 Nov 2026 at 10:00, Corner Bakery <desk@bakery.example> wrote:',
    '> We have your message and will answer soon.', '',
  ].join('\r\n'));
  assert.match(out, /Threaded/);

  await page.goto(`${server.url}/inbox`);
  const first = page.locator('.case-row').first();
  assert.equal(await first.locator('.ref').innerText(), hannah.reference, 'her case heads the inbox');
  const marker = first.locator('[data-customer-replied]');
  assert.match(await marker.innerText(), /^Customer replied “The cake was never replaced, and nobody called me back\.”/);
  assert.doesNotMatch(await marker.innerText(), /We have your message/, 'her words, not the quote');
  assert.equal(await page.locator('.case-row [data-customer-replied]').count(), 1, 'only her case is marked');
  await ensureScreenshotDir();
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'inbox-customer-replied.png'), fullPage: true });

  // Her case: the new words first, the whole message folded away, the reopening said.
  await first.locator('a').first().click();
  await page.waitForURL(hannah.url);
  assert.match(await page.locator('#customer-replied').innerText(), /Customer replied/);
  const timeline = page.locator('ol.timeline');
  assert.match(await timeline.innerText(), /Reopened: Hannah wrote again/);
  const reply = timeline.locator('li').filter({ hasText: 'The customer wrote' });
  const fold = reply.locator('details.folded');
  assert.equal(await fold.getAttribute('open'), null, 'the quoted history starts folded');
  assert.equal(await fold.locator('.verbatim').isVisible(), false);
  await fold.locator('summary').click();
  assert.match(await fold.locator('.verbatim').innerText(), /> We have your message and will answer soon\./, 'kept verbatim');
  await snap(page, { path: path.join(await ensureScreenshotDir(), 'case-reply-folded.png'), fullPage: true });

  // The views: All, Waiting on the customer, Closed.
  await page.goto(`${server.url}/inbox`);
  await Promise.all([page.waitForURL(/view=waiting/), page.click('nav.views a:text-is("Waiting on the customer")')]);
  assert.deepEqual(await page.locator('.case-row .ref').allInnerTexts(), [cleo.reference]);
  await Promise.all([page.waitForURL(/view=closed/), page.click('nav.views a:text-is("Closed")')]);
  assert.equal(await page.locator('.case-row').count(), 0, 'Hannah\'s case is open again: nothing is closed');
  await Promise.all([page.waitForURL(/view=everything/), page.click('nav.views a:text-is("All")')]);
  assert.deepEqual(
    await page.locator('.case-row .ref').allInnerTexts(),
    [hannah.reference, cleo.reference, ben.reference],
    'every case, the one whose customer waits first',
  );

  // The search box finds a case by its reference, typed either way, and by the name.
  for (const typed of [hannah.reference, hannah.reference.replace('AM-', ''), 'Hannah']) {
    await page.fill('#q', typed);
    await Promise.all([page.waitForURL(/\/search\?q=/), page.press('#q', 'Enter')]);
    const hits = await page.locator('ol.hits li a').allInnerTexts();
    assert.equal(hits[0], hannah.reference, `"${typed}" finds ${hannah.reference}: ${hits}`);
  }
  assertNoProblems(page);
});
