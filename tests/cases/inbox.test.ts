/**
 * The inbox's reads on real Postgres: full-text search over ticket and description (a word that
 * happens to look like a ticket still finds its cases), the side bar's counts per view within the
 * reader's scope and narrowing filters, capped; keyset pages that new arrivals do not disturb,
 * several statuses merged in order, the unassigned view, the SLA state of each row and the
 * due-first sort.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/cases/events.js';
import { COUNT_CAP, type CaseListFilters } from '../../src/cases/service.js';
import * as t from '../../src/db/schema.js';
import { testClock } from '../support/clock.js';
import { caseRow, openTestCase, seedIdentity, SYSTEM } from '../support/cases.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
let offset = 0;
const clock = testClock();
const ids = { dinsos: 0, disdik: 0, verifikator: 0, linjamsos: 0, rehsos: 0, sekretariat: 0 };
const staff = (role: 'admin' | 'verifikator' | 'petugas' | 'pimpinan', dinasId: number | null, unitId: number | null, staffId = 99_999): Actor => ({
  kind: 'staff',
  staffId,
  role,
  dinasId,
  unitId,
  regionPrefix: null,
});
const verifikator = () => staff('verifikator', ids.dinsos, ids.verifikator);
const cases = { flood: '', neighbour: '', school: '', rejected: '', assigned: '' };
let officerId = 0;

beforeAll(async () => {
  env = await createTestEnv();
  // No relay rounds: moving the clock must not fire alarms under the SLA views.
  app = await startTestApp(env, { config: { RELAY_INTERVAL_MS: '3600000' }, now: () => new Date(clock.now().getTime() + offset) });
  const { db } = app.ctx.db;
  for (const d of await db.select().from(t.dinas)) ids[d.code === 'dinsos-bandung' ? 'dinsos' : 'disdik'] = d.id;
  for (const u of await db.select().from(t.units)) if (u.code in ids) ids[u.code as keyof typeof ids] = u.id;
  const [officer] = await db.insert(t.staff).values({ dinasId: ids.dinsos, unitId: ids.linjamsos, name: 'Rina', email: 'rina@inbox.test', role: 'petugas' }).returning();
  officerId = officer.id;

  cases.flood = await openTestCase(app, await seedIdentity(app, 'telegram', '9700001'), { description: 'Rumah kami terendam banjir, bantuan logistik belum datang.' });
  // "TETANGGA" is eight letters of the ticket alphabet: a word a citizen may well search for.
  cases.neighbour = await openTestCase(app, await seedIdentity(app, 'web', 'inbox-neighbour'), { description: 'Tetangga saya lansia terlantar, mohon dibantu.' });
  cases.school = await openTestCase(app, await seedIdentity(app, 'web', 'inbox-school'), { categoryCode: 'pendidikan', description: 'Banjir merusak ruang kelas sekolah.' });
  cases.rejected = await openTestCase(app, await seedIdentity(app, 'telegram', '9700004'), { description: 'Pertanyaan tentang jadwal pencairan.' });
  await app.cases.transition(SYSTEM, cases.rejected, 'ditolak', { note: 'Bukan pengaduan.' });
  cases.assigned = await openTestCase(app, await seedIdentity(app, 'whatsapp-cloud', '6281200009999'), { description: 'Data DTKS salah nama.' });
  await app.cases.assign(SYSTEM, cases.assigned, { staffId: officerId });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

const tickets = async (actor: Actor, filters: CaseListFilters = {}) => (await app.cases.listCases(actor, filters)).cases.map((c) => c.ticket);
const sorted = (list: string[]) => [...list].sort();

describe('search', () => {
  it('finds words anywhere in the description, in any case, only within scope', async () => {
    expect(sorted(await tickets(verifikator(), { q: 'BANJIR' }))).toEqual([cases.flood]);
    expect(sorted(await tickets(staff('admin', null, null), { q: 'banjir' }))).toEqual(sorted([cases.flood, cases.school]));
    expect(await tickets(staff('petugas', ids.disdik, ids.sekretariat), { q: 'logistik' })).toEqual([]);
    // All the words, wherever they stand; a word that is not there finds nothing.
    expect(await tickets(verifikator(), { q: 'logistik rumah' })).toEqual([cases.flood]);
    expect(await tickets(verifikator(), { q: 'logistik sekolah' })).toEqual([]);
  });

  it('finds a ticket typed loosely, and the cases a ticket-shaped word appears in', async () => {
    const loose = `${cases.flood.slice(0, 4).toLowerCase()}-${cases.flood.slice(4).toLowerCase()}`;
    expect(await tickets(verifikator(), { q: loose })).toEqual([cases.flood]);
    expect(await tickets(verifikator(), { q: 'tetangga' })).toEqual([cases.neighbour]);
  });

  it('keeps the search words of a case in a generated column', async () => {
    const [row] = await app.ctx.db.db.select({ search: t.cases.search }).from(t.cases).where(eq(t.cases.ticket, cases.flood));
    expect(row.search).toContain("'logistik'");
    expect(row.search).toContain(`'${cases.flood.toLowerCase()}'`);
  });
});

describe('counts for the side bar', () => {
  it('counts each view within the reader\'s scope', async () => {
    const counts = await app.cases.countCases(verifikator());
    expect(counts.total).toBe(4);
    expect(counts.status).toMatchObject({ baru: 3, ditolak: 1, diproses: 0, selesai: 0 });
    // Open cases without an officer; a rejected case owes nothing, so it is not "unassigned".
    expect(counts.unassigned).toBe(2);
    expect(counts.mine).toBe(0);
    expect((await app.cases.countCases(staff('petugas', ids.dinsos, ids.linjamsos, officerId))).mine).toBe(1);
    expect(counts.cap).toBe(COUNT_CAP);
    const other = await app.cases.countCases(staff('petugas', ids.disdik, ids.sekretariat));
    expect(other).toMatchObject({ total: 1, unassigned: 1, mine: 0, status: { baru: 1, ditolak: 0 } });
  });

  it('keeps the narrowing filters: category, unit and channel', async () => {
    expect((await app.cases.countCases(verifikator(), { channel: 'telegram' })).status).toMatchObject({ baru: 1, ditolak: 1 });
    expect((await app.cases.countCases(verifikator(), { unitId: ids.rehsos })).total).toBe(0);
    expect((await app.cases.countCases(staff('admin', null, null), { category: 'pendidikan' })).total).toBe(1);
    expect((await app.cases.countCases(staff('admin', null, null))).status.baru).toBe(4);
  });

  it('counts SLA views as the clock moves: due soon after the reminder, breached after the due moment', async () => {
    const flood = await caseRow(app, cases.flood);
    try {
      offset = flood.slaRemindAt!.getTime() + 60_000 - clock.now().getTime();
      const dueSoon = await app.cases.countCases(verifikator());
      expect(dueSoon.dueSoon).toBeGreaterThanOrEqual(1);
      expect(dueSoon.breached).toBe(0);
      const row = (await app.cases.listCases(verifikator(), { sla: 'due-soon' })).cases.find((c) => c.ticket === cases.flood);
      expect(row?.sla).toBe('due-soon');
      offset = flood.slaDueAt!.getTime() + 60_000 - clock.now().getTime();
      const breached = await app.cases.countCases(verifikator());
      expect(breached.breached).toBe(3);
      expect(breached.dueSoon).toBe(0);
      const list = await app.cases.listCases(verifikator(), { sla: 'breached' });
      expect(sorted(list.cases.map((c) => c.ticket))).toEqual(sorted([cases.flood, cases.neighbour, cases.assigned]));
      expect(list.cases.every((c) => c.sla === 'breached')).toBe(true);
    } finally {
      offset = 0;
    }
    expect((await app.cases.listCases(verifikator(), { q: cases.flood })).cases[0].sla).toBeNull();
  });

  it('stops counting past the cap', async () => {
    const template = await caseRow(app, cases.flood);
    await app.ctx.db.db.execute(sql`
      insert into cases (ticket, citizen_id, identity_id, kind, category_code, description, dinas_id, unit_id, status, channel, created_at, updated_at)
      select 'CAP' || lpad(g::text, 5, '0'), ${template.citizenId}, ${template.identityId}, 'pengaduan', 'infrastruktur', 'Jalan berlubang.',
             ${template.dinasId}, ${template.unitId}, 'baru', 'telegram', now(), now()
      from generate_series(1, ${COUNT_CAP + 5}) g`);
    const counts = await app.cases.countCases(verifikator(), { category: 'infrastruktur' });
    expect(counts.total).toBe(COUNT_CAP + 1);
    expect(counts.status.baru).toBe(COUNT_CAP + 1);
    expect(counts.status.ditolak).toBe(0);
    await app.ctx.db.db.execute(sql`delete from cases where ticket like 'CAP%'`);
  });
});

describe('pages', () => {
  it('stay put when new cases arrive: they head a fresh first page instead', async () => {
    const first = await app.cases.listCases(verifikator(), { limit: 2 });
    expect(first.cases.map((c) => c.ticket)).toEqual([cases.assigned, cases.rejected]);
    const arrived = await openTestCase(app, await seedIdentity(app, 'telegram', '9700009'), { description: 'Kasus yang datang belakangan.' });
    const second = await app.cases.listCases(verifikator(), { limit: 2, after: first.next! });
    expect(second.cases.map((c) => c.ticket)).toEqual([cases.neighbour, cases.flood]);
    expect(second.next).toBeNull();
    expect((await tickets(verifikator(), { limit: 1 }))[0]).toBe(arrived);
    await app.cases.transition(SYSTEM, arrived, 'ditolak', { note: 'Uji.' });
  });

  it('merge several statuses newest first, page after page', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await app.cases.listCases(verifikator(), { status: ['ditolak', 'baru'], limit: 1, after });
      seen.push(...page.cases.map((c) => c.ticket));
      if (!page.next) break;
      after = page.next;
    }
    const all = await tickets(verifikator());
    expect(seen).toEqual(all);
    expect(await tickets(verifikator(), { status: ['ditolak', 'diproses'] })).toEqual(all.filter((tk) => tk !== cases.flood && tk !== cases.neighbour && tk !== cases.assigned));
  });

  it('show open cases without an officer as unassigned', async () => {
    expect(sorted(await tickets(verifikator(), { unassigned: true }))).toEqual(sorted([cases.flood, cases.neighbour]));
    expect(await tickets(verifikator(), { assigneeStaffId: officerId })).toEqual([cases.assigned]);
  });

  it('sort open cases by the clock closest to running out, with their own keyset', async () => {
    const due: { ticket: string; at: number }[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await app.cases.listCases(staff('admin', null, null), { sort: 'due', limit: 1, after });
      due.push(...page.cases.map((c) => ({ ticket: c.ticket, at: c.slaDueAt!.getTime() })));
      if (!page.next) break;
      after = page.next;
    }
    expect(sorted(due.map((d) => d.ticket))).toEqual(sorted([cases.flood, cases.neighbour, cases.school, cases.assigned]));
    expect(due.map((d) => d.at)).toEqual([...due.map((d) => d.at)].sort((a, b) => a - b));
  });
});
