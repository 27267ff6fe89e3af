/**
 * SLA clocks as rows: which clock runs in which status, when it is due (working days, per dinas and
 * category) and when it reminds (80% of the working time). Postgres holds every moment; delayed
 * BullMQ jobs are only the alarm (see sla-jobs.ts), so a lost job costs a little lateness, never
 * the reminder itself.
 */
import { and, eq, gte, isNull, ne } from 'drizzle-orm';
import type { CaseStatus } from '../conversation/contract.js';
import type { PipelineContext } from '../conversation/context.js';
import type { Tx } from '../db/client.js';
import * as t from '../db/schema.js';
import { CASE_TIMER_QUEUE, caseTimerJobId, TIMER_JOB_ATTEMPTS, type CaseTimerJob } from '../queues/jobs.js';
import { dinasOf, slaPolicy, type CaseSettings, type SlaPolicy } from './settings.js';
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

/** Public holidays, cuti bersama and local holidays from `from` on. */
export async function holidaysFrom(tx: Tx, from: Date): Promise<Set<string>> {
  // A day before, so the local date of `from` is covered east of UTC too.
  const since = new Date(from.getTime() - 86_400_000).toISOString().slice(0, 10);
  // `cancelled`: a public holiday the decree moved, kept so the start-up seed does not add it back.
  const rows = await tx
    .select({ day: t.holidays.day })
    .from(t.holidays)
    .where(and(gte(t.holidays.day, since), ne(t.holidays.kind, 'cancelled')));
  return new Set(rows.map((r) => r.day));
}

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

/** Writes a clock `clockFor` computed as the case's running timer. */
async function startClock(tx: Tx, caseId: number, clock: { kind: ClockKind; dueAt: Date; remindAt: Date | null }, now: Date): Promise<TimerRow> {
  const [timer] = await tx
    .insert(t.caseTimers)
    .values({ caseId, kind: clock.kind, startedAt: now, dueAt: clock.dueAt, remindAt: clock.remindAt, nextAt: clock.remindAt ?? clock.dueAt })
    .returning();
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
  settings: CaseSettings,
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

  const clock = clockFor(settings, kase, status, now)!;
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

/** Sets the alarms of `timers`; an alarm whose job still exists is not added twice (the job id says which). */
export async function scheduleTimerJobs(ctx: PipelineContext, timers: TimerRow[]): Promise<void> {
  const now = ctx.now().getTime();
  await ctx.enqueue(
    timers.flatMap((timer) =>
      pendingSteps(timer).map(({ step, at }) => ({
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
