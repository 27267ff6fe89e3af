/**
 * SLA alarms end to end on real Postgres and Redis: delayed BullMQ jobs remind the unit at 80%
 * of the time and escalate to its supervisor when the time is out; after Redis loses every job (a
 * real FLUSHALL: the file runs on a private redis-server of its own) the relay re-creates them from
 * Postgres, and fires at once what is already overdue (escalation, auto-close with the citizen
 * told) — each exactly once, however often an alarm fires.
 *
 * The clock runs in real time but is shifted (`setClock`), so a clock of 0 working days started at
 * 23:59:50 WIB on a Wednesday reminds and runs out within seconds, through the real job delays.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { caseTimerAlarms, fireTimer, rebuildCaseTimers } from '../../src/cases/sla-jobs.js';
import * as t from '../../src/db/schema.js';
import { CASE_TIMER_QUEUE, caseTimerJobId } from '../../src/queues/jobs.js';
import { PIPELINE_OWED_WORK, relayOnce } from '../../src/queues/relay.js';
import { caseRow, eventsOf, eventually, openTestCase, recordingSink, seedIdentity, SYSTEM } from '../support/cases.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { telegramConfig } from '../support/telegram.js';

let env: TestEnv;
let redis: PrivateRedis;
let telegram: FakeTelegram;
let app: App;
let offset = 0;
const recorder = recordingSink();

/** From now on the product's clock reads `iso`, and runs on from there. */
function setClock(iso: string) {
  offset = Date.parse(iso) - Date.now();
}

beforeAll(async () => {
  env = await createTestEnv();
  redis = await startPrivateRedis();
  telegram = await startFakeTelegram();
  // The relay runs once at start and then not for an hour: alarms here come from BullMQ jobs,
  // or from the relay rounds the tests run themselves.
  app = await startTestApp(env, {
    config: { ...telegramConfig(telegram), RELAY_INTERVAL_MS: '3600000' },
    now: () => new Date(Date.now() + offset),
    redisUrl: redis.url,
  });
  app.ctx.caseSinks.push(recorder.sink);
  // Every clock ends the same day, so moments fall within seconds of a chosen time.
  await app.ctx.db.db.update(t.slaPolicies).set({ verifyDays: 0, followUpDays: 0, closeAfterDays: 0 });
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await redis?.stop();
  await env?.dispose();
});

async function timersOf(ticket: string) {
  const row = await caseRow(app, ticket);
  return app.ctx.db.db.select().from(t.caseTimers).where(eq(t.caseTimers.caseId, row.id)).orderBy(t.caseTimers.id);
}

const typesOf = async (ticket: string) => (await eventsOf(app, ticket)).map((e) => e.type);
const delayedAlarms = () => app.ctx.transport.queue(CASE_TIMER_QUEUE).getDelayedCount();

/** FLUSHALL on the file's own redis-server: every job, every queue's bookkeeping, gone. */
async function flushAll() {
  expect(await redis.client.flushall()).toBe('OK');
  expect(await redis.client.dbsize()).toBe(0);
}

describe('delayed jobs', () => {
  it('remind the unit at 80% and escalate to its supervisor when the time is out, once each', async () => {
    const [linjamsos] = await app.ctx.db.db.select().from(t.units).where(eq(t.units.code, 'linjamsos'));
    const [supervisor] = await app.ctx.db.db
      .insert(t.staff)
      .values({ dinasId: linjamsos.dinasId, unitId: linjamsos.id, name: 'Kabid', email: 'kabid@timers.test', role: 'petugas', supervisor: true })
      .returning();
    const identity = await seedIdentity(app, 'telegram', '9400001');
    setClock('2026-12-02T16:59:50Z'); // Wednesday 23:59:50 WIB
    const ticket = await openTestCase(app, identity);
    const [verify] = await timersOf(ticket);
    expect(verify.dueAt.toISOString()).toBe('2026-12-02T16:59:59.000Z');

    await eventually('the escalation', async () => (await typesOf(ticket)).includes('escalation'));
    const events = await eventsOf(app, ticket);
    expect(events.map((e) => e.type)).toEqual(['created', 'reminder', 'escalation']);
    const [, reminder, escalation] = events;
    expect(reminder.createdAt.getTime()).toBeGreaterThanOrEqual(verify.remindAt!.getTime());
    expect(escalation.createdAt.getTime()).toBeGreaterThanOrEqual(verify.dueAt.getTime());
    expect(reminder).toMatchObject({ public: false, actor: 'system', toStatus: 'baru', data: { clock: 'verify' } });
    expect(escalation.data).toEqual({ clock: 'verify', dueAt: verify.dueAt.toISOString(), supervisorStaffIds: [supervisor.id] });
    expect(recorder.events.filter((e) => e.ticket === ticket).map((e) => e.type)).toEqual(['created', 'reminder', 'escalation']);

    // An alarm that fires again (a re-added job, a relay round) finds the work done.
    expect(await fireTimer(app.ctx, verify.id)).toBeNull();
    await rebuildCaseTimers(app.ctx);
    expect(await typesOf(ticket)).toEqual(['created', 'reminder', 'escalation']);
    // Staff and the dinas's systems heard; the citizen is not bothered with the agency's deadlines.
    expect(telegram.sent('9400001')).toEqual([]);
  });
});

