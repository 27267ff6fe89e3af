/**
 * `/api/v1/staff`: admins create accounts with a one-time password that must be changed at the
 * first login, reset passwords (ending the person's sessions), switch accounts off, lift
 * lockouts; a dinas admin only within its dinas, nobody on their own role or scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { MAX_FAILED_LOGINS } from '../../src/console/accounts.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { ConsoleClient, createStaff, startConsoleApp, type TestStaff } from './support.js';

let env: TestEnv;
let app: App;
let admin: TestStaff;
let asAdmin: ConsoleClient;
let dinsos: number;
let linjamsos: number;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startConsoleApp(env);
  admin = await createStaff(app, { role: 'admin' });
  asAdmin = await new ConsoleClient(app.url!).loginAs(admin);
  [{ id: dinsos }] = await app.ctx.db.sql<{ id: number }[]>`select id from dinas where code = 'dinsos-bandung'`;
  [{ id: linjamsos }] = await app.ctx.db.sql<{ id: number }[]>`select id from units where code = 'linjamsos' and dinas_id = ${dinsos}`;
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('staff accounts API', () => {
  it('creates an account whose one-time password must be changed before anything else', async () => {
    const created = await asAdmin.post('/staff', {
      name: 'Sari Wulandari',
      email: 'Sari@Dinsos.example',
      role: 'petugas',
      dinasId: dinsos,
      unitId: linjamsos,
      password: 'sekali-pakai-123',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'sari@dinsos.example', mustChangePassword: true, active: true });
    expect(created.body).not.toHaveProperty('passwordHash');
    const audit = await app.ctx.db.sql<{ staff_id: number; details: object }[]>`select staff_id, details from audit_log where action = 'staff.create'`;
    expect(audit).toEqual([{ staff_id: admin.id, details: expect.objectContaining({ staffId: created.body.id, role: 'petugas' }) }]);
    expect(JSON.stringify(audit)).not.toContain('sekali-pakai-123');

    const sari = new ConsoleClient(app.url!);
    expect((await sari.login('sari@dinsos.example', 'sekali-pakai-123')).status).toBe(200);
    expect((await sari.get('/events')).body).toMatchObject({ error: 'password_change_required' });
    expect((await sari.post('/me/password', { current: 'sekali-pakai-123', next: 'kalimat pilihan sari sendiri' })).status).toBeLessThan(300);
    expect((await sari.get('/me')).body.staff.mustChangePassword).toBe(false);

    expect((await asAdmin.post('/staff', { name: 'X', email: 'sari@dinsos.example', role: 'pimpinan', dinasId: dinsos, password: 'sekali-pakai-123' })).status).toBe(409);
    expect((await asAdmin.post('/staff', { name: 'Y', email: 'y@dinsos.example', role: 'petugas', dinasId: dinsos, password: 'sekali-pakai-123' })).status).toBe(409);
  });

  it("resets a password: the person's sessions end and the next login must choose a new one", async () => {
    const person = await createStaff(app, { role: 'verifikator' });
    const theirs = await new ConsoleClient(app.url!).loginAs(person);
    const reset = await asAdmin.post(`/staff/${person.id}/password`, { password: 'sandi-sementara-9' });
    expect(reset.status).toBe(200);
    expect(reset.body.mustChangePassword).toBe(true);
    expect((await theirs.get('/me')).status).toBe(401);
    expect((await new ConsoleClient(app.url!).login(person.email, person.password)).status).toBe(401);
    const again = new ConsoleClient(app.url!);
    expect((await again.login(person.email, 'sandi-sementara-9')).body.staff.mustChangePassword).toBe(true);
    expect((await app.ctx.db.sql`select 1 from audit_log where action = 'staff.password.reset' and details->>'staffId' = ${String(person.id)}`).length).toBe(1);
  });

  it('switches an account off (logged out at once) and lifts a lockout', async () => {
    const person = await createStaff(app, { role: 'pimpinan' });
    const theirs = await new ConsoleClient(app.url!).loginAs(person);
    expect((await asAdmin.patch(`/staff/${person.id}`, { active: false })).body.active).toBe(false);
    expect((await theirs.get('/me')).status).toBe(401);
    expect((await asAdmin.patch(`/staff/${person.id}`, { active: true })).body.active).toBe(true);

    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await new ConsoleClient(app.url!).login(person.email, 'salah-salah-salah');
    expect((await new ConsoleClient(app.url!).login(person.email, person.password)).status).toBe(423);
    const listed = (await asAdmin.get('/staff')).body.accounts.find((a: { id: number }) => a.id === person.id);
    expect(listed.lockedUntil).not.toBeNull();
    expect((await asAdmin.post(`/staff/${person.id}/unlock`)).status).toBe(200);
    expect((await new ConsoleClient(app.url!).login(person.email, person.password)).status).toBe(200);
  });

  it('keeps a dinas admin within its dinas and everyone off their own role', async () => {
    const disdikAdmin = await createStaff(app, { role: 'admin', dinasCode: 'disdik-bandung' });
    const asDisdik = await new ConsoleClient(app.url!).loginAs(disdikAdmin);
    const listed = await asDisdik.get('/staff');
    const [{ id: disdik }] = await app.ctx.db.sql<{ id: number }[]>`select id from dinas where code = 'disdik-bandung'`;
    expect(listed.body.managedDinasId).toBe(disdik);
    expect(listed.body.accounts.every((a: { dinasId: number }) => a.dinasId === disdik)).toBe(true);
    expect(listed.body.dinas.map((d: { id: number }) => d.id)).toEqual([disdik]);
    const dinsosPerson = await createStaff(app, { role: 'petugas' });
    expect((await asDisdik.patch(`/staff/${dinsosPerson.id}`, { name: 'x' })).status).toBe(404);
    expect((await asDisdik.post(`/staff/${dinsosPerson.id}/password`, { password: 'sandi-sementara-9' })).status).toBe(404);
    expect((await asDisdik.post('/staff', { name: 'Z', email: 'z@x.example', role: 'admin', dinasId: null, password: 'sekali-pakai-123' })).status).toBe(404);
    expect((await asDisdik.post('/staff', { name: 'Z', email: 'z@x.example', role: 'pimpinan', dinasId: disdik, password: 'sekali-pakai-123' })).status).toBe(201);
    expect((await asAdmin.patch(`/staff/${admin.id}`, { role: 'pimpinan' })).status).toBe(403);
    expect((await asAdmin.patch(`/staff/${admin.id}`, { name: 'Admin Utama' })).body.name).toBe('Admin Utama');
    const asPetugas = await new ConsoleClient(app.url!).loginAs(dinsosPerson);
    expect((await asPetugas.get('/staff')).status).toBe(403);
  });
});
