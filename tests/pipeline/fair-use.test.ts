/**
 * Fair use, end to end over the Telegram webhook on real Postgres and Redis: one chat flooding the
 * bot does not cost anyone else a reply, and costs itself nothing it sent. What is asserted is
 * behaviour (who got which replies, what was stored); how fast is `npm run bench -- flood`.
 *
 * The product's clock stands still unless a test moves it, so "a minute" is exactly the minute the
 * test says, however slow the machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copy } from '../../flows/copy/index.js';
import type { App } from '../../src/app.js';
import { REPORT_SCRIPT, telegramCitizen } from '../support/citizens.js';
import { testClock } from '../support/clock.js';
import { eventually } from '../support/cases.js';
import { holdConversation } from '../support/conversation-lock.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';

const PER_MINUTE = 20;
const FLOOD = 300;
const OTHERS = 20;

let env: TestEnv;
let telegram: FakeTelegram;
let app: App;
const clock = testClock();
/** How far the test has moved the product's clock past the start. */
let elapsed = 0;
let nextChat = 6_100_000;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  app = await startTestApp(env, {
    // A repeat counts within 10 minutes here: what is asserted is "before the bot answered", however slow the machine.
    config: { ...telegramConfig(telegram), CHAT_INBOUND_PER_MINUTE: String(PER_MINUTE), CHAT_REPEAT_SECONDS: '600' },
    now: () => new Date(clock.start.getTime() + elapsed),
  });
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await env?.dispose();
});

/** Ticket numbers differ between reports; everything else a citizen reads must not. */
const withoutTickets = (texts: string[]) => texts.map((text) => text.replace(/\*[A-Z0-9]{4}-[A-Z0-9]{4}\*/g, '*TICKET*'));

async function reportAlone(chatId: number): Promise<string[]> {
  const citizen = telegramCitizen(app, telegram, chatId);
  const replies: string[] = [];
  for (const text of REPORT_SCRIPT) replies.push(...(await citizen.say(text)));
  return replies;
}

interface Stored {
  body: string | null;
  payload: unknown;
  skipped: string | null;
  processed: boolean;
}

async function storedMessages(chatId: number): Promise<Stored[]> {
  return app.ctx.db.sql<Stored[]>`
    select m.body, m.payload, m.skipped, m.processed_at is not null as processed
    from messages m join channel_identities i on i.id = m.identity_id
    where i.channel = 'telegram' and i.chat_id = ${String(chatId)} order by m.id`;
}

const sentTo = (chatId: number) => telegram.sent(String(chatId)).map((m) => m.text);

const NIK = '3273014101900001';
const MASKED_NIK = '3273••••••••0001';
/** The flooding chat's i-th message; one of the held-back ones carries a NIK. */
const floodText = (i: number) => (i === 150 ? `pesan nomor ${i}, NIK saya ${NIK}` : `pesan nomor ${i}`);

describe('one chat flooding the bot', () => {
  it('costs the others no reply, is asked once to slow down, loses nothing, and is answered again the next minute', async () => {
    const baseline = withoutTickets(await reportAlone(nextChat++));
    expect(baseline.some((text) => text.includes('*TICKET*'))).toBe(true);
    // What the flooding chat's first minute gets, sent by a chat that waits for each answer.
    const patient = nextChat++;
    const ask = telegramCitizen(app, telegram, patient);
    for (let i = 1; i <= PER_MINUTE; i++) await ask.say(`pesan nomor ${i}`);
    const withinTheLimit = sentTo(patient);

    const flooder = nextChat++;
    const others = Array.from({ length: OTHERS }, () => nextChat++);
    const flood = (async () => {
      // Updates of one chat arrive one after another, as Telegram delivers them.
      for (let i = 1; i <= FLOOD; i++) expect(await postUpdate(app.url!, textUpdate(flooder, i, floodText(i)))).toBe(200);
    })();
    const reports = Promise.all(others.map((chat) => reportAlone(chat)));
    await flood;
    const replies = await reports;
    await waitForIdle(app);

    // Every other citizen got every reply of their report, the same as a citizen alone.
    for (const got of replies) expect(withoutTickets(got)).toEqual(baseline);

    // Nothing the flooding chat sent is lost: all stored, processed, the first minute's share stepped.
    const stored = await storedMessages(flooder);
    expect(stored).toHaveLength(FLOOD);
    expect(stored.map((m) => m.body)).toEqual(Array.from({ length: FLOOD }, (_, i) => floodText(i + 1).replace(NIK, MASKED_NIK)));
    // A held-back message keeps no sealed NIK either: only a step at the NIK question could use it.
    expect(stored.every((m) => m.payload === null)).toBe(true);
    expect(stored.every((m) => m.processed)).toBe(true);
    expect(stored.slice(0, PER_MINUTE).every((m) => m.skipped === null)).toBe(true);
    expect(stored.slice(PER_MINUTE).every((m) => m.skipped === 'flood')).toBe(true);
    // One notice in the minute, and nothing for the messages held back: the rest is what the
    // minute's share gets from a citizen who waits for each answer.
    const flooded = sentTo(flooder);
    expect(flooded.filter((text) => text === copy.id.fairUse.slowDown)).toHaveLength(1);
    expect(flooded.filter((text) => text !== copy.id.fairUse.slowDown)).toEqual(withinTheLimit);

    // Still inside the minute: stored, not answered.
    const before = sentTo(flooder).length;
    expect(await postUpdate(app.url!, textUpdate(flooder, FLOOD + 1, 'menu'))).toBe(200);
    await waitForIdle(app);
    expect(sentTo(flooder)).toHaveLength(before);

    // The next minute the chat is answered as usual, and may be asked to slow down again if it must.
    elapsed += 61_000;
    expect(await postUpdate(app.url!, textUpdate(flooder, FLOOD + 2, 'menu'))).toBe(200);
    await waitForIdle(app);
    const after = sentTo(flooder).slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]).toContain('Silakan pilih layanan');
    expect((await storedMessages(flooder)).at(-1)).toMatchObject({ body: 'menu', skipped: null, processed: true });
  }, 600_000);
});

describe('the same text again', () => {
  it('is answered once when it came before the bot answered the first (a double tap), and again once it had', async () => {
    const chat = nextChat++;
    const citizen = telegramCitizen(app, telegram, chat);
    await citizen.say('halo');
    const greeted = sentTo(chat).length;

    const release = await holdConversation(app.ctx.db.sql, 'telegram', String(chat));
    expect(await postUpdate(app.url!, textUpdate(chat, 101, 'menu'))).toBe(200);
    expect(await postUpdate(app.url!, textUpdate(chat, 102, 'menu'))).toBe(200);
    await eventually('both stored', async () => (await storedMessages(chat)).length === 3);
    await release();
    await waitForIdle(app);
    const forThePair = sentTo(chat).slice(greeted);
    expect((await storedMessages(chat)).map((m) => [m.body, m.skipped])).toEqual([
      ['halo', null],
      ['menu', null],
      ['menu', 'repeat'],
    ]);

    // After the answer, the same text is a message of its own, answered as one 'menu' is.
    expect(await postUpdate(app.url!, textUpdate(chat, 103, 'menu'))).toBe(200);
    await waitForIdle(app);
    const forOne = sentTo(chat).slice(greeted + forThePair.length);
    expect(forOne.length).toBeGreaterThan(0);
    expect(forOne[0]).toContain('Silakan pilih layanan');
    expect(forThePair).toEqual(forOne);
    expect((await storedMessages(chat)).at(-1)).toMatchObject({ body: 'menu', skipped: null });
  }, 60_000);
});
