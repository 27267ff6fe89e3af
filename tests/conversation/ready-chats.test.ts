/**
 * A batch of steps (src/conversation/runtime.ts, `processReadyChats`): one call steps the oldest
 * message of every waiting chat, in one transaction, oldest waiting first, up to its limit; it
 * leaves alone the chats another transaction holds and the chats handed to the inbound queue; and
 * a chat's second message waits for the next batch, so a chat's messages stay in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ingest } from '../../src/conversation/ingest.js';
import { processReadyChats } from '../../src/conversation/runtime.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
let nextMessage = 1;

beforeAll(async () => {
  env = await createTestEnv();
  // The web role runs no stepper: the batches here are the test's own.
  app = await startTestApp(env, { role: 'web' });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

async function say(chatId: string, text: string): Promise<void> {
  await ingest(app.ctx, { channel: 'web', chatId, externalId: `m-${nextMessage++}`, content: { kind: 'text', text }, sentAt: app.ctx.now() });
}

async function identityOf(chatId: string): Promise<number> {
  const [row] = await app.ctx.db.sql<{ id: string }[]>`select id from channel_identities where channel = 'web' and chat_id = ${chatId}`;
  return Number(row.id);
}

async function waiting(chatId: string): Promise<number> {
  const [row] = await app.ctx.db.sql<{ n: string }[]>`
    select count(*) as n from messages where identity_id = ${await identityOf(chatId)} and processed_at is null`;
  return Number(row.n);
}

describe('a batch of steps', () => {
  it('steps one message of each waiting chat in one call, up to its limit, oldest waiting first', async () => {
    const chats = ['batch-a', 'batch-b', 'batch-c', 'batch-d'];
    for (const chat of chats) await say(chat, 'menu');
    await say('batch-a', 'bantuan');

    const first = await processReadyChats(app.ctx, 3);
    // The three chats that waited longest; each stepped once, with its replies written.
    expect(new Set(first.map((result) => result.identityId))).toEqual(new Set(await Promise.all(chats.slice(0, 3).map(identityOf))));
    for (const result of first) expect(result.outbox.length).toBeGreaterThan(0);
    const a = await identityOf('batch-a');
    expect(first.find((result) => result.identityId === a)?.more).toBe(true);
    expect(await Promise.all(chats.map(waiting))).toEqual([1, 0, 0, 1]);

    const second = await processReadyChats(app.ctx, 16);
    expect(second.map((result) => result.identityId).sort()).toEqual([await identityOf('batch-a'), await identityOf('batch-d')].sort());
    expect(await Promise.all(chats.map(waiting))).toEqual([0, 0, 0, 0]);
    expect(await processReadyChats(app.ctx, 16)).toEqual([]);
  });

  it('leaves a chat another transaction holds, and a chat handed to the inbound queue', async () => {
    await say('held', 'menu');
    await say('queued', 'menu');
    await say('free', 'menu');
    await app.ctx.db.sql`update messages set queued_at = now() where identity_id = ${await identityOf('queued')}`;
    const held = await identityOf('held');
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const holding = app.ctx.db.sql.begin(async (tx) => {
      await tx`select 1 from conversations where identity_id = ${held} for update`;
      locked();
      await released;
    });
    try {
      await isLocked;
      const stepped = await processReadyChats(app.ctx, 16);
      expect(stepped.map((result) => result.identityId)).toEqual([await identityOf('free')]);
    } finally {
      release();
      await holding;
    }
    expect(await waiting('held')).toBe(1);
    expect(await waiting('queued')).toBe(1);
    const after = await processReadyChats(app.ctx, 16);
    expect(after.map((result) => result.identityId)).toEqual([held]);
  });
  it('writes a chat\'s first reply claimed for the process that sends it, unless the chat owes an older reply or its channel is not sent at once', async () => {
    const claim = '424242';
    const ahead = (channel: string) => (channel === 'web' ? claim : null);
    await say('ahead-free', 'menu');
    await say('ahead-owing', 'menu');
    // An older reply still owed (say, the lane's, waiting out a retry): the new one waits behind it.
    await app.ctx.db.sql`insert into outbox (identity_id, channel, payload) values (${await identityOf('ahead-owing')}, 'web', ${JSON.stringify({ kind: 'text', chatId: 'ahead-owing', text: 'lebih dulu' })}::jsonb)`;
    const stepped = await processReadyChats(app.ctx, 16, [], ahead);
    const [freeId, owingId] = [await identityOf('ahead-free'), await identityOf('ahead-owing')];
    const free = stepped.find((result) => result.identityId === freeId)!;
    const owing = stepped.find((result) => result.identityId === owingId)!;
    const rows = await app.ctx.db.sql<{ id: string; status: string; claimed_by: string | null }[]>`
      select id, status, claimed_by::text from outbox where id = any(${[...free.outbox, ...owing.outbox].map((reply) => reply.id)}::bigint[]) order by id`;
    const status = new Map(rows.map((row) => [Number(row.id), [row.status, row.claimed_by]]));
    expect(free.outbox.map((reply) => status.get(reply.id))).toEqual([['sending', claim], ...free.outbox.slice(1).map(() => ['pending', null])]);
    expect(free.outbox[0].claimed).toEqual({ claim, payload: expect.objectContaining({ kind: 'text', chatId: 'ahead-free' }), lastInboundAt: expect.any(String) });
    expect(owing.outbox.map((reply) => status.get(reply.id))).toEqual(owing.outbox.map(() => ['pending', null]));
    expect(owing.outbox.some((reply) => reply.claimed)).toBe(false);

    // A channel this process does not send at once: nothing claimed.
    await say('ahead-free', 'bantuan');
    const [later] = await processReadyChats(app.ctx, 16, [], () => null);
    expect(later.outbox.some((reply) => reply.claimed)).toBe(false);
  });
});
