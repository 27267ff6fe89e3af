/**
 * What an SLA clock does when its moment comes: remind the responsible unit at 80% of the time,
 * escalate to the unit's supervisor when the time is out, close a `selesai` case nobody objected
 * to. Each is an event row through the sinks, done under the case's row lock and recorded on the
 * timer, so an alarm that fires twice (a re-added job, the relay) acts once.
 */
import { and, asc, eq, isNotNull, lte } from 'drizzle-orm';
import type { CaseStatus } from '../conversation/contract.js';
import type { PipelineContext } from '../conversation/context.js';
import type { Tx } from '../db/client.js';
import { errorKind } from '../db/errors.js';
import * as t from '../db/schema.js';
import type { CaseEventRecord } from './events.js';
import { inCaseTransaction, lockCase, moveCase, recordEvent } from './lifecycle.js';
import { ALARM_HORIZON_MS, scheduleTimerJobs } from './timers.js';
import type { OwedWork } from '../queues/relay.js';

const SYSTEM = { kind: 'system' } as const;

/** Supervisors of the case's unit: whom an escalation is for. */
async function supervisorsOf(tx: Tx, unitId: number | null): Promise<number[]> {
  if (unitId === null) return [];
  const rows = await tx
    .select({ id: t.staff.id })
    .from(t.staff)
    .where(and(eq(t.staff.unitId, unitId), eq(t.staff.supervisor, true), eq(t.staff.active, true)))
    .orderBy(asc(t.staff.id));
  return rows.map((r) => r.id);
}

/**
 * Does whatever the timer owes at the current moment: the escalation (or the close) once its due
 * moment passed, else the reminder once its moment passed; a reminder whose due moment already
 * passed is skipped, since the escalation says more. Returns the event written, if any.
 */
export async function fireTimer(ctx: PipelineContext, timerId: number): Promise<CaseEventRecord | null> {
  return inCaseTransaction(ctx, async (work) => {
    const { tx, now } = work;
    const [found] = await tx.select({ caseId: t.caseTimers.caseId }).from(t.caseTimers).where(eq(t.caseTimers.id, timerId));
    if (!found) return null;
    // The case first, then the timer: the same order as a status change, so they never deadlock.
    const kase = await lockCase(tx, found.caseId);
    const [timer] = await tx.select().from(t.caseTimers).where(eq(t.caseTimers.id, timerId)).for('update');
    if (timer.doneAt) return null;
    const status = kase.status as CaseStatus;

    if (timer.kind === 'close') {
      if (now < timer.dueAt) return null;
      return moveCase(work, kase, SYSTEM, 'ditutup');
    }
    if (!timer.escalatedAt && now >= timer.dueAt) {
      await tx.update(t.caseTimers).set({ escalatedAt: now, nextAt: null }).where(eq(t.caseTimers.id, timer.id));
      const supervisorStaffIds = await supervisorsOf(tx, kase.unitId);
      return recordEvent(work, kase, {
        type: 'escalation',
        actor: SYSTEM,
        from: status,
        public: false,
        data: { clock: timer.kind, dueAt: timer.dueAt.toISOString(), supervisorStaffIds },
      });
    }
    if (!timer.escalatedAt && !timer.remindedAt && timer.remindAt && now >= timer.remindAt) {
      await tx.update(t.caseTimers).set({ remindedAt: now, nextAt: timer.dueAt }).where(eq(t.caseTimers.id, timer.id));
      return recordEvent(work, kase, {
        type: 'reminder',
        actor: SYSTEM,
        from: status,
        public: false,
        data: { clock: timer.kind, dueAt: timer.dueAt.toISOString() },
      });
    }
    return null;
  });
}

const BATCH = 500;

/**
 * Rebuilds the clocks' alarms from Postgres: fires at once every timer whose moment passed more than
 * `graceMs` ago (its job was lost, or is late), and re-adds the delayed jobs of timers due within
 * the horizon (an alarm whose job still exists is not added twice). The relay calls this each round.
 */
export async function rebuildCaseTimers(ctx: PipelineContext, graceMs = 0): Promise<{ fired: number; scheduled: number }> {
  const { db } = ctx.db;
  const now = ctx.now().getTime();
  const overdue = await db
    .select({ id: t.caseTimers.id })
    .from(t.caseTimers)
    .where(and(isNotNull(t.caseTimers.nextAt), lte(t.caseTimers.nextAt, new Date(now - graceMs))))
    .orderBy(asc(t.caseTimers.nextAt))
    .limit(BATCH);
  let fired = 0;
  for (const { id } of overdue) {
    try {
      if (await fireTimer(ctx, id)) fired++;
    } catch (err) {
      ctx.log.warn({ ...errorKind(err), timerId: id }, 'SLA timer failed to fire; next round tries again');
    }
  }

  const soon = await db
    .select()
    .from(t.caseTimers)
    .where(and(isNotNull(t.caseTimers.nextAt), lte(t.caseTimers.nextAt, new Date(now + ALARM_HORIZON_MS))))
    .orderBy(asc(t.caseTimers.nextAt))
    .limit(BATCH);
  await scheduleTimerJobs(ctx, soon);
  return { fired, scheduled: soon.length };
}

/** The relay's step for SLA clocks: overdue alarms fire, the next hour's alarms are set again. */
export const caseTimerAlarms: OwedWork = {
  name: 'timers',
  rebuild: async (ctx, round) => (await rebuildCaseTimers(ctx, round.olderThanMs)).fired,
};
