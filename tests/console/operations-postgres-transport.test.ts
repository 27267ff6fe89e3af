/**
 * Queue health when BullMQ runs on its PostgreSQL backend (the zero-install quick start): the
 * summary names the transport and counts each queue, and Bull Board lists the same queues with
 * the database's own figures instead of Redis's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { BULL_BOARD_PATH, QUEUE_NAMES } from '../../src/console/routes/operations.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { ConsoleClient, createStaff } from './support.js';

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { role: 'web', config: { CONSOLE_LOGIN_PER_MINUTE: '1000' }, postgresQueues: true });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

it('counts the queues and serves Bull Board on the PostgreSQL backend', async () => {
  const admin = await new ConsoleClient(app.url!).loginAs(await createStaff(app, { role: 'admin', dinasCode: null }));
  const summary = await admin.get('/operations/queues');
  expect(summary.body).toMatchObject({ transport: 'postgres', up: true });
  expect(summary.body.queues.map((q: { name: string }) => q.name)).toEqual(QUEUE_NAMES);
  expect(summary.body.queues.every((q: { counts: object | null }) => q.counts !== null)).toBe(true);
  const board = await admin.get(`${BULL_BOARD_PATH}/api/queues`);
  expect(board.status).toBe(200);
  expect(board.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
  const stats = await admin.get(`${BULL_BOARD_PATH}/api/redis/stats`);
  expect(stats.status).toBe(200);
  expect(stats.body).toMatchObject({ backend: 'postgres' });
});
