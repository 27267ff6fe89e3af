/**
 * The case page's API over real HTTP with real sessions: reading a case writes an audit row when
 * it shows personal data; the full NIK has its own permission and audit row; photos stream from
 * media storage in scope only; every action moves the case (and tells the citizen what is public);
 * a case outside one's scope is 404 with no content, and a pimpinan gets 403 on every action;
 * ready answers are written by admins and verifikators and sent with their variables filled.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from '../../src/db/schema.js';
import { encryptNik } from '../../src/pii/nik.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { caseRow, eventsOf, openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import type { App } from '../../src/app.js';
import { ConsoleClient, createStaff, startConsoleApp } from './support.js';

let env: TestEnv;
let app: App;
const NIK = '3273011201900001';
const tickets = { named: '', anonymous: '', other: '', original: '' };
const who = {} as Record<'verifikator' | 'petugas' | 'pimpinan' | 'outsider' | 'outsiderVerifikator', { id: number; client: ConsoleClient }>;
const ids = { dinsos: 0, disdik: 0, linjamsos: 0, rehsos: 0 };
let mediaId = 0;

const show = (ticket: string) => `${ticket.slice(0, 4)}-${ticket.slice(4)}`;
const auditRows = (action: string, staffId: number) =>
  app.ctx.db.db.select().from(t.auditLog).where(and(eq(t.auditLog.action, action), eq(t.auditLog.staffId, staffId))).orderBy(t.auditLog.id);
const outboxTexts = async (ticket: string) => {
  const rows = await app.ctx.db.db.select().from(t.outbox).where(eq(t.outbox.caseId, (await caseRow(app, ticket)).id)).orderBy(t.outbox.id);
  return rows.map((r) => ('text' in r.payload ? r.payload.text : ''));
};

beforeAll(async () => {
  env = await createTestEnv();
  app = await startConsoleApp(env, { config: { RELAY_INTERVAL_MS: '3600000' } });
  const { db } = app.ctx.db;
  for (const d of await db.select().from(t.dinas)) ids[d.code === 'dinsos-bandung' ? 'dinsos' : 'disdik'] = d.id;
  for (const u of await db.select().from(t.units)) if (u.code in ids) ids[u.code as keyof typeof ids] = u.id;

  const login = async (role: 'verifikator' | 'petugas' | 'pimpinan', dinasCode: string, unitCode?: string) => {
    const account = await createStaff(app, { role, dinasCode, unitCode });
    return { id: account.id, client: await new ConsoleClient(app.url!).loginAs(account) };
  };
  who.verifikator = await login('verifikator', 'dinsos-bandung', 'verifikator');
  who.petugas = await login('petugas', 'dinsos-bandung', 'linjamsos');
  who.pimpinan = await login('pimpinan', 'dinsos-bandung');
  who.outsider = await login('petugas', 'disdik-bandung', 'sekretariat');
  who.outsiderVerifikator = await login('verifikator', 'disdik-bandung', 'sekretariat');

  const sealed = { sealed: encryptNik(NIK, app.ctx.nikKeys), masked: maskNik(NIK) };
  const identity = await seedIdentity(app, 'telegram', '9800001', { phone: '+6281200009999' });
  tickets.named = await openTestCase(app, identity, {
    reporterName: 'Siti Aminah',
    nik: sealed,
    location: { address: 'Jl. Melati 5, RT 05', latitude: -6.9175, longitude: 107.6191 },
    photos: ['telegram:file:case-api-photo'],
  });
  tickets.anonymous = await openTestCase(app, await seedIdentity(app, 'telegram', '9800002', { phone: '+6281200008888' }), { anonymous: true, reporterName: 'Tersembunyi', nik: sealed });
  tickets.other = await openTestCase(app, await seedIdentity(app, 'telegram', '9800003'), { description: 'Bantuan tidak sampai (laporan kedua).' });
  tickets.original = await openTestCase(app, await seedIdentity(app, 'telegram', '9800004'), { description: 'Bantuan tidak sampai.' });
  expect((await caseRow(app, tickets.named)).unitId).toBe(ids.linjamsos);

  const [message] = await db
    .insert(t.messages)
    .values({ identityId: identity, channel: 'telegram', externalId: 'case-api-photo', kind: 'photo', body: null, sentAt: app.ctx.now(), receivedAt: app.ctx.now(), processedAt: app.ctx.now() })
    .returning();
  await app.mediaStorage.put('photos/test/1.jpg', Buffer.from('full-size-bytes'), 'image/jpeg');
  await app.mediaStorage.put('photos/test/1.thumb.webp', Buffer.from('thumb-bytes'), 'image/webp');
  [{ id: mediaId }] = await db
    .insert(t.media)
    .values({ identityId: identity, messageId: message.id, channel: 'telegram', platformRef: 'telegram:file:case-api-photo', status: 'stored', storageKey: 'photos/test/1.jpg', thumbnailKey: 'photos/test/1.thumb.webp', contentType: 'image/jpeg', width: 4, height: 3 })
    .returning();
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('reading a case', () => {
  it('shows personal data masked and writes a case.view audit row saying what was shown', async () => {
    const res = await who.petugas.client.get(`/cases/${tickets.named}`);
    expect(res.status).toBe(200);
    const kase = res.body.case;
    expect(kase.reporter).toEqual({ name: 'Siti Aminah', nikMasked: maskNik(NIK), phone: '+6281200009999', displayName: null });
    expect(JSON.stringify(res.body)).not.toContain(NIK);
    expect(kase.photoFiles).toEqual([{ id: mediaId, status: 'stored', width: 4, height: 3 }]);
    expect(kase.location).toMatchObject({ latitude: -6.9175, longitude: 107.6191 });
    expect(res.body.nextStatuses).toEqual(['diverifikasi', 'ditolak', 'duplikat']);
    expect(res.body.can).toEqual({ act: true, triage: false, unmaskNik: false });
    const [row] = await auditRows('case.view', who.petugas.id);
    expect(row).toMatchObject({ ticket: tickets.named, details: { shown: ['reporter', 'nikMasked', 'address', 'photos'] } });
    expect(JSON.stringify(row.details)).not.toMatch(/Siti|6281200009999|Melati/);
  });

  it('shows no identity of an anonymous reporter, and audits nothing when nothing personal was shown', async () => {
    const res = await who.verifikator.client.get(`/cases/${tickets.anonymous}`);
    expect(res.status).toBe(200);
    expect(res.body.case.reporter).toBeNull();
    expect(JSON.stringify(res.body)).not.toMatch(/Tersembunyi|6281200008888|9800002/);
    expect(res.body.can.unmaskNik).toBe(false);
    expect((await auditRows('case.view', who.verifikator.id)).map((r) => r.ticket)).not.toContain(tickets.anonymous);
  });

  it('answers a case of another dinas with 404 and no content, on every route', async () => {
    const { client } = who.outsider;
    const path = `/cases/${tickets.named}`;
    const missing = await client.get('/cases/ZZZZ2345');
    for (const res of [
      await client.get(path),
      await client.get(`${path}/choices`),
      await client.get(`${path}/photos/${mediaId}?size=full`),
      await client.get(`/canned-replies?ticket=${tickets.named}`),
      await client.post(`${path}/transition`, { to: 'diverifikasi' }),
      await client.post(`${path}/notes`, { text: 'x', internal: true }),
      await client.post(`${path}/reply`, { text: 'x' }),
      await client.post(`${path}/assign`, { unitId: ids.rehsos }),
      await client.post(`${path}/reroute`, { dinasId: ids.disdik }),
      await client.post(`/cases/${tickets.other}/duplicate`, { of: tickets.named }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(missing.body);
    }
    expect(await who.outsiderVerifikator.client.post(`${path}/nik`, {})).toMatchObject({ status: 404 });
    expect(await auditRows('case.view', who.outsider.id)).toEqual([]);
    expect(await auditRows('case.photo', who.outsider.id)).toEqual([]);
    expect((await caseRow(app, tickets.named)).status).toBe('baru');
  });

  it('lets a pimpinan read, and refuses every action with 403', async () => {
    const { client } = who.pimpinan;
    const path = `/cases/${tickets.named}`;
    const read = await client.get(path);
    expect(read.status).toBe(200);
    expect(read.body.can).toEqual({ act: false, triage: false, unmaskNik: false });
    for (const res of [
      await client.post(`${path}/transition`, { to: 'diverifikasi' }),
      await client.post(`${path}/notes`, { text: 'x', internal: true }),
      await client.post(`${path}/reply`, { text: 'x' }),
      await client.post(`${path}/assign`, { unitId: ids.rehsos }),
      await client.post(`${path}/reroute`, { dinasId: ids.disdik }),
      await client.post(`/cases/${tickets.other}/duplicate`, { of: tickets.original }),
      await client.post(`${path}/nik`, {}),
      await client.post('/canned-replies', { title: 'x', text: { id: 'x' } }),
    ]) {
      expect(res.status).toBe(403);
    }
    expect(await eventsOf(app, tickets.named)).toHaveLength(1);
  });
});

describe('the full NIK', () => {
  it('is shown to a verifikator, with its own audit row', async () => {
    const res = await who.verifikator.client.post(`/cases/${tickets.named}/nik`, {});
    expect(res).toMatchObject({ status: 200, body: { nik: NIK } });
    const rows = await auditRows('case.nik.unmask', who.verifikator.id);
    expect(rows.map((r) => [r.ticket, r.details])).toEqual([[tickets.named, { hadNik: true }]]);
    expect(JSON.stringify(rows)).not.toContain(NIK);
    expect((await who.verifikator.client.get(`/cases/${tickets.named}`)).body.can.unmaskNik).toBe(true);
  });

  it('is refused to a petugas (403, nothing audited) and for an anonymous case', async () => {
    expect((await who.petugas.client.post(`/cases/${tickets.named}/nik`, {})).status).toBe(403);
    expect(await auditRows('case.nik.unmask', who.petugas.id)).toEqual([]);
    expect((await who.verifikator.client.post(`/cases/${tickets.anonymous}/nik`, {})).status).toBe(403);
  });
});

describe('photos', () => {
  it('stream as thumbnail and full size from media storage, each view audited', async () => {
    const thumb = await who.petugas.client.get(`/cases/${tickets.named}/photos/${mediaId}?size=thumb`);
    expect(thumb).toMatchObject({ status: 200, body: 'thumb-bytes' });
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const full = await who.petugas.client.get(`/cases/${tickets.named}/photos/${mediaId}?size=full`);
    expect(full).toMatchObject({ status: 200, body: 'full-size-bytes' });
    expect(full.headers.get('content-type')).toBe('image/jpeg');
    expect((await auditRows('case.photo', who.petugas.id)).map((r) => r.details)).toEqual([
      { mediaId, size: 'thumb' },
      { mediaId, size: 'full' },
    ]);
    // Not a photo of that case: as if it did not exist.
    expect((await who.petugas.client.get(`/cases/${tickets.other}/photos/${mediaId}?size=full`)).status).toBe(404);
  });
});

describe('actions', () => {
  it('leaves verifying, rejecting, merging and sending to another dinas to triage (403 for a petugas)', async () => {
    const { client } = who.petugas;
    const path = `/cases/${tickets.named}`;
    for (const res of [
      await client.post(`${path}/transition`, { to: 'diverifikasi' }),
      await client.post(`${path}/transition`, { to: 'ditolak', note: 'Bukan wewenang.' }),
      await client.post(`/cases/${tickets.other}/duplicate`, { of: tickets.original }),
      await client.post(`${path}/reroute`, { dinasId: ids.disdik }),
    ]) {
      expect(res).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    }
    expect((await caseRow(app, tickets.named)).status).toBe('baru');
  });

  it('verify, note, reply, assign and forward move the case; public words reach the citizen, internal ones do not', async () => {
    const { client } = who.verifikator;
    const path = `/cases/${tickets.named}`;
    expect(await client.post(`${path}/transition`, { to: 'diverifikasi', note: 'Data lengkap.' })).toMatchObject({ status: 200, body: { ok: true, status: 'diverifikasi' } });
    expect(await client.post(`${path}/notes`, { text: 'Cek ke RT dulu.', internal: true })).toMatchObject({ status: 200 });
    expect(await client.post(`${path}/notes`, { text: 'Petugas akan datang Senin.', internal: false })).toMatchObject({ status: 200 });
    expect(await client.post(`${path}/reply`, { text: 'Terima kasih atas laporannya.' })).toMatchObject({ status: 200, body: { text: 'Terima kasih atas laporannya.' } });
    const [officer] = await app.ctx.db.db.select().from(t.staff).where(eq(t.staff.id, who.petugas.id));
    expect(await client.post(`${path}/assign`, { staffId: officer.id })).toMatchObject({ status: 200 });
    expect(await client.post(`${path}/reroute`, { dinasId: ids.dinsos, unitId: ids.rehsos, note: 'Ke Bidang Rehsos.' })).toMatchObject({ status: 200, body: { status: 'diteruskan' } });

    const events = await eventsOf(app, tickets.named);
    expect(events.map((e) => [e.type, e.toStatus, e.public])).toEqual([
      ['created', 'baru', false],
      ['status', 'diverifikasi', true],
      ['note', 'diverifikasi', false],
      ['note', 'diverifikasi', true],
      ['reply', 'diverifikasi', true],
      ['assigned', 'diverifikasi', false],
      ['rerouted', 'diteruskan', true],
    ]);
    const told = (await outboxTexts(tickets.named)).join('\n');
    expect(told).toContain('Data lengkap.');
    expect(told).toContain('Petugas akan datang Senin.');
    expect(told).toContain('Terima kasih atas laporannya.');
    expect(told).not.toContain('Cek ke RT dulu.');
    expect((await caseRow(app, tickets.named)).unitId).toBe(ids.rehsos);
  });

  it('refuses a rejection without a reason (409) and merges a duplicate', async () => {
    const { client } = who.verifikator;
    const refused = await client.post(`/cases/${tickets.other}/transition`, { to: 'ditolak' });
    expect(refused).toMatchObject({ status: 409, body: { error: 'refused' } });
    expect(await client.post(`/cases/${tickets.other}/duplicate`, { of: show(tickets.original) })).toMatchObject({ status: 200, body: { status: 'duplikat' } });
    expect((await client.get(`/cases/${tickets.other}`)).body.case.duplicateOf).toBe(tickets.original);
  });
});

describe('ready answers', () => {
  it('are written by a verifikator, not a petugas, and sent with the variables filled', async () => {
    const created = await who.verifikator.client.post('/canned-replies', {
      title: 'Sedang diproses',
      text: { id: 'Yth. {nama}, laporan {tiket} berstatus: {status}.', en: '' },
    });
    expect(created).toMatchObject({ status: 200, body: { dinasId: ids.dinsos, editable: true } });
    expect((await who.petugas.client.post('/canned-replies', { title: 'x', text: { id: 'x' } })).status).toBe(403);
    expect((await who.petugas.client.put(`/canned-replies/${created.body.id}`, { title: 'x', text: { id: 'x' } })).status).toBe(403);
    expect((await who.outsiderVerifikator.client.del(`/canned-replies/${created.body.id}`)).status).toBe(404);

    const usable = await who.petugas.client.get(`/canned-replies?ticket=${tickets.anonymous}`);
    expect(usable.body.replies.map((r: { title: string; editable: boolean }) => [r.title, r.editable])).toEqual([['Sedang diproses', false]]);
    expect((await who.outsider.client.get('/canned-replies')).body.replies).toEqual([]);

    const sent = await who.petugas.client.post(`/cases/${tickets.anonymous}/reply`, { cannedReplyId: created.body.id });
    expect(sent).toMatchObject({ status: 200, body: { text: `Yth. Bapak/Ibu, laporan ${show(tickets.anonymous)} berstatus: Diterima, menunggu verifikasi.` } });
    expect((await outboxTexts(tickets.anonymous)).at(-1)).toContain(`Yth. Bapak/Ibu, laporan ${show(tickets.anonymous)}`);

    const updated = await who.verifikator.client.put(`/canned-replies/${created.body.id}`, { title: 'Diproses', text: { id: 'Halo {nama}.', en: 'Hello {nama}.' } });
    expect(updated).toMatchObject({ status: 200, body: { title: 'Diproses' } });
    expect(await who.verifikator.client.del(`/canned-replies/${created.body.id}`)).toMatchObject({ status: 200 });
    expect((await who.verifikator.client.get('/canned-replies')).body.replies).toEqual([]);
  });
});
