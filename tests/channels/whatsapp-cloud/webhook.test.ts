/**
 * The webhook through Fastify's `inject`: Meta's subscription check, the signature over the raw
 * bytes, and what reaches the callbacks (nothing, unless the signature holds).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudInbound } from '../../../src/channels/whatsapp-cloud/inbound.js';
import { registerWhatsAppCloudWebhook } from '../../../src/channels/whatsapp-cloud/webhook.js';
import type { DeliveryStatus } from '../../../src/domain/messages.js';
import { signCloudPayload } from '../../support/fake-graph.js';

const PATH = '/webhooks/whatsapp-cloud';
const APP_SECRET = 'e3b0c44298fc1c149afbf4c8996fb924';
const VERIFY_TOKEN = 'kanal-aduan-verifikasi';

const body = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '6281100001111', phone_number_id: '106540352242922' },
            contacts: [{ profile: { name: 'Siti Aminah' }, wa_id: '6281234567890' }],
            messages: [
              { from: '6281234567890', id: 'wamid.A1', timestamp: '1718000000', type: 'text', text: { body: 'lapor' } },
              { from: '6281234567890', id: 'wamid.A2', timestamp: '1718000001', type: 'text', text: { body: '1' } },
            ],
            statuses: [{ id: 'wamid.OUT1', status: 'delivered', timestamp: '1718000002', recipient_id: '6281234567890' }],
          },
          field: 'messages',
        },
      ],
    },
  ],
};
const raw = JSON.stringify(body);

let app: FastifyInstance;
let messages: CloudInbound[];
let statuses: DeliveryStatus[];
let events: string[];
let failOn: string | undefined;

beforeEach(async () => {
  messages = [];
  statuses = [];
  events = [];
  failOn = undefined;
  app = Fastify();
  registerWhatsAppCloudWebhook(app, {
    path: PATH,
    verifyToken: VERIFY_TOKEN,
    appSecret: APP_SECRET,
    async onMessage(message) {
      events.push(`start ${message.externalId}`);
      // Yield to the event loop: a handler run concurrently would interleave here.
      await new Promise((resolve) => setImmediate(resolve));
      if (failOn === message.externalId) throw new Error('database down');
      messages.push(message);
      events.push(`end ${message.externalId}`);
    },
    onStatus(status) {
      statuses.push(status);
    },
  });
  // A neighbour route: proves the raw-body parser stays inside the webhook's own context.
  app.post('/other', async (request) => ({ parsed: request.body }));
  await app.ready();
});

afterEach(() => app.close());

function post(payload: string, signature?: string, contentType = 'application/json') {
  return app.inject({
    method: 'POST',
    url: PATH,
    payload,
    headers: { 'content-type': contentType, ...(signature !== undefined ? { 'x-hub-signature-256': signature } : {}) },
  });
}

describe('GET verification', () => {
  const verify = (query: Record<string, string>) => app.inject({ method: 'GET', url: PATH, query });

  it('answers the challenge as text when mode and token match', async () => {
    const res = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('1158201444');
  });

  it.each([
    ['wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'tebakan', 'hub.challenge': '1158201444' }],
    ['wrong mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' }],
    ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444' }],
    ['no challenge', { 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN }],
  ])('403 on %s', async (_name, query) => {
    const res = await verify(query);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('1158201444');
  });
});

describe('POST', () => {
  it('good signature → 200, messages in order, one at a time, then statuses', async () => {
    const res = await post(raw, signCloudPayload(raw, APP_SECRET));
    expect(res.statusCode).toBe(200);
    expect(messages.map((m) => m.externalId)).toEqual(['wamid.A1', 'wamid.A2']);
    expect(events).toEqual(['start wamid.A1', 'end wamid.A1', 'start wamid.A2', 'end wamid.A2']);
    expect(messages[0]).toMatchObject({ chatId: '6281234567890', displayName: 'Siti Aminah', phoneNumberId: '106540352242922' });
    expect(statuses).toEqual([
      { channel: 'whatsapp-cloud', externalId: 'wamid.OUT1', status: 'delivered', at: new Date(1718000002 * 1000) },
    ]);
  });

  it('accepts an upper-case hex signature', async () => {
    const hex = signCloudPayload(raw, APP_SECRET).slice('sha256='.length);
    const res = await post(raw, `sha256=${hex.toUpperCase()}`);
    expect(res.statusCode).toBe(200);
  });

  it.each([
    ['signed with another secret', signCloudPayload(raw, 'not-the-app-secret')],
    ['missing', undefined],
    ['empty', ''],
    ['without the sha256= prefix', signCloudPayload(raw, APP_SECRET).slice('sha256='.length)],
    ['truncated', signCloudPayload(raw, APP_SECRET).slice(0, -2)],
    ['sha1 style', `sha1=${'0'.repeat(40)}`],
  ])('401 when the signature is %s; nothing passed on', async (_name, signature) => {
    const res = await post(raw, signature);
    expect(res.statusCode).toBe(401);
    expect(messages).toEqual([]);
    expect(statuses).toEqual([]);
    expect(events).toEqual([]);
  });

  it('401 when the same JSON was signed as differently serialised bytes (the check is on raw bytes)', async () => {
    const pretty = JSON.stringify(body, null, 2);
    const res = await post(raw, signCloudPayload(pretty, APP_SECRET));
    expect(res.statusCode).toBe(401);
    expect(events).toEqual([]);
  });

  it('checks the signature even when Meta sends another content type', async () => {
    const unsigned = await post(raw, signCloudPayload('{}', APP_SECRET), 'application/json; charset=utf-8');
    expect(unsigned.statusCode).toBe(401);
    const signed = await post(raw, signCloudPayload(raw, APP_SECRET), 'application/json; charset=utf-8');
    expect(signed.statusCode).toBe(200);
  });

  it('400 for a validly signed body that is not JSON', async () => {
    const garbage = '{"object":"whatsapp_business_account","entry":[';
    const res = await post(garbage, signCloudPayload(garbage, APP_SECRET));
    expect(res.statusCode).toBe(400);
    expect(events).toEqual([]);
  });

  it('200 for signed JSON that carries nothing for us', async () => {
    const empty = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    const res = await post(empty, signCloudPayload(empty, APP_SECRET));
    expect(res.statusCode).toBe(200);
    expect(events).toEqual([]);
  });

  it('500 when a callback throws, so Meta redelivers; later messages are not handled', async () => {
    failOn = 'wamid.A1';
    const res = await post(raw, signCloudPayload(raw, APP_SECRET));
    expect(res.statusCode).toBe(500);
    expect(events).toEqual(['start wamid.A1']);
    expect(statuses).toEqual([]);
  });

  it('leaves JSON parsing of other routes alone', async () => {
    const res = await app.inject({ method: 'POST', url: '/other', payload: { a: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ parsed: { a: 1 } });
  });
});

it('refuses to start without an app secret', () => {
  expect(() =>
    registerWhatsAppCloudWebhook(Fastify(), { path: PATH, verifyToken: VERIFY_TOKEN, appSecret: '', onMessage() {}, onStatus() {} }),
  ).toThrow(/appSecret/);
});
