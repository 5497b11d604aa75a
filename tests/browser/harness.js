// Shared set-up for the browser tests: start the real `amends serve` against a fresh
// SQLite directory, open the system Chromium through playwright-core, sign in, and
// watch every page for console errors, uncaught exceptions and CSP violations.

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const SCREENSHOTS = path.join(HERE, 'screenshots');
export const CHROMIUM = process.env.AMENDS_CHROMIUM || '/usr/bin/chromium';

export function binaryPath() {
  if (process.env.AMENDS_BIN) return process.env.AMENDS_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(REPO, 'target');
  return path.join(target, 'debug', 'amends');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A real SMTP server (aiosmtpd, the mail crate's test sink) on a free loopback port,
 * keeping each message as a .eml file in its folder: customers' links exist only in
 * the mail that left, never in anything the desk keeps.
 */
async function startMailSink() {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'amends-browser-mail-'));
  const script = path.join(REPO, 'crates', 'amends-mail', 'tests', 'smtp_sink.py');
  const child = spawn('python3', [script, '--folder', folder], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(Number(line.trim()));
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the SMTP sink exited (${code}): pip install aiosmtpd`)));
  });
  const stop = async () => {
    child.stdin.end();
    child.kill('SIGTERM');
    await rm(folder, { recursive: true, force: true });
  };
  return { folder, port, stop };
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Waits for the binary: someone else may be rebuilding it right now. */
async function waitForBinary(bin) {
  for (let i = 0; i < 120 && !existsSync(bin); i++) await sleep(500);
  assert.ok(existsSync(bin), `the amends binary is missing at ${bin} (set AMENDS_BIN)`);
}

/**
 * Starts `amends serve` on a free port with a fresh data directory. Resolves when
 * /healthz answers, with the base URL and the first admin's one-time credentials.
 */
export async function startServer({ mail = false } = {}) {
  const bin = binaryPath();
  await waitForBinary(bin);
  const sink = mail ? await startMailSink() : null;
  const mailEnv = sink
    ? { AMENDS_SMTP_HOST: '127.0.0.1', AMENDS_SMTP_PORT: String(sink.port), AMENDS_SMTP_SECURITY: 'none' }
    : {};
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'amends-browser-data-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let child;
    try {
      child = spawn(bin, ['serve', '--address', `127.0.0.1:${port}`], {
        env: { ...process.env, ...mailEnv, AMENDS_CURRENCY: 'EUR', AMENDS_DATA_DIR: dataDir, AMENDS_LOG: process.env.AMENDS_LOG || 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      // ETXTBSY and friends while the binary is being replaced.
      lastError = e;
      await rm(dataDir, { recursive: true, force: true });
      await sleep(1000);
      continue;
    }
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      if (process.env.AMENDS_SHOW_LOG) process.stderr.write(d);
    });
    let exited = null;
    const exitedP = new Promise((resolve) => {
      child.on('exit', (code, signal) => { exited = { code, signal }; resolve(); });
      // A spawn that failed (ETXTBSY while the binary is being replaced) never exits.
      child.on('error', (e) => { lastError = e; exited = exited || { error: e.message }; resolve(); });
    });

    const stop = async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
        await exitedP;
        clearTimeout(t);
      }
      await rm(dataDir, { recursive: true, force: true });
      if (sink) await sink.stop();
    };

    const deadline = Date.now() + 30_000;
    let healthy = false;
    while (Date.now() < deadline && !exited) {
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.ok) { healthy = true; break; }
      } catch { /* not listening yet */ }
      await sleep(100);
    }
    // The credentials are printed before the listener opens; give stdout a moment.
    for (let i = 0; i < 50 && healthy && !/password:\s*\S+/.test(stdout); i++) await sleep(100);
    const email = stdout.match(/^\s*email:\s*(\S+)\s*$/m)?.[1];
    const password = stdout.match(/^\s*password:\s*(\S+)\s*$/m)?.[1];
    if (healthy && email && password) {
      return { url, email, password, dataDir, mailDir: sink?.folder, stop, logs: () => stderr };
    }
    lastError = exited?.error ? lastError : new Error(
      `amends serve did not come up (healthy=${healthy}, exit=${JSON.stringify(exited)})\n` +
      `stdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`,
    );
    await stop();
  }
  throw lastError;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh Chromium profile in a temporary directory. */
export async function launchBrowser({ viewport = { width: 1280, height: 900 }, ...emulation } = {}) {
  assert.ok(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}`);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'amends-browser-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    ...emulation,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  // Every CSP violation a page reports, whatever its console says.
  await context.exposeBinding('__amendsCspViolation', ({ page }, v) => {
    page.__problems?.push(`CSP violation: ${v.directive} blocked ${v.blocked} at ${v.url}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__amendsCspViolation({ directive: e.violatedDirective, blocked: e.blockedURI, url: location.href });
    });
  });
  // The first tab of a persistent context: reuse it rather than leave it blank.
  const first = context.pages()[0];
  const close = async () => {
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  };
  return { context, first, close };
}

/**
 * Records console errors, uncaught exceptions and CSP violations of `page` in
 * `page.__problems`. `allowStatus` lists HTTP statuses that the test provokes on purpose
 * (Chromium logs "Failed to load resource" for them).
 */
export function watch(page) {
  page.__problems = [];
  page.__allowedStatuses = new Set();
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && !/Content.Security.Policy/i.test(msg.text())) return;
    const text = msg.text();
    const status = text.match(/status of (\d{3})/)?.[1];
    if (status && page.__allowedStatuses.has(Number(status))) return;
    page.__problems.push(`console ${msg.type()}: ${text} (${msg.location()?.url || page.url()})`);
  });
  page.on('pageerror', (err) => page.__problems.push(`uncaught: ${err.message} (${page.url()})`));
  return page;
}

export function assertNoProblems(page, what = page.url()) {
  assert.deepEqual(page.__problems, [], `console errors or CSP violations on ${what}`);
}

/** A new tab, watched. */
export async function newPage(context) {
  return watch(await context.newPage());
}

/** Signs in through the login form and lands on the inbox. */
export async function signIn(page, server) {
  const res = await page.goto(`${server.url}/inbox`);
  assert.equal(res.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/login$/, 'an anonymous visit is sent to the login page');
  await page.fill('#email', server.email);
  await page.fill('#password', server.password);
  await Promise.all([page.waitForURL(/\/inbox$/), page.click('button[type=submit]')]);
  assert.equal(await page.locator('h1').innerText(), 'Inbox');
}

/**
 * Logs a complaint through /cases/new for a new customer; returns the case's id,
 * URL and reference as shown on the case page.
 */
export async function logComplaint(page, server, c) {
  await page.goto(`${server.url}/cases/new`);
  await page.fill('#name', c.name);
  if (c.email) await page.fill('#email', c.email);
  if (c.phone) await page.fill('#phone', c.phone);
  await page.selectOption('#channel', c.channel || 'phone');
  if (c.severity) await page.selectOption('#severity', c.severity);
  if (c.subject) await page.fill('#subject', c.subject);
  await page.fill('#body', c.body);
  if (c.wish) await page.fill('#wish', c.wish);
  await Promise.all([
    page.waitForURL(/\/cases\/\d+$/),
    page.click('form.grid-form button[type=submit]'),
  ]);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  const head = await page.locator('.case-head p.muted').first().innerText();
  const reference = head.match(/AM-\d+/)?.[0];
  assert.ok(reference, `the case page shows a reference: ${head}`);
  return { id, url: page.url(), reference };
}

/** The `.step-status` text of `#step-<name>`. */
export async function stepStatus(page, step) {
  return (await page.locator(`#step-${step} .step-status`).innerText()).trim();
}

/** Submits the form whose action ends with /steps/<action> and waits for the case page. */
export async function submitStep(page, action, { button, within } = {}) {
  const form = (within || page).locator(`form[action$="/steps/${action}"]`);
  assert.equal(await form.count(), 1, `one form for the step ${action}`);
  const [res] = await Promise.all([
    page.waitForNavigation(),
    (button ? form.locator(button) : form.locator('button[type=submit]').first()).click(),
  ]);
  return res;
}

/** A time as the pages write it on the desk's clock (UTC here): "9 Dec 2026, 14:05 UTC". */
export function wallClock(date) {
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getUTCMonth()];
  const two = (n) => String(n).padStart(2, '0');
  return `${date.getUTCDate()} ${month} ${date.getUTCFullYear()}, ${two(date.getUTCHours())}:${two(date.getUTCMinutes())} UTC`;
}

export function isoLocal(date) {
  // "YYYY-MM-DDTHH:MM" in UTC, as a datetime-local input takes it.
  return date.toISOString().slice(0, 16);
}

export async function ensureScreenshotDir() {
  await mkdir(SCREENSHOTS, { recursive: true });
  return SCREENSHOTS;
}

/**
 * For a test file: before its tests, starts a server and a browser and signs in; after
 * them, closes both. The returned object's `server`, `browser` and `page` are set once
 * the tests run.
 */
export function signedInSession() {
  const session = { server: null, browser: null, page: null };
  before(async () => {
    session.server = await startServer();
    session.browser = await launchBrowser();
    session.page = watch(session.browser.first);
    await signIn(session.page, session.server);
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.stop();
  });
  return session;
}

const READ_MAIL = `
import email, email.policy, json, pathlib, sys
out = []
for f in sorted(pathlib.Path(sys.argv[1]).glob('*.eml')):
    m = email.message_from_bytes(f.read_bytes(), policy=email.policy.default)
    part = m.get_body(preferencelist=('plain',))
    out.append({'To': str(m['To'] or ''), 'Subject': str(m['Subject'] or ''), 'text': part.get_content() if part else ''})
print(json.dumps(out))
`;

/** Every mail the server's SMTP sink holds so far, as `{To, Subject, text}` (plain part), oldest first. */
export async function mailsIn(server) {
  const { stdout } = await promisify(execFile)('python3', ['-c', READ_MAIL, server.mailDir]);
  return JSON.parse(stdout);
}

/**
 * Saves a screenshot of a page or an element. Screenshots are for people to look at, not
 * assertions; Chromium now and then refuses one ("Unable to capture screenshot") after a
 * test's assertions have passed, so it is tried once more before the test fails.
 */
export async function snap(target, options) {
  try {
    await target.screenshot(options);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 250));
    await target.screenshot(options);
  }
}
