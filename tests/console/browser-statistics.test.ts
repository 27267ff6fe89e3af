/**
 * The statistics page in a real browser (Debian's Chromium through playwright-core): a pimpinan
 * picks a range, the summary shows the scope's numbers, uPlot draws the three month charts (served
 * by this server, under the console's Content-Security-Policy), the tables and the CSV link follow
 * the range, and the page fits a phone's width.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { buildStatisticsCases, statisticsClock } from '../support/statistics-cases.js';
import { createStaff } from './support.js';

describe('statistics page', () => {
  let env: TestEnv;
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    env = await createTestEnv();
    app = await startTestApp(env, { role: 'web', config: { CONSOLE_LOGIN_PER_MINUTE: '1000' }, now: statisticsClock().now });
    await buildStatisticsCases(app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('draws the charts and tables of the chosen range', async () => {
    const staff = await createStaff(app, { role: 'pimpinan', dinasCode: 'dinsos-bandung' });
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && !message.text().includes('401 (Unauthorized)') && errors.push(message.text()));
    await loginInBrowser(page, app.url!, staff.email, staff.password);
    await page.goto(`${app.url}/console#/statistics`);
    await page.getByLabel('Dari tanggal').fill('2026-11-01');
    await page.getByLabel('Sampai tanggal').fill('2026-12-31');
    await page.getByRole('button', { name: 'Tampilkan' }).click();

    const received = page.locator('.stats-summary div', { hasText: 'Diterima' }).locator('dd');
    await expect.poll(() => received.textContent()).toBe('6');
    // Three uPlot charts, each with its canvas drawn at the box's width.
    await page.locator('.stats-chart canvas').nth(2).waitFor();
    expect(await page.locator('.stats-chart .uplot').count()).toBe(3);
    const widths = await page.locator('.stats-chart canvas').evaluateAll((canvases) => canvases.map((c) => (c as HTMLCanvasElement).width));
    expect(widths.every((w) => w > 0)).toBe(true);
    await expect.poll(() => page.getByRole('img', { name: 'Diterima dan ditindaklanjuti per bulan' }).count()).toBe(1);

    const byMonth = page.locator('table', { has: page.locator('caption', { hasText: 'Per bulan' }) });
    expect(await byMonth.locator('tbody tr').count()).toBe(2);
    const byCategory = page.locator('table', { has: page.locator('caption', { hasText: 'Per kategori' }) });
    expect(await byCategory.locator('tbody th').allTextContents()).toEqual(['Bantuan sosial']);
    const csv = await page.getByRole('link', { name: 'Unduh CSV' }).getAttribute('href');
    expect(csv).toBe('/api/v1/statistics.csv?from=2026-11-01&to=2026-12-31');
    // Usable on a phone: nothing but the tables' own scroll boxes is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(errors).toEqual([]);
    await page.close();
  });
});
