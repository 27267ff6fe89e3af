/**
 * The console in a real browser (Debian's Chromium through playwright-core): the login form,
 * the session that survives a reload, a change refused without the CSRF token even from the
 * console's own page, and the lockout message after repeated wrong passwords.
 */
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { MAX_FAILED_LOGINS } from '../../src/console/accounts.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { eventsOf, eventually, openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { createStaff, startConsoleApp } from './support.js';

describe('console login in the browser', () => {
  let env: TestEnv;
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    env = await createTestEnv();
    app = await startConsoleApp(env);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('logs in through the form, stays logged in after a reload, and logs out', async () => {
    const staff = await createStaff(app, { role: 'verifikator' });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The first /api/v1/me before login answers 401 by design; anything else failing is a fault.
    page.on('console', (message) => message.type() === 'error' && !message.text().includes('401 (Unauthorized)') && errors.push(message.text()));
    await loginInBrowser(page, app.url!, staff.email, staff.password);
    await page.getByRole('link', { name: 'Test verifikator' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Keluar' }).waitFor();
    await page.getByRole('button', { name: 'Keluar' }).click();
    await page.getByRole('button', { name: 'Masuk' }).waitFor();
    // No script refused by the Content-Security-Policy, nothing failing to load.
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads the console, logs in and shows the first page in under 300 KB transferred', async () => {
    const staff = await createStaff(app, { role: 'petugas' });
    const page = await browser.newPage();
    const sizes: Promise<number>[] = [];
    const counted = (request: Request) => sizes.push(request.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
    page.on('requestfinished', counted);
    await loginInBrowser(page, app.url!, staff.email, staff.password);
    // The first page has rendered (the live stream stays open, so the network is never idle).
    await page.locator('main#main h1').first().waitFor();
    // Counted no further: a size asked for after this would still be pending when the page closes,
    // and reject with nobody waiting for it (an unhandled rejection in whatever test runs next).
    page.off('requestfinished', counted);
    const total = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    expect(sizes.length).toBeGreaterThan(5);
    expect(total).toBeLessThan(300 * 1024);
    await page.close();
  });

  it('switches the console to English and back', async () => {
    const staff = await createStaff(app, { role: 'petugas' });
    const page = await browser.newPage();
    await loginInBrowser(page, app.url!, staff.email, staff.password);
    await page.getByRole('button', { name: 'Ganti bahasa' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.getByRole('button', { name: 'Switch language' }).click();
    await page.getByRole('button', { name: 'Keluar' }).waitFor();
    await page.close();
  });

  it('refuses a change sent without the CSRF token (a PATCH and a POST), even from the console\'s own page with its cookie', async () => {
    const staff = await createStaff(app, { role: 'verifikator' });
    const ticket = await openTestCase(app, await seedIdentity(app, 'telegram', '7730001', { lang: 'id' }), { serviceCode: 'pkh' });
    const page = await browser.newPage();
    await loginInBrowser(page, app.url!, staff.email, staff.password);
    const statuses = await page.evaluate(async (ticket) => {
      const json = { 'content-type': 'application/json' };
      const without = await fetch('/api/v1/me', { method: 'PATCH', headers: json, body: JSON.stringify({ lang: 'en' }) });
      const note = (text: string, token?: string) =>
        fetch(`/api/v1/cases/${ticket}/notes`, { method: 'POST', headers: token ? { ...json, 'x-csrf-token': token } : json, body: JSON.stringify({ text, internal: true }) });
      const postWithout = await note('Tanpa token.');
      const token = (await (await fetch('/api/v1/me')).json()).csrfToken;
      const withToken = await fetch('/api/v1/me', { method: 'PATCH', headers: { ...json, 'x-csrf-token': token }, body: JSON.stringify({ lang: 'id' }) });
      const postWith = await note('Dengan token.', token);
      return [without.status, postWithout.status, withToken.status, postWith.status];
    }, ticket);
    expect(statuses).toEqual([403, 403, 200, 200]);
    // The refused POST wrote nothing; the one with the token did.
    expect((await eventsOf(app, ticket)).filter((e) => e.type === 'note').map((e) => e.note)).toEqual(['Dengan token.']);
    await page.close();
  });

  it(`shows the lockout after ${MAX_FAILED_LOGINS} wrong passwords, and refuses the right one then`, async () => {
    const staff = await createStaff(app, { role: 'petugas' });
    const page = await browser.newPage();
    await page.goto(`${app.url}/console`);
    await page.getByLabel('E-mail').fill(staff.email);
    // Each answer is known to have come once its audit row exists; the message is read after it.
    const failures = async () => (await app.ctx.db.sql`select count(*)::int as n from audit_log where action = 'auth.login.failed'`)[0].n as number;
    const attempt = async (password: string) => {
      const before = await failures();
      await page.getByLabel('Kata sandi').fill(password);
      await page.getByRole('button', { name: 'Masuk' }).click();
      await eventually('the login to be answered', async () => (await failures()) > before);
    };
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) {
      await attempt(`salah-${i}`);
      await page.getByRole('alert').filter({ hasText: 'E-mail atau kata sandi salah.' }).waitFor();
    }
    await attempt('salah-terakhir');
    await page.getByRole('alert').filter({ hasText: 'Akun dikunci sementara; coba lagi dalam 15 menit' }).waitFor();
    await attempt(staff.password);
    await page.getByRole('alert').filter({ hasText: 'Akun dikunci sementara' }).waitFor();
    expect(await page.getByRole('button', { name: 'Keluar' }).count()).toBe(0);
    await page.close();
  });
});
