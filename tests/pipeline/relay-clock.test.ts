/**
 * The relay measures how long a row has waited on Postgres's clock, the clock that stamped the
 * row, whatever the product's domain clock says. A domain clock weeks ahead (a test at 24
 * December, a server clock gone wrong) once made every claim look ten minutes stale, so a reply
 * being sent was released and sent again; one weeks behind made nothing ever look stalled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { LEGACY_CLAIM_MS } from '../../src/queues/claims.js';
import { PIPELINE_OWED_WORK, relayOnce } from '../../src/queues/relay.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

const RELAY_AFTER_MS = 1_000;
const DAY_MS = 24 * 3_600_000;

let env: TestEnv;
let app: App;
/** The product's clock, moved freely by each test; nothing here waits on it. */
let domainNow = new Date();

beforeAll(async () => {
  env = await createTestEnv();
  // The web role runs no relay of its own: each test calls it once, by hand.
  app = await startTestApp(env, { role: 'web', now: () => domainNow });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

let nextChat = 1;

/** A chat with one unprocessed message and one reply being sent, both stamped `ageMs` ago by Postgres. */
async function stalledChat(ageMs: number) {
  const sql = app.ctx.db.sql;
  const chatId = `relay-clock-${nextChat++}`;
  const [identity] = await sql<{ id: string }[]>`
    insert into channel_identities (channel, chat_id) values ('web', ${chatId}) returning id`;
  const at = sql`now() - ${ageMs} * interval '1 millisecond'`;
  const [message] = await sql<{ id: string }[]>`
    insert into messages (identity_id, channel, external_id, kind, body, sent_at, received_at)
    values (${identity.id}, 'web', ${chatId}, 'text', 'halo', ${at}, ${at}) returning id`;
  const [reply] = await sql<{ id: string }[]>`
    insert into outbox (identity_id, channel, payload, status, claimed_at, created_at)
    values (${identity.id}, 'web', ${JSON.stringify({ kind: 'text', chatId, text: 'Halo' })}::jsonb, 'sending', ${at}, ${at}) returning id`;
  return { messageId: message.id, replyId: reply.id };
}

async function replyStatus(replyId: string): Promise<string> {
  const [row] = await app.ctx.db.sql<{ status: string }[]>`select status from outbox where id = ${replyId}`;
  return row.status;
}

describe('the relay, with the domain clock far from the database clock', () => {
  it('leaves a fresh claim and a fresh message alone when the domain clock is weeks ahead', async () => {
    const { replyId } = await stalledChat(0);
    domainNow = new Date(Date.now() + 23 * DAY_MS);
    expect(await relayRound()).toEqual({ inbound: 0, outbox: 0 });
    expect(await replyStatus(replyId)).toBe('sending');
  });

  it('releases a stale claim (of a version before claim sessions) and relays a stalled message when the domain clock is weeks behind', async () => {
    const { replyId } = await stalledChat(LEGACY_CLAIM_MS + 60_000);
    domainNow = new Date(Date.now() - 23 * DAY_MS);
    const relayed = await relayRound();
    expect(await replyStatus(replyId)).toBe('pending');
    expect(relayed.inbound).toBeGreaterThanOrEqual(1);
    expect(relayed.outbox).toBeGreaterThanOrEqual(1);
  });
});

/** One interval round of the conversation pipeline's relay steps. */
function relayRound() {
  return relayOnce(app.ctx, PIPELINE_OWED_WORK, { kind: 'interval', olderThanMs: RELAY_AFTER_MS });
}
