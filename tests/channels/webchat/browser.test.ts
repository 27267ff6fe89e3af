/**
 * The web chat page in a real browser (Debian's Chromium through playwright-core), under the
 * server's Content-Security-Policy: a conversation with tapped options, the session kept across a
 * reload in a header (never in a URL), "Percakapan baru" ending it so the next person at the
 * computer sees nothing of it, and a session that expired replaced by a new one with a note.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { launchBrowser } from '../../support/browser.js';
import { testClock } from '../../support/clock.js';
import { createTestEnv, startTestApp, type TestEnv } from '../../support/env.js';

const SESSION_HOURS = 12;
const clock = testClock();
let env: TestEnv;
let app: App;
let browser: Browser;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { now: clock.now, config: { WEBCHAT_SESSION_HOURS: String(SESSION_HOURS) } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await env?.dispose();
});

/** A page that records script errors, CSP refusals and every request it makes. */
async function chatPage(path = '/chat') {
  // A phone set to Indonesian; the English page is asked for by its link.
  const page = await browser.newPage({ locale: 'id-ID' });
  const errors: string[] = [];
  const requests: Request[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('request', (request) => requests.push(request));
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(app.url + path);
  return { page, errors, requests };
}

const botBubbles = (page: Page) => page.locator('.msg.bot');

async function say(page: Page, text: string) {
  const before = await botBubbles(page).count();
  await page.getByLabel(/^(Pesan|Message)$/).fill(text);
  await page.getByRole('button', { name: /^(Kirim|Send)$/ }).click();
  await expect.poll(() => botBubbles(page).count(), { timeout: 20_000 }).toBeGreaterThan(before);
}

describe('the web chat page', () => {
  it('holds a conversation under the Content-Security-Policy, with the session in a header and never in a URL', async () => {
    const { page, errors, requests } = await chatPage();
    await say(page, 'halo');
    await expect.poll(() => botBubbles(page).first().textContent()).toMatch(/selamat datang di Kanal Aduan/);
    // The chat apps' *bold* shows bold, its asterisks gone; a citizen's own text stays as typed.
    expect(await botBubbles(page).first().locator('b').first().textContent()).toBe('Kanal Aduan');
    // An option is a button: tapping it sends its key.
    await page.getByRole('button', { name: /^3\. / }).click();
    await expect.poll(() => botBubbles(page).last().textContent(), { timeout: 20_000 }).toContain('persyaratannya');
    expect(await page.locator('.msg.me').allTextContents()).toEqual(['halo', '3']);

    const api = requests.filter((r) => new URL(r.url()).pathname.startsWith('/chat/api/'));
    expect(api.some((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/chat/api/sessions')).toBe(true);
    const withSession = api.filter((r) => new URL(r.url()).pathname === '/chat/api/messages');
    expect(withSession.length).toBeGreaterThan(2);
    for (const request of withSession) {
      expect(await request.headerValue('x-chat-session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(request.url()).not.toMatch(/session/);
    }
    // No inline script or style refused by the policy, nothing failing to load.
    expect(errors).toEqual([]);

    // A reload goes on with the same conversation.
    await page.reload();
    await expect.poll(() => botBubbles(page).count(), { timeout: 20_000 }).toBe(2);
    await page.close();
  });

  it('"Percakapan baru" ends the conversation on screen: a reload or the next visitor starts empty', async () => {
    const { page, errors } = await chatPage();
    await say(page, 'halo');
    const ended = await page.evaluate(() => localStorage.getItem('kanal-chat-session'));
    await page.getByRole('button', { name: 'Percakapan baru' }).click();
    await expect.poll(() => page.locator('.msg').count()).toBe(0);
    // The new session arrives from the server after the screen is cleared.
    const stored = () => page.evaluate(() => localStorage.getItem('kanal-chat-session') ?? '');
    await expect.poll(stored).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const fresh = await stored();
    expect(fresh).not.toBe(ended);

    // The old token is dead on the server, not only forgotten by the page.
    const replay = await fetch(`${app.url}/chat/api/messages?after=0`, { headers: { 'x-chat-session': ended! } });
    expect(replay.status).toBe(401);

    await page.reload();
    await say(page, 'halo');
    expect(await botBubbles(page).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('replaces a conversation that expired with a new one and says so, in English on the English page', async () => {
    const { page, errors } = await chatPage('/chat?lang=en');
    await say(page, 'hello');
    clock.advance((SESSION_HOURS + 1) * 3_600_000);
    await expect.poll(() => page.locator('.note').textContent(), { timeout: 20_000 }).toBe('The previous conversation has ended. This is a new conversation.');
    expect(await botBubbles(page).count()).toBe(0);
    await say(page, 'hello');
    expect(await botBubbles(page).count()).toBe(1);
    // The 401s that told the page its conversation had ended are the only refusals.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.close();
  });
});
