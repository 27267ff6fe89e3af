/**
 * A claim on an outbox row lives exactly as long as the claiming process's claim session
 * (src/queues/claims.ts): the relay never releases a claim whose session is alive, however long
 * the send takes, and releases one whose session is gone at its next round, queueing the chat's
 * turn under an id the dead worker's job cannot absorb. A session whose lock connection is cut
 * while the process lives takes a new key, and what it claimed before is released like a dead
 * process's. Real Postgres and Redis; the web role runs no relay, so each test runs its rounds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { openClaimSession, type ClaimSession } from '../../src/queues/claims.js';
import { outboundJobId, outboundQueue } from '../../src/queues/jobs.js';
import { PIPELINE_OWED_WORK, relayOnce } from '../../src/queues/relay.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { until } from '../support/until.js';

let env: TestEnv;
let app: App;
const sessions: ClaimSession[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web' });
});

afterAll(async () => {
  for (const session of sessions) await session.close();
  await app?.close();
  await env?.dispose();
});

async function openSession(): Promise<ClaimSession> {
  const session = await openClaimSession(env.databaseUrl, app.ctx.log);
  sessions.push(session);
  return session;
}

let nextChat = 1;

/** A web chat's reply claimed by `key` an hour ago (a long send), as `sendTurn` claims it. */
async function claimedReply(key: string) {
  const sql = app.ctx.db.sql;
  const chatId = `claims-${nextChat++}`;
  const [identity] = await sql<{ id: string }[]>`insert into channel_identities (channel, chat_id) values ('web', ${chatId}) returning id`;
  const [row] = await sql<{ id: string }[]>`
    insert into outbox (identity_id, channel, payload, status, claimed_at, claimed_by)
    values (${identity.id}, 'web', ${JSON.stringify({ kind: 'text', chatId, text: 'Halo' })}::jsonb, 'sending', now() - interval '1 hour', ${key}::bigint)
    returning id`;
  return { identityId: Number(identity.id), outboxId: Number(row.id) };
}

async function claimOf(outboxId: number) {
  const [row] = await app.ctx.db.sql<{ status: string; claimed_by: string | null }[]>`select status, claimed_by::text from outbox where id = ${outboxId}`;
  return row;
}

const relayRound = () => relayOnce(app.ctx, PIPELINE_OWED_WORK, { kind: 'interval', olderThanMs: 60_000 });

describe('a claim', () => {
  it('is never released while its session lives, however old', async () => {
    const session = await openSession();
    const { outboxId } = await claimedReply(session.key);
    expect(await relayRound()).toMatchObject({ outbox: 0 });
    expect(await claimOf(outboxId)).toEqual({ status: 'sending', claimed_by: session.key });
  });

  it("is released at the relay's next round once its session is gone, the chat's turn queued under a new id", async () => {
    const session = await openSession();
    const { identityId, outboxId } = await claimedReply(session.key);
    const lane = app.ctx.transport.queue(outboundQueue('web'));
    // The dead worker's own turn, still in Redis (active under its lock, in real life).
    await lane.add('send', { identityId, outboxId }, { jobId: outboundJobId(outboxId) });

    await session.close();
    expect(await relayRound()).toMatchObject({ outbox: 1 });
    expect(await claimOf(outboxId)).toEqual({ status: 'pending', claimed_by: null });
    const turn = await lane.getJob(`${outboundJobId(outboxId)}-${session.key}`);
    expect(turn?.data).toEqual({ identityId, outboxId });
  });

  it('made before its session lost its lock connection is released; the session claims on with a new key', async () => {
    const session = await openSession();
    const before = session.key;
    const { outboxId } = await claimedReply(before);
    // The connection is cut under a live process, as a Postgres restart or a network cut would.
    await app.ctx.db.sql`
      select pg_terminate_backend(pid) from pg_locks
      where locktype = 'advisory' and objsubid = 1 and (classid::bigint << 32 | objid::bigint) = ${before}::bigint`;
    await until('a new key', async () => session.key !== before);

    const { outboxId: later } = await claimedReply(session.key);
    expect(await relayRound()).toMatchObject({ outbox: 1 });
    expect(await claimOf(outboxId)).toEqual({ status: 'pending', claimed_by: null });
    expect(await claimOf(later)).toEqual({ status: 'sending', claimed_by: session.key });
  });
});
