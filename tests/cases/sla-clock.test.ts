/**
 * SLA clocks as Postgres stores them, with a fixed clock: due and reminder moments across a
 * weekend, a national holiday, cuti bersama and the year end; which clock runs in which status;
 * policies per dinas and category. Reminders fall at 80% of the *working* time.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { workingMoment } from '../../src/cases/working-days.js';
import * as t from '../../src/db/schema.js';
import { caseRow, openTestCase, seedIdentity, SYSTEM } from '../support/cases.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
let clock = new Date('2026-12-01T03:00:00Z');
let identity: number;

beforeAll(async () => {
  env = await createTestEnv();
  // Web role: no workers and no relay, so no alarm acts while the clock is moved about.
  app = await startTestApp(env, { role: 'web', now: () => clock });
  identity = await seedIdentity(app, 'web', 'sla-clock-citizen');
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

async function timersOf(ticket: string) {
  const row = await caseRow(app, ticket);
  return app.ctx.db.db.select().from(t.caseTimers).where(eq(t.caseTimers.caseId, row.id)).orderBy(t.caseTimers.id);
}

async function openAt(iso: string, over = {}) {
  clock = new Date(iso);
  return openTestCase(app, identity, over);
}

async function moveAt(iso: string, ticket: string, ...statuses: Parameters<App['cases']['transition']>[2][]) {
  clock = new Date(iso);
  for (const status of statuses) await app.cases.transition(SYSTEM, ticket, status, { note: 'ok' });
}

describe('the verify clock (3 working days from arrival)', () => {
  it('skips the weekend: Friday 10:00 WIB → due end of Wednesday, reminded Wednesday morning', async () => {
    const ticket = await openAt('2026-12-04T03:00:00Z');
    const [verify] = await timersOf(ticket);
    expect(verify).toMatchObject({ kind: 'verify', doneAt: null });
    expect(verify.dueAt.toISOString()).toBe('2026-12-09T16:59:59.000Z');
    // 80% of Fri 14 h + Mon + Tue + Wed (86 h less a second) is 6 h 48 min into Wednesday, WIB.
    expect(verify.remindAt!.toISOString()).toBe('2026-12-08T23:47:59.200Z');
    expect(verify.nextAt).toEqual(verify.remindAt);
    expect((await caseRow(app, ticket)).slaDueAt).toEqual(verify.dueAt);
  });

  it('skips a national holiday from date-holidays (17 August on a Monday)', async () => {
    const ticket = await openAt('2026-08-14T03:00:00Z');
    const [verify] = await timersOf(ticket);
    expect(verify.dueAt.toISOString()).toBe('2026-08-20T16:59:59.000Z');
    // The holiday holds none of the reminder's share: it lands on Thursday, not earlier.
    expect(verify.remindAt!.toISOString()).toBe('2026-08-19T23:47:59.200Z');
  });

  it('starts a Saturday report on Monday', async () => {
    const ticket = await openAt('2026-12-05T03:00:00Z');
    const [verify] = await timersOf(ticket);
    expect(verify.dueAt.toISOString()).toBe('2026-12-09T16:59:59.000Z');
    // Mon, Tue and Wed whole: 80% of 72 h less a second is 9 h 36 min into Wednesday.
    expect(verify.remindAt!.toISOString()).toBe('2026-12-09T02:35:59.200Z');
  });
});

describe('the follow-up clock (5 working days from forwarding) across the year end', () => {
  it('skips Christmas, New Year and a cuti bersama row staff added', async () => {
    const ticket = await openAt('2026-12-22T03:00:00Z');
    await moveAt('2026-12-23T03:00:00Z', ticket, 'diverifikasi', 'diteruskan');
    const [, followUp] = await timersOf(ticket);
    // Without cuti bersama: 24, 28, 29, 30, 31 December.
    expect(followUp.dueAt.toISOString()).toBe('2026-12-31T16:59:59.000Z');

    await app.ctx.db.db.insert(t.holidays).values({ day: '2026-12-24', name: 'Cuti bersama Natal', kind: 'cuti-bersama' });
    const later = await openAt('2026-12-22T03:00:00Z');
    await moveAt('2026-12-23T03:00:00Z', later, 'diverifikasi', 'diteruskan');
    const [verify, running] = await timersOf(later);
    expect(verify.doneAt!.toISOString()).toBe('2026-12-23T03:00:00.000Z');
    expect(running).toMatchObject({ kind: 'follow_up', doneAt: null });
    // 28, 29, 30, 31 December, then 1 January is a holiday and the weekend follows: Monday 4 January.
    expect(running.dueAt.toISOString()).toBe('2027-01-04T16:59:59.000Z');
    expect(running.remindAt!.toISOString()).toBe('2026-12-31T14:11:59.200Z');
  });

  it('keeps running when work starts (diproses), and a reopen starts it afresh', async () => {
    const ticket = await openAt('2026-12-07T03:00:00Z');
    await moveAt('2026-12-08T03:00:00Z', ticket, 'diverifikasi', 'diteruskan');
    await moveAt('2026-12-10T03:00:00Z', ticket, 'diproses');
    let timers = await timersOf(ticket);
    expect(timers.map((x) => [x.kind, x.doneAt === null])).toEqual([
      ['verify', false],
      ['follow_up', true],
    ]);
    expect(timers[1].startedAt.toISOString()).toBe('2026-12-08T03:00:00.000Z');

    await moveAt('2026-12-11T03:00:00Z', ticket, 'selesai');
    clock = new Date('2026-12-14T03:00:00Z');
    await app.cases.transition({ kind: 'citizen', identityId: identity }, ticket, 'diproses');
    timers = await timersOf(ticket);
    expect(timers.map((x) => [x.kind, x.doneAt?.toISOString() ?? null])).toEqual([
      ['verify', '2026-12-08T03:00:00.000Z'],
      ['follow_up', '2026-12-11T03:00:00.000Z'],
      ['close', '2026-12-14T03:00:00.000Z'],
      ['follow_up', null],
    ]);
    expect(timers[3].dueAt.toISOString()).toBe('2026-12-21T16:59:59.000Z');
  });
});

describe('the close clock (10 working days after selesai)', () => {
  it('has no reminder and ends with the case', async () => {
    const ticket = await openAt('2026-12-07T03:00:00Z');
    await moveAt('2026-12-14T03:00:00Z', ticket, 'diverifikasi', 'diteruskan', 'diproses', 'selesai');
    const close = (await timersOf(ticket)).at(-1)!;
    // 15–18, 21–23 (cuti bersama 24, Christmas 25), 28, 29, 30 December.
    expect(close).toMatchObject({ kind: 'close', remindAt: null, doneAt: null });
    expect(close.dueAt.toISOString()).toBe('2026-12-30T16:59:59.000Z');
    expect(close.nextAt).toEqual(close.dueAt);
    await moveAt('2026-12-15T03:00:00Z', ticket, 'ditutup');
    expect((await timersOf(ticket)).every((x) => x.doneAt !== null && x.nextAt === null)).toBe(true);
    expect((await caseRow(app, ticket)).slaDueAt).toBeNull();
  });
});

describe('policies', () => {
  it('take the most specific row: dinas and category over the default', async () => {
    const [disdik] = await app.ctx.db.db.select().from(t.dinas).where(eq(t.dinas.code, 'disdik-bandung'));
    await app.ctx.db.db.insert(t.slaPolicies).values({ dinasId: disdik.id, categoryCode: 'pendidikan', verifyDays: 1, followUpDays: 2, closeAfterDays: 3 });
    const school = await openAt('2026-12-07T03:00:00Z', { categoryCode: 'pendidikan' });
    expect((await caseRow(app, school)).dinasId).toBe(disdik.id);
    expect((await timersOf(school))[0].dueAt.toISOString()).toBe('2026-12-08T16:59:59.000Z');
    await moveAt('2026-12-08T03:00:00Z', school, 'diverifikasi', 'diteruskan');
    expect((await timersOf(school))[1].dueAt.toISOString()).toBe('2026-12-10T16:59:59.000Z');

    const social = await openAt('2026-12-07T03:00:00Z');
    expect((await timersOf(social))[0].dueAt.toISOString()).toBe('2026-12-10T16:59:59.000Z');
  });
});

describe('workingMoment', () => {
  it('counts only working days toward the share, in the dinas time zone', () => {
    const start = new Date('2026-12-04T01:00:00Z'); // Friday 10:00 WIT (UTC+9)
    const due = new Date('2026-12-07T14:59:59Z'); // Monday 23:59:59 WIT
    const half = workingMoment(start, due, 0.5, new Set(), 'Asia/Jayapura');
    // Friday 14 h + Monday 24 h less a second: half is 5 h into Monday, WIT.
    expect(half.toISOString()).toBe('2026-12-06T19:59:59.500Z');
  });
});
