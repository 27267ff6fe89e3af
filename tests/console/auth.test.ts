/**
 * Console accounts over real HTTP: login and logout with a server-side session, 401 without one,
 * CSRF on every change, lockout after five wrong passwords (and its end), TOTP, a forced password
 * change after an admin's reset, the audit rows of logins, the OpenAPI description, the live
 * stream that hears only of cases the person may open, and the per-address login rate limit (which
 * every other console test raises out of the way).
 */
import { request as httpRequest } from 'node:http';
import { eq } from 'drizzle-orm';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { LOCK_MINUTES, MAX_FAILED_LOGINS } from '../../src/console/accounts.js';
import { notifyConsole } from '../../src/console/live.js';
import * as t from '../../src/db/schema.js';
import { encryptNik } from '../../src/pii/nik.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { eventually, openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { ConsoleClient, createStaff, openEventStream, startConsoleApp } from './support.js';

/** The app's clock, which a test can move forward (for the lockout's end). */
function movableClock(start = new Date('2026-12-01T02:00:00Z')) {
  let offset = 0;
  const origin = Date.now();
  return { now: () => new Date(start.getTime() + (Date.now() - origin) + offset), advance: (ms: number) => void (offset += ms) };
}

describe('console accounts and sessions', () => {
  let env: TestEnv;
  let app: App;
  const clock = movableClock();

  beforeAll(async () => {
    env = await createTestEnv();
    app = await startConsoleApp(env, { now: clock.now });
  });
  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('answers 401 to every call without a session, and describes the API without one', async () => {
    const client = new ConsoleClient(app.url!);
    expect((await client.get('/me')).status).toBe(401);
    expect((await client.get('/reference')).status).toBe(401);
    expect((await client.get('/events')).status).toBe(401);
    expect((await client.post('/auth/logout')).status).toBe(401);
    const spec = await client.get('/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/me', '/api/v1/events', '/api/v1/reference']));
    expect(spec.body.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('email');
  });

  it('logs in with the right password only, keeps the session on the server, and ends it at logout', async () => {
    const staff = await createStaff(app, { role: 'petugas' });
    const client = new ConsoleClient(app.url!);
    const wrong = await client.login(staff.email, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid' });
    const unknown = await client.login('nobody@test.kanal-aduan.test', 'whatever-it-is');
    expect(unknown.body).toEqual(wrong.body);

    const ok = await client.login(staff.email, staff.password);
    expect(ok.status).toBe(200);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('kanal_console='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(ok.body.staff).toMatchObject({ id: staff.id, role: 'petugas', permissions: expect.arrayContaining(['cases.read', 'livechat']) });
    expect(ok.body.staff.permissions).not.toContain('staff.manage');
    const [session] = await app.ctx.db.db.select().from(t.consoleSessions).where(eq(t.consoleSessions.staffId, staff.id));
    expect(session).toBeDefined();

    expect((await client.get('/me')).status).toBe(200);
    expect((await client.post('/auth/logout')).status).toBe(204);
    expect(await app.ctx.db.db.select().from(t.consoleSessions).where(eq(t.consoleSessions.staffId, staff.id))).toHaveLength(0);
    expect((await client.get('/me')).status).toBe(401);
  });

  it('refuses a change without the CSRF token, and with another session\'s token', async () => {
    const staff = await createStaff(app, { role: 'verifikator' });
    const client = await new ConsoleClient(app.url!).loginAs(staff);
    const without = await client.raw('PATCH', '/me', { body: { lang: 'en' }, csrf: false });
    expect(without.status).toBe(403);
    expect(without.body).toEqual({ error: 'csrf' });

    const other = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'verifikator' }));
    client.csrfToken = other.csrfToken;
    expect((await client.patch('/me', { lang: 'en' })).status).toBe(403);

    client.csrfToken = (await client.get('/me')).body.csrfToken;
    const withToken = await client.patch('/me', { lang: 'en' });
    expect(withToken.status).toBe(200);
    expect(withToken.body.lang).toBe('en');
  });

  it(`locks an account after ${MAX_FAILED_LOGINS} wrong passwords, also against the right one, until the lock runs out`, async () => {
    const staff = await createStaff(app, { role: 'petugas' });
    const client = new ConsoleClient(app.url!);
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) expect((await client.login(staff.email, `wrong-${i}`)).status).toBe(401);
    const last = await client.login(staff.email, 'wrong-last');
    expect(last.status).toBe(423);
    expect(last.body.retryAfterSeconds).toBe(LOCK_MINUTES * 60);
    expect((await client.login(staff.email, staff.password)).status).toBe(423);

    clock.advance(LOCK_MINUTES * 60_000 + 1_000);
    expect((await client.login(staff.email, staff.password)).status).toBe(200);
    const [row] = await app.ctx.db.db.select().from(t.staff).where(eq(t.staff.id, staff.id));
    expect(row.failedLogins).toBe(0);
    const failures = await app.ctx.db.db.select().from(t.auditLog).where(eq(t.auditLog.action, 'auth.login.failed'));
    expect(failures.length).toBeGreaterThanOrEqual(MAX_FAILED_LOGINS);
  });

  it('lets a person whose password an admin reset do nothing but choose a new one', async () => {
    const staff = await createStaff(app, { role: 'petugas', mustChangePassword: true });
    const client = await new ConsoleClient(app.url!).loginAs(staff);
    expect((await client.get('/reference')).status).toBe(403);
    expect((await client.post('/me/password', { current: staff.password, next: 'short' })).status).toBe(400);
    expect((await client.post('/me/password', { current: 'wrong-password!', next: 'a much longer password' })).status).toBe(403);
    expect((await client.post('/me/password', { current: staff.password, next: 'a much longer password' })).status).toBe(204);
    expect((await client.get('/reference')).status).toBe(200);
    expect((await new ConsoleClient(app.url!).login(staff.email, 'a much longer password')).status).toBe(200);
  });

  it('asks for a TOTP code once it is on, and counts a wrong code as a failure', async () => {
    const staff = await createStaff(app, { role: 'admin' });
    const client = await new ConsoleClient(app.url!).loginAs(staff);
    const setup = await client.post('/me/totp/setup');
    expect(setup.status).toBe(200);
    expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(setup.body.qrSvg).toMatch(/^<svg/);
    expect((await client.post('/me/totp/enable', { code: '000000' })).status).toBe(400);
    expect((await client.post('/me/totp/enable', { code: generateSync({ secret: setup.body.secret }) })).status).toBe(204);

    const next = new ConsoleClient(app.url!);
    expect((await next.login(staff.email, staff.password)).body).toEqual({ error: 'totp_required' });
    expect((await next.login(staff.email, staff.password, '123456')).status).toBe(401);
    const [row] = await app.ctx.db.db.select().from(t.staff).where(eq(t.staff.id, staff.id));
    expect(row.failedLogins).toBe(1);
    expect(row.totpSecret).not.toContain(setup.body.secret);
    expect((await next.login(staff.email, staff.password, generateSync({ secret: setup.body.secret }))).status).toBe(200);
  });

  it('ends the session of an account that was deactivated', async () => {
    const staff = await createStaff(app, { role: 'pimpinan' });
    const client = await new ConsoleClient(app.url!).loginAs(staff);
    expect((await client.get('/me')).status).toBe(200);
    await app.ctx.db.db.update(t.staff).set({ active: false }).where(eq(t.staff.id, staff.id));
    expect((await client.get('/me')).status).toBe(401);
  });

  it('streams case events of the person\'s own dinas live, and nothing of another dinas', async () => {
    const dinsos = await createStaff(app, { role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator' });
    const disdik = await createStaff(app, { role: 'verifikator', dinasCode: 'disdik-bandung', unitCode: 'sekretariat' });
    const streams = await Promise.all([dinsos, disdik].map(async (staff) => openEventStream(await new ConsoleClient(app.url!).loginAs(staff))));
    // The PKH complaint routes to Dinas Sosial.
    const identity = await seedIdentity(app, 'telegram', '5550001', { lang: 'id' });
    const ticket = await openTestCase(app, identity, { serviceCode: 'pkh' });
    const deadline = Date.now() + 10_000;
    while (!streams[0].events.some((e) => e.ticket === ticket) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(streams[0].events).toContainEqual(expect.objectContaining({ type: 'case', ticket, change: 'created' }));
    // A second event after the first proves the other stream had time to hear it, had it been sent.
    const second = await openTestCase(app, identity, { serviceCode: 'pkh', description: 'Kedua kalinya.' });
    while (!streams[0].events.some((e) => e.ticket === second) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(streams[1].events.filter((e) => e.ticket === ticket || e.ticket === second)).toEqual([]);
    await Promise.all(streams.map((s) => s.stop()));
  });

  it('streams a case event only to those who may open the case: unit, region prefix and a confidential case\'s unit, as the case API decides', async () => {
    const { db } = app.ctx.db;
    const dinas = Object.fromEntries((await db.select().from(t.dinas)).map((d) => [d.code, d.id]));
    const listeners = {
      'verifikator of Dinas Sosial': await createStaff(app, { role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator' }),
      'verifikator of Dinas Sosial for region 3204': await createStaff(app, { role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator', regionPrefix: '3204' }),
      'petugas of linjamsos': await createStaff(app, { role: 'petugas', dinasCode: 'dinsos-bandung', unitCode: 'linjamsos' }),
      'petugas of rehsos': await createStaff(app, { role: 'petugas', dinasCode: 'dinsos-bandung', unitCode: 'rehsos' }),
      'admin of Dinas Sosial': await createStaff(app, { role: 'admin', dinasCode: 'dinsos-bandung' }),
      'pimpinan of Dinas Sosial': await createStaff(app, { role: 'pimpinan', dinasCode: 'dinsos-bandung' }),
      'admin of every dinas': await createStaff(app, { role: 'admin', dinasCode: null }),
      'verifikator without a dinas': await createStaff(app, { role: 'verifikator', dinasCode: null, unitCode: null }),
      'verifikator of Dinas Pendidikan': await createStaff(app, { role: 'verifikator', dinasCode: 'disdik-bandung', unitCode: 'sekretariat' }),
    };
    const names = Object.keys(listeners) as (keyof typeof listeners)[];
    const clients = await Promise.all(names.map((name) => new ConsoleClient(app.url!).loginAs(listeners[name])));
    const streams = await Promise.all(clients.map((client) => openEventStream(client)));

    // Each step's event, and who could open its case right after it (the case API's own answer).
    const steps: { label: string; ticket: string; change: string; openers: string[] }[] = [];
    const step = async (label: string, ticket: string, change: string) => {
      const answers = await Promise.all(clients.map((client) => client.get(`/cases/${ticket}`)));
      steps.push({ label, ticket, change, openers: names.filter((_, i) => answers[i].status === 200) });
    };
    // Every PKH complaint routes to Dinas Sosial's linjamsos unit; without a NIK its region is the dinas's (3273).
    const reporter = async (chat: string) => seedIdentity(app, 'telegram', chat, { lang: 'id' });
    const regencyNik = '3204011201900001';
    await step('plain', await openTestCase(app, await reporter('5550101'), { serviceCode: 'pkh' }), 'created');
    await step(
      'in region 3204',
      await openTestCase(app, await reporter('5550102'), { serviceCode: 'pkh', nik: { sealed: encryptNik(regencyNik, app.ctx.nikKeys), masked: maskNik(regencyNik) } }),
      'created',
    );
    const secret = await openTestCase(app, await reporter('5550103'), { serviceCode: 'pkh', confidential: true, description: 'Pendamping meminta uang.' });
    await step('confidential', secret, 'created');
    // Sent to another dinas without a unit: only that dinas's verifikator and admin read it now.
    await app.cases.reroute({ kind: 'system' }, secret, { dinasId: dinas['disdik-bandung'] });
    await step('confidential, rerouted', secret, 'rerouted');

    // A last event every stream with a dinas (or above all) hears: once it is in, each stream has had the steps' events.
    await notifyConsole(db, { type: 'catalogue', change: 'test-marker' });
    const marker = (events: any[]) => events.some((e) => e.change === 'test-marker');
    await eventually('every stream but the deaf one to hear the marker', async () => streams.every((s, i) => marker(s.events) || names[i] === 'verifikator without a dinas'));

    const heard = Object.fromEntries(names.map((name, i) => [name, steps.filter((s) => streams[i].events.some((e) => e.ticket === s.ticket && e.change === s.change)).map((s) => s.label)]));
    const mayOpen = Object.fromEntries(names.map((name) => [name, steps.filter((s) => s.openers.includes(name)).map((s) => s.label)]));
    expect(heard).toEqual(mayOpen);
    expect(heard).toEqual({
      'verifikator of Dinas Sosial': ['plain', 'in region 3204'],
      'verifikator of Dinas Sosial for region 3204': ['in region 3204'],
      'petugas of linjamsos': ['plain', 'in region 3204', 'confidential'],
      'petugas of rehsos': [],
      'admin of Dinas Sosial': ['plain', 'in region 3204'],
      'pimpinan of Dinas Sosial': ['plain', 'in region 3204'],
      'admin of every dinas': ['plain', 'in region 3204'],
      'verifikator without a dinas': [],
      'verifikator of Dinas Pendidikan': ['confidential, rerouted'],
    });
    // What decides who hears is not sent: events carry ids and the kind of change.
    for (const e of streams.flatMap((s) => s.events)) expect(Object.keys(e).filter((key) => key === 'regionCode' || key === 'confidential')).toEqual([]);
    await Promise.all(streams.map((s) => s.stop()));
  });
});

/** A login sent from another local address (the loopback network is all 127/8): the rate limit counts per address. */
function loginFrom(localAddress: string, baseUrl: string, email: string, password: string): Promise<number> {
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${baseUrl}/api/v1/auth/login`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('the login rate limit of one address', () => {
  const LIMIT = MAX_FAILED_LOGINS + 2;
  let env: TestEnv;
  let app: App;

  beforeAll(async () => {
    env = await createTestEnv();
    app = await startConsoleApp(env, { config: { CONSOLE_LOGIN_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it(`answers 429 past ${LIMIT} logins a minute from one address, right password or not, apart from the lockout of one account`, async () => {
    const locked = await createStaff(app, { role: 'petugas' });
    const other = await createStaff(app, { role: 'petugas' });
    const client = new ConsoleClient(app.url!);
    // The lockout is the account's own rule: five wrong passwords, inside the address's allowance.
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) expect((await client.login(locked.email, `wrong-${i}`)).status).toBe(401);
    expect((await client.login(locked.email, 'wrong-last')).status).toBe(423);
    expect((await client.login(locked.email, locked.password)).status).toBe(423);
    expect((await client.login(other.email, other.password)).status).toBe(200);

    // The address has used its allowance: the next logins are refused before any password is looked at.
    const refused = await client.login(other.email, other.password);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await client.login(other.email, 'wrong-again')).status).toBe(429);
    const [row] = await app.ctx.db.db.select().from(t.staff).where(eq(t.staff.id, other.id));
    expect(row.failedLogins).toBe(0);

    // Another address has an allowance of its own, and the locked account is still locked from there.
    expect(await loginFrom('127.0.0.2', app.url!, other.email, other.password)).toBe(200);
    expect(await loginFrom('127.0.0.2', app.url!, locked.email, locked.password)).toBe(423);
  });
});
