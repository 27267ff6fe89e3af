/**
 * Operations over HTTP: only admins get in — the installation-wide parts (queues and Bull Board,
 * the WhatsApp link, set-aside updates) only an admin above every dinas; a dinas's admin reads
 * the webhook log and audit log of their own dinas. Redelivery re-sends a delivery to a local
 * receiver; Bull Board is read-only behind the console's session; the QR and the opening of a
 * set-aside update are audited; the set-aside list shows no content.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { addWebhookEndpoint } from '../../src/integrations/keys.js';
import { BULL_BOARD_PATH, QUEUE_NAMES } from '../../src/console/routes/operations.js';
import { fakeClientFactory } from '../channels/whatsapp-web/fakes.js';
import { openTestCase, seedIdentity } from '../support/cases.js';
import { startTestAppWithWhatsAppWeb } from '../support/citizens.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { ConsoleClient, createStaff } from './support.js';

let env: TestEnv;
let app: App;
let receiver: WebhookReceiver;
const webjs = fakeClientFactory();
const QR = '2@operations-test-qr,abc,def';
const clients: Record<'central' | 'dinsosAdmin' | 'disdikAdmin' | 'pimpinan' | 'verifikator' | 'petugas', ConsoleClient> = {} as never;
let ticket = '';

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestAppWithWhatsAppWeb(env, {
    config: { WHATSAPP_WEB_ENABLED: 'true', CONSOLE_LOGIN_PER_MINUTE: '1000', WEBHOOK_RETRY_BASE_MS: '50' },
    whatsappWebClientFactory: webjs.factory,
  });
  const login = async (options: Parameters<typeof createStaff>[1]) => new ConsoleClient(app.url!).loginAs(await createStaff(app, options));
  clients.central = await login({ role: 'admin', dinasCode: null });
  clients.dinsosAdmin = await login({ role: 'admin', dinasCode: 'dinsos-bandung' });
  clients.disdikAdmin = await login({ role: 'admin', dinasCode: 'disdik-bandung' });
  clients.pimpinan = await login({ role: 'pimpinan', dinasCode: 'dinsos-bandung' });
  clients.verifikator = await login({ role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator' });
  clients.petugas = await login({ role: 'petugas', dinasCode: 'dinsos-bandung', unitCode: 'linjamsos' });

  receiver = await startWebhookReceiver('whsec_operations');
  const [dinsos] = await app.ctx.db.sql<{ id: number }[]>`select id from dinas where code = 'dinsos-bandung'`;
  await addWebhookEndpoint(app.ctx.db.db, { dinasId: dinsos.id, url: receiver.url, secret: 'whsec_operations' });
  ticket = await openTestCase(app, await seedIdentity(app, 'web', 'ops-citizen'));
  await receiver.waitFor((received) => received.length === 1);
});

afterAll(async () => {
  await app?.close();
  await receiver?.close();
  await env?.dispose();
});

const CENTRAL_ONLY = ['/operations/queues', '/operations/whatsapp', '/operations/set-aside', `${BULL_BOARD_PATH}/`, `${BULL_BOARD_PATH}/api/queues`];
const ADMINS = ['/operations/webhooks/deliveries', '/operations/audit'];

describe('who gets in', () => {
  it('answers 401 without a login and 403 to every role but admin', async () => {
    for (const path of [...CENTRAL_ONLY, ...ADMINS]) {
      expect((await new ConsoleClient(app.url!).get(path)).status, path).toBe(401);
      for (const role of ['pimpinan', 'verifikator', 'petugas'] as const) expect((await clients[role].get(path)).status, `${role} ${path}`).toBe(403);
    }
  });

  it('keeps installation-wide operations from a dinas’s admin, and lets them read their own logs', async () => {
    for (const path of CENTRAL_ONLY) expect((await clients.dinsosAdmin.get(path)).status, path).toBe(403);
    for (const path of ADMINS) expect((await clients.dinsosAdmin.get(path)).status, path).toBe(200);
    for (const path of [...CENTRAL_ONLY, ...ADMINS]) expect((await clients.central.get(path)).status, path).toBe(200);
  });
});

describe('queues', () => {
  it('counts the jobs of every queue on the transport', async () => {
    const { body } = await clients.central.get('/operations/queues');
    expect(body).toMatchObject({ transport: 'redis', up: true, board: `/api/v1${BULL_BOARD_PATH}/` });
    expect(body.queues.map((q: { name: string }) => q.name)).toEqual(QUEUE_NAMES);
    expect(body.queues.find((q: { name: string }) => q.name === 'webhooks').counts).toMatchObject({ completed: expect.any(Number), failed: 0 });
  });

  it('serves Bull Board behind the session, read-only', async () => {
    const page = await clients.central.get<string>(`${BULL_BOARD_PATH}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    const board = await clients.central.get(`${BULL_BOARD_PATH}/api/queues`);
    expect(board.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
    expect(board.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
    // A change through the board is refused: its own read-only mode, and the console's CSRF check.
    const pause = await clients.central.put(`${BULL_BOARD_PATH}/api/queues/${encodeURIComponent(board.body.queues[0].name)}/pause`);
    expect(pause.status).toBeGreaterThanOrEqual(400);
    expect((await clients.central.raw('PUT', `${BULL_BOARD_PATH}/api/queues/${encodeURIComponent(board.body.queues[0].name)}/pause`, { csrf: false })).status).toBe(403);
  });
});

describe('WhatsApp link', () => {
  it('shows the state, and the QR while linking, auditing each view', async () => {
    expect((await clients.central.get('/operations/whatsapp')).body).toEqual({ enabled: true, state: 'starting' });
    expect((await clients.central.get('/operations/whatsapp/qr')).status).toBe(409);
    webjs.latest().emit('qr', QR);
    expect((await clients.central.get('/operations/whatsapp')).body.state).toBe('qr');
    const { status, body } = await clients.central.get('/operations/whatsapp/qr');
    expect(status).toBe(200);
    expect(body.qr).toMatch(/^data:image\/png;base64,/);
    expect((await clients.dinsosAdmin.get('/operations/whatsapp/qr')).status).toBe(403);
    const audited = await clients.central.get('/operations/audit?action=ops.whatsapp');
    expect(audited.body.entries.map((e: { action: string }) => e.action)).toEqual(['ops.whatsapp.qr']);
  });
});

describe('webhook deliveries', () => {
  it('lists deliveries with their attempts, within the admin’s dinas', async () => {
    const { body } = await clients.dinsosAdmin.get('/operations/webhooks/deliveries?status=delivered');
    expect(body.deliveries).toEqual([expect.objectContaining({ ticket, eventType: 'case.created', status: 'delivered', url: receiver.url })]);
    expect(body.deliveries[0].log).toEqual([expect.objectContaining({ statusCode: 200, error: null })]);
    expect(body.deliveries[0]).not.toHaveProperty('payload');
    expect((await clients.disdikAdmin.get('/operations/webhooks/deliveries')).body.deliveries).toEqual([]);
  });

  it('redelivers to the receiver, and not for another dinas’s admin', async () => {
    const [delivery] = (await clients.central.get('/operations/webhooks/deliveries')).body.deliveries;
    expect((await clients.disdikAdmin.post(`/operations/webhooks/deliveries/${delivery.id}/redeliver`)).status).toBe(404);
    expect((await clients.dinsosAdmin.raw('POST', `/operations/webhooks/deliveries/${delivery.id}/redeliver`, { body: {}, csrf: false })).status).toBe(403);
    expect(receiver.received).toHaveLength(1);
    const answer = await clients.dinsosAdmin.post(`/operations/webhooks/deliveries/${delivery.id}/redeliver`);
    expect(answer).toMatchObject({ status: 202, body: { id: delivery.id, status: 'pending' } });
    await receiver.waitFor((received) => received.length === 2);
    expect(receiver.received[1]).toMatchObject({ delivery: String(delivery.id), verified: true });
    expect(receiver.received[1].body.case.ticket).toBe(ticket);
    const audited = await clients.dinsosAdmin.get('/operations/audit?action=ops.webhook');
    expect(audited.body.entries).toEqual([expect.objectContaining({ action: 'ops.webhook.redeliver', details: { deliveryId: delivery.id } })]);
  });
});

describe('audit log', () => {
  it('filters by action prefix, staff and ticket, and pages by keyset', async () => {
    await app.ctx.db.sql`insert into audit_log (staff_id, action, ticket, at) values (null, 'case.view', ${ticket}, now() - interval '1 minute'), (null, 'case.view', ${ticket}, now())`;
    const byTicket = await clients.central.get(`/operations/audit?ticket=${ticket}&limit=1`);
    expect(byTicket.body.entries).toHaveLength(1);
    expect(byTicket.body.next).not.toBeNull();
    const second = await clients.central.get(`/operations/audit?ticket=${ticket}&limit=1&before=${byTicket.body.next}`);
    expect(second.body.entries).toHaveLength(1);
    expect(second.body.entries[0].id).not.toBe(byTicket.body.entries[0].id);
    expect(second.body.entries[0].at < byTicket.body.entries[0].at).toBe(true);
    expect(second.body.next).toBeNull();
    const me = (await clients.dinsosAdmin.get('/me')).body.staff.id;
    const mine = await clients.central.get(`/operations/audit?staffId=${me}`);
    expect(mine.body.entries.length).toBeGreaterThan(0);
    expect(mine.body.entries.every((e: { staffId: number }) => e.staffId === me)).toBe(true);
  });

  it('gives a dinas’s admin only their own staff’s rows', async () => {
    const disdik = (await clients.disdikAdmin.get('/operations/audit?limit=200')).body.entries;
    const dinsosAdmin = (await clients.dinsosAdmin.get('/me')).body.staff.id;
    expect(disdik.some((e: { staffId: number | null }) => e.staffId === dinsosAdmin || e.staffId === null)).toBe(false);
    expect((await clients.central.get('/operations/audit?limit=200')).body.entries.some((e: { staffId: number }) => e.staffId === dinsosAdmin)).toBe(true);
  });
});

describe('set-aside updates', () => {
  it('lists them without content, and opens one for the record', async () => {
    const raw = JSON.stringify({ message: { text: 'NIK saya 3204011201900001, rumah di RT 05' } });
    const [row] = await app.ctx.db.sql<{ id: string }[]>`
      insert into set_aside_updates (channel, stage, chat_id, external_id, raw, error, attempts)
      values ('telegram', 'store', '5550001', 'upd-1', ${raw}, 'value too long: NIK saya', 3) returning id`;
    const list = await clients.central.get('/operations/set-aside');
    expect(list.body.updates).toEqual([expect.objectContaining({ id: Number(row.id), channel: 'telegram', stage: 'store', attempts: 3, rawChars: raw.length })]);
    const text = JSON.stringify(list.body);
    for (const secret of ['3204011201900001', '5550001', 'NIK saya']) expect(text).not.toContain(secret);
    const detail = await clients.central.get(`/operations/set-aside/${row.id}`);
    expect(detail.body).toMatchObject({ raw, chatId: '5550001', error: 'value too long: NIK saya' });
    const audited = await clients.central.get('/operations/audit?action=ops.setAside');
    expect(audited.body.entries).toEqual([expect.objectContaining({ action: 'ops.setAside.view', details: { setAsideId: Number(row.id) } })]);
  });
});
