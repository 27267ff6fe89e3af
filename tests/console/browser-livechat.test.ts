/**
 * A live chat taken over and handed back in a real browser (Debian's Chromium through
 * playwright-core): a citizen on the fake Telegram Bot API asks for petugas, the request appears
 * in the officer's queue without a reload, the officer takes it, the citizen's message appears in
 * the open chat without a reload, the officer's reply reaches the Bot API, and after the hand back
 * the bot answers the citizen again. All of it with the keyboard, on a phone-sized screen.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id } from '../../flows/copy/id.js';
import type { App } from '../../src/app.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { createTestEnv, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';
import { createStaff, startConsoleApp } from './support.js';

describe('live chat in the browser', () => {
  let env: TestEnv;
  let app: App;
  let telegram: FakeTelegram;
  let browser: Browser;

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    app = await startConsoleApp(env, { config: telegramConfig(telegram) });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await telegram?.close();
    await env?.dispose();
  });

  it('takes a waiting citizen, talks both ways live, and hands the chat back to the bot', async () => {
    const officer = await createStaff(app, { role: 'petugas' });
    // A phone's screen: the queue and the chat are one screen each.
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && !message.text().includes('401 (Unauthorized)') && errors.push(message.text()));
    await loginInBrowser(page, app.url!, officer.email, officer.password);
    await page.goto(`${app.url}/console#/live`);
    await page.getByRole('heading', { name: 'Chat langsung' }).waitFor();
    await page.getByText('Tidak ada warga yang menunggu.').waitFor();
    // The page's live stream opened as it mounted; one opened after it is open once this one is.
    await page.evaluate(() => new Promise<void>((resolve) => (new EventSource('/api/v1/events').onopen = () => resolve())));

    // The citizen asks for a person while the officer's queue is open.
    const chatId = 9_300_001;
    let messageId = 0;
    const say = async (text: string) => expect(await postUpdate(app.url!, textUpdate(chatId, ++messageId, text))).toBe(200);
    const received = () => telegram.sent(String(chatId)).map((m) => m.text);
    await say('halo');
    await say('petugas');
    await waitForIdle(app);
    expect(received().at(-1)).toContain(id.petugas.recorded);

    const take = page.getByRole('button', { name: /^Ambil permintaan #\d+$/ });
    await take.waitFor();
    await expect(page.getByText(/menunggu (kurang dari 1 menit|\d+ mnt)/).count()).resolves.toBeGreaterThan(0);
    const asked = received().length;
    await take.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Siti Rahayu' }).waitFor();
    await telegram.waitForSends(asked + 1, { chatId: String(chatId) });
    expect(received().at(-1)).toBe(id.petugas.joined);

    // The citizen writes; the open chat shows it without a reload, and the bot stays quiet.
    const before = received().length;
    await say('Bantuan PKH saya belum cair sejak Agustus.');
    const log = page.getByRole('list', { name: 'Percakapan' });
    await log.getByText('Bantuan PKH saya belum cair sejak Agustus.').waitFor();
    await waitForIdle(app);
    expect(received()).toHaveLength(before);

    // The officer answers from the keyboard, where taking the chat put it: Enter sends.
    await page.waitForFunction(() => document.activeElement?.id === 'livechat-reply-text');
    await page.keyboard.type('Selamat siang Bu, kami cek datanya dulu.');
    await page.keyboard.press('Enter');
    await telegram.waitForSends(before + 1, { chatId: String(chatId) });
    expect(received().at(-1)).toBe('Selamat siang Bu, kami cek datanya dulu.');
    await log.getByText('Selamat siang Bu, kami cek datanya dulu.').waitFor();
    await expect(page.getByLabel('Balasan untuk warga').inputValue()).resolves.toBe('');

    // Hand back: the bot says so, shows the menu, and answers the next message itself.
    await page.getByRole('button', { name: 'Kembalikan ke bot' }).click();
    await page.getByText('Tidak ada warga yang menunggu.').waitFor();
    await telegram.waitForSends(before + 2, { chatId: String(chatId) });
    expect(received().at(-1)!.startsWith(id.notes.handedBack)).toBe(true);
    await say('3');
    await telegram.waitForSends(before + 3, { chatId: String(chatId) });
    expect(received().at(-1)).not.toBe(received().at(-2));

    expect(errors).toEqual([]);
    await page.close();
  });
});
