/**
 * Sending staff notifications: one job per `staff_notifications` row, the row locked while it is
 * sent (a crashed worker's lock dies with its connection, and the row is still pending), the
 * result recorded on the row. Retryable failures come back with backoff (or the platform's
 * retry-after); a permanent one is recorded and ends the job.
 */
import { and, eq } from 'drizzle-orm';
import type { Worker } from 'bullmq';
import type { StaffChannels } from '../cases/staff-notifications/channels.js';
import type { StaffMessage } from '../cases/staff-notifications/message.js';
import type { NotificationTarget, TargetKind } from '../cases/staff-notifications/targets.js';
import type { SendResult } from '../domain/messages.js';
import type { PipelineContext } from '../conversation/context.js';
import * as t from '../db/schema.js';
import {
  RetryLater, STAFF_NOTIFICATION_QUEUE, backoffStrategy, staffNotificationJobId, type StaffNotificationJob, type QueuedJob,
} from './jobs.js';
import type { Enqueue } from './enqueue.js';
import { pages, RELAY_BATCH, stalledBefore, type OwedWork, type RelayRound } from './relay.js';

const staffJobs = (ids: readonly number[]): QueuedJob[] =>
  ids.map((id) => ({ queue: STAFF_NOTIFICATION_QUEUE, name: 'notify', data: { notificationId: id } satisfies StaffNotificationJob, jobId: staffNotificationJobId(id) }));

export async function enqueueStaffNotifications(enqueue: Enqueue, ids: number[]): Promise<void> {
  await enqueue(staffJobs(ids));
}

/**
 * Enqueues pending notifications again (after a Redis flush, or an enqueue lost after commit).
 * A row whose job still exists, waiting for its retry, is not duplicated: job ids come from row ids.
 */
export function rebuildStaffNotifications(ctx: PipelineContext, round: RelayRound): Promise<number> {
  return pages(
    ctx,
    round,
    (afterId) => ctx.db.sql<{ id: string }[]>`
      select id from staff_notifications where status = 'pending' and created_at <= ${stalledBefore(ctx, round)} and id > ${afterId}
      order by id limit ${RELAY_BATCH}`,
    (rows) => staffJobs(rows.map((r) => Number(r.id))),
  );
}

const never = (reason: string): SendResult => ({ ok: false, failure: 'permanent', reason, unreachable: false });

async function attempt(channels: StaffChannels, target: NotificationTarget, message: StaffMessage): Promise<SendResult> {
  // Disabled (a wrong address, a group that moved): what it still owed stops with it.
  if (!target.active) return never('target disabled');
  const send = channels[target.kind as TargetKind];
  if (!send) return never(`${target.kind} is not configured in this deployment`);
  return send(target.address, message);
}

type Outcome = 'sent' | 'failed' | 'gone' | { retry: Extract<SendResult, { ok: false }> };

/** Sends one notification if it is still owed; throws `RetryLater` when it should be tried again. */
export async function deliverStaffNotification(ctx: PipelineContext, channels: StaffChannels, id: number): Promise<'sent' | 'failed' | 'gone'> {
  const outcome = await ctx.db.db.transaction(async (tx): Promise<Outcome> => {
    const [row] = await tx
      .select({ notification: t.staffNotifications, target: t.notificationTargets })
      .from(t.staffNotifications)
      .innerJoin(t.notificationTargets, eq(t.notificationTargets.id, t.staffNotifications.targetId))
      .where(and(eq(t.staffNotifications.id, id), eq(t.staffNotifications.status, 'pending')))
      .for('update', { of: t.staffNotifications, skipLocked: true });
    // Sent, failed, or being sent by another worker right now.
    if (!row) return 'gone';
    const result = await attempt(channels, row.target, row.notification.message);
    const attempts = row.notification.attempts + 1;
    const where = eq(t.staffNotifications.id, id);
    if (result.ok) {
      await tx.update(t.staffNotifications).set({ status: 'sent', attempts, sentAt: ctx.now(), externalId: result.externalId, lastError: null }).where(where);
      return 'sent';
    }
    if (result.failure === 'permanent') {
      await tx.update(t.staffNotifications).set({ status: 'failed', attempts, lastError: result.reason }).where(where);
      return 'failed';
    }
    await tx.update(t.staffNotifications).set({ attempts, lastError: result.reason }).where(where);
    return { retry: result };
  });
  if (typeof outcome === 'string') return outcome;
  const failure = outcome.retry;
  // The reason stays on the row; SMTP replies can quote the address, so the job carries none.
  throw new RetryLater(failure.failure === 'rate-limited' ? failure.retryAfterMs : null, `staff notification ${id}: ${failure.failure}`);
}

export interface StaffWorkerOptions {
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export function startStaffNotificationWorker(ctx: PipelineContext, channels: StaffChannels, options: StaffWorkerOptions): Worker<StaffNotificationJob> {
  return ctx.transport.worker<StaffNotificationJob>(
    STAFF_NOTIFICATION_QUEUE,
    async (job) => {
      const { notificationId } = job.data;
      if ((await deliverStaffNotification(ctx, channels, notificationId)) === 'failed') {
        ctx.log.warn({ notificationId }, 'staff notification failed permanently; the reason is on its row');
      }
    },
    { concurrency: options.concurrency, settings: { backoffStrategy: backoffStrategy(options.retryBaseMs, options.retryMaxMs) } },
  );
}

/** The relay's step for staff notifications not sent yet. */
export const staffNotificationsOwed: OwedWork = {
  name: 'staff',
  rebuild: rebuildStaffNotifications,
};
