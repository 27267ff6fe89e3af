/** The public web chat caps how fast one client address may post, so nobody can flood the intake. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { postChatMessage } from '../support/webchat.js';

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { config: { WEBCHAT_MAX_PER_MINUTE: '3' } });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

it('answers 429 past the per-minute limit and stores nothing of the excess', async () => {
  const session = randomUUID();
  const statuses: number[] = [];
  for (const text of ['halo', '1', '0', 'menu', 'halo']) statuses.push((await postChatMessage(app.url!, { session, text })).status);
  expect(statuses).toEqual([202, 202, 202, 429, 429]);
  const [row] = await app.ctx.db.sql<{ n: number }[]>`
    select count(*)::int as n from messages m join channel_identities i on i.id = m.identity_id where i.chat_id = ${session}`;
  expect(row.n).toBe(3);
});
