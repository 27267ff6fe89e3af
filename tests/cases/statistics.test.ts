/**
 * A scope's statistics against cases built by hand on the test clock (tests/support/
 * statistics-cases.ts lists them): received vs handled per month (Jakarta months: 30 November
 * 17:30 UTC is December), per category and channel, SLA clocks met, breached and running, median
 * first response and resolution, ratings, and scope — another dinas's cases never counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/cases/events.js';
import { caseStatistics, monthsOf, statisticsCsv, statisticsRange } from '../../src/cases/statistics.js';
import { CaseNotFound } from '../../src/cases/service.js';
import { openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { buildStatisticsCases, statisticsClock, type StatisticsFixture } from '../support/statistics-cases.js';

let env: TestEnv;
let app: App;
let fx: StatisticsFixture;
type Staff = Extract<Actor, { kind: 'staff' }>;
const staff = (role: Staff['role'], dinasId: number | null, unitId: number | null = null): Staff => ({ kind: 'staff', staffId: 1, role, dinasId, unitId, regionPrefix: null });
const NOVEMBER_DECEMBER = { from: '2026-11-01', to: '2026-12-31' };

beforeAll(async () => {
  env = await createTestEnv();
  // The web role runs no workers: no SLA alarm fires on the backdated cases.
  app = await startTestApp(env, { role: 'web', now: statisticsClock().now });
  fx = await buildStatisticsCases(app);
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('statistics of a dinas', () => {
  it('counts received and handled per Jakarta month, zero-filled', async () => {
    const stats = await caseStatistics(app.ctx, staff('pimpinan', fx.dinsosId), NOVEMBER_DECEMBER);
    expect(stats.total).toMatchObject({ received: 6, handled: 4, resolved: 2, rejected: 1, duplicate: 1, open: 2, handledShare: 4 / 6 });
    expect(stats.months.map((m) => [m.month, m.received, m.handled, m.open])).toEqual([
      ['2026-11', 5, 4, 1],
      ['2026-12', 1, 0, 1],
    ]);
    const withOctober = await caseStatistics(app.ctx, staff('pimpinan', fx.dinsosId), { from: '2026-09-01', to: '2026-12-31' });
    // F was received at 23:59:59 WIB on 31 October; September had nothing.
    expect(withOctober.months.map((m) => [m.month, m.received])).toEqual([
      ['2026-09', 0],
      ['2026-10', 1],
      ['2026-11', 5],
      ['2026-12', 1],
    ]);
  });

  it('takes medians of the first response (status, rejection, merge; not internal notes or assignments) and of the resolution', async () => {
    const stats = await caseStatistics(app.ctx, staff('pimpinan', fx.dinsosId), NOVEMBER_DECEMBER);
    // A 2 h, B 4 h, G 1 h, H 1 h, D 9 d 8.5 h; C never answered.
    expect(stats.total).toMatchObject({ responded: 5, medianFirstResponseSeconds: 7_200 });
    expect(stats.months[0]).toMatchObject({ responded: 4, medianFirstResponseSeconds: 5_400 });
    expect(stats.months[1]).toMatchObject({ responded: 1, medianFirstResponseSeconds: 808_200 });
    // A took 3 days, H 5 hours.
    expect(stats.total).toMatchObject({ resolvedOnce: 2, medianResolutionSeconds: (259_200 + 18_000) / 2 });
    expect(stats.months[1]).toMatchObject({ resolvedOnce: 0, medianResolutionSeconds: null });
  });

  it('reports SLA clocks met, breached (late or overdue) and running', async () => {
    const stats = await caseStatistics(app.ctx, staff('pimpinan', fx.dinsosId), NOVEMBER_DECEMBER);
    // Verify: A, B, G, H in time; C overdue in baru; D forwarded after its due day.
    expect(stats.total.sla.verify).toEqual({ met: 4, breached: 2, running: 0, compliance: 4 / 6 });
    // Follow-up: A and H finished in time; D's runs until 17 December.
    expect(stats.total.sla.followUp).toEqual({ met: 2, breached: 0, running: 1, compliance: 1 });
    expect(stats.months[1].sla.verify).toEqual({ met: 0, breached: 1, running: 0, compliance: 0 });
  });

  it('rates with each case’s rating, and splits by category and channel', async () => {
    const stats = await caseStatistics(app.ctx, staff('pimpinan', fx.dinsosId), NOVEMBER_DECEMBER);
    expect(stats.total.ratings).toEqual({ count: 2, mean: 3, distribution: [0, 1, 0, 1, 0] });
    expect(stats.categories.map((c) => [c.category, c.received, c.handled])).toEqual([['bantuan-sosial', 6, 4]]);
    expect(stats.monthCategories.map((c) => [c.month, c.category, c.received])).toEqual([
      ['2026-11', 'bantuan-sosial', 5],
      ['2026-12', 'bantuan-sosial', 1],
    ]);
    expect(stats.channels.map((c) => [c.channel, c.received, c.handled, c.ratings.mean])).toEqual([
      ['telegram', 3, 2, 4],
      ['web', 3, 2, 2],
    ]);
  });
});

describe('scope', () => {
  it('never counts another dinas’s cases, and a dinasId cannot widen a scope', async () => {
    const disdik = await caseStatistics(app.ctx, staff('pimpinan', fx.disdikId), NOVEMBER_DECEMBER);
    expect(disdik.total.received).toBe(1);
    expect(disdik.categories.map((c) => c.category)).toEqual(['pendidikan']);
    const asking = await caseStatistics(app.ctx, staff('pimpinan', fx.disdikId), { ...NOVEMBER_DECEMBER, dinasId: fx.dinsosId });
    expect(asking.total.received).toBe(0);
  });

  it('gives an admin every dinas, or the one asked for', async () => {
    expect((await caseStatistics(app.ctx, staff('admin', null), NOVEMBER_DECEMBER)).total.received).toBe(7);
    expect((await caseStatistics(app.ctx, staff('admin', null), { ...NOVEMBER_DECEMBER, dinasId: fx.disdikId })).total.received).toBe(1);
  });

  it('limits a petugas to their unit, and fails closed without one', async () => {
    expect((await caseStatistics(app.ctx, staff('petugas', fx.dinsosId, fx.linjamsosId), NOVEMBER_DECEMBER)).total.received).toBe(6);
    const empty = await caseStatistics(app.ctx, staff('petugas', fx.dinsosId, null), NOVEMBER_DECEMBER);
    expect(empty.total.received).toBe(0);
    expect(empty.months.every((m) => m.received === 0 && m.handledShare === null)).toBe(true);
    expect(empty.total.sla.verify).toEqual({ met: 0, breached: 0, running: 0, compliance: null });
  });
});

describe('range and CSV', () => {
  it('refuses a reversed or over-long range', () => {
    expect(statisticsRange.safeParse({ from: '2026-12-31', to: '2026-11-01' }).success).toBe(false);
    expect(statisticsRange.safeParse({ from: '2020-01-01', to: '2026-12-31' }).success).toBe(false);
    expect(monthsOf('2026-11-15', '2027-02-01')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });

  it('writes the aggregates as CSV rows, without tickets', async () => {
    const stats = await caseStatistics(app.ctx, staff('pimpinan', fx.dinsosId), NOVEMBER_DECEMBER);
    const csv = statisticsCsv(stats);
    const [header, total, november] = csv.trimEnd().split('\r\n').map((line) => line.split(','));
    const cell = (row: string[], column: string) => row[header.indexOf(column)];
    expect(cell(total, 'group')).toBe('total');
    expect(cell(total, 'received')).toBe('6');
    expect(cell(total, 'handled_pct')).toBe('66.7');
    expect(cell(total, 'median_first_response_hours')).toBe('2');
    expect(cell(total, 'sla_verify_compliance_pct')).toBe('66.7');
    expect([cell(november, 'group'), cell(november, 'month'), cell(november, 'received')]).toEqual(['month', '2026-11', '5']);
    for (const ticket of Object.values(fx.tickets)) expect(csv).not.toContain(ticket);
  });
});

describe('confidential cases', () => {
  it('counts a confidential case for its whole dinas, though only its unit may open it', async () => {
    const pimpinan = staff('pimpinan', fx.dinsosId);
    const july = { from: '2026-07-01', to: '2026-07-31' };
    const before = (await caseStatistics(app.ctx, pimpinan, july)).total.received;
    const identity = await seedIdentity(app, 'telegram', '7770001', { lang: 'id' });
    const ticket = await openTestCase(app, identity, { serviceCode: 'pkh', confidential: true }, new Date('2026-07-14T03:00:00Z'));
    await expect(app.cases.getCase(pimpinan, ticket)).rejects.toThrow(CaseNotFound);
    expect((await caseStatistics(app.ctx, pimpinan, july)).total.received).toBe(before + 1);
    expect((await caseStatistics(app.ctx, staff('pimpinan', fx.disdikId), july)).total.received).toBe(0);
  });
});
