/**
 * Outgoing webhooks against a local receiver that verifies every signature: a 500 is retried and
 * both attempts are logged; a receiver that is down gets every delivery once it is back, each
 * case's events in order; a Redis flush loses nothing; 410 switches an endpoint off; internal
 * notes never leave. Backoff is configured short, so "down for an hour" is many failed attempts
 * in a few seconds of test time. Real Postgres and Redis.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import * as t from '../../src/db/schema.js';
import { redeliverWebhook, reactivateWebhookEndpoint } from '../../src/integrations/webhooks/deliver.js';
import { signatureHeader, verifySignature } from '../../src/integrations/webhooks/signature.js';
import { webhookSink } from '../../src/integrations/webhooks/sink.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { apiKeyFor, open311Post, webhookFor } from '../support/open311.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/** Status changes in these tests are the system's: the integrations see them like any other. */
const SYSTEM = { kind: 'system' } as const;

const ADMIN_TOKEN = 'admin-token-for-webhook-tests';

let env: TestEnv;
let app: App;
let receiver: WebhookReceiver;
let endpointId: number;
let apiKey: string;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // Polls a condition in the database; the interval only limits load.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Files a PKH complaint (routed to Dinas Sosial) over Open311 and returns its ticket. */
async function fileCase(description: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await open311Post(app, { api_key: apiKey, service_code: 'pkh', description, lat: -6.914744, long: 107.60981, ...extra });
  expect(res.status).toBe(201);
  return res.body[0].service_request_id;
}

async function deliveriesOf(ticket: string) {
  return app.ctx.db.sql<{ id: string; status: string; attempts: number; event_type: string; last_status_code: number | null }[]>`
    select d.id, d.status, d.attempts, d.event_type, d.last_status_code
    from webhook_deliveries d join cases c on c.id = d.case_id where c.ticket = ${ticket} and d.endpoint_id = ${endpointId}
    order by d.case_event_id`;
}

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, {
    config: { WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_RETRY_MAX_MS: '150', WEBHOOK_RETRY_FOR_HOURS: '24', WEBHOOK_TIMEOUT_MS: '2000', ADMIN_TOKEN },
  });
  receiver = await startWebhookReceiver('whsec_test_secret_for_dinsos');
  apiKey = await apiKeyFor(app, 'dinsos-bandung');
  ({ id: endpointId } = await webhookFor(app, 'dinsos-bandung', receiver.url, { secret: 'whsec_test_secret_for_dinsos' }));
});

afterAll(async () => {
  await app?.close();
  await receiver?.close();
  await env?.dispose();
});

describe('signatures', () => {
  const body = JSON.stringify({ type: 'case.created', case: { ticket: 'ABCD2345' } });
  const at = new Date('2026-12-01T08:00:00Z');

  it('verify with the right secret, within the tolerance, over the exact bytes', () => {
    const header = signatureHeader('s3cret', body, at);
    expect(header).toMatch(/^t=1796112000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('s3cret', header, body, { now: at, toleranceSeconds: 300 })).toBe(true);
  });

  it.each([
    ['a wrong secret', 'other-secret', body, at],
    ['a changed body', 's3cret', body.replace('ABCD2345', 'ABCD2346'), at],
    ['a replay after the tolerance', 's3cret', body, new Date(at.getTime() + 301_000)],
  ])('fail with %s', (_what, secret, received, now) => {
    const header = signatureHeader('s3cret', body, at);
    expect(verifySignature(secret, header, received, { now, toleranceSeconds: 300 })).toBe(false);
  });

  it('fail when the header is missing or malformed', () => {
    expect(verifySignature('s3cret', undefined, body, { now: at, toleranceSeconds: 300 })).toBe(false);
    expect(verifySignature('s3cret', 't=abc,v1=zz', body, { now: at, toleranceSeconds: 300 })).toBe(false);
  });
});

