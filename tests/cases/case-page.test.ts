/**
 * What the console's case page asks of the case service besides reading and moving a case: ready
 * answers (scope of who reads and who writes them, variables filled in the citizen's language, the
 * name withheld for an anonymous case), the full NIK for admins and verifikators only, a case's
 * photos (its own and those added later, never another case's) and the choices for assigning.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CannedReplyForbidden, CannedReplyNotFound, fillCannedReply } from '../../src/cases/canned-replies.js';
import * as canned from '../../src/cases/canned-replies.js';
import type { Actor } from '../../src/cases/events.js';
import { CaseForbidden, CaseNotFound } from '../../src/cases/service.js';
import * as t from '../../src/db/schema.js';
import { encryptNik } from '../../src/pii/nik.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { caseRow, openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
let writer = 0;
const ids = { dinsos: 0, disdik: 0, linjamsos: 0, sekretariat: 0 };
const staff = (role: 'admin' | 'verifikator' | 'petugas' | 'pimpinan', dinasId: number | null, unitId: number | null = null): Actor => ({
  kind: 'staff',
  staffId: writer,
  role,
  dinasId,
  unitId,
  regionPrefix: null,
});
const NIK = '3273011201900001';
const cases = { named: '', anonymous: '', english: '' };

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { config: { RELAY_INTERVAL_MS: '3600000' } });
  const { db } = app.ctx.db;
  for (const d of await db.select().from(t.dinas)) ids[d.code === 'dinsos-bandung' ? 'dinsos' : 'disdik'] = d.id;
  for (const u of await db.select().from(t.units)) if (u.code in ids) ids[u.code as keyof typeof ids] = u.id;
  [{ id: writer }] = await db.insert(t.staff).values({ dinasId: ids.dinsos, name: 'Penulis', email: 'penulis@case-page.test', role: 'verifikator' }).returning();
  const sealed = { sealed: encryptNik(NIK, app.ctx.nikKeys), masked: maskNik(NIK) };
  cases.named = await openTestCase(app, await seedIdentity(app, 'telegram', '9700001'), { reporterName: 'Siti Aminah', nik: sealed });
  cases.anonymous = await openTestCase(app, await seedIdentity(app, 'telegram', '9700002'), { anonymous: true, reporterName: 'Tersembunyi', nik: sealed });
  cases.english = await openTestCase(app, await seedIdentity(app, 'telegram', '9700003', { lang: 'en' }), { reporterName: 'Budi' });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

const lastReply = async (ticket: string) => {
  const rows = await app.ctx.db.db.select().from(t.outbox).where(eq(t.outbox.caseId, (await caseRow(app, ticket)).id)).orderBy(t.outbox.id);
  const payload = rows.at(-1)!.payload;
  return 'text' in payload ? payload.text : '';
};

describe('ready answers', () => {
  it('fills only the known variables', () => {
    expect(fillCannedReply('{nama} / {tiket} / {status} / {lain}', { nama: 'A', tiket: 'B', status: 'C' })).toBe('A / B / C / {lain}');
  });

  it('are written by admins and verifikators of their dinas, global ones only by an admin above every dinas', async () => {
    const own = await canned.createCannedReply(app.ctx, staff('verifikator', ids.dinsos), { title: 'Terima kasih', text: { id: 'Yth. {nama}, laporan {tiket}: {status}.', en: 'Dear {nama}, report {tiket}: {status}.' } });
    expect(own.dinasId).toBe(ids.dinsos);
    const global = await canned.createCannedReply(app.ctx, staff('admin', null), { title: 'Umum', text: { id: 'Laporan {tiket} kami terima.' } });
    expect(global.dinasId).toBeNull();
    await expect(canned.createCannedReply(app.ctx, staff('petugas', ids.dinsos, ids.linjamsos), { title: 'x', text: { id: 'x' } })).rejects.toBeInstanceOf(CannedReplyForbidden);
    await expect(canned.createCannedReply(app.ctx, staff('verifikator', ids.dinsos), { title: 'x', text: { id: 'x' }, dinasId: null })).rejects.toBeInstanceOf(CannedReplyForbidden);
    await expect(canned.updateCannedReply(app.ctx, staff('verifikator', ids.dinsos), global.id, { title: 'x', text: { id: 'x' } })).rejects.toBeInstanceOf(CannedReplyForbidden);
    // Another dinas neither sees nor changes it.
    await expect(canned.deleteCannedReply(app.ctx, staff('admin', ids.disdik), own.id)).rejects.toBeInstanceOf(CannedReplyNotFound);
    expect((await canned.listCannedReplies(app.ctx, staff('petugas', ids.disdik, ids.sekretariat))).map((r) => r.title)).toEqual(['Umum']);
    const forPetugas = await canned.listCannedReplies(app.ctx, staff('petugas', ids.dinsos, ids.linjamsos));
    expect(forPetugas.map((r) => [r.title, r.editable])).toEqual([['Terima kasih', false], ['Umum', false]]);
    const updated = await canned.updateCannedReply(app.ctx, staff('verifikator', ids.dinsos), own.id, { title: 'Terima kasih', text: { id: 'Yth. {nama}, laporan {tiket}: {status}.', en: 'Dear {nama}, report {tiket}: {status}.' } });
    expect(updated.editable).toBe(true);
  });

  it("are sent with the case's ticket, status and name in the citizen's language, and no name for an anonymous case", async () => {
    const [own] = (await canned.listCannedReplies(app.ctx, staff('petugas', ids.dinsos, ids.linjamsos))).filter((r) => r.title === 'Terima kasih');
    const officer = staff('petugas', ids.dinsos, (await caseRow(app, cases.named)).unitId);
    const show = (ticket: string) => `${ticket.slice(0, 4)}-${ticket.slice(4)}`;

    const sent = await app.cases.replyWithCanned(officer, cases.named, own.id);
    expect(sent).toMatchObject({ type: 'reply', note: `Yth. Siti Aminah, laporan ${show(cases.named)}: Diterima, menunggu verifikasi.` });
    expect(await lastReply(cases.named)).toContain(`Yth. Siti Aminah, laporan ${show(cases.named)}`);

    await app.cases.replyWithCanned(officer, cases.anonymous, own.id);
    const anonymous = await lastReply(cases.anonymous);
    expect(anonymous).toContain(`Yth. Bapak/Ibu, laporan ${show(cases.anonymous)}`);
    expect(anonymous).not.toContain('Tersembunyi');

    await app.cases.replyWithCanned(officer, cases.english, own.id);
    expect(await lastReply(cases.english)).toContain(`Dear Budi, report ${show(cases.english)}: Received, awaiting verification.`);

    // Another dinas's answer is not usable on this case, nor by a pimpinan at all.
    const theirs = await canned.createCannedReply(app.ctx, staff('admin', null), { title: 'Disdik', text: { id: 'x' }, dinasId: ids.disdik });
    await expect(app.cases.replyWithCanned(staff('admin', null), cases.named, theirs.id)).rejects.toBeInstanceOf(CannedReplyNotFound);
    await expect(app.cases.replyWithCanned(staff('pimpinan', ids.dinsos), cases.named, own.id)).rejects.toBeInstanceOf(CaseForbidden);
  });
});

describe('the full NIK', () => {
  it('is shown to admins and verifikators with the case in scope, and never for an anonymous case', async () => {
    expect(await app.cases.unmaskNik(staff('verifikator', ids.dinsos), cases.named.toLowerCase())).toEqual({ ticket: cases.named, nik: NIK });
    expect((await app.cases.unmaskNik(staff('admin', null), cases.named)).nik).toBe(NIK);
    expect((await app.cases.unmaskNik(staff('verifikator', ids.dinsos), cases.english)).nik).toBeNull();
    const unit = (await caseRow(app, cases.named)).unitId;
    await expect(app.cases.unmaskNik(staff('petugas', ids.dinsos, unit), cases.named)).rejects.toBeInstanceOf(CaseForbidden);
    await expect(app.cases.unmaskNik(staff('pimpinan', ids.dinsos), cases.named)).rejects.toBeInstanceOf(CaseForbidden);
    await expect(app.cases.unmaskNik(staff('verifikator', ids.disdik), cases.named)).rejects.toBeInstanceOf(CaseNotFound);
    await expect(app.cases.unmaskNik(staff('verifikator', ids.dinsos), cases.anonymous)).rejects.toBeInstanceOf(CaseForbidden);
  });
});

describe('photos', () => {
  it("are the case's own and those added later, each reachable only through its own case", async () => {
    const { db } = app.ctx.db;
    const identityId = await seedIdentity(app, 'telegram', '9700010');
    const message = async (externalId: string) =>
      (await db.insert(t.messages).values({ identityId, channel: 'telegram', externalId, kind: 'photo', body: null, sentAt: new Date(), receivedAt: new Date(), processedAt: new Date() }).returning())[0].id;
    const stored = async (ref: string, status = 'stored') =>
      (
        await db
          .insert(t.media)
          .values({ identityId, messageId: await message(ref), channel: 'telegram', platformRef: ref, status, storageKey: `photos/${ref}.jpg`, thumbnailKey: `photos/${ref}.thumb.webp`, contentType: 'image/jpeg', width: 800, height: 600 })
          .returning()
      )[0].id;
    const first = await stored('telegram:file:first');
    const later = await stored('telegram:file:later');
    const pending = await stored('telegram:file:pending', 'pending');
    const other = await stored('telegram:file:other');
    const ticket = await openTestCase(app, identityId, { photos: ['telegram:file:first', 'telegram:file:pending'] });
    const otherTicket = await openTestCase(app, identityId, { photos: ['telegram:file:other'] });
    const kase = await caseRow(app, ticket);
    await db.insert(t.caseEvents).values({ caseId: kase.id, type: 'citizen-info', toStatus: 'baru', actor: 'citizen', public: false, data: { photos: ['telegram:file:later'] } });
    const reader = staff('verifikator', ids.dinsos);

    const detail = await app.cases.getCase(reader, ticket);
    expect(detail.photoFiles.map((p) => [p.id, p.status])).toEqual([[first, 'stored'], [later, 'stored'], [pending, 'pending']]);
    expect(await app.cases.casePhoto(reader, ticket, first, 'thumb')).toEqual({ ticket, key: 'photos/telegram:file:first.thumb.webp', contentType: 'image/webp' });
    expect(await app.cases.casePhoto(reader, ticket, later, 'full')).toEqual({ ticket, key: 'photos/telegram:file:later.jpg', contentType: 'image/jpeg' });
    await expect(app.cases.casePhoto(reader, ticket, other, 'full')).rejects.toBeInstanceOf(CaseNotFound);
    await expect(app.cases.casePhoto(reader, ticket, pending, 'full')).rejects.toBeInstanceOf(CaseNotFound);
    expect(await app.cases.casePhoto(reader, otherTicket, other, 'full')).toMatchObject({ contentType: 'image/jpeg' });
    await expect(app.cases.casePhoto(staff('verifikator', ids.disdik), ticket, first, 'full')).rejects.toBeInstanceOf(CaseNotFound);
  });
});

describe('choices for the case', () => {
  it("offer the units and active officers of the case's dinas, and every dinas", async () => {
    const { db } = app.ctx.db;
    await db.insert(t.staff).values([
      { dinasId: ids.dinsos, unitId: ids.linjamsos, name: 'Rina', email: 'rina@case-page.test', role: 'petugas' },
      { dinasId: ids.dinsos, unitId: ids.linjamsos, name: 'Pensiun', email: 'pensiun@case-page.test', role: 'petugas', active: false },
      { dinasId: ids.dinsos, name: 'Kepala', email: 'kepala@case-page.test', role: 'pimpinan' },
      { dinasId: ids.disdik, unitId: ids.sekretariat, name: 'Guru', email: 'guru@case-page.test', role: 'petugas' },
    ]);
    const choices = await app.cases.caseChoices(staff('verifikator', ids.dinsos), cases.named);
    expect(choices.staff.map((s) => s.name).sort()).toEqual(['Penulis', 'Rina']);
    expect(choices.units.map((u) => u.id)).toContain(ids.linjamsos);
    expect(choices.units.map((u) => u.id)).not.toContain(ids.sekretariat);
    expect(choices.dinas.map((d) => d.id).sort()).toEqual([ids.dinsos, ids.disdik].sort());
    await expect(app.cases.caseChoices(staff('verifikator', ids.disdik), cases.named)).rejects.toBeInstanceOf(CaseNotFound);
  });
});
