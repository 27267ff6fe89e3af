/**
 * The operations page in a real browser: an admin above every dinas sees the queues and opens
 * Bull Board (its own UI, served from this server behind the console's session), reads the audit
 * log and opens a set-aside update only on request; a dinas's admin gets only the logs.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { createStaff, startConsoleApp } from './support.js';

describe('operations page', () => {
  let env: TestEnv;
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    env = await createTestEnv();
    app = await startConsoleApp(env);
    browser = await launchBrowser();
    await app.ctx.db.sql`
      insert into set_aside_updates (channel, stage, chat_id, external_id, raw, error, attempts)
      values ('telegram', 'store', '5550002', 'upd-browser', '{"text":"isi rahasia warga"}', 'ditolak basis data', 3)`;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('shows the queues, Bull Board, the audit log and set-aside updates to a central admin', async () => {
    const staff = await createStaff(app, { role: 'admin', dinasCode: null });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && !message.text().includes('401 (Unauthorized)') && errors.push(message.text()));
    await loginInBrowser(page, app.url!, staff.email, staff.password);
    await page.getByRole('link', { name: 'Operasional' }).click();
    await page.getByRole('rowheader', { name: 'inbound' }).waitFor();

    const [board] = await Promise.all([page.waitForEvent('popup'), page.getByRole('link', { name: 'Buka Bull Board' }).click()]);
    await board.getByText('case-timers').first().waitFor();
    await board.close();

    await page.getByRole('button', { name: 'Log audit' }).click();
    await page.getByRole('cell', { name: 'auth.login' }).first().waitFor();

    await page.getByRole('button', { name: 'Pembaruan disisihkan' }).click();
    await page.getByRole('cell', { name: 'telegram' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('isi rahasia warga');
    await page.getByRole('button', { name: /Tampilkan isi/ }).click();
    await page.getByText('isi rahasia warga').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('gives a dinas’s admin the webhook and audit logs only', async () => {
    const staff = await createStaff(app, { role: 'admin', dinasCode: 'dinsos-bandung' });
    const page = await browser.newPage();
    await loginInBrowser(page, app.url!, staff.email, staff.password);
    await page.getByRole('link', { name: 'Operasional' }).click();
    await page.getByRole('button', { name: 'Webhook' }).waitFor();
    expect(await page.locator('.ops-tabs button').allTextContents()).toEqual(['Webhook', 'Log audit']);
    await page.close();
  });
});
