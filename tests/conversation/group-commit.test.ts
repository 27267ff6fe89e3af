/**
 * Group commit at the front door (src/conversation/ingest.ts): messages that arrive together share
 * one statement, a chat's second message goes in the next one (so its messages keep their order),
 * a redelivered message is still dropped, and a message Postgres refuses fails alone while its
 * batch-mates are stored. Rows written by one statement share their transaction id (`xmin`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ingest } from '../../src/conversation/ingest.js';
import type { InboundMessage } from '../../src/domain/messages.js';
import { STEPS_WAITING } from '../../src/queues/jobs.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  // The web role runs no stepper: what is stored stays as stored.
  app = await startTestApp(env, { role: 'web' });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

const text = (chatId: string, externalId: string, body: string): InboundMessage => ({
  channel: 'web',
  chatId,
  externalId,
  content: { kind: 'text', text: body },
  sentAt: app.ctx.now(),
});

async function stored(chatIds: string[]) {
  return app.ctx.db.sql<{ chat_id: string; external_id: string; body: string; xid: string }[]>`
    select i.chat_id, m.external_id, m.body, m.xmin::text as xid from messages m join channel_identities i on i.id = m.identity_id
    where i.chat_id in ${app.ctx.db.sql(chatIds)} order by m.id`;
}

describe('group commit at the front door', () => {
  it('stores messages that arrive together in one statement, a chat’s second one in the next, in order', async () => {
    const chats = ['gc-a', 'gc-b', 'gc-c', 'gc-d'];
    const answers = await Promise.all([
      ...chats.map((chat) => ingest(app.ctx, text(chat, `${chat}-1`, 'menu'))),
      ingest(app.ctx, text('gc-a', 'gc-a-2', 'lapor')),
    ]);
    expect(answers.every((answer) => !answer.duplicate)).toBe(true);

    const rows = await stored(chats);
    expect(rows).toHaveLength(5);
    const firsts = rows.filter((row) => row.external_id.endsWith('-1'));
    expect(new Set(firsts.map((row) => row.xid)).size).toBe(1);
    const second = rows.find((row) => row.external_id === 'gc-a-2')!;
    expect(second.xid).not.toBe(firsts[0].xid);
    // The chat's messages in the order they came.
    expect(rows.filter((row) => row.chat_id === 'gc-a').map((row) => row.body)).toEqual(['menu', 'lapor']);
    // Each chat has its conversation row, written in the same statement.
    const [conversations] = await app.ctx.db.sql<{ n: string }[]>`
      select count(*) as n from conversations c join channel_identities i on i.id = c.identity_id where i.chat_id in ${app.ctx.db.sql(chats)}`;
    expect(Number(conversations.n)).toBe(4);
  });

  it('drops a redelivered message in a batch and stores its batch-mates', async () => {
    await ingest(app.ctx, text('gc-e', 'gc-e-1', 'menu'));
    const answers = await Promise.all([ingest(app.ctx, text('gc-e', 'gc-e-1', 'menu')), ingest(app.ctx, text('gc-f', 'gc-f-1', 'menu'))]);
    expect(answers.map((answer) => answer.duplicate)).toEqual([true, false]);
    expect((await stored(['gc-e', 'gc-f'])).map((row) => row.external_id)).toEqual(['gc-e-1', 'gc-f-1']);
    // The redelivery did not count into the chat's minute.
    const [window] = await app.ctx.db.sql<{ n: number }[]>`select inbound_window_count as n from channel_identities where chat_id = 'gc-e'`;
    expect(window.n).toBe(1);
  });

  it('takes a message of another chat with the same platform id in the same batch for a duplicate, as one statement after the other would', async () => {
    const chats = ['gc-j', 'gc-k'];
    const answers = await Promise.all(chats.map((chat) => ingest(app.ctx, text(chat, 'same-id', 'menu'))));
    // One is stored, and only that one is told so.
    const kept = (await stored(chats)).map((row) => row.chat_id);
    expect(kept).toHaveLength(1);
    expect(answers.map((answer) => answer.duplicate)).toEqual(chats.map((chat) => !kept.includes(chat)));
  });

  it('fails a message Postgres refuses alone: its batch-mates are stored', async () => {
    await app.ctx.db.sql`alter table messages add constraint test_refuses_poison check (body is distinct from 'poison')`;
    try {
      const answers = await Promise.allSettled([
        ingest(app.ctx, text('gc-g', 'gc-g-1', 'menu')),
        ingest(app.ctx, text('gc-h', 'gc-h-1', 'poison')),
        ingest(app.ctx, text('gc-i', 'gc-i-1', 'menu')),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await stored(['gc-g', 'gc-h', 'gc-i'])).map((row) => row.external_id)).toEqual(['gc-g-1', 'gc-i-1']);
    } finally {
      await app.ctx.db.sql`alter table messages drop constraint test_refuses_poison`;
    }
  });
});

describe('waking the other processes', () => {
  it('sends one NOTIFY per stored batch from the statement itself, none for a redelivery', async () => {
    const heard: string[] = [];
    const listening = await app.ctx.db.sql.listen(STEPS_WAITING, (payload) => heard.push(payload));
    try {
      await Promise.all(['gc-n1', 'gc-n2', 'gc-n3'].map((chat) => ingest(app.ctx, text(chat, `${chat}-1`, 'menu'))));
      await ingest(app.ctx, text('gc-n1', 'gc-n1-1', 'menu'));
      await ingest(app.ctx, text('gc-n4', 'gc-n4-1', 'menu'));
      // Notifications arrive in commit order: once the marker is heard, every earlier one was.
      await app.ctx.db.sql`select pg_notify(${STEPS_WAITING}, 'marker')`;
      await expect.poll(() => heard.includes('marker')).toBe(true);
      expect(heard).toEqual(['', '', 'marker']);
    } finally {
      await listening.unlisten();
    }
  });
});

describe('a process with a stepper of its own', () => {
  let ownEnv: TestEnv;
  let own: App;

  beforeAll(async () => {
    ownEnv = await createTestEnv();
    own = await startTestApp(ownEnv, { role: 'all' });
  });

  afterAll(async () => {
    await own?.close();
    await ownEnv?.dispose();
  });

  it('steps what it stored and wakes no other process', async () => {
    const heard: string[] = [];
    const listening = await own.ctx.db.sql.listen(STEPS_WAITING, (payload) => heard.push(payload));
    try {
      await ingest(own.ctx, { channel: 'web', chatId: 'gc-own', externalId: 'gc-own-1', content: { kind: 'text', text: 'menu' }, sentAt: own.ctx.now() });
      await own.ctx.db.sql`select pg_notify(${STEPS_WAITING}, 'marker')`;
      await expect.poll(() => heard.includes('marker')).toBe(true);
      expect(heard).toEqual(['marker']);
      // Its own stepper answered.
      await expect
        .poll(async () => (await own.ctx.db.sql<{ n: string }[]>`select count(*) as n from messages where external_id = 'gc-own-1' and processed_at is not null`)[0].n)
        .toBe('1');
    } finally {
      await listening.unlisten();
    }
  });
});
