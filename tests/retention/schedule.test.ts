/**
 * When the purge runs: daily at 02:00 in the configured zone, on the product's clock. The moment is
 * a `retention_runs` row before it comes; a delayed job is only its alarm. With the product running
 * (workers and relay, on Redis and on BullMQ's PostgreSQL backend), the clock reaching 02:00 runs
 * the purge; a moment whose alarm Redis lost is caught up by the relay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { nextPurgeMoment } from '../../src/retention/schedule.js';
import { eventually } from '../support/cases.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

const WIB = { at: '02:00', timeZone: 'Asia/Jakarta' };
const DAY = 86_400_000;

describe('the next purge moment', () => {
  it.each([
    ['in the morning', '2026-12-01T02:00:00.000Z', WIB, '2026-12-01T19:00:00.000Z'],
    ['a second before', '2026-12-01T18:59:59.000Z', WIB, '2026-12-01T19:00:00.000Z'],
    ['at the moment itself', '2026-12-01T19:00:00.000Z', WIB, '2026-12-02T19:00:00.000Z'],
    ['just after midnight WIB', '2026-12-01T17:30:00.000Z', WIB, '2026-12-01T19:00:00.000Z'],
    ['across the year end', '2026-12-31T20:00:00.000Z', WIB, '2027-01-01T19:00:00.000Z'],
    ['in WITA', '2026-12-01T02:00:00.000Z', { at: '02:00', timeZone: 'Asia/Makassar' }, '2026-12-01T18:00:00.000Z'],
    ['at another hour', '2026-12-01T02:00:00.000Z', { at: '23:30', timeZone: 'Asia/Jakarta' }, '2026-12-01T16:30:00.000Z'],
  ])('%s', (_when, at, schedule, next) => {
    expect(nextPurgeMoment(new Date(at), schedule).toISOString()).toBe(next);
  });
});

/** Tuesday 1 December 2026, 10:00 WIB: the first moment the product schedules is 2 December, 02:00 WIB. */
const START = Date.parse('2026-12-01T03:00:00.000Z');
const FIRST_MOMENT = '2026-12-01T19:00:00.000Z';
const SECOND_MOMENT = '2026-12-02T19:00:00.000Z';

/**
 * Starts the product (workers and relay) on a clock the test sets: `setClock` puts the product at
 * an instant, from which it runs on with real time.
 */
function useScheduledApp(postgresQueues: boolean) {
  const running: { env: TestEnv | null; app: App | null } = { env: null, app: null };
  let shift = 0;
  const now = () => new Date(START + shift + performance.now());
  beforeAll(async () => {
    shift = -performance.now();
    running.env = await createTestEnv();
    running.app = await startTestApp(running.env, { now, postgresQueues });
  }, 120_000);
  afterAll(async () => {
    await running.app?.close();
    await running.env?.dispose();
  });
  const app = () => running.app!;
  const runs = () => app().ctx.db.sql<{ due_at: string; finished: boolean; counts: Record<string, number> | null }[]>`
    select due_at, finished_at is not null as finished, counts from retention_runs order by due_at`;
  return {
    app,
    env: () => running.env!,
    setClock(iso: string) {
      shift = Date.parse(iso) - START - performance.now();
    },
    runs,
    /** The moment's row, once finished. */
    finished: (dueAt: string) =>
      eventually(`the purge of ${dueAt}`, async () => (await runs()).find((run) => new Date(run.due_at).toISOString() === dueAt && run.finished), 60_000),
    /** A set-aside update kept 200 days ago: past the message period, so a purge deletes it. */
    async staleSetAside() {
      await app().ctx.db.sql`
        insert into set_aside_updates (channel, stage, raw, error, attempts, created_at)
        values ('web', 'store', '{}', 'refused', 1, ${new Date(now().getTime() - 200 * DAY).toISOString()}::timestamptz)`;
    },
  };
}

type ScheduledApp = ReturnType<typeof useScheduledApp>;

/** From start-up to the first 02:00: the moment is written ahead, its alarm runs the purge, the next day's follows. */
async function runsAtTwoInTheMorning(product: ScheduledApp) {
  const first = await eventually('the first moment scheduled', async () => (await product.runs())[0]);
  expect(first).toMatchObject({ finished: false });
  expect(new Date(first.due_at).toISOString()).toBe(FIRST_MOMENT);
  await product.staleSetAside();

  product.setClock('2026-12-01T18:59:58.000Z');
  const done = await product.finished(FIRST_MOMENT);
  expect(done.counts).toMatchObject({ setAside: 1 });
  expect((await product.app().ctx.db.sql`select 1 from set_aside_updates`).length).toBe(0);
  // The next day's moment is owed from now on.
  await eventually('the next moment scheduled', async () => (await product.runs()).find((run) => new Date(run.due_at).toISOString() === SECOND_MOMENT));
}

describe('the purge on schedule, with Redis carrying the jobs', () => {
  const product = useScheduledApp(false);

  it('writes the next moment before it comes, and runs the purge when the clock reaches it', () => runsAtTwoInTheMorning(product), 120_000);

  it('catches up a moment whose alarm Redis lost', async () => {
    const { env } = product;
    product.setClock('2026-12-02T18:30:00.000Z');
    // The alarm for 02:00 is set half an hour ahead…
    await eventually('the alarm set', async () => (await env().redis.keys(`${env().redisPrefix}:retention:retention-*`)).length > 0);
    // …the clock passes 02:00 without it going off, and Redis loses it.
    product.setClock('2026-12-02T19:30:00.000Z');
    await product.staleSetAside();
    await env().flushQueues();
    expect((await product.finished(SECOND_MOMENT)).counts).toMatchObject({ setAside: 1 });
  }, 120_000);
});

describe('the purge on schedule, with BullMQ\'s PostgreSQL backend carrying the jobs', () => {
  const product = useScheduledApp(true);

  it('writes the next moment before it comes, and runs the purge when the clock reaches it', () => runsAtTwoInTheMorning(product), 120_000);
});
