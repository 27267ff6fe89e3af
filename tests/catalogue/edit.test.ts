/**
 * The editing rules of the catalogue and settings, on a real database: what is checked, what a
 * dinas's own editor may touch, what is refused to keep cases routable and history intact, and
 * what the audit row says (never a secret or a staff address).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { seedPublicHolidays } from '../../src/cases/holidays.js';
import {
  createCategory, createRoutingRule, createService, deleteCategory, deleteRoutingRule, deleteService, deleteUnit, readCatalogue, updateDinas,
  updateRoutingRule, updateService,
} from '../../src/catalogue/edit/catalogue.js';
import { SettingsRefused, type Editor, type SettingsChange } from '../../src/catalogue/edit/change.js';
import {
  createHoliday, createNotificationTarget, createSlaPolicy, createWebhook, deleteHoliday, readSettings, updateHoliday, updateNotificationTarget, updateWebhook,
} from '../../src/catalogue/edit/settings.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
const audit: SettingsChange[] = [];
const editorOf = (dinasId: number | null): Editor => ({
  dinasId,
  audit: async (_tx, change) => {
    audit.push(change);
  },
});
const admin = editorOf(null);
let dinsos: number;
let disdik: number;
const lastAudit = () => audit.at(-1)!;

async function refusal(promise: Promise<unknown>): Promise<SettingsRefused> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SettingsRefused);
  return error as SettingsRefused;
}

async function idOf(table: 'services' | 'units' | 'categories', code: string): Promise<number> {
  const [row] = await app.ctx.db.sql<{ id: number }[]>`select id from ${app.ctx.db.sql(table)} where code = ${code}`;
  return row.id;
}

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web' });
  const rows = await app.ctx.db.sql<{ id: number; code: string }[]>`select id, code from dinas`;
  dinsos = rows.find((r) => r.code === 'dinsos-bandung')!.id;
  disdik = rows.find((r) => r.code === 'disdik-bandung')!.id;
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('catalogue editing', () => {
  it("changes a service's documents, audits each changed field, and this process's bot sees it at once", async () => {
    const pkh = await idOf('services', 'pkh');
    await app.ctx.catalogue.get();
    await updateService(app.ctx, admin, pkh, {
      requirements: { id: ['KTP-el', 'Kartu Keluarga'], en: ['e-KTP', 'Family card'] },
      keywords: ['PKH', 'bansos pkh'],
    });
    const service = (await app.ctx.catalogue.get()).services.find((s) => s.code === 'pkh')!;
    expect(service.requirements.id).toEqual(['KTP-el', 'Kartu Keluarga']);
    expect(service.keywords).toEqual(['pkh', 'bansos pkh']);
    expect(lastAudit().action).toBe('catalogue.service.update');
    expect(lastAudit().details).toMatchObject({
      id: pkh,
      code: 'pkh',
      changed: { requirements: { from: { id: expect.arrayContaining(['Terdaftar di DTKS']) }, to: { id: ['KTP-el', 'Kartu Keluarga'] } } },
    });
    expect(Object.keys((lastAudit().details as { changed: object }).changed).sort()).toEqual(['keywords', 'requirements']);
  });

  it('refuses lists whose languages disagree, and unknown categories or foreign units', async () => {
    const pkh = await idOf('services', 'pkh');
    const uneven = await refusal(updateService(app.ctx, admin, pkh, { requirements: { id: ['KTP-el', 'KK'], en: ['e-KTP'] } }));
    expect(uneven.status).toBe(400);
    expect(uneven.message).toContain('same number of lines');
    expect((await refusal(updateService(app.ctx, admin, pkh, { categoryCode: 'pajak' }))).message).toContain('category pajak does not exist');
    const foreignUnit = await idOf('units', 'pembinaan-sd');
    expect((await refusal(updateService(app.ctx, admin, pkh, { unitId: foreignUnit }))).message).toContain('is not a unit of this dinas');
  });

  it("lets a dinas's own editor change its services only, and keeps the shared lists for the installation's admins", async () => {
    const ownEditor = editorOf(disdik);
    const kip = await idOf('services', 'kip-pip');
    await updateService(app.ctx, ownEditor, kip, { where: { id: 'Kantor Disdik, Jl. Baru 2', en: 'Disdik office, Jl. Baru 2' } });
    expect((await refusal(updateService(app.ctx, ownEditor, await idOf('services', 'pkh'), { keywords: ['x'] }))).status).toBe(404);
    expect((await refusal(updateService(app.ctx, ownEditor, kip, { dinasId: dinsos }))).status).toBe(404);
    expect((await refusal(updateDinas(app.ctx, ownEditor, dinsos, { name: 'Dinas lain' }))).status).toBe(404);
    await updateDinas(app.ctx, ownEditor, disdik, { hours: { id: 'Senin–Kamis, 08.00–14.00 WIB', en: 'Monday–Thursday, 08:00–14:00 WIB' } });
    expect((await refusal(createCategory(app.ctx, ownEditor, { code: 'baru', name: { id: 'Baru', en: 'New' } }))).status).toBe(403);
    expect((await refusal(createRoutingRule(app.ctx, ownEditor, { priority: 0, dinasId: disdik }))).status).toBe(403);

    const seen = await readCatalogue(app.ctx, ownEditor);
    expect(seen.dinas.map((d) => d.id)).toEqual([disdik]);
    expect(new Set(seen.services.map((s) => s.dinasId))).toEqual(new Set([disdik]));
    expect(seen.categories.length).toBeGreaterThan(1);
  });

  it('adds a service the bot then finds by its search words', async () => {
    await createService(app.ctx, admin, {
      code: 'kartu-lansia',
      name: { id: 'Kartu Lansia', en: 'Elderly card' },
      keywords: ['lansia'],
      requirements: { id: ['KTP-el'], en: ['e-KTP'] },
      procedure: { id: ['Datang ke kelurahan.'], en: ['Go to the kelurahan.'] },
      where: { id: 'Kelurahan setempat', en: 'Your kelurahan' },
      categoryCode: 'bantuan-sosial',
      dinasId: dinsos,
    });
    const found = (await app.ctx.catalogue.get()).services.find((s) => s.code === 'kartu-lansia');
    expect(found?.keywords).toEqual(['lansia']);
    const duplicate = await refusal(
      createService(app.ctx, admin, {
        code: 'kartu-lansia',
        name: { id: 'Lagi', en: 'Again' },
        requirements: { id: ['KTP-el'], en: ['e-KTP'] },
        procedure: { id: ['-'], en: ['-'] },
        where: { id: '-', en: '-' },
        categoryCode: 'bantuan-sosial',
        dinasId: dinsos,
      }),
    );
    expect(duplicate.status).toBe(409);
  });

  it('refuses deletions that would break routing or history', async () => {
    expect((await refusal(deleteCategory(app.ctx, admin, await idOf('categories', 'bantuan-sosial')))).message).toContain('still used by');
    expect((await refusal(deleteService(app.ctx, admin, await idOf('services', 'pkh')))).message).toContain('routing rules');
    expect((await refusal(deleteUnit(app.ctx, admin, await idOf('units', 'linjamsos')))).status).toBe(409);

    const [catchAll] = await app.ctx.db.sql<{ id: number }[]>`
      select id from routing_rules where category_code is null and service_code is null and region_prefix is null`;
    expect((await refusal(deleteRoutingRule(app.ctx, admin, catchAll.id))).message).toContain('last rule that catches every case');
    expect((await refusal(updateRoutingRule(app.ctx, admin, catchAll.id, { regionPrefix: '32' }))).status).toBe(409);
    // With a second catch-all the first may go.
    const second = await createRoutingRule(app.ctx, admin, { priority: 2000, dinasId: disdik });
    await deleteRoutingRule(app.ctx, admin, catchAll.id);
    expect(lastAudit()).toMatchObject({ action: 'catalogue.routing-rule.delete', details: { id: catchAll.id } });
    expect(second.unitId).toBeNull();
  });
});

describe('settings editing', () => {
  it('a cuti bersama day stops the SLA clock; a public holiday taken off stays off after the next start', async () => {
    await createHoliday(app.ctx, admin, { day: '2027-03-03', name: 'Cuti bersama (uji)', kind: 'cuti-bersama' });
    await app.ctx.db.db.transaction(async (tx) => expect([...(await app.ctx.caseSettings.within(tx)).holidays]).toContain('2027-03-03'));
    // Renaming keeps the kind: only the fields given change.
    expect(await updateHoliday(app.ctx, admin, '2027-03-03', { name: 'Cuti bersama Idulfitri' })).toMatchObject({ kind: 'cuti-bersama' });

    await seedPublicHolidays(app.ctx.db.db, new Date('2027-01-01T00:00:00Z'));
    const [publicDay] = await app.ctx.db.sql<{ day: string }[]>`select day::text from holidays where kind = 'public' and day >= '2027-01-01' order by day limit 1`;
    await deleteHoliday(app.ctx, admin, publicDay.day);
    await seedPublicHolidays(app.ctx.db.db, new Date('2027-01-01T00:00:00Z'));
    await app.ctx.db.db.transaction(async (tx) => expect([...(await app.ctx.caseSettings.within(tx)).holidays]).not.toContain(publicDay.day));
    expect(lastAudit()).toMatchObject({ action: 'settings.holiday.delete', details: { keptAs: 'cancelled' } });
    expect((await refusal(createHoliday(app.ctx, editorOf(dinsos), { day: '2027-03-04', name: 'x' }))).status).toBe(403);
  });

  it('keeps one SLA policy per dinas and category, and the defaults with the installation admins', async () => {
    await createSlaPolicy(app.ctx, editorOf(disdik), { dinasId: disdik, categoryCode: 'pendidikan', verifyDays: 2, followUpDays: 10, closeAfterDays: 10 });
    const again = await refusal(createSlaPolicy(app.ctx, admin, { dinasId: disdik, categoryCode: 'pendidikan', verifyDays: 3, followUpDays: 5, closeAfterDays: 10 }));
    expect(again.status).toBe(409);
    expect((await refusal(createSlaPolicy(app.ctx, editorOf(disdik), { verifyDays: 1, followUpDays: 1, closeAfterDays: 1 }))).status).toBe(403);
    const seen = await readSettings(app.ctx, editorOf(disdik));
    expect(seen.slaPolicies.map((p) => p.dinasId)).toEqual([disdik]);
  });

  it('checks notification addresses by kind and keeps them out of the audit log', async () => {
    const bad = await refusal(createNotificationTarget(app.ctx, admin, { dinasId: dinsos, kind: 'telegram', address: 'grup kami' }));
    expect(bad.message).toContain('Telegram chat id');
    const linjamsos = await idOf('units', 'linjamsos');
    const target = await createNotificationTarget(app.ctx, admin, { dinasId: dinsos, unitId: linjamsos, kind: 'whatsapp-cloud', address: '+62 812-3456-7890', audience: 'supervisor' });
    expect(target.address).toBe('6281234567890');
    expect(JSON.stringify(lastAudit())).not.toContain('6281234567890');
    expect(await updateNotificationTarget(app.ctx, admin, target.id, { address: '6289876543210', active: false })).toMatchObject({
      unitId: linjamsos,
      audience: 'supervisor',
      eventTypes: ['escalation'],
    });
    expect(lastAudit().details).toMatchObject({ changed: { address: { changed: true }, active: { from: true, to: false } } });
    expect(JSON.stringify(lastAudit())).not.toContain('6289876543210');
  });

  it('shows a webhook secret once, never in the audit log or the list, and records who switched it off', async () => {
    const created = await createWebhook(app.ctx, admin, { dinasId: dinsos, url: 'https://dinsos.example/hook', eventTypes: ['case.status'] });
    expect(created.secret).toMatch(/^whsec_/);
    expect(JSON.stringify(lastAudit())).not.toContain(created.secret);
    const off = await updateWebhook(app.ctx, admin, created.id, { active: false });
    expect(off).toMatchObject({ active: false, disabledReason: 'switched off by staff' });
    expect(off).not.toHaveProperty('secret');
    const listed = (await readSettings(app.ctx, admin)).webhooks.find((w) => w.id === created.id);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('secret');
    expect((await refusal(updateWebhook(app.ctx, editorOf(disdik), created.id, { active: true }))).status).toBe(404);
  });
});
