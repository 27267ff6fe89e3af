/**
 * A delivery the receiver keeps refusing is given up when its retry window closes (configured
 * here to about a second, standing for the default 72 hours), and the case's next event, which
 * waited behind it, then goes out. Real Postgres and Redis; a local receiver.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { apiKeyFor, open311Post, webhookFor } from '../support/open311.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/** Status changes in these tests are the system's: the integrations see them like any other. */
const SYSTEM = { kind: 'system' } as const;

let env: TestEnv;
let app: App;
let receiver: WebhookReceiver;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, {
    config: { WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_RETRY_MAX_MS: '100', WEBHOOK_RETRY_FOR_HOURS: '0.0003', WEBHOOK_TIMEOUT_MS: '2000' },
  });
  receiver = await startWebhookReceiver('unused');
  await webhookFor(app, 'dinsos-bandung', receiver.url);
});

afterAll(async () => {
  await app?.close();
  await receiver?.close();
  await env?.dispose();
});

it('gives a refused delivery up after its window, then sends the event that waited behind it', async () => {
  receiver.failWhen((body) => body.event.toStatus === 'baru');
  const key = await apiKeyFor(app, 'dinsos-bandung');
  const res = await open311Post(app, { api_key: key, service_code: 'pkh', description: 'Ditolak terus oleh penerima.', lat: -6.9, long: 107.6 });
  const ticket: string = res.body[0].service_request_id;
  await app.cases.transition(SYSTEM, ticket, 'diverifikasi');

  const deadline = Date.now() + 20_000;
  let rows: { status: string; attempts: number; last_status_code: number }[] = [];
  for (;;) {
    rows = await app.ctx.db.sql`
      select d.status, d.attempts, d.last_status_code from webhook_deliveries d join cases c on c.id = d.case_id
      where c.ticket = ${ticket} order by d.case_event_id`;
    if (rows[1]?.status === 'delivered') break;
    if (Date.now() > deadline) throw new Error(`not delivered: ${JSON.stringify(rows)}`);
    // Polls a condition in the database; the interval only limits load.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(rows[0]).toMatchObject({ status: 'failed', last_status_code: 500 });
  // How many tries fit in the one-second window depends on the machine's load; at least one did.
  expect(rows[0].attempts).toBeGreaterThanOrEqual(1);
  expect(rows[1]).toMatchObject({ status: 'delivered', attempts: 1 });
  const order = receiver.received.filter((w) => w.body.case.ticket === ticket).map((w) => w.body.event.toStatus);
  expect(order.at(-1)).toBe('diverifikasi');
  expect(order.slice(0, -1).every((status) => status === 'baru')).toBe(true);
});
