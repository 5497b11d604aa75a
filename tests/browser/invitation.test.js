// Staff onboarding: the admin invites a colleague from the staff page; the invitation
// reaches a real SMTP server; the colleague opens the link from the mail in their own
// browser, chooses a password and signs in with it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  startServer, launchBrowser, watch, assertNoProblems, signIn, ensureScreenshotDir,
  snap,
} from './harness.js';

let server;
let admin;
let invitee;

before(async () => {
  server = await startServer({ mail: true });
  admin = await launchBrowser();
  invitee = await launchBrowser();
});

after(async () => {
  await admin?.close();
  await invitee?.close();
  await server?.stop();
});

// The invitation link in the mail the sink received, decoded by Python's email package
// (a long line is quoted-printable on the wire).
const READ_LINK = `
import email, email.policy, pathlib, re, sys
for f in sorted(pathlib.Path(sys.argv[1]).glob('*.eml')):
    m = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
    if sys.argv[2] not in str(m['To']): continue
    found = re.search(r'/join/[0-9a-f]{64}', m.get_body(preferencelist=('plain',)).get_content())
    if found: print(found.group(0))
`;

/** The link in the invitation mailed to `to`, once the server's runner has sent it. */
async function mailedLink(to) {
  for (let i = 0; i < 100; i++) {
    const { stdout } = await promisify(execFile)('python3', ['-c', READ_LINK, server.mailDir, to]);
    if (stdout.trim()) return stdout.trim().split('\n').pop();
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no invitation reached ${to}`);
}

test('an invited colleague opens the link from the mail, chooses a password and signs in', async () => {
  const page = watch(admin.first);
  await signIn(page, server);
  await page.goto(`${server.url}/admin/users`);
  await page.fill('#iname', 'Nora Quinn');
  await page.fill('#iemail', 'nora@bakery.example');
  await page.selectOption('#irole', 'manager');
  await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Send the invitation")')]);
  await page.waitForSelector('.notice[role=status]');
  assert.match(await page.locator('.notice[role=status]').innerText(), /An invitation is on its way to Nora Quinn/);
  assert.equal(await page.inputValue('#iname'), '', 'the form is empty again');
  assert.equal(await page.inputValue('#iemail'), '');
  const row = page.locator('tr', { hasText: 'nora@bakery.example' });
  assert.match(await row.innerText(), /Invited, not yet joined/);
  assert.equal(await row.locator('button', { hasText: 'Resend invitation' }).count(), 1);
  const shots = await ensureScreenshotDir();
  await snap(page, { path: path.join(shots, 'invitation-staff-list.png'), fullPage: true });
  assertNoProblems(page);

  // Nora, in her own browser, from the mail.
  const link = await mailedLink('nora@bakery.example');
  const nora = watch(invitee.first);
  await nora.goto(`${server.url}${link}`);
  assert.match(await nora.locator('h1').innerText(), /Welcome, Nora Quinn/);
  await nora.fill('#password', 'sourdough-rises-slowly-77');
  await nora.fill('#repeat', 'sourdough-rises-slowly-77');
  await snap(nora, { path: path.join(shots, 'invitation-join.png'), fullPage: true });
  await Promise.all([nora.waitForLoadState('load'), nora.click('button:has-text("Join")')]);
  await nora.waitForSelector('.notice[role=status]');
  assert.match(await nora.locator('.notice[role=status]').innerText(), /Welcome, Nora Quinn\. Your password is set/);
  assert.equal(await nora.inputValue('#email'), 'nora@bakery.example');
  await nora.fill('#password', 'sourdough-rises-slowly-77');
  await Promise.all([nora.waitForURL(/\/inbox$/), nora.click('button[type=submit]')]);
  assert.equal(await nora.locator('h1').innerText(), 'Inbox');
  assertNoProblems(nora);

  // The link worked once.
  const again = await nora.goto(`${server.url}${link}`);
  assert.equal(again.status(), 410);
  assert.match(await nora.locator('main').innerText(), /This invitation was used already/);
  await page.goto(`${server.url}/admin/users`);
  assert.match(await page.locator('tr', { hasText: 'nora@bakery.example' }).innerText(), /Active/);
});
