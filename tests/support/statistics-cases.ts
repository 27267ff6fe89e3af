/**
 * Hand-built cases for the statistics tests: each opened and moved at a chosen instant through the
 * lifecycle's own code, so every number the statistics report can be worked out by hand. The app
 * runs on a test clock at Tuesday 15 December 2026, 10:00 WIB (`STATISTICS_NOW`) without workers,
 * so no SLA alarm moves a case behind the test's back.
 *
 * Dinsos Bandung (category bantuan-sosial, unit linjamsos), all but F in November–December 2026:
 *   A telegram 2 Nov   verified +2 h, forwarded +1 d, diproses +2 d, selesai +3 d; rated 4
 *   B web      3 Nov   rejected +4 h
 *   C telegram 4 Nov   an internal note and an assignment only (no response); still baru
 *   D web      1 Dec 00:30 WIB (30 Nov 17:30 UTC) verified and forwarded on 10 Dec, late
 *   G telegram 5 Nov   merged into A +1 h
 *   H web      6 Nov   verified +1 h, forwarded +2 h, diproses +3 h, selesai +5 h; rated 2
 *   F web      31 Oct 23:59:59 WIB: before the November range
 * Disdik Bandung (pendidikan): E telegram 2 Nov, still baru.
 */
import { eq } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import { rateOwnCase } from '../../src/cases/cases.js';
import type { Actor } from '../../src/cases/events.js';
import * as lifecycle from '../../src/cases/lifecycle.js';
import type { ChannelName } from '../../src/domain/messages.js';
import * as t from '../../src/db/schema.js';
import { caseRow, openTestCase, seedIdentity } from './cases.js';
import { testClock } from './clock.js';

/** Every fixture case's reporter is named so, and its description starts so: neither may reach a CSV. */
export const REPORTER = 'Siti Aminah';
export const DESCRIPTION = 'Laporan bantuan untuk statistik';

export const STATISTICS_NOW = '2026-12-15T03:00:00.000Z';
export const statisticsClock = () => testClock(STATISTICS_NOW);

export interface StatisticsFixture {
  tickets: Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H', string>;
  dinsosId: number;
  disdikId: number;
  linjamsosId: number;
}

const at = (iso: string, plusHours = 0) => new Date(new Date(iso).getTime() + plusHours * 3_600_000);

export async function buildStatisticsCases(app: App): Promise<StatisticsFixture> {
  const { db } = app.ctx.db;
  const [dinsos] = await db.select().from(t.dinas).where(eq(t.dinas.code, 'dinsos-bandung'));
  const [disdik] = await db.select().from(t.dinas).where(eq(t.dinas.code, 'disdik-bandung'));
  const [linjamsos] = await db.select().from(t.units).where(eq(t.units.code, 'linjamsos'));
  const officer: Actor = { kind: 'staff', staffId: 9001, role: 'verifikator', dinasId: dinsos.id, unitId: null, regionPrefix: null };
  const identities = new Map<string, number>();

  const open = async (name: string, channel: ChannelName, opened: Date, categoryCode = 'bantuan-sosial') => {
    const identityId = await seedIdentity(app, channel, `stats-${name}`, { phone: `+62812000000${name.charCodeAt(0)}` });
    identities.set(name, identityId);
    return openTestCase(app, identityId, { categoryCode, reporterName: `${REPORTER} ${name}`, description: `${DESCRIPTION} ${name}.` }, opened);
  };
  const act = async (ticket: string, when: Date, fn: (work: lifecycle.CaseWork, kase: lifecycle.CaseRow) => Promise<unknown>) => {
    const { id } = await caseRow(app, ticket);
    await lifecycle.inCaseTransaction(app.ctx, async (work) => fn(work, await lifecycle.lockCase(work.tx, id)), when);
  };
  const move = (ticket: string, when: Date, to: Parameters<typeof lifecycle.moveCase>[3], note?: string) =>
    act(ticket, when, (work, kase) => lifecycle.moveCase(work, kase, officer, to, { note }));
  const rate = (name: string, ticket: string, when: Date, score: number) =>
    lifecycle.inCaseTransaction(app.ctx, (work) => rateOwnCase(work, identities.get(name)!, { ticket, score, comment: null, reopen: false }), when);

  const A = await open('A', 'telegram', at('2026-11-02T02:00:00Z'));
  await move(A, at('2026-11-02T02:00:00Z', 2), 'diverifikasi');
  await move(A, at('2026-11-02T02:00:00Z', 24), 'diteruskan');
  await move(A, at('2026-11-02T02:00:00Z', 48), 'diproses');
  await move(A, at('2026-11-02T02:00:00Z', 72), 'selesai');
  await rate('A', A, at('2026-11-05T04:00:00Z'), 4);

  const B = await open('B', 'web', at('2026-11-03T02:00:00Z'));
  await move(B, at('2026-11-03T02:00:00Z', 4), 'ditolak', 'Bukan kewenangan dinas.');

  const C = await open('C', 'telegram', at('2026-11-04T02:00:00Z'));
  await act(C, at('2026-11-04T02:00:00Z', 1), (work, kase) => lifecycle.addNote(work, kase, officer, 'Cek data DTKS dulu.', true));
  await act(C, at('2026-11-04T02:00:00Z', 2), (work, kase) => lifecycle.assign(work, kase, officer, { unitId: linjamsos.id }));

  const D = await open('D', 'web', at('2026-11-30T17:30:00Z'));
  await move(D, at('2026-12-10T02:00:00Z'), 'diverifikasi');
  await move(D, at('2026-12-10T03:00:00Z'), 'diteruskan');

  const E = await open('E', 'telegram', at('2026-11-02T02:00:00Z'), 'pendidikan');
  const F = await open('F', 'web', at('2026-10-31T16:59:59Z'));

  const G = await open('G', 'telegram', at('2026-11-05T02:00:00Z'));
  await act(G, at('2026-11-05T02:00:00Z', 1), async (work, kase) => lifecycle.markDuplicate(work, kase, officer, await caseRow(app, A)));

  const H = await open('H', 'web', at('2026-11-06T02:00:00Z'));
  await move(H, at('2026-11-06T02:00:00Z', 1), 'diverifikasi');
  await move(H, at('2026-11-06T02:00:00Z', 2), 'diteruskan');
  await move(H, at('2026-11-06T02:00:00Z', 3), 'diproses');
  await move(H, at('2026-11-06T02:00:00Z', 5), 'selesai');
  await rate('H', H, at('2026-11-06T08:00:00Z'), 2);

  return { tickets: { A, B, C, D, E, F, G, H }, dinsosId: dinsos.id, disdikId: disdik.id, linjamsosId: linjamsos.id };
}
