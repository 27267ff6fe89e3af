/**
 * Routing rules send a case to a dinas/unit by service, category and region (the NIK's district
 * code when the citizen gave one), in priority order, with a catch-all to the verifikator.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { openCase } from '../../src/cases/cases.js';
import { inCaseTransaction } from '../../src/cases/lifecycle.js';
import type { CaseDraft } from '../../src/conversation/contract.js';
import * as t from '../../src/db/schema.js';
import { encryptNik } from '../../src/pii/nik.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
let identityId: number;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web' });
  const db = app.ctx.db.db;
  const [identity] = await db.insert(t.channelIdentities).values({ channel: 'web', chatId: 'routing-test' }).returning();
  identityId = identity.id;
  // A region rule ahead of the category rules: infrastructure complaints from Kecamatan 327301 go to Disdik's sekretariat.
  const [disdik] = await db.select().from(t.dinas).where(eq(t.dinas.code, 'disdik-bandung'));
  await db.insert(t.routingRules).values({ priority: 5, categoryCode: 'infrastruktur', regionPrefix: '327301', dinasId: disdik.id });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

const draft = (over: Partial<CaseDraft>): CaseDraft => ({
  kind: 'pengaduan', categoryCode: 'lainnya', description: 'Uraian laporan untuk pengujian routing.', photos: [], anonymous: false, confidential: false, ...over,
});

async function routed(over: Partial<CaseDraft>) {
  const { ticket } = await inCaseTransaction(app.ctx, (work) => openCase(work, { identityId, draft: draft(over) }), new Date('2026-12-01T02:00:00Z'));
  const [row] = await app.ctx.db.sql<{ dinas: string; unit: string | null; region_code: string }[]>`
    select d.code as dinas, u.code as unit, c.region_code from cases c join dinas d on d.id = c.dinas_id left join units u on u.id = c.unit_id where c.ticket = ${ticket}`;
  return row;
}

it('routes by service first', async () => {
  expect(await routed({ categoryCode: 'bantuan-sosial', serviceCode: 'kip-pip' })).toMatchObject({ dinas: 'disdik-bandung', unit: 'pembinaan-sd' });
});

it('routes by category when no service rule matches', async () => {
  expect(await routed({ categoryCode: 'pendidikan' })).toMatchObject({ dinas: 'disdik-bandung', unit: 'sekretariat' });
  expect(await routed({ categoryCode: 'sosial-ekonomi' })).toMatchObject({ dinas: 'dinsos-bandung', unit: 'dayasos' });
});

it("routes by the NIK's region, and without a NIK falls through to the catch-all", async () => {
  const nik = { sealed: encryptNik('3273014101900001', app.ctx.nikKeys), masked: '3273••••••••0001' };
  expect(await routed({ categoryCode: 'infrastruktur', nik })).toMatchObject({ dinas: 'disdik-bandung', region_code: '327301' });
  expect(await routed({ categoryCode: 'infrastruktur' })).toMatchObject({ dinas: 'dinsos-bandung', unit: 'verifikator' });
});
