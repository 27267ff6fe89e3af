/**
 * The clock of each live chat, one moment at a time in `handoff_requests.next_at`: a request nobody
 * took is reminded to staff once its remind time has passed; a taken chat the officer never
 * answered (remind time after taking), or with no message either way for the idle time, goes back
 * to the queue for someone else. Postgres holds the moment; a delayed job is only the alarm, and
 * the relay fires what is overdue and sets the next hour's alarms again after a Redis flush.
 */
import { and, asc, isNotNull, lte, sql } from 'drizzle-orm';
import { inCaseTransaction } from '../cases/lifecycle.js';
import { ALARM_HORIZON_MS } from '../cases/timers.js';
import type { PipelineContext } from '../conversation/context.js';
import { errorKind } from '../db/errors.js';
import * as t from '../db/schema.js';
import { LIVECHAT_TIMER_QUEUE, livechatTimerJobId, TIMER_JOB_ATTEMPTS, type LivechatTimerJob } from '../queues/jobs.js';
import type { OwedWork } from '../queues/relay.js';
import { livechatNotice } from './events.js';

/** Sets the alarms; an alarm whose job still exists is not added twice (the job id names the moment). */
export async function scheduleLivechatTimers(ctx: PipelineContext, timers: readonly { id: number; nextAt: Date | null }[]): Promise<void> {
  const now = ctx.now().getTime();
  await ctx.enqueue(
    timers.flatMap(({ id, nextAt }) =>
      nextAt
        ? [
            {
              queue: LIVECHAT_TIMER_QUEUE,
              name: 'livechat',
              data: { handoffId: id } satisfies LivechatTimerJob,
              jobId: livechatTimerJobId(id, nextAt),
              attempts: TIMER_JOB_ATTEMPTS,
              delayMs: Math.max(0, nextAt.getTime() - now),
            },
          ]
        : [],
    ),
  );
}

/**
 * Does what the request's clock owes now, if anything: `reminded` (untaken), `returned` (taken,
 * untouched or idle). Under the conversation's lock, like every change of a live chat, so it never
 * crosses a message being passed to the officer or a take.
 */
export async function fireLivechatTimer(ctx: PipelineContext, handoffId: number): Promise<'reminded' | 'returned' | null> {
  return inCaseTransaction(ctx, async (work) => {
    const { tx, now } = work;
    const [found] = (await tx.execute(sql`select identity_id from handoff_requests where id = ${handoffId}`)) as unknown as { identity_id: string }[];
    if (!found) return null;
    await tx.execute(sql`select 1 from conversations where identity_id = ${found.identity_id} for update`);
    const [handoff] = (await tx.execute(sql`
      select id, dinas_id, taken_by_staff_id, reminded_at, next_at, resolved_at from handoff_requests where id = ${handoffId} for update`)) as unknown as {
      id: string;
      dinas_id: number;
      taken_by_staff_id: number | null;
      reminded_at: string | null;
      next_at: string | null;
      resolved_at: string | null;
    }[];
    if (handoff.resolved_at || !handoff.next_at || now < new Date(handoff.next_at)) return null;
    const event = { dinasId: handoff.dinas_id, handoffId };
    if (handoff.taken_by_staff_id === null) {
      await tx.execute(sql`update handoff_requests set reminded_at = ${now.toISOString()}::timestamptz, next_at = null where id = ${handoffId}`);
      await livechatNotice(tx, 'reminder', event);
      return 'reminded';
    }
    const nextAt = new Date(now.getTime() + ctx.livechat.remindMs);
    await tx.execute(sql`
      update handoff_requests set taken_by_staff_id = null, taken_at = null, officer_at = null, activity_at = null, reminded_at = null,
        queued_at = ${now.toISOString()}::timestamptz, returns = returns + 1, next_at = ${nextAt.toISOString()}::timestamptz
      where id = ${handoffId}`);
    await livechatNotice(tx, 'returned', event);
    work.after.push(() => scheduleLivechatTimers(ctx, [{ id: handoffId, nextAt }]));
    return 'returned';
  });
}

const BATCH = 500;

/** Fires every clock overdue by more than `graceMs` (its job was lost or is late) and re-adds the next hour's alarms. */
export async function rebuildLivechatTimers(ctx: PipelineContext, graceMs = 0): Promise<{ fired: number; scheduled: number }> {
  const { db } = ctx.db;
  const now = ctx.now().getTime();
  const due = (before: number) =>
    db
      .select({ id: t.handoffRequests.id, nextAt: t.handoffRequests.nextAt })
      .from(t.handoffRequests)
      .where(and(isNotNull(t.handoffRequests.nextAt), lte(t.handoffRequests.nextAt, new Date(before))))
      .orderBy(asc(t.handoffRequests.nextAt))
      .limit(BATCH);
  let fired = 0;
  for (const { id } of await due(now - graceMs)) {
    try {
      if (await fireLivechatTimer(ctx, id)) fired++;
    } catch (err) {
      ctx.log.warn({ ...errorKind(err), handoffId: id }, 'live chat timer failed to fire; next round tries again');
    }
  }
  const soon = await due(now + ALARM_HORIZON_MS);
  await scheduleLivechatTimers(ctx, soon);
  return { fired, scheduled: soon.length };
}

/** The relay's step for live-chat clocks. */
export const livechatTimers: OwedWork = {
  name: 'livechat',
  rebuild: async (ctx, round) => (await rebuildLivechatTimers(ctx, round.olderThanMs)).fired,
};
