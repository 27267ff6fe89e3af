/**
 * Redis is transport, not truth: if it loses jobs (flushed, restarted without persistence, an
 * enqueue that failed after commit), this relay finds inbound messages and outbox rows that
 * have made no progress and enqueues them again. Job ids are derived from row ids, so a job
 * that still exists is not duplicated, and the work itself is idempotent under Postgres locks.
 */
import type { ChannelName } from '../channels/types.js';
import type { PipelineContext } from '../conversation/context.js';
import { INBOUND_QUEUE, inboundJobId, jobOptions, outboundJobId, outboundQueue, type InboundJob, type OutboundJob } from './jobs.js';

const BATCH = 1_000;

/**
 * A claim older than this was left by a worker that died mid-send. Generous on purpose: releasing
 * a claim that is still being sent would send it twice, and WhatsApp Web's pacing can hold a send
 * for a while (Telegram and Cloud API calls time out after seconds).
 */
export const STALE_CLAIM_MS = 10 * 60_000;

/**
 * Ages are measured on Postgres's clock, never `ctx.now()`: `received_at`, `created_at` and
 * `claimed_at` are written by Postgres's `now()`, and the domain clock may be set elsewhere (a test
 * at 31 December, a server whose clock drifts from the database's).
 */
export async function relayOnce(ctx: PipelineContext, olderThanMs: number): Promise<{ inbound: number; outbound: number }> {
  const sql = ctx.db.sql;
  await sql`
    update outbox set status = 'pending', claimed_at = null
    where status = 'sending' and claimed_at < now() - ${STALE_CLAIM_MS} * interval '1 millisecond'`;
  const inbound = await sql<{ id: string; identity_id: string }[]>`
    select id, identity_id from messages
    where processed_at is null and received_at < now() - ${olderThanMs} * interval '1 millisecond'
    order by id limit ${BATCH}`;
  const outbound = await sql<{ id: string; identity_id: string; channel: ChannelName }[]>`
    select id, identity_id, channel from outbox
    where status = 'pending' and created_at < now() - ${olderThanMs} * interval '1 millisecond'
    order by id limit ${BATCH}`;
  if (inbound.length > 0) {
    await ctx.transport.queue<InboundJob>(INBOUND_QUEUE).addBulk(
      inbound.map((r) => ({
        name: 'message',
        data: { identityId: Number(r.identity_id), messageId: Number(r.id) },
        opts: jobOptions(inboundJobId(Number(r.id))),
      })),
    );
  }
  for (const r of outbound) {
    await ctx.transport
      .queue<OutboundJob>(outboundQueue(r.channel))
      .add('send', { identityId: Number(r.identity_id), outboxId: Number(r.id) }, jobOptions(outboundJobId(Number(r.id))));
  }
  return { inbound: inbound.length, outbound: outbound.length };
}

/** Runs the relay every `intervalMs` until stopped; a failed round is logged and tried again. */
export function startRelay(ctx: PipelineContext, options: { intervalMs: number; olderThanMs: number }) {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const round = async () => {
    try {
      const counts = await relayOnce(ctx, options.olderThanMs);
      if (counts.inbound + counts.outbound > 0) ctx.log.info(counts, 'relay re-enqueued stalled work');
    } catch (err) {
      ctx.log.warn({ err }, 'relay round failed');
    }
    if (!stopped) timer = setTimeout(round, options.intervalMs);
  };
  timer = setTimeout(round, 0);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
