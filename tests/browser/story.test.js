// The whole story: sign in, log a phone complaint for a new customer, walk every step
// of the playbook through the case page's forms to "retained", then find the case again
// through the header search, by its words and by its reference.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  signedInSession,
  startServer, launchBrowser, watch, assertNoProblems, signIn, logComplaint,
  stepStatus, submitStep, isoLocal, wallClock,
} from './harness.js';

const session = signedInSession();

// Line breaks (one blank line), indentation, an emoji and a non-ASCII dash: all must
// come back exactly as typed.
const WORDS =
  'I ordered the blue teapot for my mother\'s birthday.\n' +
  '\n' +
  'It arrived in pieces 😡 — the box was crushed.\n' +
  '  Nobody answered my two emails about the zanzibarite glaze.';

async function expectStep(step, expected) {
  const status = await stepStatus(session.page, step);
  if (expected instanceof RegExp) assert.match(status, expected, `step ${step}`);
  else assert.equal(status, expected, `step ${step}`);
}

// The status badge's text (the CSS capitalises it on screen).
async function badge() {
  return (await session.page.locator('.case-head .status').textContent()).trim();
}

async function expectSaved() {
  assert.equal(await session.page.locator('#refusal').count(), 0,
    `no refusal: ${await session.page.locator('#refusal').allInnerTexts()}`);
  assert.equal(await session.page.locator('.notice[role=status]').innerText(), 'Saved.');
  assertNoProblems(session.page);
}

