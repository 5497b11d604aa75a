// The pages fit a phone, and screenshots of the inbox and a case mid-playbook at desktop
// and phone widths are saved for a person to look at (tests/browser/screenshots/).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startServer, launchBrowser, watch, assertNoProblems, signIn, logComplaint, submitStep,
  ensureScreenshotDir,
  snap,
} from './harness.js';

let server;
let desktop;
let phone;
let page; // desktop, 1280 wide
let mobile; // a phone, 375×812
let dir;
const cases = {};

before(async () => {
  dir = await ensureScreenshotDir();
  server = await startServer();
  [desktop, phone] = await Promise.all([
    launchBrowser({ viewport: { width: 1280, height: 900 } }),
    launchBrowser({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 }),
  ]);
  page = watch(desktop.first);
  mobile = watch(phone.first);
  await signIn(page, server);
  // The phone shares the desktop's session rather than signing in again.
  await phone.context.addCookies(await desktop.context.cookies());

  // A few cases in different states, so the inbox has something to show.
  cases.mid = await logComplaint(page, server, {
    name: 'Henrietta Vasquez-Oyelowo',
    email: 'henrietta.vasquezoyelowo@example.com',
    phone: '+34 600 000 000',
    subject: 'Wedding cake delivered to the wrong venue',
    body: 'We paid for delivery to the Old Mill at 2pm.\n\nThe cake went to the Old Mill Inn, forty minutes away, and arrived at 5pm after the speeches. ' +
      'My order page said https://shop.example.com/orders/2026/11/WED-88231734-confirmation-and-delivery-details-for-the-old-mill the whole time.',
    wish: 'Our money back for the cake, and an apology to my wife',
    severity: 'high',
  });
  await page.fill('#restatement', 'The cake went to the wrong venue and arrived three hours late, after the speeches.');
  await submitStep(page, 'restatement');
  await submitStep(page, 'confirm');
  await page.fill('#apology', 'I am so sorry. We sent it to the wrong address and spoiled your day. That is our fault.');
  await submitStep(page, 'apology');
  await page.fill('#option1', 'A full refund of the cake and delivery');
  await page.fill('#option2', 'A refund of the delivery and an anniversary cake on us');
  await submitStep(page, 'offer');
  await page.check('#step-offer input[name=option][value="2"]');
  await submitStep(page, 'choose');
  await page.fill('#note', 'Spoke to the driver: the address book had two "Old Mill" entries.');
  await submitStep(page, 'note');

  cases.low = await logComplaint(page, server, {
    name: 'Jun Watanabe',
    email: 'jun@example.com',
    body: 'The receipt printer at till 3 is smudging. Minor, but I could not read my total.',
    severity: 'low',
  });
  cases.normal = await logComplaint(page, server, {
    name: 'Kofi Boateng',
    body: 'Waited 45 minutes on hold, then got cut off. 📞',
    channel: 'in_person',
  });
});

after(async () => {
  await Promise.all([desktop?.close(), phone?.close()]);
  await server?.stop();
});

