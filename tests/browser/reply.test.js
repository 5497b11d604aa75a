// Reply is the main action: the manager keeps the bakery's usual answer as a saved
// reply; Mia, an agent, puts it in the Reply box of Hannah's case (filled in for her),
// changes a word and sends it. It is on the timeline, and Hannah's mail is in the same
// conversation as the acknowledgement she had, signed by Mia and the bakery.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  startServer, launchBrowser, watch, assertNoProblems, signIn, logComplaint, ensureScreenshotDir,
  snap,
} from './harness.js';

// The desk mails as the bakery (each test file is its own process).
process.env.AMENDS_MAIL_FROM = '"Weber Bakery" <desk@weber.example>';

let server;
let browser;
let page;

before(async () => {
  server = await startServer({ mail: true });
  browser = await launchBrowser();
  page = watch(browser.first);
  await signIn(page, server);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every message the SMTP server received: sender, recipient, headers and plain text. */
const READ_MAIL = `
import email, email.policy, json, pathlib, sys
out = []
for f in sorted(pathlib.Path(sys.argv[1]).glob('*.eml')):
    m = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
    part = m.get_body(preferencelist=('plain',))
    out.append({k: str(m[k] or '') for k in ['From', 'To', 'Subject', 'Message-ID', 'In-Reply-To', 'References']}
               | {'text': part.get_content() if part else ''})
print(json.dumps(out))
`;

async function mailbox() {
  const { stdout } = await promisify(execFile)('python3', ['-c', READ_MAIL, server.mailDir]);
  return JSON.parse(stdout);
}

/** The message to `to` whose text has `words`, once the desk's runner has sent it. */
async function arrives(to, words) {
  for (let i = 0; i < 100; i++) {
    const found = (await mailbox()).find((m) => m.To.includes(to) && m.text.includes(words));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`no message with "${words}" reached ${to}: ${JSON.stringify(await mailbox(), null, 1)}`);
}

test('an agent answers from the Reply box with a saved reply, and the customer reads it in her thread', async () => {
  // The manager (here the first admin) keeps a saved reply; an unknown variable is refused by name.
  await page.goto(`${server.url}/admin/replies`);
  page.__allowedStatuses.add(422); // the refusal below, on purpose
  await page.fill('#name', 'New cake tomorrow');
  await page.fill('#body', 'Dear {{ customer.last_name }}, a new cake leaves our kitchen at nine tomorrow.');
  await Promise.all([page.waitForLoadState(), page.click('form[action="/admin/replies"] button[type=submit]')]);
  assert.match(await page.locator('.alert').innerText(), /customer\.last_name/, 'the unknown variable is named');
  assert.match(await page.inputValue('#body'), /a new cake leaves/, 'the words are kept');
  await page.fill('#body',
    'Dear {{ customer.first_name }}, this is {{ agent.name }} at the bakery. I am sorry the cake for ' +
    '{{ case.reference }} came late. A new cake leaves our kitchen at nine tomorrow, and I will call you when it does.');
  await Promise.all([page.waitForURL(/\/admin\/replies\/\d+\?saved=1$/), page.click('form[action="/admin/replies"] button[type=submit]')]);
  assert.match(await page.locator('.notice').innerText(), /Saved/);
  page.__allowedStatuses.delete(422);

  // Mia, an agent, signs in.
  const res = await page.request.post(`${server.url}/api/v1/session`, { data: { email: server.email, password: server.password } });
  const { csrf_token: csrf } = await res.json();
  await page.request.post(`${server.url}/api/v1/users`, {
    headers: { 'x-csrf-token': csrf },
    data: { email: 'mia@weber.example', name: 'Mia Schmidt', role: 'agent', password: 'correct horse battery' },
  });
  await browser.context.clearCookies();
  await page.goto(`${server.url}/login`);
  await page.fill('#email', 'mia@weber.example');
  await page.fill('#password', 'correct horse battery');
  await Promise.all([page.waitForURL(/\/inbox$/), page.click('button[type=submit]')]);

  const hannah = await logComplaint(page, server, {
    name: 'Hannah Weber', email: 'hannah@example.com', subject: 'Birthday cake',
    body: 'The birthday cake came two hours late and the party had already started.',
  });
  const ack = await arrives('hannah@example.com', 'Dear Hannah');

  // The Reply box is on the case page; the saved reply fills it for Hannah (no script needed).
  const box = page.locator('#reply');
  assert.match(await box.locator('h2').innerText(), /Reply to Hannah Weber/);
  await page.selectOption('#reply-with', { label: 'New cake tomorrow' });
  await Promise.all([page.waitForURL(/reply_with=\d+/), box.locator('form.saved-replies button').click()]);
  const filled = await page.inputValue('#reply-text');
  assert.equal(filled,
    `Dear Hannah, this is Mia Schmidt at the bakery. I am sorry the cake for ${hannah.reference} came late. ` +
    'A new cake leaves our kitchen at nine tomorrow, and I will call you when it does.');
  await page.fill('#reply-text', filled.replace('at nine', 'at half past eight'));
  const shots = await ensureScreenshotDir();
  await snap(box, { path: path.join(shots, 'reply-box.png') });

  await Promise.all([page.waitForURL(/done=reply/), page.click('#reply button[value=now]')]);
  const timeline = page.locator('ol.timeline');
  assert.match(await timeline.locator('li').filter({ hasText: 'Replied to the customer' }).innerText(),
    /Mia Schmidt[\s\S]*leaves our kitchen at half past eight tomorrow/);
  await snap(page, { path: path.join(shots, 'reply-sent.png'), fullPage: true });

  // As Hannah receives it: from the bakery, in the same conversation, signed by Mia and the bakery.
  const mail = await arrives('hannah@example.com', 'half past eight');
  assert.match(mail.From, /Weber Bakery/);
  assert.equal(mail['In-Reply-To'], ack['Message-ID'], 'threaded on the acknowledgement she had');
  assert.match(mail.Subject, new RegExp(hannah.reference));
  const text = mail.text.replace(/\r\n/g, '\n').trim();
  assert.match(text, /^Dear Hannah, this is Mia Schmidt/, 'her words as written, greeted once');
  assert.equal((text.match(/Dear/g) || []).length, 1, text);
  assert.match(text, /when it does\.\n\nMia Schmidt\nWeber Bakery$/, JSON.stringify(text));
  assert.doesNotMatch(mail.text, /The team/);
  assertNoProblems(page);
});
