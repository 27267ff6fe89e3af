/**
 * The app's one database client (src/db/client.ts), on real Postgres: what its connections are
 * set to do whatever the server's defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../../src/db/client.js';
import { createTestEnv, type TestEnv } from '../support/env.js';

let env: TestEnv;
let db: Database;

beforeAll(async () => {
  env = await createTestEnv();
  db = createDb(env.databaseUrl, 2);
});
afterAll(async () => {
  await db?.close();
  await env?.dispose();
});

describe("the app's connections", () => {
  it('never JIT-compile a statement, however dear the planner thinks it', async () => {
    // Costed 125,000, above jit_above_cost: with JIT on, the plan would carry a "JIT:" section.
    const plan = await db.sql.unsafe(`explain select sum(x) from generate_series(1, 10000000) x`);
    expect(plan.map((row) => Object.values(row)[0]).join('\n')).not.toMatch(/JIT/);
    const [setting] = await db.sql<{ jit: string }[]>`show jit`;
    expect(setting.jit).toBe('off');
  });
});
