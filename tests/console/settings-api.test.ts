/**
 * `/api/v1/settings` over real HTTP: SLA policies, holidays and cuti bersama, staff notification
 * targets and webhooks, with the same scope rules as the catalogue, audited without secrets or
 * staff addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { ConsoleClient, createStaff, startConsoleApp, type TestStaff } from './support.js';

let env: TestEnv;
let app: App;
let admin: TestStaff;
let asAdmin: ConsoleClient;
let asDinsosAdmin: ConsoleClient;
let dinsos: number;
let disdik: number;

const idOf = async (table: 'dinas' | 'units', code: string) => (await app.ctx.db.sql<{ id: number }[]>`select id from ${app.ctx.db.sql(table)} where code = ${code}`)[0].id;
const lastAudit = async (action: string) =>
  (await app.ctx.db.sql<{ staff_id: number; details: Record<string, any> }[]>`select staff_id, details from audit_log where action = ${action} order by id desc limit 1`)[0];

beforeAll(async () => {
  env = await createTestEnv();
  app = await startConsoleApp(env);
  admin = await createStaff(app, { role: 'admin' });
  asAdmin = await new ConsoleClient(app.url!).loginAs(admin);
  asDinsosAdmin = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'admin', dinasCode: 'dinsos-bandung' }));
  dinsos = await idOf('dinas', 'dinsos-bandung');
  disdik = await idOf('dinas', 'disdik-bandung');
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('settings API', () => {
  it('is for staff with settings.edit only', async () => {
    const asVerifikator = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'verifikator' }));
    expect((await asVerifikator.get('/settings')).status).toBe(403);
    expect((await asVerifikator.post('/settings/holidays', { day: '2027-03-05', name: 'x' })).status).toBe(403);
    expect((await new ConsoleClient(app.url!).get('/settings')).status).toBe(401);
  });

  it('adds a cuti bersama day the SLA clocks skip, and takes a public holiday off the list for good', async () => {
    const added = await asAdmin.post('/settings/holidays', { day: '2027-04-02', name: 'Cuti bersama Idulfitri', kind: 'cuti-bersama' });
    expect(added.status).toBe(201);
    await app.ctx.db.db.transaction(async (tx) => expect([...(await app.ctx.caseSettings.within(tx)).holidays]).toContain('2027-04-02'));
    expect((await lastAudit('settings.holiday.create')).staff_id).toBe(admin.id);

    const listed = await asAdmin.get('/settings');
    const publicDay = listed.body.holidays.find((h: { kind: string }) => h.kind === 'public');
    expect(publicDay).toBeDefined();
    expect((await asAdmin.del(`/settings/holidays/${publicDay.day}`)).status).toBe(204);
    const after = (await asAdmin.get('/settings')).body.holidays.find((h: { day: string }) => h.day === publicDay.day);
    expect(after.kind).toBe('cancelled');
    expect((await asDinsosAdmin.post('/settings/holidays', { day: '2027-04-03', name: 'x' })).status).toBe(403);
    expect((await asAdmin.patch('/settings/holidays/2031-13-45', { name: 'x' })).status).toBe(400);
  });

  it("lets a dinas admin set its own SLA, not the default nor another dinas's", async () => {
    const own = await asDinsosAdmin.post('/settings/sla-policies', { dinasId: dinsos, categoryCode: 'bantuan-sosial', verifyDays: 2, followUpDays: 14, closeAfterDays: 10 });
    expect(own.status).toBe(201);
    expect((await asDinsosAdmin.patch(`/settings/sla-policies/${own.body.id}`, { followUpDays: 20 })).body).toMatchObject({ followUpDays: 20, verifyDays: 2 });
    expect((await lastAudit('settings.sla-policy.update')).details.changed).toEqual({ followUpDays: { from: 14, to: 20 } });
    expect((await asDinsosAdmin.post('/settings/sla-policies', { verifyDays: 1, followUpDays: 1, closeAfterDays: 1 })).status).toBe(403);
    expect((await asDinsosAdmin.post('/settings/sla-policies', { dinasId: disdik, verifyDays: 1, followUpDays: 1, closeAfterDays: 1 })).status).toBe(404);
    const twice = await asAdmin.post('/settings/sla-policies', { dinasId: dinsos, categoryCode: 'bantuan-sosial', verifyDays: 3, followUpDays: 5, closeAfterDays: 10 });
    expect(twice.status).toBe(409);
    const seen = await asDinsosAdmin.get('/settings');
    expect(seen.body.slaPolicies.every((p: { dinasId: number }) => p.dinasId === dinsos)).toBe(true);
  });

  it('checks notification targets by kind and keeps their addresses out of the audit log', async () => {
    expect((await asAdmin.post('/settings/notification-targets', { dinasId: dinsos, kind: 'email', address: 'bukan e-mail' })).body.error).toBe('invalid');
    const target = await asDinsosAdmin.post('/settings/notification-targets', {
      dinasId: dinsos,
      unitId: await idOf('units', 'rehsos'),
      kind: 'telegram',
      address: '-1001234567890',
    });
    expect(target.status).toBe(201);
    expect(target.body.eventTypes).toEqual(['created', 'forwarded', 'reminder', 'citizen-info', 'reopened']);
    expect(JSON.stringify(await lastAudit('settings.notification-target.create'))).not.toContain('1001234567890');
    const off = await asDinsosAdmin.patch(`/settings/notification-targets/${target.body.id}`, { active: false });
    expect(off.body).toMatchObject({ active: false, address: '-1001234567890' });
    expect((await asDinsosAdmin.patch(`/settings/notification-targets/${target.body.id}`, { unitId: await idOf('units', 'pembinaan-sd') })).status).toBe(400);
  });

  it('shows a webhook secret once and never again, and switches an endpoint off and on', async () => {
    const created = await asDinsosAdmin.post('/settings/webhooks', { dinasId: dinsos, url: 'https://dinsos.example/kanal', eventTypes: ['case.status'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const listed = await asDinsosAdmin.get('/settings');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(JSON.stringify(await lastAudit('settings.webhook.create'))).not.toContain(created.body.secret);
    const off = await asDinsosAdmin.patch(`/settings/webhooks/${created.body.id}`, { active: false });
    expect(off.body).toMatchObject({ active: false, disabledReason: 'switched off by staff' });
    expect(off.body).not.toHaveProperty('secret');
    expect((await asDinsosAdmin.patch(`/settings/webhooks/${created.body.id}`, { active: true })).body).toMatchObject({ active: true, disabledReason: null });
    const asDisdikAdmin = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'admin', dinasCode: 'disdik-bandung' }));
    expect((await asDisdikAdmin.del(`/settings/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await asDinsosAdmin.del(`/settings/webhooks/${created.body.id}`)).status).toBe(204);
  });
});
