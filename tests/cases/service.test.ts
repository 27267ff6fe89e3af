/**
 * The staff-facing case service on real Postgres: scope by dinas, unit (petugas) and region
 * prefix, where a case out of scope is answered exactly like a ticket that does not exist;
 * confidential cases for the assigned unit only; anonymous cases without the reporter's identity;
 * read-only pimpinan; the list's filters, search and keyset pages; one case with its timeline and
 * the chat transcript of a report made over the web chat.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/cases/events.js';
import { CaseForbidden, CaseNotFound, type CaseListFilters } from '../../src/cases/service.js';
import { TICKET_ALPHABET } from '../../src/cases/ticket.js';
import { ALARM_HORIZON_MS } from '../../src/cases/timers.js';
import * as t from '../../src/db/schema.js';
import { encryptNik } from '../../src/pii/nik.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { CASE_TIMER_QUEUE, caseTimerJobId } from '../../src/queues/jobs.js';
import { caseRow, openTestCase, recordingSink, seedIdentity, SYSTEM } from '../support/cases.js';
import { webChatCitizen } from '../support/citizens.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
let offset = 0;
const ids = { dinsos: 0, disdik: 0, verifikator: 0, linjamsos: 0, rehsos: 0, sekretariat: 0 };
const staff = (role: 'admin' | 'verifikator' | 'petugas' | 'pimpinan', dinasId: number | null, unitId: number | null, regionPrefix: string | null = null, staffId = 1): Actor => ({
  kind: 'staff',
  staffId,
  role,
  dinasId,
  unitId,
  regionPrefix,
});
const cases = { plain: '', school: '', confidential: '', anonymous: '', regency: '' };
const NIK = '3204011201900001';

beforeAll(async () => {
  env = await createTestEnv();
  // No relay rounds: moving the clock must not fire alarms under the list's SLA filters.
  app = await startTestApp(env, { config: { RELAY_INTERVAL_MS: '3600000' }, now: () => new Date(Date.now() + offset) });
  const { db } = app.ctx.db;
  for (const d of await db.select().from(t.dinas)) ids[d.code === 'dinsos-bandung' ? 'dinsos' : 'disdik'] = d.id;
  for (const u of await db.select().from(t.units)) if (u.code in ids) ids[u.code as keyof typeof ids] = u.id;

  const sealed = { sealed: encryptNik(NIK, app.ctx.nikKeys), masked: maskNik(NIK) };
  const named = await seedIdentity(app, 'telegram', '9600001', { phone: '+6281200000001' });
  cases.plain = await openTestCase(app, named, { reporterName: 'Siti Aminah', description: 'Bantuan sembako tidak sampai ke RT 05.' });
  cases.school = await openTestCase(app, await seedIdentity(app, 'web', 'svc-school'), { categoryCode: 'pendidikan', description: 'Sekolah meminta pungutan seragam.' });
  cases.confidential = await openTestCase(app, await seedIdentity(app, 'web', 'svc-secret'), { confidential: true, description: 'Petugas meminta uang untuk mencairkan bantuan.' });
  cases.anonymous = await openTestCase(app, await seedIdentity(app, 'telegram', '9600004', { phone: '+6281200000004' }), {
    anonymous: true,
    reporterName: 'Tidak Boleh Tampil',
    nik: sealed,
    description: 'Penyaluran bantuan tidak adil di kelurahan.',
  });
  cases.regency = await openTestCase(app, await seedIdentity(app, 'web', 'svc-regency'), { nik: sealed, description: 'Bantuan PKH belum cair.' });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

const visible = async (actor: Actor, filters: CaseListFilters = {}) => (await app.cases.listCases(actor, filters)).cases.map((c) => c.ticket).sort();
const ticketsOf = (...names: (keyof typeof cases)[]) => names.map((n) => cases[n]).sort();

describe('scope', () => {
  it('routes the fixture cases where the tests expect them', async () => {
    expect((await caseRow(app, cases.plain)).unitId).toBe(ids.linjamsos);
    expect((await caseRow(app, cases.school)).dinasId).toBe(ids.disdik);
    expect((await caseRow(app, cases.regency)).regionCode).toBe('320401');
  });

  it('answers a case of another dinas exactly like a ticket that does not exist', async () => {
    const disdik = staff('petugas', ids.disdik, ids.sekretariat);
    const missing = 'ZZZZ2345';
    const notFound = async (p: Promise<unknown>) => p.then(() => 'found', (err: Error) => [err.constructor, err.message.replace(/\S+$/, 'X')]);
    expect(await notFound(app.cases.getCase(disdik, cases.plain))).toEqual(await notFound(app.cases.getCase(disdik, missing)));
    await expect(app.cases.getCase(disdik, cases.plain)).rejects.toBeInstanceOf(CaseNotFound);
    for (const write of [
      () => app.cases.transition(disdik, cases.plain, 'diverifikasi'),
      () => app.cases.addNote(disdik, cases.plain, 'ingin tahu', true),
      () => app.cases.replyToCitizen(disdik, cases.plain, 'halo'),
      () => app.cases.assign(disdik, cases.plain, { unitId: ids.sekretariat }),
      () => app.cases.reroute(disdik, cases.plain, { dinasId: ids.disdik }),
      () => app.cases.markDuplicate(disdik, cases.school, cases.plain),
    ]) {
      await expect(write()).rejects.toBeInstanceOf(CaseNotFound);
    }
    expect((await caseRow(app, cases.plain)).status).toBe('baru');
    expect(await visible(disdik)).toEqual(ticketsOf('school'));
  });

  it('limits a petugas to their unit, and a region prefix to its region', async () => {
    expect(await visible(staff('petugas', ids.dinsos, ids.rehsos))).toEqual([]);
    expect(await visible(staff('petugas', ids.dinsos, ids.linjamsos))).toEqual(ticketsOf('plain', 'confidential', 'anonymous', 'regency'));
    expect(await visible(staff('verifikator', ids.dinsos, ids.verifikator, '3273'))).toEqual(ticketsOf('plain'));
    expect(await visible(staff('verifikator', ids.dinsos, ids.verifikator, '3204'))).toEqual(ticketsOf('anonymous', 'regency'));
    await expect(app.cases.getCase(staff('verifikator', ids.dinsos, ids.verifikator, '3273'), cases.regency)).rejects.toBeInstanceOf(CaseNotFound);
  });

  it('shows a confidential case to its assigned unit (and its dinas\'s own system) only', async () => {
    await expect(app.cases.getCase(staff('verifikator', ids.dinsos, ids.verifikator), cases.confidential)).rejects.toBeInstanceOf(CaseNotFound);
    await expect(app.cases.getCase(staff('admin', null, null), cases.confidential)).rejects.toBeInstanceOf(CaseNotFound);
    await expect(app.cases.getCase({ kind: 'integration', dinasId: ids.disdik, name: 'simpel' }, cases.confidential)).rejects.toBeInstanceOf(CaseNotFound);
    // The dinas owns it: its own system, which receives it by webhook, may read and answer it.
    expect((await app.cases.getCase({ kind: 'integration', dinasId: ids.dinsos, name: 'simpel' }, cases.confidential)).ticket).toBe(cases.confidential);
    const unit = staff('petugas', ids.dinsos, ids.linjamsos);
    expect((await app.cases.getCase(unit, cases.confidential)).description).toContain('meminta uang');
    expect(await visible(staff('admin', null, null))).toEqual(ticketsOf('plain', 'school', 'anonymous', 'regency'));
  });

  it('never shows who reported an anonymous case to staff, and shows it for others', async () => {
    const unit = staff('petugas', ids.dinsos, ids.linjamsos);
    const anonymous = await app.cases.getCase(unit, cases.anonymous);
    expect(anonymous.reporter).toBeNull();
    expect(JSON.stringify(anonymous)).not.toMatch(/Tidak Boleh Tampil|6281200000004|9600004|3204011201900001/);
    const plain = await app.cases.getCase(unit, cases.plain);
    expect(plain.reporter).toEqual({ name: 'Siti Aminah', nikMasked: null, phone: '+6281200000001', displayName: null, chatId: '9600001' });
    expect((await app.cases.getCase(unit, cases.regency)).reporter?.nikMasked).toBe(maskNik(NIK));
  });

  it('lets a pimpinan read but not change', async () => {
    const pimpinan = staff('pimpinan', ids.dinsos, null);
    expect((await app.cases.getCase(pimpinan, cases.plain)).ticket).toBe(cases.plain);
    await expect(app.cases.transition(pimpinan, cases.plain, 'diverifikasi')).rejects.toBeInstanceOf(CaseForbidden);
    await expect(app.cases.addNote(pimpinan, cases.plain, 'catatan', true)).rejects.toBeInstanceOf(CaseForbidden);
  });
});

describe('the case list', () => {
  const verifikator = () => staff('verifikator', ids.dinsos, ids.verifikator);

  it('filters by status, category, unit, assignee and channel', async () => {
    const [officer] = await app.ctx.db.db
      .insert(t.staff)
      .values({ dinasId: ids.dinsos, unitId: ids.linjamsos, name: 'Rina', email: 'rina@service.test', role: 'petugas' })
      .returning();
    await app.cases.transition(SYSTEM, cases.regency, 'diverifikasi');
    await app.cases.assign(SYSTEM, cases.regency, { staffId: officer.id });
    expect(await visible(verifikator(), { status: ['diverifikasi'] })).toEqual(ticketsOf('regency'));
    expect(await visible(verifikator(), { status: ['baru', 'diverifikasi'] })).toEqual(ticketsOf('plain', 'anonymous', 'regency'));
    expect(await visible(staff('admin', null, null), { category: 'pendidikan' })).toEqual(ticketsOf('school'));
    expect(await visible(verifikator(), { unitId: ids.rehsos })).toEqual([]);
    expect(await visible(verifikator(), { assigneeStaffId: officer.id })).toEqual(ticketsOf('regency'));
    expect(await visible(verifikator(), { channel: 'telegram' })).toEqual(ticketsOf('plain', 'anonymous'));
  });

  it('finds by words of the description or by a ticket typed loosely', async () => {
    expect(await visible(verifikator(), { q: 'sembako' })).toEqual(ticketsOf('plain'));
    expect(await visible(verifikator(), { q: 'bantuan' })).toEqual(ticketsOf('plain', 'anonymous', 'regency'));
    const loose = `${cases.plain.slice(0, 4).toLowerCase()} ${cases.plain.slice(4)}`;
    expect(await visible(verifikator(), { q: loose })).toEqual(ticketsOf('plain'));
  });

  it('pages by keyset without repeating or skipping a case', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await app.cases.listCases(staff('admin', null, null), { limit: 2, after });
      seen.push(...page.cases.map((c) => c.ticket));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toHaveLength(4);
    expect([...seen].sort()).toEqual(ticketsOf('plain', 'school', 'anonymous', 'regency'));
    // Newest first: the last case opened heads the first page.
    expect(seen[0]).toBe(cases.regency);
  });

  it('filters by SLA: due soon after the reminder moment, breached after the due moment', async () => {
    const [clock] = await app.ctx.db.db.select().from(t.caseTimers).where(eq(t.caseTimers.caseId, (await caseRow(app, cases.plain)).id));
    try {
      offset = clock.remindAt!.getTime() + 60_000 - Date.now();
      expect(await visible(verifikator(), { sla: 'due-soon' })).toContain(cases.plain);
      expect(await visible(verifikator(), { sla: 'breached' })).toEqual([]);
      offset = clock.dueAt.getTime() + 60_000 - Date.now();
      expect(await visible(verifikator(), { sla: 'breached' })).toContain(cases.plain);
      expect(await visible(verifikator(), { sla: 'due-soon' })).not.toContain(cases.plain);
    } finally {
      offset = 0;
    }
  });
});

describe('one case', () => {
  it('comes with its timeline and the chat it was reported in', async () => {
    const recorder = recordingSink();
    app.ctx.caseSinks.push(recorder.sink);
    const citizen = await webChatCitizen(app);
    let last: string[] = [];
    for (const text of ['halo', '1', '1', '1', 'Lampu jalan di gang kami padam seminggu.', 'lewati', 'lewati', '2', '1']) last = await citizen.say(text);
    const match = new RegExp(`\\*([${TICKET_ALPHABET}]{4})-([${TICKET_ALPHABET}]{4})\\*`).exec(last.join('\n'));
    const ticket = match![1] + match![2];
    // Opened by the conversation step: its sinks heard of it, and its clock runs. Its alarms are
    // days away: they wait in Postgres, for the relay to set each in the queue within its last hour.
    const [created] = recorder.events;
    expect(created).toMatchObject({ type: 'created', ticket, actor: 'citizen' });
    expect(recorder.afterCommit).toEqual([created.id]);
    const [timer] = await app.ctx.db.db.select().from(t.caseTimers).where(eq(t.caseTimers.caseId, created.caseId));
    expect(timer.nextAt).toEqual(timer.remindAt);
    expect(timer.remindAt!.getTime() - app.ctx.now().getTime()).toBeGreaterThan(ALARM_HORIZON_MS);
    const alarms = app.ctx.transport.queue(CASE_TIMER_QUEUE);
    expect(await alarms.getJob(caseTimerJobId(timer.id, 'remind'))).toBeUndefined();
    expect(await alarms.getJob(caseTimerJobId(timer.id, 'due'))).toBeUndefined();
    app.ctx.caseSinks.splice(app.ctx.caseSinks.indexOf(recorder.sink), 1);
    const officer = staff('petugas', ids.dinsos, (await caseRow(app, ticket)).unitId);
    await app.cases.transition(officer, ticket, 'diverifikasi');
    await app.cases.addNote(officer, ticket, 'Koordinasi dengan PJU.', true);
    await app.cases.replyToCitizen(officer, ticket, 'Terima kasih, kami teruskan ke petugas PJU.');

    const detail = await app.cases.getCase(officer, ticket);
    expect(detail.timeline.map((e) => [e.type, e.toStatus, e.public])).toEqual([
      ['created', 'baru', false],
      ['status', 'diverifikasi', true],
      ['note', 'diverifikasi', false],
      ['reply', 'diverifikasi', true],
    ]);
    expect(detail.timeline[1].actor).toBe('staff:1');
    expect(detail.clocks.map((c) => [c.kind, c.doneAt])).toEqual([['verify', null]]);
    const inbound = detail.transcript.filter((m) => m.direction === 'in').map((m) => m.text);
    expect(inbound).toContain('Lampu jalan di gang kami padam seminggu.');
    const outbound = detail.transcript.filter((m) => m.direction === 'out').map((m) => m.text ?? '');
    expect(outbound.some((text) => text.includes(`${ticket.slice(0, 4)}-${ticket.slice(4)}`))).toBe(true);
    expect(outbound.at(-1)).toContain('Terima kasih, kami teruskan ke petugas PJU.');
    expect(detail.transcript.map((m) => m.at.getTime())).toEqual([...detail.transcript.map((m) => m.at.getTime())].sort((a, b) => a - b));
  });

  it('keeps the name out of an anonymous case chosen after the name was typed, for staff', async () => {
    const citizen = await webChatCitizen(app);
    let last: string[] = [];
    // With a name first, then Ubah, Identitas, Anonim at the summary, then Kirim.
    for (const text of ['halo', '1', '1', '1', 'Bantuan PKH ibu saya belum cair sejak Agustus.', 'lewati', 'lewati', '1', 'Siti Rahayu', 'lewati', '2', '6', '2', '1']) {
      last = await citizen.say(text);
    }
    const match = new RegExp(`\\*([${TICKET_ALPHABET}]{4})-([${TICKET_ALPHABET}]{4})\\*`).exec(last.join('\n'));
    const ticket = match![1] + match![2];
    expect((await caseRow(app, ticket)).anonymous).toBe(true);
    const officer = staff('petugas', ids.dinsos, (await caseRow(app, ticket)).unitId);
    const detail = await app.cases.getCase(officer, ticket);
    expect(detail.reporter).toBeNull();
    const texts = detail.transcript.map((m) => m.text ?? '').join('\n');
    expect(texts).not.toMatch(/Siti|Rahayu/);
    // Taken out, not dropped: the answer and the summary that echoed it are still there.
    expect(detail.transcript.some((m) => m.direction === 'in' && m.text === '[disamarkan]')).toBe(true);
    expect(texts).toContain('Bantuan PKH ibu saya belum cair sejak Agustus.');
    // The system (the citizen's own data request, exports) reads the chat as it was.
    expect((await app.cases.getCase(SYSTEM, ticket)).transcript.map((m) => m.text ?? '').join('\n')).toContain('Siti Rahayu');
  });

  it("does not lead staff from an anonymous case to the same citizen's named one", async () => {
    const citizen = await webChatCitizen(app);
    const ticketIn = (replies: string[]) => {
      const match = new RegExp(`\\*([${TICKET_ALPHABET}]{4})-([${TICKET_ALPHABET}]{4})\\*`).exec(replies.join('\n'));
      return match![1] + match![2];
    };
    let last: string[] = [];
    for (const text of ['halo', '1', '1', '1', 'Bantuan PKH ibu saya belum cair sejak Agustus.', 'lewati', 'lewati', '1', 'Budi Santoso', 'lewati', '1']) last = await citizen.say(text);
    const named = ticketIn(last);
    // The same category again, anonymous: the duplicate hint names the first ticket, the citizen says it is new.
    for (const text of ['1', '1', '1', 'Saya Budi, petugas kelurahan meminta uang untuk mencairkan bantuan.', 'lewati', 'lewati', '2', '1', '1']) last = await citizen.say(text);
    const anonymous = ticketIn(last);
    expect(anonymous).not.toBe(named);
    expect((await app.cases.getCase(SYSTEM, anonymous)).possibleDuplicateOf).toBe(named);

    const officer = staff('petugas', ids.dinsos, (await caseRow(app, anonymous)).unitId);
    const detail = await app.cases.getCase(officer, anonymous);
    expect(detail.possibleDuplicateOf).toBeNull();
    expect(detail.timeline[0]).toMatchObject({ type: 'created', data: null });
    const texts = detail.transcript.map((m) => m.text ?? '').join('\n');
    expect(texts).not.toContain(`${named.slice(0, 4)}-${named.slice(4)}`);
    expect(texts).not.toMatch(/Budi|Santoso/);
    expect(texts).toContain(`${anonymous.slice(0, 4)}-${anonymous.slice(4)}`);
    // The name the citizen gave on the named report, typed into the anonymous one's description: out of it.
    expect(detail.description).toBe('Saya [disamarkan], petugas kelurahan meminta uang untuk mencairkan bantuan.');
    expect((await app.cases.getCase(SYSTEM, anonymous)).description).toContain('Saya Budi,');
    // What the citizen writes later (information added, a rating's comment) reads the same way; a staff note is left as written.
    const { id } = await caseRow(app, anonymous);
    const comment = `Budi kecewa, sama saja dengan ${named.slice(0, 4)}-${named.slice(4)}.`;
    await app.ctx.db.db.insert(t.caseEvents).values([
      { caseId: id, type: 'citizen-info', toStatus: 'baru', actor: 'citizen', public: false, note: 'Budi lagi: uangnya Rp 200.000.' },
      { caseId: id, type: 'rating', toStatus: 'baru', actor: 'citizen', public: false, note: comment, data: { score: 1, comment } },
      { caseId: id, type: 'note', toStatus: 'baru', actor: 'staff:1', public: false, note: 'Budi dari kelurahan sudah ditelepon.' },
    ]);
    const timeline = (await app.cases.getCase(officer, anonymous)).timeline;
    expect(timeline.map((e) => e.note)).toEqual(
      expect.arrayContaining(['[disamarkan] lagi: uangnya Rp 200.000.', '[disamarkan] kecewa, sama saja dengan [disamarkan].', 'Budi dari kelurahan sudah ditelepon.']),
    );
    expect(timeline.find((e) => e.type === 'rating')?.data).toEqual({ score: 1, comment: '[disamarkan] kecewa, sama saja dengan [disamarkan].' });
  });
});

describe('scope fails closed, and strands nothing', () => {
  it('shows a confidential case without a unit to its dinas verifikator and admin, and to no one else', async () => {
    const ticket = await openTestCase(app, await seedIdentity(app, 'web', 'svc-stranded'), { confidential: true, description: 'Kepala sekolah meminta setoran.' });
    await app.cases.reroute(SYSTEM, ticket, { dinasId: ids.disdik });
    expect((await caseRow(app, ticket)).unitId).toBeNull();
    for (const reader of [staff('verifikator', ids.disdik, null), staff('admin', ids.disdik, null)]) {
      expect((await app.cases.getCase(reader, ticket)).description).toContain('setoran');
      expect(await visible(reader)).toContain(ticket);
    }
    for (const outsider of [staff('pimpinan', ids.disdik, null), staff('petugas', ids.disdik, ids.sekretariat), staff('verifikator', ids.dinsos, ids.verifikator), staff('admin', null, null)]) {
      await expect(app.cases.getCase(outsider, ticket)).rejects.toBeInstanceOf(CaseNotFound);
    }
  });

  it('shows nothing to a petugas without a unit, nor to anyone but an admin without a dinas', async () => {
    expect(await visible(staff('admin', null, null))).toContain(cases.plain);
    expect(await visible(staff('petugas', ids.dinsos, null))).toEqual([]);
    await expect(app.cases.getCase(staff('petugas', ids.dinsos, null), cases.plain)).rejects.toBeInstanceOf(CaseNotFound);
    for (const role of ['verifikator', 'pimpinan', 'petugas'] as const) {
      expect(await visible(staff(role, null, null))).toEqual([]);
      await expect(app.cases.getCase(staff(role, null, null), cases.school)).rejects.toBeInstanceOf(CaseNotFound);
    }
  });

  it("keeps a citizen's other cases, in another dinas or confidential, out of a case's transcript", async () => {
    const identityId = await seedIdentity(app, 'telegram', '9600010');
    const hour = 60 * 60_000;
    const t0 = new Date(Date.now() - 10 * hour);
    const at = (hours: number) => new Date(t0.getTime() + hours * hour);
    const said = (hours: number, body: string) =>
      app.ctx.db.db.insert(t.messages).values({ identityId, channel: 'telegram', externalId: `transcript-${hours}`, kind: 'text', body, sentAt: at(hours), receivedAt: at(hours), processedAt: at(hours) });
    const told = (hours: number, text: string, caseId: number | null) =>
      app.ctx.db.db.insert(t.outbox).values({ identityId, channel: 'telegram', payload: { kind: 'text', chatId: '9600010', text }, status: 'sent', createdAt: at(hours), caseId });

    await said(-0.2, 'RAHASIA-1 kepala seksi minta uang');
    const first = await openTestCase(app, identityId, { confidential: true, description: 'Kepala seksi meminta uang.' }, at(0));
    await said(2.5, 'Sekolah meminta pungutan buku.');
    const school = await openTestCase(app, identityId, { categoryCode: 'pendidikan', description: 'Sekolah meminta pungutan buku.' }, at(3));
    await told(3.5, 'Balasan untuk sekolah.', (await caseRow(app, school)).id);
    await told(4, 'RAHASIA-1 sedang diproses', (await caseRow(app, first)).id);
    await said(5.5, 'RAHASIA-2 pendamping PKH memotong bantuan');
    await openTestCase(app, identityId, { confidential: true, description: 'Pendamping PKH memotong bantuan.' }, at(6));

    const detail = await app.cases.getCase(staff('verifikator', ids.disdik, null), school);
    const texts = detail.transcript.map((m) => m.text);
    expect(texts).toEqual(['Sekolah meminta pungutan buku.', 'Balasan untuk sekolah.']);
  });
});
