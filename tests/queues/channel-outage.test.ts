/**
 * A Bot API outage is a channel state (src/queues/breaker.ts): the channel pauses, one owed reply
 * probes it every SEND_PROBE_INTERVAL_MS, and when the API is back every owed reply leaves within
 * 10 s, once, in each chat's order, however long the outage was. The product's own retry settings
 * (1 s doubling to 5 minutes) are kept here: a row backing off on its own would wait minutes after
 * the outages below. A 429 is no outage: its retry_after is waited exactly, by the row's job and
 * by the probe. Real Postgres, Redis and BullMQ; replies go to a fake Bot API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { queueTurn } from '../../src/queues/outbound.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, telegramErrors, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';
import { until } from '../support/until.js';

/** From the API's return to the last owed reply at the Bot API (issue 8). */
const RECOVERY_BOUND_MS = 10_000;
const PAUSE_AFTER_FAILURES = 5;
const PROBE_INTERVAL_MS = 100;
/** The product's defaults for backoff, which a row retried on its own would follow. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 300_000;

let env: TestEnv;
let telegram: FakeTelegram;
let web: App;
let worker: App;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  const config = telegramConfig(telegram, {
    SEND_RETRY_BASE_MS: String(RETRY_BASE_MS),
    SEND_RETRY_MAX_MS: String(RETRY_MAX_MS),
    SEND_PAUSE_AFTER_FAILURES: String(PAUSE_AFTER_FAILURES),
    SEND_PROBE_INTERVAL_MS: String(PROBE_INTERVAL_MS),
  });
  web = await startTestApp(env, { role: 'web', config });
  worker = await startTestApp(env, { role: 'worker', config });
});

afterAll(async () => {
  await worker?.close();
  await web?.close();
  await telegram?.close();
  await env?.dispose();
});

let nextChat = 7_300_001;

/** A Telegram chat owing `count` replies, written as a step writes them, its turn queued. */
async function chatOwing(count: number): Promise<string> {
  const chatId = String(nextChat++);
  const sql = web.ctx.db.sql;
  const [identity] = await sql<{ id: string }[]>`insert into channel_identities (channel, chat_id) values ('telegram', ${chatId}) returning id`;
  const payloads = Array.from({ length: count }, (_, i) => JSON.stringify({ kind: 'text', chatId, text: `${chatId} #${i + 1}` }));
  await sql`
    insert into outbox (identity_id, channel, payload)
    select ${identity.id}, 'telegram', p::jsonb from unnest(${payloads}::text[]) with ordinality as t(p, n) order by n`;
  await queueTurn(web.ctx, Number(identity.id));
  return chatId;
}

const expectedTexts = (chatId: string, count: number) => Array.from({ length: count }, (_, i) => `${chatId} #${i + 1}`);

/** Failed attempts of all owed rows: one more per failed send, the probes' included (they take turns between chats). */
async function failedAttempts(): Promise<number> {
  const [row] = await web.ctx.db.sql<{ n: number }[]>`select coalesce(sum(attempts), 0)::int as n from outbox where status = 'pending'`;
  return row.n;
}

/** How long a row retried on its own would have waited in all before its `attempts`-th try. */
function exponentialWaitBefore(attempts: number): number {
  let total = 0;
  for (let made = 1; made < attempts; made++) total += Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (made - 1));
  return total;
}

const failedSends = () => telegram.callsTo('sendMessage').filter((c) => c.status === 502).length;

describe('a Bot API outage', () => {
  // Outage lengths as failed probes: past 10 tries a row on its own backoff would wait minutes,
  // past 25 over an hour. The probe interval makes them take seconds here.
  it.each([
    { outage: 'short', probes: 3 },
    { outage: 'long', probes: 30 },
  ])('$outage ($probes failed probes): every owed reply within 10 s of the return, once, in order', async ({ probes }) => {
    telegram.outage(telegramErrors.badGateway());
    const chats = await Promise.all(Array.from({ length: 20 }, () => chatOwing(3)));
    await until('the channel to pause', async () => (await failedAttempts()) >= PAUSE_AFTER_FAILURES, 20_000);

    // Paused as a whole: from here the API sees the probe, once per interval, not every owed row.
    const failedWhenPaused = failedSends();
    const attemptsWhenPaused = await failedAttempts();
    await until(`${probes} failed probes`, async () => (await failedAttempts()) >= attemptsWhenPaused + probes, 60_000);
    const probesSeen = (await failedAttempts()) - attemptsWhenPaused;
    expect(failedSends() - failedWhenPaused).toBeLessThanOrEqual(probesSeen + 2);
    for (const chat of chats) expect(telegram.sent(chat)).toEqual([]);
    // As many tries as one row on its own backoff would have made in over an hour.
    if (probes >= 25) expect(exponentialWaitBefore(probesSeen)).toBeGreaterThan(60 * 60_000);

    telegram.heal();
    const back = performance.now();
    await until('every owed reply', () => chats.every((chat) => telegram.sent(chat).length >= 3), RECOVERY_BOUND_MS);
    expect(performance.now() - back).toBeLessThan(RECOVERY_BOUND_MS);

    await waitForIdle(web);
    for (const chat of chats) expect(telegram.sent(chat).map((m) => m.text)).toEqual(expectedTexts(chat, 3));
  }, 120_000);
});

