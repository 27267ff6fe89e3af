/**
 * The settings a case is opened with are kept in memory, and a write to them counts from the next
 * case opened, whoever wrote it: here plain SQL, which announces nothing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { openCase } from '../../src/cases/cases.js';
import { inCaseTransaction } from '../../src/cases/lifecycle.js';
import { route } from '../../src/cases/settings.js';
import type { CaseDraft } from '../../src/conversation/contract.js';
import * as t from '../../src/db/schema.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
let identityId: number;
const dinasCodes = new Map<number, string>();
const dinasCodeOf = (dinasId: number) => dinasCodes.get(dinasId);

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web' });
  const [identity] = await app.ctx.db.db.insert(t.channelIdentities).values({ channel: 'web', chatId: 'settings-cache-test' }).returning();
  identityId = identity.id;
  for (const row of await app.ctx.db.db.select({ id: t.dinas.id, code: t.dinas.code }).from(t.dinas)) dinasCodes.set(row.id, row.code);
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

const draft: CaseDraft = { kind: 'pengaduan', categoryCode: 'pendidikan', description: 'Uraian laporan untuk pengujian pengaturan.', photos: [], anonymous: false, confidential: false };

// Tuesday 1 December 2026, 09:00 WIB.
const TUESDAY = new Date('2026-12-01T02:00:00Z');

async function opened() {
  const { ticket } = await inCaseTransaction(app.ctx, (work) => openCase(work, { identityId, draft }), TUESDAY);
  const [row] = await app.ctx.db.sql<{ dinas: string; due: string; timer_due: string }[]>`
    select d.code as dinas, to_char(c.sla_due_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD') as due,
      to_char(ct.due_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD') as timer_due
    from cases c join dinas d on d.id = c.dinas_id join case_timers ct on ct.case_id = c.id
    where c.ticket = ${ticket}`;
  return row;
}

const settingsNow = () => app.ctx.db.db.transaction((tx) => app.ctx.caseSettings.within(tx));

it('keeps one copy while nothing is written, and reads afresh after any write', async () => {
  const first = await settingsNow();
  expect(await settingsNow()).toBe(first);
  // A statement that changes no row still moves the version: the copy is read again, once.
  await app.ctx.db.sql`update sla_policies set verify_days = verify_days where false`;
  const second = await settingsNow();
  expect(second).not.toBe(first);
  expect(second.version).not.toBe(first.version);
  expect(await settingsNow()).toBe(second);
});

it('routes, times and dates the next case by what plain SQL wrote just before', async () => {
  // Three working days from Tuesday: due Friday.
  expect(await opened()).toEqual({ dinas: 'disdik-bandung', due: '2026-12-04', timer_due: '2026-12-04' });

  await app.ctx.db.sql`insert into routing_rules (priority, category_code, dinas_id) select 1, 'pendidikan', id from dinas where code = 'dinsos-bandung'`;
  await app.ctx.db.sql`insert into sla_policies (dinas_id, category_code, verify_days, follow_up_days, close_after_days) select id, 'pendidikan', 1, 5, 10 from dinas where code = 'dinsos-bandung'`;
  // One working day from Tuesday is Wednesday; a local holiday on Wednesday makes it Thursday.
  await app.ctx.db.sql`insert into holidays (day, name, kind) values ('2026-12-02', 'Libur daerah', 'local')`;
  expect(await opened()).toEqual({ dinas: 'dinsos-bandung', due: '2026-12-03', timer_due: '2026-12-03' });

  await app.ctx.db.sql`delete from holidays where day = '2026-12-02'`;
  expect(await opened()).toMatchObject({ dinas: 'dinsos-bandung', due: '2026-12-02' });
});

it('never trusts a copy read by a transaction that edited the settings and then rolled back', async () => {
  const rollBack = new Error('roll back');
  await expect(
    app.ctx.db.db.transaction(async (tx) => {
      await tx.execute(sql`delete from routing_rules where priority = 1 and category_code = 'pendidikan'`);
      const seen = await app.ctx.caseSettings.within(tx);
      expect(dinasCodeOf(route(seen, draft, null).dinasId)).toBe('disdik-bandung');
      throw rollBack;
    }),
  ).rejects.toBe(rollBack);
  // Another write commits: its number must not be the one the rolled-back copy carries.
  await app.ctx.db.sql`update sla_policies set verify_days = verify_days where false`;
  expect(await opened()).toMatchObject({ dinas: 'dinsos-bandung' });
});
