/**
 * A channel's outbound lane is shared fairly between chats (src/queues/outbound.ts): a chat that
 * owes many replies has one turn in the lane, a turn sends one reply and goes to the back, so
 * another chat's reply waits behind at most one of its sends, not all of them. Real Postgres,
 * Redis and BullMQ; replies go to a fake Bot API.
 *
 * The replies are written (as a flood of steps would) while no worker runs, then one worker with
 * one slot drains the lane: the order of sends is then the lane's order, nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { outboundQueue } from '../../src/queues/jobs.js';
import { queueTurn } from '../../src/queues/outbound.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';

const OWED = 50;

let env: TestEnv;
let telegram: FakeTelegram;
let web: App;
let worker: App | null = null;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  web = await startTestApp(env, { role: 'web', config: telegramConfig(telegram) });
});

afterAll(async () => {
  await worker?.close();
  await web?.close();
  await telegram?.close();
  await env?.dispose();
});

/** A Telegram chat owing `count` replies, written the way a step writes them (pending outbox rows). */
async function chatOwing(chatId: string, count: number): Promise<number> {
  const sql = web.ctx.db.sql;
  const [identity] = await sql<{ id: string }[]>`insert into channel_identities (channel, chat_id) values ('telegram', ${chatId}) returning id`;
  const payloads = Array.from({ length: count }, (_, i) => JSON.stringify({ kind: 'text', chatId, text: `${chatId} #${i + 1}` }));
  await sql`
    insert into outbox (identity_id, channel, payload)
    select ${identity.id}, 'telegram', p::jsonb from unnest(${payloads}::text[]) with ordinality as t(p, n) order by n`;
  return Number(identity.id);
}

describe('the outbound lane', () => {
  it('gives a chat owing 50 replies one turn, and serves other chats between its sends', async () => {
    const flooding = await chatOwing('7100001', OWED);
    await queueTurn(web.ctx, flooding);
    const others = [await chatOwing('7100002', 1), await chatOwing('7100003', 1)];
    for (const chat of others) await queueTurn(web.ctx, chat);
    // More rows for the flooding chat (its later steps) queue no second turn.
    await queueTurn(web.ctx, flooding);
    await queueTurn(web.ctx, flooding);

    const lane = web.ctx.transport.queue(outboundQueue('telegram'));
    expect(await lane.getWaitingCount()).toBe(3);

    worker = await startTestApp(env, { role: 'worker', config: { ...telegramConfig(telegram), WORKER_CONCURRENCY: '1' } });
    const sent = await telegram.waitForSends(OWED + 2, { timeoutMs: 60_000 });
    await waitForIdle(worker);

    // Round robin: the flooding chat's first reply, each other chat's, then the flooding chat's second.
    expect(sent.slice(0, 4).map((m) => m.text)).toEqual(['7100001 #1', '7100002 #1', '7100003 #1', '7100001 #2']);
    // The flooding chat's replies still leave in order, each once.
    expect(telegram.sent('7100001').map((m) => m.text)).toEqual(Array.from({ length: OWED }, (_, i) => `7100001 #${i + 1}`));
    expect(telegram.sent()).toHaveLength(OWED + 2);
  }, 120_000);
});