describe('a 429 storm', () => {
  it('waits out every retry_after exactly and loses nothing', async () => {
    const RETRY_AFTER_S = 1;
    // The next 30 sends, whichever chats they are for, are refused with retry_after.
    telegram.failNext('sendMessage', telegramErrors.tooManyRequests(RETRY_AFTER_S), 30);
    const chats = await Promise.all(Array.from({ length: 10 }, () => chatOwing(3)));

    await until('every reply', () => chats.every((chat) => telegram.sent(chat).length >= 3), 60_000);
    await waitForIdle(web);
    let refused = 0;
    for (const chat of chats) {
      expect(telegram.sent(chat).map((m) => m.text)).toEqual(expectedTexts(chat, 3));
      const calls = telegram.callsTo('sendMessage').filter((c) => String(c.body.chat_id) === chat);
      calls.forEach((call, i) => {
        if (call.status !== 429) return;
        refused++;
        expect(calls[i + 1].at - call.at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
      });
    }
    expect(refused).toBe(30);
  }, 120_000);

  it('meets an outage: the probe leaves a chat waiting out its retry_after alone', async () => {
    const RETRY_AFTER_S = 3;
    telegram.failNext('sendMessage', telegramErrors.tooManyRequests(RETRY_AFTER_S), 1);
    const waiting = await chatOwing(1);
    await until("the chat's 429", () => telegram.callsTo('sendMessage').some((c) => c.status === 429 && String(c.body.chat_id) === waiting), 20_000);

    // Then the API fails for everyone; the waiting chat's row is the oldest owed, yet no probe takes it.
    telegram.outage(telegramErrors.badGateway());
    const others = await Promise.all(Array.from({ length: 5 }, () => chatOwing(1)));
    await until('the channel to pause and probe', async () => (await failedAttempts()) >= PAUSE_AFTER_FAILURES + 3, 20_000);
    telegram.heal();

    await until('every reply', () => [waiting, ...others].every((chat) => telegram.sent(chat).length >= 1), 20_000);
    await waitForIdle(web);
    const calls = telegram.callsTo('sendMessage').filter((c) => String(c.body.chat_id) === waiting);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000);
    for (const chat of [waiting, ...others]) expect(telegram.sent(chat).map((m) => m.text)).toEqual(expectedTexts(chat, 1));
  }, 120_000);
});

describe('a reply Telegram fails on for reasons of its own', () => {
  it('does not keep the channel paused: probes take turns between chats, and every other chat is answered', async () => {
    // The oldest owed reply of all, and Telegram answers it 502 every time.
    const poisoned = String(nextChat);
    telegram.failAlwaysFor('sendMessage', poisoned, telegramErrors.badGateway());
    expect(await chatOwing(1)).toBe(poisoned);
    telegram.outage(telegramErrors.badGateway());
    const others = await Promise.all(Array.from({ length: 10 }, () => chatOwing(1)));
    await until('the channel to pause', async () => (await failedAttempts()) >= PAUSE_AFTER_FAILURES + 2, 20_000);

    telegram.heal();
    const back = performance.now();
    await until('every other reply', () => others.every((chat) => telegram.sent(chat).length >= 1), RECOVERY_BOUND_MS);
    expect(performance.now() - back).toBeLessThan(RECOVERY_BOUND_MS);
    for (const chat of others) expect(telegram.sent(chat).map((m) => m.text)).toEqual(expectedTexts(chat, 1));

    // Paused again by the poisoned reply alone, the channel still takes a new chat's reply at its next probe.
    const later = await chatOwing(1);
    await until("a later chat's reply", () => telegram.sent(later).length >= 1, RECOVERY_BOUND_MS);
    expect(telegram.sent(poisoned)).toEqual([]);

    // Set aside, so that nothing is owed when the next file's checks look.
    await web.ctx.db.sql`update outbox set status = 'failed', last_error = 'test: poisoned' where status in ('pending', 'sending')
      and identity_id = (select id from channel_identities where channel = 'telegram' and chat_id = ${poisoned})`;
  }, 120_000);
});
