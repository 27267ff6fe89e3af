/**
 * The inbox in a real browser (Debian's Chromium through playwright-core): a verifikator logs in
 * and lands on it; a citizen files a case over the fake Telegram Bot API and the case appears in
 * the open page without a reload, counted in the side bar and linking to its case page; a view
 * of the side bar and the search narrow the list.
 */
import { describe, expect, it } from 'vitest';
import { loginInBrowser } from '../support/browser.js';
import { openTestCase, seedIdentity, SYSTEM } from '../support/cases.js';
import { fileReport, telegramCitizen } from '../support/citizens.js';
import { createStaff, useBrowserConsole } from './support.js';

const REPORT = ['halo', '1', '1', '1', 'Bantuan sembako belum diterima warga RT 03.', 'lewati', 'lewati', '2', '1'];

describe('the inbox in the browser', () => {
  const fixture = useBrowserConsole();

  it('shows a case filed over Telegram as it arrives, without a reload', async () => {
    const { app, telegram, browser } = fixture;
    const earlier = await openTestCase(app, await seedIdentity(app, 'web', 'browser-inbox-1'), { description: 'Lampu jalan mati.' });
    const staff = await createStaff(app, { role: 'verifikator', unitCode: 'verifikator' });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && !message.text().includes('401 (Unauthorized)') && errors.push(message.text()));
    // The live stream is subscribed on the server before its response headers leave.
    const streaming = page.waitForResponse((response) => response.url().endsWith('/api/v1/events') && response.status() === 200);
    await loginInBrowser(page, app.url!, staff.email, staff.password);
    await page.getByRole('heading', { name: 'Kotak masuk' }).waitFor();
    await page.locator(`tr[data-ticket="${earlier}"]`).waitFor();
    await streaming;
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    const allCount = page.locator('.inbox-count[data-view="all"]');
    await expect.poll(() => allCount.textContent()).toBe('1');

    const ticket = await fileReport(telegramCitizen(app, telegram, 9_400_001), REPORT);

    const row = page.locator(`tr[data-ticket="${ticket}"]`);
    await row.waitFor();
    expect(await row.getByRole('link').getAttribute('href')).toBe(`#/cases/${ticket}`);
    expect(await row.textContent()).toContain('Telegram');
    expect(await row.textContent()).toContain('Bantuan sosial');
    // Newest first, and the same page: nothing reloaded it.
    expect(await page.locator('tbody tr').first().getAttribute('data-ticket')).toBe(ticket);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect.poll(() => allCount.textContent()).toBe('2');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('narrows the list by a view of the side bar and by search', async () => {
    const { app, browser } = fixture;
    const rejected = await openTestCase(app, await seedIdentity(app, 'web', 'browser-inbox-2'), { description: 'Pertanyaan jadwal posyandu.' });
    await app.cases.transition(SYSTEM, rejected, 'ditolak', { note: 'Bukan pengaduan.' });
    const staff = await createStaff(app, { role: 'verifikator', unitCode: 'verifikator' });
    const page = await browser.newPage();
    await loginInBrowser(page, app.url!, staff.email, staff.password);
    await page.locator(`tr[data-ticket="${rejected}"]`).waitFor();
    const tickets = () => page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket')));

    await page.getByRole('button', { name: /^Ditolak/ }).click();
    await expect.poll(tickets).toEqual([rejected]);
    await page.getByRole('button', { name: /^Semua/ }).click();
    await expect.poll(async () => (await tickets()).length).toBeGreaterThan(1);

    await page.getByLabel('Cari tiket atau kata').fill('posyandu');
    await page.getByRole('button', { name: 'Cari', exact: true }).click();
    await expect.poll(tickets).toEqual([rejected]);
    await page.close();
  });
});
