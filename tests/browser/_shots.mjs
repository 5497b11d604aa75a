import { startServer, launchBrowser, watch, signIn } from './harness.js';
const server = await startServer();
const browser = await launchBrowser();
const page = watch(browser.first);
try {
  await signIn(page, server);
  const call = (method, url, data) => page.evaluate(async ({ method, url, data }) => {
    const csrf = document.querySelector('meta[name=csrf-token]').content;
    const r = await fetch(url, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: data ? JSON.stringify(data) : undefined });
    return r.json();
  }, { method, url, data });
  const a = await call('POST', '/api/v1/cases', { customer: { name: 'Hannah Becker', email: 'hannah@example.de', phone: '+49 30 1234' }, body: 'Die Torte kam einen Tag zu spät und war zerdrückt. Niemand hat auf meine E-Mails geantwortet.', wish: 'Eine neue Torte bis Samstag', channel: 'email' });
  const b = await call('POST', '/api/v1/cases', { customer: { name: 'Jonas Weber', email: 'jonas@example.de' }, body: 'Im Brot war eine Walnuss, obwohl ich allergisch bin.', channel: 'phone', severity: 'high' });
  await call('POST', `/api/v1/cases/${a.id}/restatement`, { text: 'Ihre Torte kam zu spät und beschädigt an, und niemand hat Ihnen geantwortet.' });
  await call('POST', `/api/v1/cases/${a.id}/restatement/confirm`);
  await call('POST', `/api/v1/cases/${a.id}/apology`, { text: 'Es tut mir leid. Wir haben die Torte schlecht verpackt und Sie nicht beantwortet; dafür übernehme ich die volle Verantwortung.' });
  for (const lang of ['en', 'de']) {
    await page.goto(`${server.url}/account`);
    await page.selectOption('#language', lang);
    await Promise.all([page.waitForNavigation(), page.locator('#language').evaluate((el) => el.form.requestSubmit())]);
    await page.goto(`${server.url}/inbox`);
    await page.screenshot({ path: `/tmp/staffa-inbox-${lang}.png`, fullPage: true });
    await page.goto(`${server.url}/cases/${a.id}`);
    await page.screenshot({ path: `/tmp/staffa-case-${lang}.png`, fullPage: true });
    await page.goto(`${server.url}/cases/${b.id}`);
    await page.screenshot({ path: `/tmp/staffa-case2-${lang}.png`, fullPage: false });
    await page.goto(`${server.url}/customers`);
    await page.screenshot({ path: `/tmp/staffa-customers-${lang}.png`, fullPage: false });
  }
  console.log('problems', page.__problems);
} finally {
  await browser.close();
  await server.stop();
}
