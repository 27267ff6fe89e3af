/**
 * Nothing a citizen sent, and nothing owed to them, is lost or sent twice: not when a worker
 * stops mid-run, not when Redis loses every job, not during a Bot API outage. Each scenario runs
 * many chats through the real webhook, Postgres and Redis, and compares every chat's replies with
 * the sequence one citizen alone receives.
 *
 * Each scenario moves hundreds of messages: on a busy shared machine that takes minutes, not
 * seconds, so they wait on progress (never on a fixed delay) under a generous timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { startPrivateRedis } from '../support/redis-server.js';
import { fireScript, recordBaseline, telegramConfig } from '../support/telegram.js';

let nextChat = 8_000_000;
const SCENARIO_TIMEOUT_MS = 180_000;
const chatsOf = (n: number) => Array.from({ length: n }, () => nextChat++);

function expectEveryChatGot(telegram: FakeTelegram, chats: number[], baseline: string[]) {
  for (const chat of chats) expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual(baseline);
}

describe('a worker stopped mid-run', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let web: App;
  const apps: App[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    web = await startTestApp(env, { role: 'web', config: telegramConfig(telegram) });
  });
  afterAll(async () => {
    for (const a of [...apps, web]) await a?.close();
    await telegram?.close();
    await env?.dispose();
  });

  it('loses and repeats nothing when started again', async () => {
    const first = await startTestApp(env, { role: 'worker', config: telegramConfig(telegram) });
    apps.push(first);
    const { replies: baseline } = await recordBaseline(web, telegram, nextChat++);
    const sentBefore = telegram.sent().length;

    const chats = chatsOf(30);
    await Promise.all(chats.map((chat) => fireScript(web.url!, chat)));
    // Stop the worker while it is busy: some replies out, many still owed.
    await telegram.waitForSends(sentBefore + 20, { timeoutMs: 60_000 });
    await first.close();
    const owedAfterStop = await web.ctx.db.sql<{ n: number }[]>`
      select (select count(*) from messages where processed_at is null)::int + (select count(*) from outbox where status in ('pending', 'sending'))::int as n`;
    expect(owedAfterStop[0].n).toBeGreaterThan(0);

    apps.push(await startTestApp(env, { role: 'worker', config: telegramConfig(telegram) }));
    await waitForIdle(web);
    expectEveryChatGot(telegram, chats, baseline);
  }, SCENARIO_TIMEOUT_MS);
});

describe('Redis loses every job (FLUSHALL)', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  const apps: App[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await telegram?.close();
    await redis?.stop();
    await env?.dispose();
  });

  it('the relay still delivers every owed reply exactly once', async () => {
    const config = telegramConfig(telegram);
    const web = await startTestApp(env, { role: 'web', config, redisUrl: redis.url });
    apps.push(web);
    const worker = await startTestApp(env, { role: 'worker', config, redisUrl: redis.url });
    apps.push(worker);
    const { replies: baseline } = await recordBaseline(web, telegram, nextChat++);

    // Replies are owed (the Bot API is down, sends wait in delayed retries) and messages queued.
    telegram.outage();
    const chats = chatsOf(15);
    await Promise.all(chats.map((chat) => fireScript(web.url!, chat)));
    await telegram.waitForCalls('sendMessage', telegram.callsTo('sendMessage').length + 10, { timeoutMs: 60_000 });

    expect(await redis.client.flushall()).toBe('OK');
    telegram.heal();

    await waitForIdle(web, 60_000);
    expectEveryChatGot(telegram, chats, baseline);
  }, SCENARIO_TIMEOUT_MS);
});

describe('a Bot API outage', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let app: App;

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    app = await startTestApp(env, { config: telegramConfig(telegram) });
  });
  afterAll(async () => {
    await app?.close();
    await telegram?.close();
    await env?.dispose();
  });

  it('ends with every owed reply delivered once, and the webhook answers throughout', async () => {
    const { replies: baseline } = await recordBaseline(app, telegram, nextChat++);
    telegram.outage();
    const chats = chatsOf(20);
    // Every update is taken while the Bot API is down (how fast is a matter for `npm run bench`).
    const statuses = await Promise.all(chats.map((chat) => fireScript(app.url!, chat)));
    expect(statuses.flat().every((s) => s === 200)).toBe(true);

    // Several rounds of failing sends while the outage lasts; nothing gets through.
    const failedBefore = telegram.callsTo('sendMessage').filter((c) => c.status === 502).length;
    await telegram.waitForCalls('sendMessage', telegram.callsTo('sendMessage').length + 60, { timeoutMs: 60_000 });
    expect(telegram.callsTo('sendMessage').filter((c) => c.status === 502).length).toBeGreaterThan(failedBefore + 50);
    for (const chat of chats) expect(telegram.sent(String(chat))).toEqual([]);

    telegram.heal();
    await waitForIdle(app, 60_000);
    expectEveryChatGot(telegram, chats, baseline);
  }, SCENARIO_TIMEOUT_MS);
});