describe('deliveries', () => {
  it('retry a 500, deliver on the 200, and log both attempts', async () => {
    receiver.answerNext(500);
    const ticket = await fileCase('Bantuan PKH bulan ini belum cair, hubungi 081234567890.', { first_name: 'Budi', last_name: 'Santoso', phone: '081234567890', email: 'budi@example.id' });
    await until(async () => (await deliveriesOf(ticket))[0]?.status === 'delivered', 'delivered');

    const tries = receiver.received.filter((w) => w.body.case.ticket === ticket);
    expect(tries.map((w) => w.status)).toEqual([500, 200]);
    expect(tries.every((w) => w.verified)).toBe(true);
    expect(new Set(tries.map((w) => w.delivery)).size).toBe(1);
    expect(tries[1].event).toBe('case.created');
    expect(tries[1].body).toMatchObject({
      type: 'case.created',
      event: { type: 'created', fromStatus: null, toStatus: 'baru' },
      case: { ticket, kind: 'pengaduan', status: 'baru', serviceCode: 'pkh', categoryCode: 'bantuan-sosial', dinas: { code: 'dinsos-bandung' }, anonymous: false, confidential: false },
    });
    // The dinas's system gets the case, never the reporter: no name, e-mail or reporter's phone field.
    expect(tries[1].rawBody).not.toMatch(/Budi|Santoso|budi@example/);
    expect(Object.keys(tries[1].body.case)).not.toEqual(expect.arrayContaining(['reporterName']));

    const [delivery] = await deliveriesOf(ticket);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 200 });
    const attempts = await app.ctx.db.sql<{ status_code: number; duration_ms: number; error: string | null }[]>`
      select status_code, duration_ms, error from webhook_attempts where delivery_id = ${delivery.id} order by id`;
    expect(attempts.map((a) => a.status_code)).toEqual([500, 200]);
    expect(attempts[0].error).toBe('HTTP 500: receiver failed');
    expect(attempts[1].error).toBeNull();
    expect(attempts.every((a) => a.duration_ms >= 0)).toBe(true);
  });

  it('reach a receiver that was down, every delivery, each case in order, later events waiting for earlier ones', async () => {
    receiver.setDown(true);
    const droppedBefore = receiver.dropped;
    const tickets = [await fileCase('Kasus pertama.'), await fileCase('Kasus kedua.'), await fileCase('Kasus ketiga.')];
    for (const ticket of tickets) {
      await app.cases.transition(SYSTEM, ticket, 'diverifikasi');
      await app.cases.transition(SYSTEM, ticket, 'diteruskan', { note: 'Ke Bidang Linjamsos.' });
    }
    // "An hour" of outage: every case's first delivery has failed several times over.
    await until(async () => {
      const rows = await Promise.all(tickets.map(deliveriesOf));
      return rows.every((r) => r.length === 3 && r[0].attempts >= 4);
    }, 'repeated failed attempts');
    for (const rows of await Promise.all(tickets.map(deliveriesOf))) {
      expect(rows.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
      // In order per case: nothing later was even tried while the first was failing.
      expect(rows.slice(1).map((r) => r.attempts)).toEqual([0, 0]);
    }
    expect(receiver.dropped - droppedBefore).toBeGreaterThanOrEqual(12);

    receiver.setDown(false);
    await until(async () => (await Promise.all(tickets.map(deliveriesOf))).flat().every((r) => r.status === 'delivered'), 'all delivered');
    for (const ticket of tickets) {
      const got = receiver.received.filter((w) => w.body.case.ticket === ticket);
      expect(got.every((w) => w.verified && w.status === 200)).toBe(true);
      expect(got.map((w) => w.body.event.toStatus)).toEqual(['baru', 'diverifikasi', 'diteruskan']);
      expect(got[2].body.event).toMatchObject({ note: 'Ke Bidang Linjamsos.', actor: 'system' });
    }
  });

  it('survive a Redis flush: the relay rebuilds what Postgres says is owed', async () => {
    // The attempt hangs at the receiver while Redis is flushed, so its job is gone for good.
    receiver.hold();
    const ticket = await fileCase('Setelah Redis kosong.');
    await until(async () => receiver.held === 1, 'the attempt to reach the receiver');
    await env.flushQueues();
    receiver.releaseHeld(503);
    await until(async () => (await deliveriesOf(ticket))[0]?.status === 'delivered', 'the relay to deliver');
    const got = receiver.received.filter((w) => w.body.case.ticket === ticket);
    expect(got.map((w) => w.status)).toEqual([503, 200]);
  });

  it('redeliver by hand: the same delivery again, logged as another attempt', async () => {
    const ticket = await fileCase('Untuk dikirim ulang.');
    await until(async () => (await deliveriesOf(ticket))[0]?.status === 'delivered', 'first delivery');
    const [delivery] = await deliveriesOf(ticket);
    expect(await redeliverWebhook(app.ctx, Number(delivery.id))).toBe(true);
    await receiver.waitFor((r) => r.filter((w) => w.delivery === delivery.id).length === 2);
    await until(async () => (await deliveriesOf(ticket))[0]?.attempts === 2, 'the second attempt logged');
    expect((await deliveriesOf(ticket))[0].status).toBe('delivered');
    expect(await redeliverWebhook(app.ctx, 987_654_321)).toBe(false);
  });

  it('switch an endpoint off on 410 Gone; switched on again, what waited goes out', async () => {
    receiver.answerNext(410);
    const ticket = await fileCase('Penerima sudah pindah.');
    await until(async () => (await deliveriesOf(ticket))[0]?.last_status_code === 410, 'the 410');
    const [endpoint] = await app.ctx.db.db.select().from(t.webhookEndpoints).where(eq(t.webhookEndpoints.id, endpointId));
    expect(endpoint.active).toBe(false);
    expect(endpoint.disabledReason).toMatch(/410 Gone/);
    expect((await deliveriesOf(ticket))[0].status).toBe('pending');

    await reactivateWebhookEndpoint(app.ctx, endpointId);
    await until(async () => (await deliveriesOf(ticket))[0]?.status === 'delivered', 'delivery after reactivation');
  });

  it("send only the event types an endpoint asked for, never an internal note, and the description without the reporter's name, phone or long numbers", async () => {
    const statusOnly = await startWebhookReceiver('unused');
    try {
      const { id } = await webhookFor(app, 'dinsos-bandung', statusOnly.url, { eventTypes: ['case.status'] });
      const ticket = await fileCase('Hanya status, dari Budi Santoso (HP +62 812-3456-7890). Nomor KK 3273012345678901.', {
        first_name: 'Budi',
        last_name: 'Santoso',
        phone: '081234567890',
      });
      await app.cases.transition(SYSTEM, ticket, 'diverifikasi');
      await statusOnly.waitFor((r) => r.some((w) => w.body.case.ticket === ticket));
      // The citizen's free text goes without the reporter's own name and phone, and other long numbers masked.
      expect(statusOnly.received.find((w) => w.body.case.ticket === ticket)!.body.case.description).toBe(
        'Hanya status, dari [disamarkan] (HP [disamarkan]). Nomor KK ••••••••••••••••.',
      );
      const [caseRow] = await app.ctx.db.db.select().from(t.cases).where(eq(t.cases.ticket, ticket));
      const types = await app.ctx.db.sql<{ event_type: string }[]>`select event_type from webhook_deliveries where endpoint_id = ${id} and case_id = ${caseRow.id}`;
      expect(types.map((r) => r.event_type)).toEqual(['case.status']);

      const written = await app.ctx.db.db.transaction(async (tx) => {
        const [event] = await tx.insert(t.caseEvents).values({ caseId: caseRow.id, fromStatus: 'diverifikasi', toStatus: 'diverifikasi', actor: 'staff-1', note: 'Catatan internal.', public: false }).returning();
        const after = await webhookSink(app.ctx)(tx, {
          id: event.id, type: 'note', caseId: caseRow.id, ticket, dinasId: caseRow.dinasId, unitId: caseRow.unitId, regionCode: caseRow.regionCode, confidential: caseRow.confidential, categoryCode: caseRow.categoryCode,
          fromStatus: 'diverifikasi', toStatus: 'diverifikasi', actor: 'staff-1', public: false, note: 'Catatan internal.', slaDueAt: null, at: event.createdAt, data: null,
        });
        const rows = await tx.select().from(t.webhookDeliveries).where(eq(t.webhookDeliveries.caseEventId, event.id));
        return { after, rows };
      });
      expect(written.after).toBeUndefined();
      expect(written.rows).toHaveLength(0);

      // A status change with an internal note still goes out, without the note.
      await app.cases.transition(SYSTEM, ticket, 'diteruskan', { note: 'Catatan internal lain.', internal: true });
      await statusOnly.waitFor((r) => r.some((w) => w.body.case.ticket === ticket && w.body.event.toStatus === 'diteruskan'));
      const forwarded = statusOnly.received.find((w) => w.body.case.ticket === ticket && w.body.event.toStatus === 'diteruskan')!;
      expect(forwarded.body.event).toMatchObject({ type: 'status', fromStatus: 'diverifikasi', note: null });
      expect(JSON.stringify(statusOnly.received)).not.toContain('Catatan internal');
    } finally {
      await statusOnly.close();
    }
  });
});

