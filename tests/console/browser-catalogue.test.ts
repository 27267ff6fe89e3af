/**
 * In a real browser: an admin changes a service's required documents on the catalogue page, and
 * the citizen's next "syarat pkh" over the (fake) Telegram Bot API shows the new list.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { citizenChat, telegramConfig } from '../support/telegram.js';
import { createStaff, startConsoleApp } from './support.js';

let env: TestEnv;
let telegram: FakeTelegram;
let app: App;
let browser: Browser;
let page: Page;

let citizenSays: (text: string) => Promise<string>;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  app = await startConsoleApp(env, { config: telegramConfig(telegram) });
  citizenSays = citizenChat(app, telegram, 8_200_001);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await telegram?.close();
  await env?.dispose();
});

describe('catalogue page', () => {
  it("an admin's edit of the required documents is the bot's next answer", async () => {
    await citizenSays('halo');
    await citizenSays('syarat');
    expect(await citizenSays('pkh')).toContain('Terdaftar di DTKS');

    const admin = await createStaff(app, { role: 'admin' });
    await loginInBrowser(page, app.url!, admin.email, admin.password);
    await page.goto(`${app.url}/console#/catalogue`);
    await page.getByRole('button', { name: 'Ubah Program Keluarga Harapan (PKH)' }).click();
    await page.getByLabel('Persyaratan / dokumen (Bahasa Indonesia)').fill('KTP-el\nKartu Keluarga\nSurat keterangan tidak mampu dari kelurahan');
    await page.getByLabel('Persyaratan / dokumen (English)').fill('e-KTP\nFamily card\nCertificate of low income from the kelurahan');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await page.getByRole('status').filter({ hasText: 'Tersimpan' }).waitFor();

    await citizenSays('2');
    const answer = await citizenSays('pkh');
    expect(answer).toContain('1. KTP-el\n2. Kartu Keluarga\n3. Surat keterangan tidak mampu dari kelurahan');
    expect(answer).not.toContain('Terdaftar di DTKS');
    const [audit] = await app.ctx.db.sql<{ staff_id: number }[]>`select staff_id from audit_log where action = 'catalogue.service.update'`;
    expect(audit.staff_id).toBe(admin.id);
  });

  it('works from the keyboard, and shows a refusal in words when the two languages disagree', async () => {
    // Enter on the row's button opens the form with focus on its heading, so a screen reader says where it is.
    // The focus is already there when the heading first appears in the page: a watcher of the page's changes
    // looks at the first moment the heading exists, so a focus moved later (after paint) fails here.
    await page.getByRole('button', { name: 'Ubah Program Keluarga Harapan (PKH)' }).focus();
    await page.evaluate((title) => {
      (window as unknown as { focusedOnArrival: Promise<boolean | string> }).focusedOnArrival = new Promise<boolean | string>((resolve) => {
        const watcher = new MutationObserver(() => {
          const heading = [...document.querySelectorAll('h2')].find((h) => h.textContent?.trim() === title);
          if (!heading) return;
          watcher.disconnect();
          resolve(document.activeElement === heading);
        });
        watcher.observe(document.body, { childList: true, subtree: true });
        // A failure's reason, not a wait: the form never opened.
        setTimeout(() => {
          watcher.disconnect();
          resolve('no heading appeared within 5 s');
        }, 5_000);
      });
    }, 'Ubah Program Keluarga Harapan (PKH)');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (window as unknown as { focusedOnArrival: Promise<boolean | string> }).focusedOnArrival)).toBe(true);
    await page.getByLabel('Persyaratan / dokumen (English)').fill('e-KTP');
    await page.getByRole('button', { name: 'Simpan' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBeTruthy();
    await page.getByRole('button', { name: 'Batal' }).click();
    await page.getByRole('button', { name: 'Tambah' }).waitFor();
  });
});