async function noHorizontalScroll(p, where, maxWidth) {
  const m = await p.evaluate(() => {
    const root = document.documentElement;
    const limit = root.clientWidth + 1;
    // Elements whose box or content reaches past the viewport; report the innermost.
    const over = [...document.querySelectorAll('body *')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && (r.right > limit || r.left + el.scrollWidth > limit);
    });
    const innermost = over.filter((el) => !over.some((o) => o !== el && el.contains(o)));
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}` +
      `${typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}` +
      ` "${(el.textContent || '').trim().slice(0, 40)}"`;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide: innermost.slice(0, 6).map(name) };
  });
  assert.ok(m.clientWidth <= maxWidth, `the viewport is ${maxWidth} wide on ${where}: ${m.clientWidth}`);
  assert.ok(m.scrollWidth <= m.clientWidth,
    `no horizontal scrollbar on ${where}: scrollWidth ${m.scrollWidth} > clientWidth ${m.clientWidth}; too wide: ${m.wide.join(', ')}`);
}

test('at 375×812 the inbox has no horizontal scrollbar', async () => {
  await mobile.goto(`${server.url}/inbox`);
  assert.equal(await mobile.locator('li.case-row').count(), 3);
  await noHorizontalScroll(mobile, 'the inbox', 375);
  assertNoProblems(mobile);
});

test('at 375×812 the case page has no horizontal scrollbar', async () => {
  for (const c of [cases.mid, cases.low]) {
    await mobile.goto(c.url);
    await noHorizontalScroll(mobile, `the case page ${c.reference}`, 375);
  }
  // With a step's skip form open, too.
  await mobile.locator('#step-restate details.skip-step summary').click();
  await noHorizontalScroll(mobile, 'the case page with a skip form open', 375);
  assertNoProblems(mobile);
});

test('at 375×812 the inbox shows cases above the fold, its filters folded', async () => {
  await mobile.goto(`${server.url}/inbox`);
  const side = mobile.locator('details.inbox-side');
  assert.equal(await side.evaluate((d) => d.open), false, 'the filters start folded on a phone');
  const rows = mobile.locator('li.case-row');
  const first = await rows.first().boundingBox();
  assert.ok(first.y + first.height <= 812, `the first case is above the fold: it ends at ${first.y + first.height}`);
  await snap(mobile, { path: path.join(dir, 'inbox-phone-fold.png') });
  // A tap unfolds them.
  await mobile.locator('details.inbox-side > summary').click();
  assert.ok(await mobile.locator('#severity').isVisible());
  await noHorizontalScroll(mobile, 'the inbox with its filters unfolded', 375);
  // Wide screens keep them open, without a fold.
  await page.goto(`${server.url}/inbox`);
  assert.equal(await page.locator('details.inbox-side').evaluate((d) => d.open), true);
  assert.equal(await page.locator('details.inbox-side > summary').isVisible(), false);
  assert.ok(await page.locator('#severity').isVisible());
  assertNoProblems(mobile);
});

test("at 375×812 the case page begins with the customer's words, before the desk's tools", async () => {
  await mobile.goto(cases.mid.url);
  const top = async (selector) => (await mobile.locator(selector).first().boundingBox()).y;
  const words = await top('section.words');
  assert.ok(words < 812, `the words start on the first screen (at ${words})`);
  for (const tool of ['form.assign', '#reply', 'aside.customer-card', '#playbook', 'section.case-tools', '.timeline-panel']) {
    const at = await top(tool);
    assert.ok(words < at, `the words (at ${words}) come before ${tool} (at ${at})`);
  }
  assert.ok(await top('#reply') < await top('#playbook'), 'the reply box comes before the playbook');
  await snap(mobile, { path: path.join(dir, 'case-phone-fold.png') });
  // On a wide screen the owner form stays in the head, beside the title.
  await page.goto(cases.mid.url);
  const head = await page.locator('.case-head h1').boundingBox();
  const assign = await page.locator('form.assign').boundingBox();
  assert.ok(Math.abs(assign.y - head.y) < 120, `desktop: the owner form sits in the head (${assign.y} vs ${head.y})`);
  assertNoProblems(mobile);
});

test('at 1280 wide the inbox and case page have no horizontal scrollbar', async () => {
  await page.goto(`${server.url}/inbox`);
  await noHorizontalScroll(page, 'the inbox (desktop)', 1280);
  // An ordinary email address in the customer card.
  await page.goto(cases.mid.url);
  await noHorizontalScroll(page, `the case page ${cases.mid.reference} (desktop)`, 1280);
  assertNoProblems(page);
});

test('at 375×812 a pasted long link in the words does not widen the inbox or case page', async () => {
  // Customers paste order links; a long unbroken word must wrap, not widen the page.
  cases.link = await logComplaint(page, server, {
    name: 'Ivo Petrov',
    body: 'Still nothing. See https://shop.example.com/account/orders/2026/11/88231734/tracking-and-delivery-details-for-your-parcel',
    severity: 'critical',
  });
  await mobile.goto(cases.link.url);
  await noHorizontalScroll(mobile, `the case page ${cases.link.reference}`, 375);
  await mobile.goto(`${server.url}/inbox`);
  await noHorizontalScroll(mobile, 'the inbox with a long link in a case', 375);
  assertNoProblems(mobile);
});

test('screenshots of the inbox and a case mid-playbook, desktop and phone', async () => {
  const shots = [];
  const shoot = async (p, url, name) => {
    await p.goto(url);
    await p.evaluate(() => document.fonts.ready);
    const file = path.join(dir, name);
    await snap(p, { path: file, fullPage: true });
    assertNoProblems(p, url);
    shots.push(file);
  };
  await shoot(page, `${server.url}/inbox`, 'inbox-desktop.png');
  await shoot(page, cases.mid.url, 'case-desktop.png');
  await shoot(mobile, `${server.url}/inbox`, 'inbox-phone.png');
  await shoot(mobile, cases.mid.url, 'case-phone.png');

  // The case screenshotted really is mid-playbook.
  const status = (step) => mobile.locator(`#step-${step} .step-status`).innerText();
  assert.equal(await status('offer'), 'Done');
  assert.match(await status('gesture'), /^(Due|Overdue)/);
  assert.equal(await status('watch'), 'Comes after earlier steps');
  for (const f of shots) {
    const { size } = await import('node:fs').then((fs) => fs.promises.stat(f));
    assert.ok(size > 10_000, `${f} is a real picture (${size} bytes)`);
  }
});
