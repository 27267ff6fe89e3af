/**
 * A case whose reporter had their data erased (*hapus data saya*, here through `eraseHeldData` as
 * the console would call it) as staff see it over the API: marked erased with the date, the
 * description replaced by "data dihapus atas permintaan pelapor" (what the inbox search finds now),
 * no reporter, address, photos, notes or transcript, nothing to unmask, and no audit row for
 * personal data shown (none is). The case can still be worked on for the statistics, and nothing
 * is sent to the chat it came from.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { inCaseTransaction } from '../../src/cases/lifecycle.js';
import * as t from '../../src/db/schema.js';
import { encryptNik } from '../../src/pii/nik.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { ERASED_DESCRIPTION, eraseHeldData } from '../../src/privacy/erase.js';
import { caseRow, openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { ConsoleClient, createStaff, startConsoleApp } from './support.js';

let env: TestEnv;
let app: App;
let verifikator: { id: number; client: ConsoleClient };
let identity = 0;
let ticket = '';
const NIK = '3273011201900001';

beforeAll(async () => {
  env = await createTestEnv();
  app = await startConsoleApp(env, { config: { RELAY_INTERVAL_MS: '3600000' } });
  const account = await createStaff(app, { role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator' });
  verifikator = { id: account.id, client: await new ConsoleClient(app.url!).loginAs(account) };
  identity = await seedIdentity(app, 'telegram', '9900001', { phone: '+6281200007777', lang: 'id' });
  ticket = await openTestCase(app, identity, {
    reporterName: 'Siti Aminah',
    nik: { sealed: encryptNik(NIK, app.ctx.nikKeys), masked: maskNik(NIK) },
    description: 'Saya Siti Aminah, bantuan PKH belum cair.',
    location: { address: 'Jl. Melati 5, RT 05', latitude: -6.9175, longitude: 107.6191 },
    photos: ['telegram:file:erased-case-photo'],
  });
  // A message of the chat's past, answered long ago (processed): the transcript's, not one waiting for a step.
  await app.ctx.db.db
    .insert(t.messages)
    .values({ identityId: identity, channel: 'telegram', externalId: 'erased-case-1', kind: 'text', body: 'Saya Siti Aminah', sentAt: app.ctx.now(), processedAt: app.ctx.now() });
  const note = await verifikator.client.post(`/cases/${ticket}/notes`, { text: 'Bu Siti sudah ditelepon di 0812-0000-7777.', internal: true });
  expect(note.status).toBe(200);
  await inCaseTransaction(app.ctx, (work) => eraseHeldData(work, identity));
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('a case whose reporter was erased', () => {
  it('shows the erased marker and none of the personal data', async () => {
    const answer = await verifikator.client.get(`/cases/${ticket}`);
    expect(answer.status).toBe(200);
    const kase = answer.body.case;
    expect(kase.erasedAt).not.toBeNull();
    expect(kase.description).toBe(ERASED_DESCRIPTION);
    expect(kase.description.toLowerCase()).toContain('data dihapus atas permintaan pelapor');
    expect(kase).toMatchObject({ reporter: null, location: null, photoFiles: [], transcript: [], categoryCode: 'bantuan-sosial', status: 'baru', regionCode: '327301' });
    expect(kase.timeline.map((entry: { note: string | null }) => entry.note)).toEqual(kase.timeline.map(() => null));
    expect(answer.body.can.unmaskNik).toBe(false);
    expect(JSON.stringify(answer.body)).not.toMatch(/Siti|Melati|7777|3273011201900001/);

    const audited = await app.ctx.db.db.select().from(t.auditLog).where(eq(t.auditLog.action, 'case.view'));
    expect(audited.filter((row) => row.ticket === ticket)).toEqual([]);
    const nik = await verifikator.client.post(`/cases/${ticket}/nik`, {});
    expect(nik.body).toEqual({ nik: null });
  });

  it('is found in the inbox by the marker, no longer by the words it held', async () => {
    const search = async (q: string) => (await verifikator.client.get(`/cases?q=${encodeURIComponent(q)}`)).body.cases.map((c: { ticket: string }) => c.ticket);
    expect(await search('Aminah')).toEqual([]);
    expect(await search('dihapus permintaan pelapor')).toEqual([ticket]);
  });

  it('is still worked on, and nothing goes to the chat it came from', async () => {
    const moved = await verifikator.client.post(`/cases/${ticket}/transition`, { to: 'diverifikasi', note: 'Sudah diverifikasi.' });
    expect(moved.status).toBe(200);
    const reply = await verifikator.client.post(`/cases/${ticket}/reply`, { text: 'Kami sedang menindaklanjuti.' });
    expect(reply.status).toBe(200);
    const kase = await caseRow(app, ticket);
    expect(kase.status).toBe('diverifikasi');
    const written = await app.ctx.db.db.select().from(t.outbox).where(eq(t.outbox.caseId, kase.id));
    expect(written.filter((row) => row.status === 'pending' || row.status === 'sent')).toEqual([]);
    expect(await app.ctx.db.db.select().from(t.outbox).where(eq(t.outbox.identityId, identity))).toEqual([]);
  });
});
