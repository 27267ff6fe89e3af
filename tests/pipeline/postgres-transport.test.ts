/**
 * The quick start on a machine with no Redis at all: BullMQ's PostgreSQL backend carries the jobs
 * on the same database. The same pipeline must answer a citizen through it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { fileClock } from '../support/clock.js';
import { createTestEnv, testConfig, waitForIdle, type TestEnv } from '../support/env.js';
import { openChatSession, pollChat, postChatMessage } from '../support/webchat.js';

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  const config = testConfig();
  app = await startApp({
    config,
    log: createLogger(config.LOG_LEVEL),
    role: 'all',
    databaseUrl: env.databaseUrl,
    transport: { kind: 'postgres', url: env.databaseUrl, schema: 'bullmq' },
    now: fileClock.now,
  });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

it('answers a web chat message with jobs on the PostgreSQL backend', async () => {
  const session = await openChatSession(app.url!);
  expect((await postChatMessage(app.url!, { session, text: 'halo' })).status).toBe(202);
  await waitForIdle(app);
  const replies = await pollChat(app.url!, session);
  expect(replies.messages.length).toBeGreaterThan(0);
  expect(replies.messages[0].text).toContain('Kanal Aduan');
  // The jobs really went through Postgres: BullMQ's tables exist in their own schema.
  const [row] = await app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from information_schema.tables where table_schema = 'bullmq'`;
  expect(row.n).toBeGreaterThan(0);
  expect((await (await fetch(`${app.url}/readyz`)).json()) as object).toMatchObject({ postgres: true, queue: true, transport: 'postgres' });
});
