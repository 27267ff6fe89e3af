/**
 * Claims are taken in batches (src/queues/outbound.ts, `createClaimer`): claims asked in the same
 * tick share one statement, each chat's oldest owed row only, and a chat asked for twice is asked
 * again after the first, so its head is claimed for one asker. Sends the platform took are recorded in batches (`createSendRecorder`):
 * those finishing in the same tick share one statement, each row is marked sent with its own
 * platform id, each caller learns its own chat's next owed row, and a row whose claim was lost and
 * taken by another worker meanwhile is not overwritten.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createClaimer, createSendRecorder } from '../../src/queues/outbound.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
let client: postgres.Sql;
let statements = 0;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web' });
  client = postgres(env.databaseUrl, { max: 4, onnotice: () => {}, debug: () => void statements++ });
  await client`select 1`;
});

afterAll(async () => {
  await client?.end();
  await app?.close();
  await env?.dispose();
});

const CLAIM = '4242';

/** A chat owing `rows` replies, the first one being sent under CLAIM. Returns the rows' ids, oldest first. */
async function chatOwing(chatId: string, rows: number): Promise<number[]> {
  const [identity] = await app.ctx.db.sql<{ id: string }[]>`insert into channel_identities (channel, chat_id) values ('telegram', ${chatId}) returning id`;
  const ids: number[] = [];
  for (let i = 0; i < rows; i++) {
    const [row] = await app.ctx.db.sql<{ id: string }[]>`
      insert into outbox (identity_id, channel, payload, status, claimed_by, claimed_at)
      values (${identity.id}, 'telegram', ${JSON.stringify({ kind: 'text', chatId, text: `reply ${i}` })}::jsonb,
        ${i === 0 ? 'sending' : 'pending'}, ${i === 0 ? CLAIM : null}::bigint, ${i === 0 ? new Date().toISOString() : null}::timestamptz)
      returning id`;
    ids.push(Number(row.id));
  }
  return ids;
}

