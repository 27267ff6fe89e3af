/**
 * A delivery the receiver keeps refusing is retried for the whole retry window (24 hours, the
 * least the configuration allows) and given up only after it; the case's next event, which waited
 * behind it, then goes out. The product's clock jumps over the hours (backoff is configured short,
 * so retries follow each other at once). Real Postgres and Redis; a local receiver.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { eventually } from '../support/cases.js';
import { fileClock } from '../support/clock.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { apiKeyFor, open311Post, webhookFor } from '../support/open311.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/** Status changes in these tests are the system's: the integrations see them like any other. */
const SYSTEM = { kind: 'system' } as const;
const HOUR = 3_600_000;

let env: TestEnv;
let app: App;
let receiver: WebhookReceiver;
/** Hours the product's clock has jumped over, on top of the file's test clock. */
let skipped = 0;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, {
    now: () => new Date(fileClock.now().getTime() + skipped),
    config: { WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_RETRY_MAX_MS: '100', WEBHOOK_RETRY_FOR_HOURS: '24', WEBHOOK_TIMEOUT_MS: '2000' },
  });
  receiver = await startWebhookReceiver('unused');
  await webhookFor(app, 'dinsos-bandung', receiver.url);
});

afterAll(async () => {
  await app?.close();
  await receiver?.close();
  await env?.dispose();
});

type Row = { status: string; attempts: number; last_status_code: number | null };

it('retries a refused delivery through 24 hours, gives it up after, then sends the event that waited behind it', async () => {
  receiver.failWhen((body) => body.event.toStatus === 'baru');
  const key = await apiKeyFor(app, 'dinsos-bandung');
  const res = await open311Post(app, { api_key: key, service_code: 'pkh', description: 'Ditolak terus oleh penerima.', lat: -6.9, long: 107.6 });
  const ticket: string = res.body[0].service_request_id;
  await app.cases.transition(SYSTEM, ticket, 'diverifikasi');
  const deliveries = () =>
    app.ctx.db.sql<Row[]>`
      select d.status, d.attempts, d.last_status_code from webhook_deliveries d join cases c on c.id = d.case_id
      where c.ticket = ${ticket} order by d.case_event_id`;

  await eventually('a few refused attempts', async () => ((await deliveries())[0]?.attempts ?? 0) >= 2);
  // 23 hours on, the window is still open: the first delivery is still tried, the next still waits.
  skipped = 23 * HOUR;
  const before = (await deliveries())[0].attempts;
  const late = await eventually('attempts after 23 hours', async () => {
    const rows = await deliveries();
    return rows[0].attempts >= before + 2 && rows;
  });
  expect(late.map((r) => r.status)).toEqual(['pending', 'pending']);
  expect(late[1].attempts).toBe(0);

  // Past 24 hours: the next refused attempt gives the delivery up, and the waiting event goes out.
  skipped = 25 * HOUR;
  const rows = await eventually('the waiting event to be delivered', async () => {
    const found = await deliveries();
    return found[1]?.status === 'delivered' && found;
  });
  expect(rows[0]).toMatchObject({ status: 'failed', last_status_code: 500 });
  expect(rows[1]).toMatchObject({ status: 'delivered', attempts: 1 });
  const order = receiver.received.filter((w) => w.body.case.ticket === ticket).map((w) => w.body.event.toStatus);
  expect(order.at(-1)).toBe('diverifikasi');
  expect(order.slice(0, -1).every((status) => status === 'baru')).toBe(true);
});
