/**
 * The pipeline end to end on real Postgres and Redis: Telegram updates in at the webhook over
 * HTTP, replies out at a local fake Bot API. What is proven here is the promise to citizens:
 * every reply owed is delivered, once, in order, whatever happens to the queue or the channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, telegramErrors, type FakeTelegram } from '../support/fake-telegram.js';
import { fireScript, NAVIGATION_SCRIPT, postUpdate, recordBaseline, telegramConfig, textUpdate } from '../support/telegram.js';

const SCRIPT = NAVIGATION_SCRIPT;

let env: TestEnv;
let telegram: FakeTelegram;
let app: App;
let baseline: string[];
/** How many replies the lone citizen had after each message of the script. */
let replyCounts: number[];
let nextChat = 5_000_000;

async function runScript(chatId: number, script = SCRIPT) {
  for (let i = 0; i < script.length; i++) expect(await postUpdate(app.url!, textUpdate(chatId, i + 1, script[i]))).toBe(200);
}

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  app = await startTestApp(env, { config: telegramConfig(telegram) });
  // The reply sequence one citizen gets when alone; everything below is compared with it.
  ({ replies: baseline, counts: replyCounts } = await recordBaseline(app, telegram, nextChat++));
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await env?.dispose();
});

describe('telegram pipeline', () => {
  it('answers every message at the front door with a reply at the Bot API', () => {
    // Every message of the script got at least one reply, and the replies differ step by step.
    for (let i = 1; i < replyCounts.length; i++) expect(replyCounts[i]).toBeGreaterThan(replyCounts[i - 1]);
    expect(replyCounts[0]).toBeGreaterThan(0);
    expect(new Set(baseline).size).toBeGreaterThan(3);
  });

  it('processes an update delivered twice only once', async () => {
    const chat = nextChat++;
    const update = textUpdate(chat, 1, 'halo');
    expect(await postUpdate(app.url!, update)).toBe(200);
    expect(await postUpdate(app.url!, update)).toBe(200);
    await waitForIdle(app);
    const [row] = await app.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from messages m join channel_identities i on i.id = m.identity_id where i.chat_id = ${String(chat)}`;
    expect(row.n).toBe(1);
    expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual(baseline.slice(0, replyCounts[0]));
  });

  // 200 messages and their replies can take minutes on a busy shared machine: waitForIdle waits on progress.
  it('keeps each chat in order when many chats write at once, several messages at a time', async () => {
    const chats = Array.from({ length: 25 }, () => nextChat++);
    // Each citizen fires the whole script without waiting for replies; chats interleave.
    const statuses = await Promise.all(chats.map((chat) => fireScript(app.url!, chat)));
    expect(statuses.flat().every((s) => s === 200)).toBe(true);
    await waitForIdle(app);
    for (const chat of chats) expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual(baseline);
  }, 180_000);

  it('honours retry_after on 429 and still delivers once, in order', async () => {
    const chat = nextChat++;
    telegram.failNext('sendMessage', telegramErrors.tooManyRequests(1), 1);
    await runScript(chat, SCRIPT.slice(0, 2));
    await waitForIdle(app);
    expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual(baseline.slice(0, replyCounts[1]));
    const failed = telegram.callsTo('sendMessage').filter((c) => c.status === 429);
    expect(failed.length).toBe(1);
  });

  it('stops sending to a citizen who blocked the bot and marks the chat unreachable', async () => {
    const chat = nextChat++;
    telegram.failNext('sendMessage', telegramErrors.blocked(), 100);
    await runScript(chat, ['halo']);
    await waitForIdle(app);
    telegram.heal();
    const attempts = telegram.callsTo('sendMessage').filter((c) => String(c.body.chat_id) === String(chat));
    expect(attempts.length).toBe(1);
    const [identity] = await app.ctx.db.sql<{ unreachable_reason: string | null }[]>`
      select unreachable_reason from channel_identities where channel = 'telegram' and chat_id = ${String(chat)}`;
    expect(identity.unreachable_reason).toMatch(/blocked/);
    const [owed] = await app.ctx.db.sql<{ failed: number }[]>`
      select count(*)::int as failed from outbox o join channel_identities i on i.id = o.identity_id
      where i.chat_id = ${String(chat)} and o.status = 'failed'`;
    expect(owed.failed).toBeGreaterThan(0);
  });
});
