/**
 * Redis is transport, not truth: if it loses jobs (flushed, restarted without persistence, an
 * enqueue skipped while it was down), this relay asks Postgres what is owed and enqueues it again.
 * Job ids are derived from row ids, so a job that still exists is not duplicated, and the work
 * itself is idempotent under Postgres locks.
 *
 * Each kind of owed work brings its own `rebuild` step (inbound messages and outbox rows here;
 * SLA timers, webhook deliveries, broadcasts add theirs through `startWorkers`' `owedWork`). The
 * relay calls every step on an interval for work that stalled, and at once, with no age cutoff,
 * whenever the transport comes back, since it may have come back empty.
 */
import type { ChannelName } from '../domain/messages.js';
import { errorKind } from '../db/errors.js';
import type { PipelineContext } from '../conversation/context.js';
import { releaseDeadClaims } from './claims.js';
import { inboundJob, outboundJobs, releasedTurnJob } from './jobs.js';

/** Rows a step reads per statement; a catch-up pages through all of them. */
export const RELAY_BATCH = 1_000;
const BATCH = RELAY_BATCH;

export interface RelayRound {
  /**
   * `interval`: work that made no progress for `olderThanMs` (newer work may still have its own
   * enqueue under way). `catch-up`: the transport just came back, perhaps empty: everything owed,
   * whatever its age (`olderThanMs` 0), delayed jobs included (rebuilt with the delay left, from
   * Postgres).
   *
   * Ages are measured on Postgres's clock (`now() - interval`), never `ctx.now()`: `received_at`
   * and `created_at` are written by Postgres's `now()`, and the domain clock may be set
   * elsewhere (a test at 31 December, a server whose clock drifts from the database's).
   */
  kind: 'interval' | 'catch-up';
  olderThanMs: number;
}

/** Postgres's moment before which work counts as stalled in this round. */
export function stalledBefore(ctx: PipelineContext, round: RelayRound) {
  return ctx.db.sql`now() - ${round.olderThanMs} * interval '1 millisecond'`;
}

/** One kind of work Postgres says is owed, and how to put it back on the queue. */
export interface OwedWork {
  /** For logs: `inbound`, `outbox`, `sla-timers`… */
  name: string;
  /** Enqueues (with `ctx.enqueue`, ids derived from rows) what is owed; returns how many jobs it offered. */
  rebuild(ctx: PipelineContext, round: RelayRound): Promise<number>;
}

/**
 * Reads owed rows with `page(afterId)` (ordered by id, at most BATCH) and enqueues them: one page in
 * an interval round, every page in a catch-up.
 */
export async function pages<R extends { id: string }>(
  ctx: PipelineContext,
  round: RelayRound,
  page: (afterId: string) => Promise<R[]>,
  jobsOf: (rows: R[]) => Parameters<PipelineContext['enqueue']>[0],
): Promise<number> {
  let offered = 0;
  let afterId = '0';
  for (;;) {
    const rows = await page(afterId);
    if (rows.length === 0) return offered;
    await ctx.enqueue(jobsOf(rows));
    offered += rows.length;
    if (round.kind === 'interval' || rows.length < BATCH) return offered;
    afterId = rows[rows.length - 1].id;
  }
}

/** Stored citizen messages no conversation step has processed yet. */
export const inboundMessages: OwedWork = {
  name: 'inbound',
  rebuild: (ctx, round) =>
    pages(
      ctx,
      round,
      (afterId) => ctx.db.sql<{ id: string; identity_id: string }[]>`
        select id, identity_id from messages
        where processed_at is null and received_at < ${stalledBefore(ctx, round)} and id > ${afterId}
        order by id limit ${BATCH}`,
      (rows) => rows.map((r) => inboundJob(Number(r.identity_id), Number(r.id))),
    ),
};

/**
 * Outbox rows not sent yet. First the claims whose process is gone are released, each chat's turn
 * queued at once under an id of its own (`releasedTurnJob`), whatever the row's age. Then each chat
 * with a stalled row gets its turn in the lane again, named after its oldest owed row
 * (src/queues/outbound.ts): a turn still queued absorbs it, so a chat waiting its fair share is not
 * given a second one.
 */
export const outboxRows: OwedWork = {
  name: 'outbox',
  async rebuild(ctx, round) {
    const released = await releaseDeadClaims(ctx.db.sql);
    if (released.length > 0) {
      ctx.log.info({ released: released.length }, 'released the claims of a sending process that is gone');
      await ctx.enqueue(released.map((r) => releasedTurnJob(Number(r.identity_id), { id: Number(r.id), channel: r.channel }, r.claimed_by)));
    }
    const stalled = await pages(
      ctx,
      round,
      (afterId) => ctx.db.sql<{ id: string; identity_id: string; channel: ChannelName; head: string }[]>`
        select o.id, o.identity_id, o.channel,
          (select h.id from outbox h where h.identity_id = o.identity_id and h.status in ('pending', 'sending') order by h.id limit 1) as head
        from outbox o
        where o.status = 'pending' and o.created_at < ${stalledBefore(ctx, round)} and o.id > ${afterId}
        order by o.id limit ${BATCH}`,
      (rows) => {
        const heads = new Map(rows.map((r) => [r.identity_id, { id: Number(r.head), channel: r.channel }]));
        return [...heads].flatMap(([identityId, head]) => outboundJobs(Number(identityId), [head]));
      },
    );
    return released.length + stalled;
  },
};

/** What the conversation pipeline itself owes; other parts append their own steps to this list. */
export const PIPELINE_OWED_WORK: readonly OwedWork[] = [inboundMessages, outboxRows];

/** Runs every step once; a failing step is logged and does not stop the others. */
export async function relayOnce(ctx: PipelineContext, owed: readonly OwedWork[], round: RelayRound): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const work of owed) {
    try {
      counts[work.name] = await work.rebuild(ctx, round);
    } catch (err) {
      ctx.log.warn({ ...errorKind(err), work: work.name, round: round.kind }, 'relay step failed; tried again next round');
    }
  }
  return counts;
}

/**
 * Runs the relay every `intervalMs`, and at once when the transport comes back. Rounds never
 * overlap: a catch-up asked for during a round runs right after it. While the transport is down,
 * interval rounds are skipped (there is nowhere to put the work) and nothing is logged per round.
 */
export function startRelay(ctx: PipelineContext, options: { intervalMs: number; olderThanMs: number; owed: readonly OwedWork[] }) {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running = false;
  let catchUpOwed = true;

  const round = async () => {
    if (running || stopped) return;
    running = true;
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      while (ctx.transport.up && !stopped) {
        const kind = catchUpOwed ? 'catch-up' : 'interval';
        catchUpOwed = false;
        const counts = await relayOnce(ctx, options.owed, { kind, olderThanMs: kind === 'catch-up' ? 0 : options.olderThanMs });
        if (Object.values(counts).some((n) => n > 0)) ctx.log.info({ ...counts, round: kind }, 'relay re-enqueued owed work');
        if (!catchUpOwed) break;
      }
    } finally {
      running = false;
      if (!stopped) timer = setTimeout(round, options.intervalMs);
    }
  };
  const unsubscribe = ctx.transport.onChange((up) => {
    if (!up) return;
    catchUpOwed = true;
    void round();
  });
  timer = setTimeout(round, 0);
  return {
    stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
    },
  };
}
