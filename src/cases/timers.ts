/**
 * SLA clocks as rows: which clock runs in which status, when it is due (working days, per dinas and
 * category) and when it reminds (80% of the working time). Postgres holds every moment; delayed
 * BullMQ jobs are only the alarm (see sla-jobs.ts), so a lost job costs a little lateness, never
 * the reminder itself.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { CaseStatus } from '../conversation/contract.js';
import type { PipelineContext } from '../conversation/context.js';
import type { Tx } from '../db/client.js';
import * as t from '../db/schema.js';
import { CASE_TIMER_QUEUE, caseTimerJobId, TIMER_JOB_ATTEMPTS, type CaseTimerJob } from '../queues/jobs.js';
import { dinasOf, slaPolicy, type CaseSettings, type CaseSettingsCache, type SlaPolicy } from './settings.js';
import { addWorkingDays, workingMoment } from './working-days.js';

export type ClockKind = 'verify' | 'follow_up' | 'close';
export type TimerRow = typeof t.caseTimers.$inferSelect;

/**
 * The clock each status runs (SP4N-LAPOR!): verified and forwarded within the verify days of
 * arrival; followed up within the follow-up days of forwarding (`diproses` keeps the forwarding
 * clock: starting work is not finishing it); closed automatically after `selesai`.
 */
export const CLOCK_OF: Record<CaseStatus, ClockKind | null> = {
  baru: 'verify',
  diverifikasi: 'verify',
  diteruskan: 'follow_up',
  diproses: 'follow_up',
  selesai: 'close',
  ditutup: null,
  ditolak: null,
  duplikat: null,
};

/** Share of a clock's working time after which the responsible unit is reminded. */
export const REMIND_AT = 0.8;

const daysOf = (policy: SlaPolicy, kind: ClockKind) =>
  kind === 'verify' ? policy.verifyDays : kind === 'follow_up' ? policy.followUpDays : policy.closeAfterDays;

/**
 * When the clock `status` runs, started `now`, is due and reminds: working days by the SLA policy,
 * in the dinas's time zone, holidays skipped. Null for a status that runs no clock.
 */
export function clockFor(
  settings: CaseSettings,
  kase: Pick<typeof t.cases.$inferSelect, 'dinasId' | 'categoryCode'>,
  status: CaseStatus,
  now: Date,
): { kind: ClockKind; dueAt: Date; remindAt: Date | null } | null {
  const kind = CLOCK_OF[status];
  if (!kind) return null;
  const { timeZone } = dinasOf(settings, kase.dinasId);
  const dueAt = addWorkingDays(now, daysOf(slaPolicy(settings, kase.dinasId, kase.categoryCode), kind), settings.holidays, timeZone);
  // Closing needs no reminder: nobody owes anything, the citizen may still object.
  const remindAt = kind === 'close' ? null : workingMoment(now, dueAt, REMIND_AT, settings.holidays, timeZone);
  return { kind, dueAt, remindAt };
}

export type Clock = NonNullable<ReturnType<typeof clockFor>>;

/** A new clock's timer row, but its id: it acts first at its reminder, if it has one. */
export function newTimer(caseId: number, clock: Clock, now: Date): Omit<TimerRow, 'id'> {
  return { caseId, kind: clock.kind, startedAt: now, dueAt: clock.dueAt, remindAt: clock.remindAt, remindedAt: null, escalatedAt: null, doneAt: null, nextAt: clock.remindAt ?? clock.dueAt };
}

/** Writes a clock `clockFor` computed as the case's running timer. */
async function startClock(tx: Tx, caseId: number, clock: Clock, now: Date): Promise<TimerRow> {
  const [timer] = await tx.insert(t.caseTimers).values(newTimer(caseId, clock, now)).returning();
  return timer;
}

/**
 * Brings the case's clocks in line with `status`: stops a clock the status no longer runs, starts
 * the one it runs (or restarts it when `restart`, e.g. a new unit gets its own follow-up time).
 * Runs under the caller's lock on the case row. Returns the running clock's due moment and the
 * timers started, whose alarms the caller sets after commit.
 */
export async function syncTimers(
  tx: Tx,
  caseSettings: CaseSettingsCache,
  kase: Pick<typeof t.cases.$inferSelect, 'id' | 'dinasId' | 'categoryCode'>,
  status: CaseStatus,
  now: Date,
  restart = false,
): Promise<{ dueAt: Date | null; remindAt: Date | null; started: TimerRow[] }> {
  const wanted = CLOCK_OF[status];
  const running = await tx.select().from(t.caseTimers).where(and(eq(t.caseTimers.caseId, kase.id), isNull(t.caseTimers.doneAt)));
  let keep: TimerRow | null = null;
  for (const timer of running) {
    if (timer.kind === wanted && !restart) keep = timer;
    else await tx.update(t.caseTimers).set({ doneAt: now, nextAt: null }).where(eq(t.caseTimers.id, timer.id));
  }
  if (keep || !wanted) return { dueAt: keep?.dueAt ?? null, remindAt: keep?.remindAt ?? null, started: [] };

  const clock = clockFor(await caseSettings.within(tx), kase, status, now)!;
  const timer = await startClock(tx, kase.id, clock, now);
  return { dueAt: clock.dueAt, remindAt: clock.remindAt, started: [timer] };
}

/** The steps a timer still has to take: each one gets its own alarm. */
export function pendingSteps(timer: TimerRow): { step: 'remind' | 'due'; at: Date }[] {
  if (timer.doneAt) return [];
  const steps: { step: 'remind' | 'due'; at: Date }[] = [];
  if (timer.remindAt && !timer.remindedAt && !timer.escalatedAt) steps.push({ step: 'remind', at: timer.remindAt });
  if (!timer.escalatedAt) steps.push({ step: 'due', at: timer.dueAt });
  return steps;
}

/**
 * How far ahead an alarm is set in the queue. One due later waits in Postgres (`case_timers.next_at`)
 * and the relay sets it once it comes within this (each round: src/cases/sla-jobs.ts), so a new
 * case's clock, days long, costs the queue nothing until its last hour (it was two delayed jobs
 * for every case, a Redis script each, at the case's opening), and a Redis that lost its jobs is
 * healed within one relay round.
 */
export const ALARM_HORIZON_MS = 60 * 60_000;

/**
 * Sets the alarms of `timers` that are due within the horizon; an alarm whose job still exists is
 * not added twice (the job id says which).
 */
export async function scheduleTimerJobs(ctx: PipelineContext, timers: TimerRow[]): Promise<void> {
  const now = ctx.now().getTime();
  await ctx.enqueue(
    timers.flatMap((timer) =>
      pendingSteps(timer).filter(({ at }) => at.getTime() - now <= ALARM_HORIZON_MS).map(({ step, at }) => ({
        queue: CASE_TIMER_QUEUE,
        name: step,
        data: { timerId: timer.id } satisfies CaseTimerJob,
        jobId: caseTimerJobId(timer.id, step),
        attempts: TIMER_JOB_ATTEMPTS,
        delayMs: Math.max(0, at.getTime() - now),
      })),
    ),
  );
}
