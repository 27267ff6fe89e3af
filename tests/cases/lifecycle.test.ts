/**
 * The lifecycle's one table of transitions, tried pair by pair against real Postgres through the
 * service; re-routing, duplicates and assignment; and every event reaching a registered sink inside
 * its transaction, with its after-commit work run once the transaction has committed.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { CaseEventSink } from '../../src/cases/events.js';
import { TRANSITIONS, TransitionRefused } from '../../src/cases/lifecycle.js';
import { CaseForbidden } from '../../src/cases/service.js';
import { CASE_STATUSES, type CaseStatus } from '../../src/conversation/contract.js';
import * as t from '../../src/db/schema.js';
import { caseRow, eventsOf, openTestCase, recordingSink, seedIdentity, SYSTEM } from '../support/cases.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

/**
 * The reviewed lifecycle, written out here rather than read from the code: loosening the table
 * (a new pair) or tightening it fails the first test, and the pair-by-pair tests below follow this
 * list, not the table, so a loosened table is also caught where the change is tried for real.
 */
const REVIEWED: [CaseStatus, CaseStatus][] = [
  ['baru', 'diverifikasi'],
  ['baru', 'ditolak'],
  ['baru', 'duplikat'],
  ['diverifikasi', 'diteruskan'],
  ['diverifikasi', 'ditolak'],
  ['diverifikasi', 'duplikat'],
  ['diteruskan', 'diproses'],
  ['diteruskan', 'ditolak'],
  ['diteruskan', 'duplikat'],
  ['diproses', 'selesai'],
  ['selesai', 'ditutup'],
  ['selesai', 'diproses'],
];
const allowed = new Set(REVIEWED.map(([from, to]) => `${from}→${to}`));

let env: TestEnv;
let app: App;
const recorder = recordingSink();
let identity: number;
let englishIdentity: number;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env);
  app.ctx.caseSinks.push(recorder.sink);
  identity = await seedIdentity(app, 'web', 'lifecycle-citizen');
  englishIdentity = await seedIdentity(app, 'web', 'lifecycle-english', { lang: 'en' });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

/** A case standing at `status`, as earlier steps would have left it. */
async function caseAt(status: CaseStatus, identityId = identity): Promise<string> {
  const ticket = await openTestCase(app, identityId);
  await app.ctx.db.db.update(t.cases).set({ status }).where(eq(t.cases.ticket, ticket));
  return ticket;
}

async function outboxOf(ticket: string) {
  const row = await caseRow(app, ticket);
  return app.ctx.db.db.select().from(t.outbox).where(eq(t.outbox.caseId, row.id)).orderBy(t.outbox.id);
}

