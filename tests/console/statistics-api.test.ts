/**
 * The statistics API over HTTP: every role reads the numbers of its own scope (another dinas's or
 * another unit's cases never counted, a `dinasId` never widens a scope), the CSV holds aggregates
 * only — no ticket, name, phone or description — and its export is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { buildStatisticsCases, DESCRIPTION, REPORTER, statisticsClock, type StatisticsFixture } from '../support/statistics-cases.js';
import { ConsoleClient, createStaff } from './support.js';

let env: TestEnv;
let app: App;
let fx: StatisticsFixture;
const RANGE = 'from=2026-11-01&to=2026-12-31';

async function clientAs(options: Parameters<typeof createStaff>[1]) {
  return new ConsoleClient(app.url!).loginAs(await createStaff(app, options));
}

beforeAll(async () => {
  env = await createTestEnv();
  // The web role: the console without workers, so no SLA alarm moves the backdated cases.
  app = await startTestApp(env, { role: 'web', config: { CONSOLE_LOGIN_PER_MINUTE: '1000' }, now: statisticsClock().now });
  fx = await buildStatisticsCases(app);
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('GET /api/v1/statistics', () => {
  it('answers 401 without a login', async () => {
    expect((await new ConsoleClient(app.url!).get(`/statistics?${RANGE}`)).status).toBe(401);
  });

  it('gives a pimpinan their dinas’s numbers', async () => {
    const pimpinan = await clientAs({ role: 'pimpinan', dinasCode: 'dinsos-bandung' });
    const { status, body } = await pimpinan.get(`/statistics?${RANGE}`);
    expect(status).toBe(200);
    expect(body.total).toMatchObject({ received: 6, handled: 4, medianFirstResponseSeconds: 7_200 });
    expect(body.months.map((m: { month: string; received: number }) => [m.month, m.received])).toEqual([
      ['2026-11', 5],
      ['2026-12', 1],
    ]);
    expect(body.dinasOptions).toEqual([{ id: fx.dinsosId, name: expect.any(String) }]);
  });

  it('never counts another dinas’s cases, even when asked for them', async () => {
    const disdik = await clientAs({ role: 'pimpinan', dinasCode: 'disdik-bandung' });
    expect((await disdik.get(`/statistics?${RANGE}`)).body.total.received).toBe(1);
    expect((await disdik.get(`/statistics?${RANGE}&dinasId=${fx.dinsosId}`)).body.total.received).toBe(0);
    const verifikator = await clientAs({ role: 'verifikator', dinasCode: 'disdik-bandung', unitCode: 'sekretariat' });
    expect((await verifikator.get(`/statistics?${RANGE}`)).body.channels).toEqual([expect.objectContaining({ channel: 'telegram', received: 1 })]);
  });

  it('counts a petugas’s own unit only', async () => {
    const linjamsos = await clientAs({ role: 'petugas', dinasCode: 'dinsos-bandung', unitCode: 'linjamsos' });
    const rehsos = await clientAs({ role: 'petugas', dinasCode: 'dinsos-bandung', unitCode: 'rehsos' });
    expect((await linjamsos.get(`/statistics?${RANGE}`)).body.total.received).toBe(6);
    expect((await rehsos.get(`/statistics?${RANGE}`)).body.total.received).toBe(0);
  });

  it('gives an admin above every dinas all of them, or the one chosen', async () => {
    const admin = await clientAs({ role: 'admin', dinasCode: null });
    const all = await admin.get(`/statistics?${RANGE}`);
    expect(all.body.total.received).toBe(7);
    expect(all.body.dinasOptions.map((d: { id: number }) => d.id).sort()).toEqual([fx.dinsosId, fx.disdikId].sort());
    expect((await admin.get(`/statistics?${RANGE}&dinasId=${fx.disdikId}`)).body.total.received).toBe(1);
  });

  it('refuses a range that is reversed or not dates', async () => {
    const pimpinan = await clientAs({ role: 'pimpinan', dinasCode: 'dinsos-bandung' });
    expect((await pimpinan.get('/statistics?from=2026-12-31&to=2026-11-01')).status).toBe(400);
    expect((await pimpinan.get('/statistics?from=kemarin&to=2026-11-01')).status).toBe(400);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await new ConsoleClient(app.url!).get('/openapi.json')).body;
    expect(doc.paths['/api/v1/statistics'].get.tags).toEqual(['statistics']);
    expect(doc.paths['/api/v1/statistics.csv'].get.tags).toEqual(['statistics']);
  });
});

describe('GET /api/v1/statistics.csv', () => {
  it('holds aggregates of the scope only, with no ticket, name, phone or description, and is audited', async () => {
    const staff = await createStaff(app, { role: 'pimpinan', dinasCode: 'dinsos-bandung' });
    const pimpinan = await new ConsoleClient(app.url!).loginAs(staff);
    const { status, body, headers } = await pimpinan.get<string>(`/statistics.csv?${RANGE}`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/csv/);
    expect(headers.get('content-disposition')).toContain('statistik-2026-11-01-2026-12-31.csv');
    const lines = body.trimEnd().split('\r\n');
    expect(lines[0].split(',').slice(0, 5)).toEqual(['group', 'month', 'category', 'channel', 'received']);
    expect(lines[1].split(',').slice(0, 5)).toEqual(['total', '', '', '', '6']);
    expect(lines.map((line) => line.split(',')[0])).not.toContain('case');
    for (const ticket of Object.values(fx.tickets)) expect(body).not.toContain(ticket);
    for (const words of [REPORTER, DESCRIPTION, '+62812', 'pendidikan']) expect(body).not.toContain(words);
    const [audit] = await app.ctx.db.sql<{ action: string; staff_id: number }[]>`select action, staff_id from audit_log where action = 'stats.export'`;
    expect(audit).toEqual({ action: 'stats.export', staff_id: staff.id });
  });
});
