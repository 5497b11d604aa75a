// Hostile text is shown as text, never run; a form without the session's CSRF token is
// refused and changes nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, watch, assertNoProblems, signIn, logComplaint, submitStep,
} from './harness.js';

let server;
let browser;
let page;

const PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = watch(browser.first);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Nothing of the payload ran or became markup on the current page. */
async function assertInert(p, where) {
  const state = await p.evaluate(() => ({
    pwned: typeof window.__pwned,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
    injectedImages: document.querySelectorAll('img[src="x"], img[onerror]').length,
  }));
  assert.equal(state.pwned, 'undefined', `no payload ran on ${where}`);
  assert.deepEqual(state.scripts, ['/assets/app.js'], `only the app's own script on ${where}`);
  assert.equal(state.injectedImages, 0, `no injected <img> on ${where}`);
  assertNoProblems(p, where);
}

test('the login page keeps a path ?next= and never reflects markup', async () => {
  await page.goto(`${server.url}/login?next=${encodeURIComponent('/cases/7')}`);
  assert.equal(await page.locator('input[name=next]').inputValue(), '/cases/7', 'a path on this site is kept');
  // Markup is not a path on this site: it is neither echoed nor followed.
  const evil = '/inbox"><img src=x onerror="window.__pwned=3">';
  await page.goto(`${server.url}/login?next=${encodeURIComponent(evil)}`);
  assert.equal(await page.locator('input[name=next]').inputValue(), '/inbox');
  await assertInert(page, 'the login page');
});

test('a complaint made of markup is shown literally on the case page, inbox and search', async () => {
  await signIn(page, server);
  const c = await logComplaint(page, server, {
    name: PAYLOAD,
    email: 'mallory@example.com',
    body: PAYLOAD,
    wish: PAYLOAD,
  });

  // The case page: the words, the name, the wish, the heading.
  await assertInert(page, 'the new case page');
  assert.equal(await page.locator('.verbatim').innerText(), PAYLOAD);
  assert.equal(await page.locator('#customer-title').innerText(), PAYLOAD);
  assert.equal(await page.locator('#words-title').innerText(), `In ${PAYLOAD}'s words`);
  assert.equal(await page.locator('.case-head h1').innerText(), `Complaint from ${PAYLOAD}`);
  assert.equal(await page.locator('.words .wish').innerText(), `What would put it right for them: ${PAYLOAD}`);
  assert.ok((await page.title()).includes(PAYLOAD), 'the title holds the name as text');

  // Staff text goes through the same escaping: a restatement and an internal note.
  await page.fill('#restatement', PAYLOAD);
  await submitStep(page, 'restatement');
  await page.fill('#note', PAYLOAD);
  await submitStep(page, 'note');
  await assertInert(page, 'the case page after steps');
  assert.equal(await page.locator('#step-restate blockquote').innerText(), PAYLOAD);
  const texts = await page.locator('ol.timeline .pre').allInnerTexts();
  assert.equal(texts.filter((t) => t === PAYLOAD).length, 2, `timeline texts: ${JSON.stringify(texts)}`);
  // Confirm it so the case waits on staff again and shows in the inbox.
  await submitStep(page, 'confirm');

  // The inbox.
  await page.goto(`${server.url}/inbox`);
  await assertInert(page, 'the inbox');
  const row = page.locator('li.case-row', { has: page.locator(`a[href="/cases/${c.id}"]`) });
  assert.equal(await row.count(), 1, 'the case is in the inbox');
  assert.equal(await row.locator('.who').innerText(), PAYLOAD);
  assert.equal(await row.locator('.words').innerText(), PAYLOAD);

  // Search for the payload itself: the query is echoed in both search boxes.
  await page.fill('header .search input[name=q]', PAYLOAD);
  await Promise.all([page.waitForURL(/\/search\?q=/), page.press('header .search input[name=q]', 'Enter')]);
  await assertInert(page, 'the search page');
  assert.equal(await page.locator('#sq').inputValue(), PAYLOAD);
  assert.equal(await page.locator('#q').inputValue(), PAYLOAD);
  const hit = page.locator('ol.hits > li', { has: page.locator(`a[href="/cases/${c.id}"]`) });
  assert.equal(await hit.count(), 1, 'the case is found by its words');
  assert.equal(await hit.locator('.snippet').innerText(), PAYLOAD);
  assert.ok(await hit.locator('.snippet mark').count() > 0, 'the matching words are marked');
  assert.ok((await hit.innerText()).includes(`${c.reference} · ${PAYLOAD} ·`));

  // The customer's own pages.
  await page.goto(`${server.url}/customers`);
  await assertInert(page, 'the customer list');
  assert.ok((await page.locator('table.table tbody').innerText()).includes(PAYLOAD));
  await page.click(`table.table tbody a >> text=${PAYLOAD}`);
  await assertInert(page, 'the customer page');
  assert.equal(await page.locator('h1').innerText(), PAYLOAD);
});

test('a form posted without the CSRF token is refused with 403 and records nothing', async () => {
  const c = await logComplaint(page, server, {
    name: 'Gustav Lind',
    body: 'The repair took three weeks.',
  });
  const version = await page.locator('form[action$="/steps/note"] input[name=version]').inputValue();
  const csrf = await page.locator('form[action$="/steps/note"] input[name=csrf]').inputValue();
  assert.match(csrf, /^[0-9a-f]{32,}$/);

  const post = (fields) => page.evaluate(async ({ action, fields }) => {
    const res = await fetch(action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, url: res.url, text: await res.text() };
  }, { action: `/cases/${c.id}/steps/note`, fields });

  page.__allowedStatuses.add(403);
  const missing = await post({ version, note: 'forged note without a token' });
  const wrong = await post({ csrf: '0'.repeat(csrf.length), version, note: 'forged note with a wrong token' });
  page.__allowedStatuses.delete(403);
  assert.equal(missing.status, 403);
  assert.match(missing.text, /CSRF/);
  assert.equal(wrong.status, 403);

  await page.reload();
  const timeline = await page.locator('ol.timeline').innerText();
  assert.ok(!timeline.includes('forged note'), `no forged note on the timeline:\n${timeline}`);
  assert.equal(await page.locator('form[action$="/steps/note"] input[name=version]').inputValue(), version,
    'the case did not change');

  // The same post with the page's token goes through: the refusal was the token's doing.
  const ok = await post({ csrf, version, note: 'a real note with the token' });
  assert.equal(ok.status, 200);
  assert.match(new URL(ok.url).pathname + new URL(ok.url).search, new RegExp(`^/cases/${c.id}\\?done=note`));
  await page.reload();
  assert.match(await page.locator('ol.timeline').innerText(), /a real note with the token/);
  assertNoProblems(page);
});
