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

export interface SlaPolicy {
  verifyDays: number;
  followUpDays: number;
  closeAfterDays: number;
}

/** The most specific SLA policy for a dinas and category (dinas beats category beats the default). */
export async function slaPolicy(tx: Tx, dinasId: number, categoryCode: string): Promise<SlaPolicy> {
  const policies = await tx.select().from(t.slaPolicies);
  const score = (p: (typeof policies)[number]) =>
    (p.dinasId === dinasId ? 2 : p.dinasId === null ? 0 : -10) + (p.categoryCode === categoryCode ? 1 : p.categoryCode === null ? 0 : -10);
  const best = policies.filter((p) => score(p) >= 0).sort((a, b) => score(b) - score(a))[0];
  // National default (SP4N-LAPOR!): verified within 3 working days, followed up within 5, closed 10 after.
  return best ?? { verifyDays: 3, followUpDays: 5, closeAfterDays: 10 };
}

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
 * Brings the case's clocks in line with `status`: stops a clock the status no longer runs, starts
 * the one it runs (or restarts it when `restart`, e.g. a new unit gets its own follow-up time).
 * Runs under the caller's lock on the case row. Returns the running clock's due moment and the
 * timers started, whose alarms the caller sets after commit.
 */
export async function syncTimers(
  tx: Tx,
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

  const [dinas] = await tx.select({ availability: t.dinas.staffAvailability }).from(t.dinas).where(eq(t.dinas.id, kase.dinasId));
  const timeZone = dinas.availability.timeZone;
  const holidays = await holidaysFrom(tx, now);
  const dueAt = addWorkingDays(now, daysOf(await slaPolicy(tx, kase.dinasId, kase.categoryCode), wanted), holidays, timeZone);
  // Closing needs no reminder: nobody owes anything, the citizen may still object.
  const remindAt = wanted === 'close' ? null : workingMoment(now, dueAt, REMIND_AT, holidays, timeZone);
  const [timer] = await tx
    .insert(t.caseTimers)
    .values({ caseId: kase.id, kind: wanted, startedAt: now, dueAt, remindAt, nextAt: remindAt ?? dueAt })
    .returning();
  return { dueAt, remindAt, started: [timer] };
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