describe('recording the sends the platform took', () => {
  it('records those finishing together in one statement, each with its platform id and its chat next owed row', async () => {
    const first = await chatOwing('9100001', 2);
    const second = await chatOwing('9100002', 1);
    const third = await chatOwing('9100003', 3);
    const recorder = createSendRecorder(client);
    statements = 0;
    const sentAt = '2026-12-02T10:00:00.000Z';
    const recorded = await Promise.all(
      [first, second, third].map((ids, i) => recorder.load({ id: ids[0], externalId: `ext-${i}`, sentAt, claim: CLAIM })),
    );
    expect(statements).toBe(1);
    expect(recorded).toEqual([{ next: String(first[1]) }, { next: null }, { next: String(third[1]) }]);
    const rows = await app.ctx.db.sql<{ id: string; status: string; external_id: string; claimed_by: string | null; attempts: number; sent_at: string }[]>`
      select id, status, external_id, claimed_by, attempts, to_char(sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as sent_at
      from outbox where id in ${app.ctx.db.sql([first[0], second[0], third[0]])} order by id`;
    expect(rows.map(({ status, external_id, claimed_by, attempts, sent_at }) => ({ status, external_id, claimed_by, attempts, sent_at }))).toEqual(
      [0, 1, 2].map((i) => ({ status: 'sent', external_id: `ext-${i}`, claimed_by: null, attempts: 1, sent_at: '2026-12-02T10:00:00' })),
    );
  });

  it('keeps one generic plan for the statement, whatever the number of rows a batch records', async () => {
    // An outbox with a history, analysed: shown each batch's ids, Postgres planned every call.
    const [old] = await app.ctx.db.sql<{ id: string }[]>`insert into channel_identities (channel, chat_id) values ('telegram', '9199999') returning id`;
    await app.ctx.db.sql`
      insert into outbox (identity_id, channel, payload, status, sent_at)
      select ${old.id}, 'telegram', '{"kind":"text","chatId":"9199999","text":"old"}'::jsonb, 'sent', now() from generate_series(1, 100000)`;
    await app.ctx.db.sql`analyze outbox`;
    const one = postgres(env.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const recorder = createSendRecorder(one);
      for (let round = 0; round < 12; round++) {
        const chats = await Promise.all(Array.from({ length: 1 + (round % 6) }, (_, i) => chatOwing(String(9200000 + round * 10 + i), 2)));
        await Promise.all(chats.map((ids, i) => recorder.load({ id: ids[0], externalId: `plan-${round}-${i}`, sentAt: new Date().toISOString(), claim: CLAIM })));
      }
      const [plans] = await one<{ generic_plans: string; custom_plans: string }[]>`
        select generic_plans, custom_plans from pg_prepared_statements where statement like '%set status = ''sent''%'`;
      // Postgres tries five plans for the values before it settles on the generic one.
      expect({ generic: Number(plans.generic_plans) >= 7, custom: Number(plans.custom_plans) }).toEqual({ generic: true, custom: 5 });
    } finally {
      await one.end();
    }
  });

  it('leaves a row another worker claimed since alone, and says so to its caller', async () => {
    const [row] = await chatOwing('9100004', 1);
    // The relay released the claim and another process took the row.
    await app.ctx.db.sql`update outbox set claimed_by = 777 where id = ${row}`;
    const recorder = createSendRecorder(client);
    expect(await recorder.load({ id: row, externalId: 'ext-lost', sentAt: new Date().toISOString(), claim: CLAIM })).toBeNull();
    const [kept] = await app.ctx.db.sql<{ status: string; claimed_by: string }[]>`select status, claimed_by from outbox where id = ${row}`;
    expect(kept).toEqual({ status: 'sending', claimed_by: '777' });
  });

  it('claims the oldest owed row of each chat asked for in the same tick in one statement; a chat asked twice, in a second one that finds its head taken', async () => {
    const [identityA] = await app.ctx.db.sql<{ id: string }[]>`insert into channel_identities (channel, chat_id) values ('telegram', '9100005') returning id`;
    const [identityB] = await app.ctx.db.sql<{ id: string }[]>`insert into channel_identities (channel, chat_id) values ('telegram', '9100006') returning id`;
    const owed = async (identity: string, text: string) =>
      Number(
        (
          await app.ctx.db.sql<{ id: string }[]>`
            insert into outbox (identity_id, channel, payload) values (${identity}, 'telegram', ${JSON.stringify({ kind: 'text', chatId: 'x', text })}::jsonb) returning id`
        )[0].id,
      );
    const a1 = await owed(identityA.id, 'a1');
    await owed(identityA.id, 'a2');
    const b1 = await owed(identityB.id, 'b1');
    const claimer = createClaimer(client);
    statements = 0;
    const ask = (identity: string) => ({ identityId: Number(identity), turn: null, upTo: null, claim: CLAIM });
    const [first, twice, other] = await Promise.all([claimer.load(ask(identityA.id)), claimer.load(ask(identityA.id)), claimer.load(ask(identityB.id))]);
    // One statement for both chats; the chat's second ask in a round of its own, after the first.
    expect(statements).toBe(2);
    expect([Number(first?.id), twice, Number(other?.id)]).toEqual([a1, undefined, b1]);
    expect(first?.payload).toMatchObject({ text: 'a1' });
    const sendingRows = await app.ctx.db.sql<{ id: string }[]>`select id from outbox where status = 'sending' and claimed_by = ${CLAIM}::bigint and id in ${app.ctx.db.sql([a1, b1])} order by id`;
    expect(sendingRows.map((row) => Number(row.id))).toEqual([a1, b1]);
    // Being sent, the chat's head blocks its next row: a second claim finds nothing.
    expect(await claimer.load(ask(identityA.id))).toBeUndefined();
  });
});
