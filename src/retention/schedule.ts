/**
 * When the retention purge runs: daily at a quiet hour (RETENTION_PURGE_AT, 02:00 by default) in
 * RETENTION_TIME_ZONE, on the product's clock. Postgres holds the schedule, one `retention_runs`
 * row per moment, written before the moment comes; a delayed job (queue `retention`) is only the
 * alarm. The relay's step writes the next moment's row, sets the alarms of the next hour again and
 * re-adds the job of a moment that passed unfinished, so a Redis flush, a worker that was down at
 * 02:00 or BullMQ's PostgreSQL backend all still get their purge. Only one purge runs at a time
 * (a session advisory lock, which dies with its connection if the process does).
 */
import type { Config } from '../config.js';
import type { PipelineContext } from '../conversation/context.js';
import { offsetMinutes } from '../cases/working-days.js';
import { RETENTION_QUEUE, retentionJobId, TIMER_JOB_ATTEMPTS, type QueuedJob, type RetentionJob } from '../queues/jobs.js';
import type { OwedWork } from '../queues/relay.js';
import { purgeExpired, type PurgeCounts, type PurgeSettings } from './purge.js';

export interface PurgeSchedule {
  /** Local time of day, "HH:MM". */
  at: string;
  timeZone: string;
}

export interface RetentionSettings extends PurgeSettings {
  schedule: PurgeSchedule;
}

/** The purge's settings as configured (RETENTION_*). */
export function retentionSettings(config: Config): RetentionSettings {
  return {
    periods: {
      messageDays: config.RETENTION_MESSAGE_DAYS,
      draftDays: config.RETENTION_DRAFT_DAYS,
      mediaDays: config.RETENTION_MEDIA_DAYS,
      closedCaseDays: config.RETENTION_CLOSED_CASE_DAYS,
      outboxDays: config.RETENTION_OUTBOX_DAYS,
    },
    batchSize: config.RETENTION_BATCH_SIZE,
    schedule: { at: config.RETENTION_PURGE_AT, timeZone: config.RETENTION_TIME_ZONE },
  };
}

const DAY_MS = 86_400_000;
/** How far ahead the relay sets the alarm again: a lost job is back within one relay round. */
const ALARM_HORIZON_MS = 60 * 60_000;
/** `pg_advisory_lock` key of the purge (any constant the product uses for nothing else). */
const PURGE_LOCK = 7_263_010_419;

/** The scheduled moment on the local day of `at` (Indonesia keeps no daylight saving time). */
function momentOnDayOf(at: Date, schedule: PurgeSchedule, dayOffset: number): Date {
  const offsetMs = offsetMinutes(at, schedule.timeZone) * 60_000;
  const [hour, minute] = schedule.at.split(':').map(Number);
  const localMidnight = Math.floor((at.getTime() + offsetMs) / DAY_MS) * DAY_MS;
  return new Date(localMidnight + dayOffset * DAY_MS + (hour * 60 + minute) * 60_000 - offsetMs);
}

/** The first scheduled moment after `at`. */
export function nextPurgeMoment(at: Date, schedule: PurgeSchedule): Date {
  const today = momentOnDayOf(at, schedule, 0);
  return today.getTime() > at.getTime() ? today : momentOnDayOf(at, schedule, 1);
}

function purgeJob(dueAt: Date, now: Date): QueuedJob {
  return {
    queue: RETENTION_QUEUE,
    name: 'purge',
    data: { dueAt: dueAt.toISOString() } satisfies RetentionJob,
    jobId: retentionJobId(dueAt),
    attempts: TIMER_JOB_ATTEMPTS,
    delayMs: Math.max(0, dueAt.getTime() - now.getTime()),
  };
}

/**
 * The relay's step: the next moment is owed from now on (its row is written), and every owed
 * moment due within the hour has its job (again: a job that still exists is not added twice).
 * Returns how many moments are overdue, i.e. were missed and are caught up now.
 */
export function retentionAlarm(schedule: PurgeSchedule): OwedWork {
  return {
    name: 'retention',
    async rebuild(ctx) {
      const now = ctx.now();
      const { sql } = ctx.db;
      await sql`insert into retention_runs (due_at) values (${nextPurgeMoment(now, schedule).toISOString()}::timestamptz) on conflict do nothing`;
      const owed = await sql<{ due_at: string }[]>`
        select due_at from retention_runs
        where finished_at is null and due_at <= ${new Date(now.getTime() + ALARM_HORIZON_MS).toISOString()}::timestamptz
        order by due_at`;
      const moments = owed.map((row) => new Date(row.due_at));
      await ctx.enqueue(moments.map((dueAt) => purgeJob(dueAt, now)));
      return moments.filter((dueAt) => dueAt <= now).length;
    },
  };
}

/**
 * Runs `purge` holding the purge lock on a connection of its own; null when another process holds
 * it and `wait` is false. The lock is a session's: it goes with the connection if this process dies.
 */
async function underPurgeLock<T>(ctx: PipelineContext, wait: boolean, purge: () => Promise<T>): Promise<T | null> {
  const connection = await ctx.db.sql.reserve();
  try {
    if (wait) await connection`select pg_advisory_lock(${PURGE_LOCK})`;
    else {
      const [row] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(${PURGE_LOCK}) as locked`;
      if (!row.locked) return null;
    }
    try {
      return await purge();
    } finally {
      await connection`select pg_advisory_unlock(${PURGE_LOCK})`;
    }
  } finally {
    connection.release();
  }
}

function logCounts(ctx: PipelineContext, counts: PurgeCounts, startedAt: number, dueAt?: Date) {
  ctx.log.info({ ...counts, ms: Date.now() - startedAt, ...(dueAt ? { dueAt: dueAt.toISOString() } : {}) }, 'retention purge done');
}

/**
 * The alarm's job: purges for the moment `dueAt` unless a purge already ran for it, then marks it
 * (and any earlier moment missed) done. Busy elsewhere: nothing now, the relay offers it again.
 */
export async function runScheduledPurge(ctx: PipelineContext, settings: PurgeSettings, dueAt: Date): Promise<PurgeCounts | null> {
  if (dueAt > ctx.now()) return null;
  return underPurgeLock(ctx, false, async () => {
    const { sql } = ctx.db;
    const [owed] = await sql<{ n: number }[]>`
      select count(*)::int as n from retention_runs where due_at <= ${dueAt.toISOString()}::timestamptz and finished_at is null`;
    if (owed.n === 0) return null;
    const startedAt = Date.now();
    const counts = await purgeExpired(ctx, settings);
    await sql`
      update retention_runs set finished_at = ${ctx.now().toISOString()}::timestamptz, counts = ${JSON.stringify(counts)}::jsonb
      where due_at <= ${dueAt.toISOString()}::timestamptz and finished_at is null`;
    logCounts(ctx, counts, startedAt, dueAt);
    return counts;
  });
}

/** Purges now, whatever the schedule (an operator's command, tests); waits for a purge under way. */
export async function purgeNow(ctx: PipelineContext, settings: PurgeSettings): Promise<PurgeCounts> {
  const counts = await underPurgeLock(ctx, true, async () => {
    const startedAt = Date.now();
    const done = await purgeExpired(ctx, settings);
    logCounts(ctx, done, startedAt);
    return done;
  });
  return counts!;
}