describe('operator endpoints', () => {
  const admin = async (method: 'GET' | 'POST', path: string, body?: unknown, token = ADMIN_TOKEN) => {
    const res = await fetch(`${app.url}/admin/integrations${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json() };
  };

  it('make a key and an endpoint, show the delivery log and redeliver, all behind the admin token', async () => {
    expect((await admin('POST', '/keys', { dinas: 'disdik-bandung', name: 'simdik' }, 'wrong-token-0000000')).status).toBe(401);
    expect((await admin('POST', '/keys', { dinas: 'dinas-entah', name: 'x' })).status).toBe(404);
    expect((await admin('POST', '/webhooks', { dinas: 'disdik-bandung', url: 'ftp://example.id' })).status).toBe(400);

    const key = await admin('POST', '/keys', { dinas: 'disdik-bandung', name: 'simdik' });
    expect(key).toEqual({ status: 201, body: { id: expect.any(Number), key: expect.stringMatching(/^kak_/) } });
    const disdik = await startWebhookReceiver('unused');
    try {
      const endpoint = await admin('POST', '/webhooks', { dinas: 'disdik-bandung', url: disdik.url });
      expect(endpoint).toEqual({ status: 201, body: { id: expect.any(Number), secret: expect.stringMatching(/^whsec_/) } });
      disdik.answerNext(502);
      const res = await open311Post(app, { api_key: key.body.key, service_code: 'kip-pip', description: 'KIP anak kami belum cair.', address_string: 'SDN 1 Bandung' });
      const ticket = res.body[0].service_request_id;
      await disdik.waitFor((r) => r.some((w) => w.body.case.ticket === ticket && w.status === 200));
      expect(disdik.received.every((w) => verifySignature(endpoint.body.secret, w.signature, w.rawBody, { now: new Date(), toleranceSeconds: 300 }))).toBe(true);

      let log: { body: { id: number; status: string; log: { statusCode: number }[] }[] } = { body: [] };
      await until(async () => {
        log = await admin('GET', `/webhooks/${endpoint.body.id}/deliveries`);
        return log.body[0]?.status === 'delivered';
      }, 'the delivery log');
      expect(log.body[0].log.map((a) => a.statusCode)).toEqual([502, 200]);
      expect((await admin('POST', `/webhooks/deliveries/${log.body[0].id}/redeliver`)).status).toBe(202);
      await disdik.waitFor((r) => r.filter((w) => w.body.case.ticket === ticket).length === 3);
      expect((await admin('POST', '/webhooks/deliveries/99999999/redeliver')).status).toBe(404);
    } finally {
      await disdik.close();
    }
  });
});
