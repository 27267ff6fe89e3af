/**
 * The duplicate hint's statement (`similarRecentCase`, asked at every report's confirmation) keeps
 * one generic plan on a connection: shown its values (the category, the date, the NIK hashes),
 * Postgres found a plan made for them cheaper every time on a database with a history of cases, and
 * planned the statement on every call, more work than running it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { similarRecentCase } from '../../src/cases/cases.js';
import { inCaseTransaction } from '../../src/cases/lifecycle.js';
import { createDb, type Database } from '../../src/db/client.js';
import { seedInbox } from '../../bench/inbox-seed.js';
import { seedIdentity } from '../support/cases.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';

let env: TestEnv;
let app: App;
let one: Database;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web' });
  await seedInbox(env.databaseUrl, { cases: 20_000, messages: 0, now: new Date() });
  await app.ctx.db.sql.unsafe('vacuum (analyze) cases, citizens, channel_identities');
  one = createDb(env.databaseUrl, 1);
}, 120_000);

afterAll(async () => {
  await one?.close();
  await app?.close();
  await env?.dispose();
});

describe('the duplicate hint on a database with a history', () => {
  it('is planned for its values five times, then keeps the generic plan', async () => {
    const categories = (await app.ctx.db.sql<{ code: string }[]>`select distinct category_code as code from cases order by 1 limit 6`).map((row) => row.code);
    const ctx = { ...app.ctx, db: one };
    for (let round = 0; round < 12; round++) {
      const chat = await seedIdentity(app, 'web', `plan-${round}`);
      await inCaseTransaction(ctx, (work) => similarRecentCase(work, chat, { categoryCode: categories[round % categories.length] }));
    }
    const [plans] = await one.sql<{ generic_plans: string; custom_plans: string }[]>`
      select generic_plans, custom_plans from pg_prepared_statements
      where statement like '%from cases c%c.category_code%' and statement not like '%pg_prepared_statements%'`;
    expect({ generic: Number(plans.generic_plans) >= 7, custom: Number(plans.custom_plans) }).toEqual({ generic: true, custom: 5 });
  });
});