it('has exactly the reviewed transitions', () => {
  const table = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}→${to}`));
  expect(table.sort()).toEqual([...allowed].sort());
});

describe('every pair of statuses', () => {
  const pairs = CASE_STATUSES.flatMap((from) => CASE_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', async (from, to) => {
    const ticket = await caseAt(from);
    const before = await eventsOf(app, ticket);
    const attempt =
      to === 'duplikat'
        ? app.cases.markDuplicate(SYSTEM, ticket, await caseAt('diproses'))
        : app.cases.transition(SYSTEM, ticket, to, { note: 'Alasan yang jelas untuk warga.' });

    if (allowed.has(`${from}→${to}`)) {
      const event = await attempt;
      expect(event).toMatchObject({ fromStatus: from, toStatus: to, ticket });
      expect((await caseRow(app, ticket)).status).toBe(to);
      expect(await outboxOf(ticket)).toHaveLength(1);
    } else {
      await expect(attempt).rejects.toBeInstanceOf(TransitionRefused);
      await expect(attempt).rejects.toThrow(to === 'duplikat' ? `cannot go from ${from} to duplikat` : `cannot go from ${from} to ${to}`);
      expect((await caseRow(app, ticket)).status).toBe(from);
      expect(await eventsOf(app, ticket)).toEqual(before);
      expect(await outboxOf(ticket)).toEqual([]);
    }
  });
});

describe('a status change', () => {
  it('needs a reason to reject, and tells the citizen the reason', async () => {
    const ticket = await caseAt('baru');
    await expect(app.cases.transition(SYSTEM, ticket, 'ditolak', { note: ' ' })).rejects.toThrow('a rejection needs a reason');
    await app.cases.transition(SYSTEM, ticket, 'ditolak', { note: 'Bukan kewenangan dinas ini.', internal: true });
    const [push] = await outboxOf(ticket);
    expect(push.payload).toMatchObject({ kind: 'text', chatId: 'lifecycle-citizen' });
    expect('text' in push.payload && push.payload.text).toContain('Ditolak.\n\nCatatan petugas: Bukan kewenangan dinas ini.');
  });

  it('keeps an internal note off the citizen\'s message, in the citizen\'s language', async () => {
    const ticket = await caseAt('diverifikasi', englishIdentity);
    await app.cases.transition(SYSTEM, ticket, 'diteruskan', { note: 'Lihat data DTKS dulu.', internal: true });
    const [push] = await outboxOf(ticket);
    const text = 'text' in push.payload ? push.payload.text : '';
    expect(text).toContain('Forwarded to the responsible unit.');
    expect(text).toContain('Next step: follow-up by the agency, by');
    expect(text).not.toContain('DTKS');
    const [event] = (await eventsOf(app, ticket)).slice(-1);
    expect(event).toMatchObject({ type: 'status', public: false, note: 'Lihat data DTKS dulu.' });
  });

  it('reopens a finished case as its own event type, and a citizen may only reopen their own', async () => {
    const ticket = await caseAt('selesai');
    const citizen = { kind: 'citizen', identityId: identity } as const;
    const stranger = { kind: 'citizen', identityId: englishIdentity } as const;
    await expect(app.cases.transition(citizen, ticket, 'ditutup')).rejects.toBeInstanceOf(CaseForbidden);
    await expect(app.cases.transition(stranger, ticket, 'diproses')).rejects.toThrow(`no case ${ticket}`);
    const event = await app.cases.transition(citizen, ticket, 'diproses');
    expect(event).toMatchObject({ type: 'reopened', fromStatus: 'selesai', toStatus: 'diproses', actor: 'citizen' });
    // The citizen reopened it from the chat, which answers them itself.
    expect(await outboxOf(ticket)).toEqual([]);
  });
});

describe('re-routing (dialihkan)', () => {
  it('to another dinas lands in diverifikasi on a fresh verify clock, and tells the citizen where', async () => {
    const ticket = await caseAt('diteruskan');
    const [disdik] = await app.ctx.db.db.select().from(t.dinas).where(eq(t.dinas.code, 'disdik-bandung'));
    const event = await app.cases.reroute(SYSTEM, ticket, { dinasId: disdik.id }, 'Menyangkut sekolah.');
    expect(event).toMatchObject({ type: 'rerouted', fromStatus: 'diteruskan', toStatus: 'diverifikasi', dinasId: disdik.id, unitId: null });
    const row = await caseRow(app, ticket);
    expect(row).toMatchObject({ dinasId: disdik.id, unitId: null, status: 'diverifikasi' });
    const clocks = await app.ctx.db.db.select().from(t.caseTimers).where(eq(t.caseTimers.caseId, row.id));
    expect(clocks.filter((c) => c.doneAt === null).map((c) => c.kind)).toEqual(['verify']);
    const [push] = await outboxOf(ticket);
    expect('text' in push.payload && push.payload.text).toContain('dialihkan ke Dinas Pendidikan Kota Bandung (demo)');
  });

  it('to a unit lands in diteruskan; a finished case stays where it is', async () => {
    const ticket = await caseAt('baru');
    const [rehsos] = await app.ctx.db.db.select().from(t.units).where(eq(t.units.code, 'rehsos'));
    const event = await app.cases.reroute(SYSTEM, ticket, { dinasId: rehsos.dinasId, unitId: rehsos.id });
    expect(event).toMatchObject({ toStatus: 'diteruskan', unitId: rehsos.id, data: { unitId: rehsos.id } });
    const [push] = await outboxOf(ticket);
    expect('text' in push.payload && push.payload.text).not.toContain('dialihkan');

    const done = await caseAt('ditutup');
    await expect(app.cases.reroute(SYSTEM, done, { dinasId: rehsos.dinasId, unitId: rehsos.id })).rejects.toThrow('a case that is ditutup cannot be re-routed');
    const [pembinaan] = await app.ctx.db.db.select().from(t.units).where(eq(t.units.code, 'pembinaan-sd'));
    await expect(app.cases.reroute(SYSTEM, await caseAt('baru'), { dinasId: rehsos.dinasId, unitId: pembinaan.id })).rejects.toThrow('is not part of dinas');
  });
});

describe('duplicates and assignment', () => {
  it('links a duplicate to its original and refuses a chain or a loop', async () => {
    const original = await caseAt('diproses');
    const ticket = await caseAt('baru');
    const event = await app.cases.markDuplicate(SYSTEM, ticket, original);
    expect(event).toMatchObject({ type: 'merged', toStatus: 'duplikat', data: { originalTicket: original } });
    expect((await caseRow(app, ticket)).duplicateOf).toBe((await caseRow(app, original)).id);
    const [push] = await outboxOf(ticket);
    // Both are this citizen's, so the citizen is told which ticket to follow.
    expect('text' in push.payload && push.payload.text).toContain(`sama dengan laporan Anda *${original.slice(0, 4)}-${original.slice(4)}*`);

    await expect(app.cases.markDuplicate(SYSTEM, await caseAt('baru'), ticket)).rejects.toThrow('is itself a duplicate');
    const lone = await caseAt('baru');
    await expect(app.cases.markDuplicate(SYSTEM, lone, lone)).rejects.toThrow('duplicate of itself');
  });

  it('assigns an officer (and their unit) without telling the citizen', async () => {
    const [linjamsos] = await app.ctx.db.db.select().from(t.units).where(eq(t.units.code, 'linjamsos'));
    const [pembinaan] = await app.ctx.db.db.select().from(t.units).where(eq(t.units.code, 'pembinaan-sd'));
    const [officer] = await app.ctx.db.db
      .insert(t.staff)
      .values({ dinasId: linjamsos.dinasId, unitId: linjamsos.id, name: 'Rina', email: 'rina@lifecycle.test', role: 'petugas' })
      .returning();
    const [elsewhere] = await app.ctx.db.db
      .insert(t.staff)
      .values({ dinasId: pembinaan.dinasId, unitId: pembinaan.id, name: 'Budi', email: 'budi@lifecycle.test', role: 'petugas' })
      .returning();
    const ticket = await caseAt('diteruskan');
    const event = await app.cases.assign(SYSTEM, ticket, { staffId: officer.id });
    expect(event).toMatchObject({ type: 'assigned', public: false, unitId: linjamsos.id, data: { unitId: linjamsos.id, staffId: officer.id } });
    expect(await caseRow(app, ticket)).toMatchObject({ unitId: linjamsos.id, assigneeStaffId: officer.id });
    expect(await outboxOf(ticket)).toEqual([]);
    await expect(app.cases.assign(SYSTEM, ticket, { staffId: elsewhere.id })).rejects.toThrow('not active staff of the case');
  });
});

describe('sinks', () => {
  it('receive every event inside its transaction and run their after-commit work after the commit', async () => {
    const seen = recorder.events.length;
    const ticket = await caseAt('baru');
    const committedWhenRun: boolean[] = [];
    const probe: CaseEventSink = async (_tx, event) => async () => {
      // Another connection sees the event only once its transaction committed.
      const rows = await app.ctx.db.sql`select 1 from case_events where id = ${event.id}`;
      committedWhenRun.push(rows.length === 1);
    };
    app.ctx.caseSinks.push(probe);
    try {
      await app.cases.transition(SYSTEM, ticket, 'diverifikasi');
      await app.cases.addNote(SYSTEM, ticket, 'Dicek ke lapangan besok.', true);
      await app.cases.addNote(SYSTEM, ticket, 'Kami sedang memeriksa data Anda.', false);
      await app.cases.replyToCitizen(SYSTEM, ticket, 'Mohon kirim foto KK Anda.');
    } finally {
      app.ctx.caseSinks.splice(app.ctx.caseSinks.indexOf(probe), 1);
    }
    const mine = recorder.events.slice(seen).filter((e) => e.ticket === ticket);
    expect(mine.map((e) => e.type)).toEqual(['created', 'status', 'note', 'note', 'reply']);
    const rows = await eventsOf(app, ticket);
    expect(mine.map((e) => e.id)).toEqual(rows.map((r) => r.id));
    expect(mine.map((e) => e.public)).toEqual([false, true, false, true, true]);
    expect(committedWhenRun).toEqual([true, true, true, true]);
    for (const event of mine) expect(recorder.afterCommit).toContain(event.id);
    // Public note and reply reach the citizen; the internal note does not.
    const texts = (await outboxOf(ticket)).map((o) => ('text' in o.payload ? o.payload.text : ''));
    expect(texts).toHaveLength(3);
    expect(texts[1]).toContain('Catatan petugas: Kami sedang memeriksa data Anda.');
    expect(texts[2]).toContain('Balasan petugas untuk laporan');
    expect(texts.join('\n')).not.toContain('lapangan');
  });

  it('can refuse an event: a sink that fails rolls the whole change back', async () => {
    const ticket = await caseAt('baru');
    const failing: CaseEventSink = async () => {
      throw new Error('webhook outbox unavailable');
    };
    app.ctx.caseSinks.push(failing);
    try {
      await expect(app.cases.transition(SYSTEM, ticket, 'diverifikasi')).rejects.toThrow('webhook outbox unavailable');
    } finally {
      app.ctx.caseSinks.splice(app.ctx.caseSinks.indexOf(failing), 1);
    }
    expect((await caseRow(app, ticket)).status).toBe('baru');
    expect((await eventsOf(app, ticket)).map((e) => e.type)).toEqual(['created']);
    expect(await outboxOf(ticket)).toEqual([]);
  });
});