describe('a clock days long', () => {
  it('waits in Postgres, not in the queue, until the relay sets its alarm within the last hour', async () => {
    await app.ctx.db.db.update(t.slaPolicies).set({ verifyDays: 2 });
    try {
      const identity = await seedIdentity(app, 'telegram', '9400005');
      setClock('2026-12-14T03:00:00Z'); // Monday 10:00 WIB
      const ticket = await openTestCase(app, identity);
      const [verify] = await timersOf(ticket);
      expect(verify.remindAt!.getTime() - Date.parse('2026-12-14T03:00:00Z')).toBeGreaterThan(24 * 3_600_000);
      const alarms = app.ctx.transport.queue(CASE_TIMER_QUEUE);
      const job = (step: 'remind' | 'due') => alarms.getJob(caseTimerJobId(verify.id, step));
      expect(await job('remind')).toBeUndefined();
      await relayRound();
      expect(await job('remind')).toBeUndefined();

      // Half an hour before the reminder, a relay round sets it (and not yet the escalation, a day on).
      setClock(new Date(verify.remindAt!.getTime() - 30 * 60_000).toISOString());
      await relayRound();
      expect(await (await job('remind'))?.getState()).toBe('delayed');
      expect(await job('due')).toBeUndefined();
    } finally {
      await app.ctx.db.db.update(t.slaPolicies).set({ verifyDays: 0 });
    }
  });
});

describe('after FLUSHALL', () => {
  it('the relay re-creates the alarms from Postgres and they still fire exactly once', async () => {
    const identity = await seedIdentity(app, 'telegram', '9400002');
    setClock('2026-12-03T16:59:49Z'); // Thursday 23:59:49 WIB
    const ticket = await openTestCase(app, identity);
    expect(await delayedAlarms()).toBeGreaterThanOrEqual(2);
    await flushAll();
    expect(await delayedAlarms()).toBe(0);

    await relayRound();
    expect(await delayedAlarms()).toBe(2);
    await eventually('the escalation', async () => (await typesOf(ticket)).includes('escalation'));
    await relayRound();
    expect(await typesOf(ticket)).toEqual(['created', 'reminder', 'escalation']);
  });

  it('fires at once what came due meanwhile: the escalation (no late reminder) and the auto-close, told to the citizen once', async () => {
    const late = await seedIdentity(app, 'telegram', '9400003');
    const done = await seedIdentity(app, 'telegram', '9400004');
    setClock('2026-12-07T03:00:00Z'); // Monday 10:00 WIB
    const overdue = await openTestCase(app, late);
    await app.cases.transition(SYSTEM, overdue, 'diverifikasi');
    const finished = await openTestCase(app, done);
    for (const to of ['diverifikasi', 'diteruskan', 'diproses', 'selesai'] as const) await app.cases.transition(SYSTEM, finished, to);
    await waitForIdle(app);
    const toldBefore = telegram.sent('9400004').length;
    expect(telegram.sent('9400004').at(-1)?.text).toContain('Selesai ditindaklanjuti');

    await flushAll();
    setClock('2026-12-09T03:00:00Z'); // two days on: both clocks ran out while nothing was in Redis
    const rounds = await Promise.all([relayRound(), relayRound()]);
    expect(rounds.map((r) => r.timers).reduce((a, b) => a + b)).toBe(2);
    await relayRound();

    expect(await typesOf(overdue)).toEqual(['created', 'status', 'escalation']);
    expect((await caseRow(app, finished)).status).toBe('ditutup');
    const closing = (await eventsOf(app, finished)).at(-1)!;
    expect(closing).toMatchObject({ type: 'status', fromStatus: 'selesai', toStatus: 'ditutup', actor: 'system' });
    await waitForIdle(app);
    const told = telegram.sent('9400004').slice(toldBefore).map((m) => m.text);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('Ditutup');
    expect(telegram.sent('9400003').filter((m) => m.text.includes('Ditutup'))).toEqual([]);
  });
});

/** One interval round of the relay as the worker role runs it, for work idle longer than a second. */
function relayRound() {
  return relayOnce(app.ctx, [...PIPELINE_OWED_WORK, caseTimerAlarms], { kind: 'interval', olderThanMs: 1000 });
}
