/**
 * `/api/v1/catalogue` over real HTTP: who may edit what (an installation admin everything, a dinas
 * admin its own dinas, nobody else anything), every change an audit row saying what changed, the
 * bot's catalogue changed at once, and refusals that keep routing and history intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { understand } from '../../flows/understand/understand.js';
import type { App } from '../../src/app.js';
import { CONSOLE_CHANNEL } from '../../src/console/live.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { ConsoleClient, createStaff, startConsoleApp, type TestStaff } from './support.js';

let env: TestEnv;
let app: App;
let admin: TestStaff;
let disdikAdmin: TestStaff;
let petugas: TestStaff;
let asAdmin: ConsoleClient;
let asDisdikAdmin: ConsoleClient;

const idOf = async (table: 'services' | 'categories' | 'dinas' | 'units', code: string) =>
  (await app.ctx.db.sql<{ id: number }[]>`select id from ${app.ctx.db.sql(table)} where code = ${code}`)[0].id;

async function auditRows(action: string) {
  return app.ctx.db.sql<{ staff_id: number; details: Record<string, any> }[]>`
    select staff_id, details from audit_log where action = ${action} order by id`;
}

beforeAll(async () => {
  env = await createTestEnv();
  app = await startConsoleApp(env);
  admin = await createStaff(app, { role: 'admin' });
  disdikAdmin = await createStaff(app, { role: 'admin', dinasCode: 'disdik-bandung' });
  petugas = await createStaff(app, { role: 'petugas' });
  asAdmin = await new ConsoleClient(app.url!).loginAs(admin);
  asDisdikAdmin = await new ConsoleClient(app.url!).loginAs(disdikAdmin);
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('catalogue API', () => {
  it('answers 401 without a login and 403 to staff without catalogue.edit', async () => {
    expect((await new ConsoleClient(app.url!).get('/catalogue')).status).toBe(401);
    const asPetugas = await new ConsoleClient(app.url!).loginAs(petugas);
    expect((await asPetugas.get('/catalogue')).status).toBe(403);
    expect((await asPetugas.patch(`/catalogue/services/${await idOf('services', 'pkh')}`, { keywords: ['x'] })).status).toBe(403);
  });

  it("changes a service's required documents: the bot's catalogue has them at once and the audit row says what changed", async () => {
    const pkh = await idOf('services', 'pkh');
    await app.ctx.catalogue.get();
    // Open consoles hear of it (the action only) and reload.
    let heard!: (event: unknown) => void;
    const consoleEvent = new Promise((resolve) => (heard = resolve));
    const { unlisten } = await app.ctx.db.sql.listen(CONSOLE_CHANNEL, (payload) => {
      if (JSON.parse(payload).type === 'catalogue') heard(JSON.parse(payload));
    });
    const answer = await asAdmin.patch(`/catalogue/services/${pkh}`, {
      requirements: { id: ['KTP-el', 'Kartu Keluarga', 'Surat pengantar RT/RW'], en: ['e-KTP', 'Family card', 'Letter from the RT/RW'] },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ code: 'pkh', requirements: { id: ['KTP-el', 'Kartu Keluarga', 'Surat pengantar RT/RW'] } });
    const service = (await app.ctx.catalogue.get()).services.find((s) => s.code === 'pkh')!;
    expect(service.requirements.id).toEqual(['KTP-el', 'Kartu Keluarga', 'Surat pengantar RT/RW']);
    const [row] = (await auditRows('catalogue.service.update')).slice(-1);
    expect(row.staff_id).toBe(admin.id);
    expect(row.details).toMatchObject({ id: pkh, code: 'pkh', changed: { requirements: { to: { en: ['e-KTP', 'Family card', 'Letter from the RT/RW'] } } } });
    expect(Object.keys(row.details.changed)).toEqual(['requirements']);
    expect(await consoleEvent).toEqual({ type: 'catalogue', change: 'catalogue.service.update' });
    await unlisten();
  });

  it("gives a category the words that point to it, and the bot's understanding reads them at once", async () => {
    const infrastruktur = await idOf('categories', 'infrastruktur');
    const before = understand('mau lapor ada kabel putus di gang mawar', (await app.ctx.catalogue.get()).vocabulary);
    expect(before.categoryCode).not.toBe('infrastruktur');
    const answer = await asAdmin.patch(`/catalogue/categories/${infrastruktur}`, { keywords: ['kabel putus', 'tiang listrik'] });
    expect(answer.status).toBe(200);
    expect(answer.body.keywords).toEqual(['kabel putus', 'tiang listrik']);
    const after = understand('mau lapor ada kabel putus di gang mawar', (await app.ctx.catalogue.get()).vocabulary);
    expect(after.categoryCode).toBe('infrastruktur');
  });

  it('refuses a list whose languages disagree, and a POST without the CSRF token', async () => {
    const pkh = await idOf('services', 'pkh');
    const uneven = await asAdmin.patch(`/catalogue/services/${pkh}`, { requirements: { id: ['KTP-el', 'KK'], en: ['e-KTP'] } });
    expect(uneven.status).toBe(400);
    expect(uneven.body.error).toBe('invalid');
    const noToken = await asAdmin.raw('PATCH', `/catalogue/services/${pkh}`, { body: { keywords: ['pkh'] }, csrf: false });
    expect(noToken.status).toBe(403);
  });

  it("limits a dinas admin to its own dinas and leaves the shared lists to the installation's admins", async () => {
    const seen = await asDisdikAdmin.get('/catalogue');
    expect(seen.status).toBe(200);
    const disdik = await idOf('dinas', 'disdik-bandung');
    expect(seen.body.editableDinasId).toBe(disdik);
    expect(seen.body.dinas.map((d: { id: number }) => d.id)).toEqual([disdik]);
    expect(seen.body.services.map((s: { code: string }) => s.code)).toEqual(['kip-pip']);

    const kip = await idOf('services', 'kip-pip');
    expect((await asDisdikAdmin.patch(`/catalogue/services/${kip}`, { keywords: ['kip', 'pip', 'beasiswa'] })).status).toBe(200);
    expect((await asDisdikAdmin.patch(`/catalogue/services/${await idOf('services', 'pkh')}`, { keywords: ['x'] })).body).toMatchObject({ error: 'not_found' });
    const category = await asDisdikAdmin.post('/catalogue/categories', { code: 'olahraga', name: { id: 'Olahraga', en: 'Sports' } });
    expect(category.status).toBe(403);
    expect(category.body.error).toBe('forbidden');
    const unit = await asDisdikAdmin.post('/catalogue/units', { dinasId: disdik, code: 'pembinaan-sma', name: 'Bidang Pembinaan SMA' });
    expect(unit.status).toBe(201);
    expect((await asDisdikAdmin.post('/catalogue/units', { dinasId: await idOf('dinas', 'dinsos-bandung'), code: 'pelayanan', name: 'Pelayanan' })).status).toBe(404);
  });

  it('adds and removes a service, and refuses removals that would break routing or history', async () => {
    const created = await asAdmin.post('/catalogue/services', {
      code: 'kartu-lansia',
      name: { id: 'Kartu Lansia', en: 'Elderly card' },
      keywords: ['Lansia'],
      requirements: { id: ['KTP-el'], en: ['e-KTP'] },
      procedure: { id: ['Datang ke kelurahan.'], en: ['Go to the kelurahan.'] },
      where: { id: 'Kelurahan setempat', en: 'Your kelurahan' },
      categoryCode: 'bantuan-sosial',
      dinasId: await idOf('dinas', 'dinsos-bandung'),
    });
    expect(created.status).toBe(201);
    expect(created.body.keywords).toEqual(['lansia']);
    expect((await app.ctx.catalogue.get()).services.map((s) => s.code)).toContain('kartu-lansia');
    expect((await asAdmin.del(`/catalogue/services/${created.body.id}`)).status).toBe(204);
    expect((await app.ctx.catalogue.get()).services.map((s) => s.code)).not.toContain('kartu-lansia');
    expect((await auditRows('catalogue.service.delete')).at(-1)!.details.deleted).toMatchObject({ code: 'kartu-lansia' });

    const inUse = await asAdmin.del(`/catalogue/categories/${await idOf('categories', 'bantuan-sosial')}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ error: 'conflict', message: expect.stringContaining('still used by') });
    const [catchAll] = await app.ctx.db.sql<{ id: number }[]>`
      select id from routing_rules where category_code is null and service_code is null and region_prefix is null`;
    expect((await asAdmin.del(`/catalogue/routing-rules/${catchAll.id}`)).status).toBe(409);
    expect((await asAdmin.del('/catalogue/services/999999')).status).toBe(404);
  });

  it("edits a dinas's office hours and routing rules, described in the OpenAPI document", async () => {
    const dinsos = await idOf('dinas', 'dinsos-bandung');
    const hours = await asAdmin.patch(`/catalogue/dinas/${dinsos}`, { hours: { id: 'Senin–Jumat, 07.30–16.00 WIB', en: 'Monday–Friday, 07:30–16:00 WIB' } });
    expect(hours.status).toBe(200);
    const rule = await asAdmin.post('/catalogue/routing-rules', { priority: 5, categoryCode: 'kesehatan', dinasId: dinsos, unitId: await idOf('units', 'linjamsos') });
    expect(rule.status).toBe(201);
    expect((await asAdmin.patch(`/catalogue/routing-rules/${rule.body.id}`, { regionPrefix: '3273' })).body).toMatchObject({ regionPrefix: '3273', categoryCode: 'kesehatan' });
    const openapi = await new ConsoleClient(app.url!).get('/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/catalogue', '/api/v1/catalogue/services/{id}', '/api/v1/catalogue/routing-rules']));
  });
});