test('a complaint is walked through every playbook step to retained, then found again', async () => {
  const c = await logComplaint(session.page, session.server, {
    name: 'Beatrix Oyelaran',
    email: 'beatrix.oyelaran@example.com',
    phone: '+44 20 7946 0958',
    channel: 'phone',
    body: WORDS,
    wish: 'A new teapot before Sunday',
  });
  assertNoProblems(session.page);

  // The case page: the customer's words exactly, the customer, the first steps.
  assert.equal(await session.page.locator('.verbatim').innerText(), WORDS);
  assert.equal(await session.page.locator('#customer-title').innerText(), 'Beatrix Oyelaran');
  const facts = await session.page.locator('.customer-card .facts').innerText();
  assert.match(facts, /beatrix\.oyelaran@example\.com/);
  assert.match(facts, /\+44 20 7946 0958/);
  assert.match(await session.page.locator('.case-head').innerText(), /phone/);
  assert.equal(await badge(), 'open');
  await expectStep('hear', 'Done');
  await expectStep('restate', /^Due \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC$/);
  await expectStep('escalate', 'Not needed');
  await expectStep('offer', 'Comes after earlier steps');

  // 2. Restate, then the customer confirms.
  await session.page.fill('#restatement', 'Your teapot arrived broken and nobody answered your emails.');
  await submitStep(session.page, 'restatement');
  await expectSaved();
  await expectStep('restate', 'Waiting for the customer');
  assert.equal(await session.page.locator('#step-restate blockquote').innerText(),
    'Your teapot arrived broken and nobody answered your emails.');
  await submitStep(session.page, 'confirm');
  await expectSaved();
  await expectStep('restate', 'Done');

  // 3. Apologise.
  await session.page.fill('#apology', 'I am sorry. We packed it badly and we ignored you; that is on us.');
  await submitStep(session.page, 'apology');
  await expectSaved();
  await expectStep('apologise', 'Done');
  await expectStep('escalate', 'Not needed');

  // 5. Offer two options; the customer picks the first.
  assert.match(await session.page.locator('#step-offer .wish').innerText(), /A new teapot before Sunday/);
  await session.page.fill('#option1', 'A new teapot sent by courier tomorrow');
  await session.page.fill('#option2', 'A full refund today');
  await submitStep(session.page, 'offer');
  await expectSaved();
  await expectStep('offer', 'Waiting for the customer');
  assert.deepEqual(await session.page.locator('#step-offer ol.options li').allInnerTexts(),
    ['A new teapot sent by courier tomorrow', 'A full refund today']);
  await session.page.check('#step-offer input[name=option][value="1"]');
  await submitStep(session.page, 'choose');
  await expectSaved();
  await expectStep('offer', 'Done');

  // 6. A surprise gesture that costs €12.50 (the desk counts in euros).
  await session.page.selectOption('#gesture', 'gift');
  await session.page.fill('#cost', '12.50');
  await session.page.fill('#description', 'A box of the tea her mother likes');
  await submitStep(session.page, 'gesture');
  await expectSaved();
  await expectStep('gesture', 'Done');

  // 7. Promise the fix a few days ahead, then fix it.
  const due = new Date(Date.now() + 3 * 24 * 3600 * 1000);
  due.setUTCSeconds(0, 0);
  await session.page.fill('#fix_what', 'Courier a new teapot, double boxed');
  await session.page.fill('#fix_due', isoLocal(due));
  await submitStep(session.page, 'promise');
  await expectSaved();
  const dueText = wallClock(due);
  await expectStep('fix', `In progress, due ${dueText}`);
  await session.page.fill('#fix_note', 'Delivered on Friday, signed for');
  await submitStep(session.page, 'fixed');
  await expectSaved();
  await expectStep('fix', 'Done');

  // 8. Prevent: a new root cause.
  await session.page.fill('#new_problem', 'Teapots shipped without corner protectors');
  await session.page.fill('#preventive_action', 'Every teapot is packed with corner protectors');
  await submitStep(session.page, 'prevent');
  await expectSaved();
  await expectStep('prevent', 'Done');

  // 9. Follow up: satisfaction 5.
  await session.page.check('#step-follow_up input[name=satisfaction][value="5"]');
  await session.page.fill('#follow_up_words', 'Lovely, thank you. Mum was thrilled.');
  await submitStep(session.page, 'follow_up');
  await expectSaved();
  await expectStep('follow_up', 'Done');

  // 10. Watch their next order.
  await submitStep(session.page, 'watch');
  await expectSaved();
  await expectStep('watch', 'Done');
  assert.equal(await badge(), 'watching');
  assert.match(await session.page.locator('.customer-card .facts').innerText(), /Watch list\s*Yes/);

  // Their next order went well; the case ends retained.
  await session.page.fill('#next_time_note', 'Ordered six cups; delivered early, handwritten card added.');
  await submitStep(session.page, 'next_time');
  await expectSaved();
  await session.page.check('input[name=outcome][value=retained]');
  await submitStep(session.page, 'outcome');
  await expectSaved();

  for (const step of ['hear', 'restate', 'apologise', 'offer', 'gesture', 'fix', 'prevent', 'follow_up', 'watch']) {
    await expectStep(step, 'Done');
  }
  await expectStep('escalate', 'Not needed');
  assert.equal(await badge(), 'retained');
  // A closed case offers no more step forms.
  assert.equal(await session.page.locator('form[action$="/steps/outcome"]').count(), 0);
  assert.equal(await session.page.locator('.step-body').count(), 0);

  // The timeline, newest first, tells the whole story.
  const titles = await session.page.locator('ol.timeline > li:not(.message) strong').allInnerTexts();
  assert.deepEqual(titles, [
    'Outcome: retained',
    'Next time',
    'On the watch list for the next order',
    'Follow-up: satisfaction 5 of 5',
    'Linked to a root cause',
    'Fixed',
    `Fix promised by ${dueText}`,
    'Gesture: gift',
    'The customer chose option 1',
    'Two options offered',
    'Apology',
    'Restatement confirmed',
    'Restatement written',
    'Complaint heard',
  ]);
  // What the customer was sent stands beside it, waiting for SMTP here.
  assert.ok((await session.page.locator('ol.timeline > li.message').count()) >= 5, 'the messages to the customer are on the timeline');
  const timeline = await session.page.locator('ol.timeline').innerText();
  assert.match(timeline, /A box of the tea her mother likes \(cost €12\.50\)/);
  assert.match(timeline, /1\. A new teapot sent by courier tomorrow\n2\. A full refund today/);
  assert.match(timeline, /Lovely, thank you\. Mum was thrilled\./);
  assert.match(timeline, /By phone, severity normal\./);
  assertNoProblems(session.page);

  // Search it back by distinctive words, through the header search.
  await session.page.fill('header .search input[name=q]', 'zanzibarite teapot');
  await Promise.all([session.page.waitForURL(/\/search\?q=/), session.page.press('header .search input[name=q]', 'Enter')]);
  assertNoProblems(session.page);
  const hit = session.page.locator('ol.hits > li', { has: session.page.locator(`a[href="/cases/${c.id}"]`) });
  assert.equal(await hit.count(), 1, 'the case is among the results');
  assert.equal(await hit.locator('a').first().innerText(), c.reference);
  assert.match(await hit.innerText(), /Beatrix Oyelaran/);
  assert.equal((await hit.locator('.status').textContent()).trim(), 'retained');
  const marked = (await hit.locator('.snippet mark').allInnerTexts()).map((m) => m.toLowerCase());
  assert.ok(marked.includes('zanzibarite'), `"zanzibarite" is highlighted: ${JSON.stringify(marked)}`);
  assert.ok(marked.includes('teapot'), `"teapot" is highlighted: ${JSON.stringify(marked)}`);
  assert.ok(marked.every((m) => ['zanzibarite', 'teapot'].includes(m)), `only the searched words are marked: ${marked}`);
  // The customer is found too, and the search box keeps the query.
  assert.equal(await session.page.locator('#sq').inputValue(), 'zanzibarite teapot');

  // And by its reference.
  await session.page.fill('header .search input[name=q]', c.reference);
  await Promise.all([session.page.waitForURL(/\/search\?q=/), session.page.press('header .search input[name=q]', 'Enter')]);
  const first = session.page.locator('ol.hits > li').first();
  assert.equal(await first.locator('a').first().innerText(), c.reference);
  assert.equal(await first.locator('a').first().getAttribute('href'), `/cases/${c.id}`);
  await Promise.all([session.page.waitForURL(c.url), first.locator('a').first().click()]);
  assert.equal(await session.page.locator('.verbatim').innerText(), WORDS);
  assertNoProblems(session.page);
});
