/**
 * The sender against a local fake Graph API: the exact request Meta must receive for each kind
 * of message, and the classification of every error Meta answers with.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isReengagementFailure, parseRetryAfter } from '../../../src/channels/whatsapp-cloud/errors.js';
import { createWhatsAppCloudSender } from '../../../src/channels/whatsapp-cloud/sender.js';
import type { ReplyOption, SendResult } from '../../../src/domain/messages.js';
import { graphErrors, startFakeGraph, type FakeGraph, type FakeGraphResponse } from '../../support/fake-graph.js';

const CITIZEN = '6281234567890';
const PHONE_NUMBER_ID = '106540352242922';
const TOKEN = 'EAAGm0PX4ZCpsBAKZCtest';
const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to: CITIZEN };

let graph: FakeGraph;
let seen: number;
beforeAll(async () => {
  graph = await startFakeGraph();
});
afterAll(() => graph.close());
beforeEach(() => {
  seen = graph.requests.length;
});

function sender(timeoutMs?: number) {
  return createWhatsAppCloudSender({ apiRoot: graph.apiRoot, phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN, timeoutMs });
}

/** The requests this test caused, once `count` of them arrived. */
async function requests(count: number) {
  const all = await graph.waitForRequests(seen + count);
  return all.slice(seen);
}

const options = (labels: string[]): ReplyOption[] => labels.map((label, i) => ({ key: String(i + 1), label }));

describe('requests', () => {
  it('text without options: bearer token, versioned path, plain text without preview', async () => {
    const result = await sender().send({ kind: 'text', chatId: CITIZEN, text: 'Terima kasih, laporan Anda kami terima.' });
    expect(result).toEqual({ ok: true, externalId: expect.stringMatching(/^wamid\./) });
    const [req] = await requests(1);
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
    expect(req.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual({
      ...envelope,
      type: 'text',
      text: { body: 'Terima kasih, laporan Anda kami terima.', preview_url: false },
    });
  });

  it('uses the configured API version and tolerates a trailing slash on apiRoot', async () => {
    const s = createWhatsAppCloudSender({ apiRoot: `${graph.apiRoot}/`, apiVersion: 'v23.0', phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN });
    await s.send({ kind: 'text', chatId: CITIZEN, text: 'halo' });
    const [req] = await requests(1);
    expect(req.path).toBe(`/v23.0/${PHONE_NUMBER_ID}/messages`);
  });

  it('up to 3 short options → reply buttons keyed by the option key', async () => {
    const text = 'Apa yang ingin Anda lakukan?\n1. Lapor\n2. Cek status\n3. Persyaratan';
    await sender().send({ kind: 'text', chatId: CITIZEN, text, options: options(['Lapor', 'Cek status', 'Persyaratan']) });
    const [req] = await requests(1);
    expect(req.body).toEqual({
      ...envelope,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text },
        action: {
          buttons: [
            { type: 'reply', reply: { id: '1', title: 'Lapor' } },
            { type: 'reply', reply: { id: '2', title: 'Cek status' } },
            { type: 'reply', reply: { id: '3', title: 'Persyaratan' } },
          ],
        },
      },
    });
  });

  it('up to 10 options → a one-section list; a label too long for a title goes in full to the description', async () => {
    const labels = ['Pendidikan', 'Kesehatan', 'Sosial ekonomi', 'Data kependudukan', 'Bantuan sosial (PKH, BPNT, KIS)', 'Lainnya'];
    const text = `Pilih kategori:\n${labels.map((l, i) => `${i + 1}. ${l}`).join('\n')}`;
    await sender().send({ kind: 'text', chatId: CITIZEN, text, options: options(labels) });
    const [req] = await requests(1);
    expect(req.body).toEqual({
      ...envelope,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text },
        action: {
          button: 'Pilih',
          sections: [
            {
              rows: [
                { id: '1', title: 'Pendidikan' },
                { id: '2', title: 'Kesehatan' },
                { id: '3', title: 'Sosial ekonomi' },
                { id: '4', title: 'Data kependudukan' },
                { id: '5', title: 'Bantuan sosial (PKH, BP…', description: 'Bantuan sosial (PKH, BPNT, KIS)' },
                { id: '6', title: 'Lainnya' },
              ],
            },
          ],
        },
      },
    });
    const row = (req.body as { interactive: { action: { sections: { rows: { title: string }[] }[] } } }).interactive.action.sections[0].rows[4];
    expect(row.title.length).toBeLessThanOrEqual(24);
  });

  it('3 options with a label over 20 characters → list, not buttons', async () => {
    await sender().send({ kind: 'text', chatId: CITIZEN, text: 'Pilih', options: options(['Ya', 'Tidak', 'Hubungi petugas layanan']) });
    const [req] = await requests(1);
    expect((req.body as { interactive: { type: string } }).interactive.type).toBe('list');
  });

  it.each([
    ['11 options', 'Pilih layanan:', options(Array.from({ length: 11 }, (_, i) => `Layanan ${i + 1}`))],
    ['a body over 1024 characters', `${'Syarat: '.repeat(130)}\n1. Ya\n2. Tidak`, options(['Ya', 'Tidak'])],
    ['a label over 72 characters', 'Pilih', options(['x'.repeat(73), 'Tidak'])],
    ['duplicate keys', 'Pilih', [{ key: 'a', label: 'Ya' }, { key: 'a', label: 'Tidak' }]],
  ])('%s → the numbered text as it is', async (_name, text, opts) => {
    await sender().send({ kind: 'text', chatId: CITIZEN, text, options: opts });
    const [req] = await requests(1);
    expect(req.body).toEqual({ ...envelope, type: 'text', text: { body: text, preview_url: false } });
  });

  it('text over 4096 characters → several sends on line boundaries, in order; the first id is returned', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => `${String(i + 1).padStart(3, '0')}. ${'persyaratan '.repeat(5).trim()}`);
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(4096);
    const result = await sender().send({ kind: 'text', chatId: CITIZEN, text });
    const reqs = await requests(2);
    expect(graph.requests.length - seen).toBe(2);
    const bodies = reqs.map((r) => (r.body as { text: { body: string } }).text.body);
    expect(bodies.every((b) => b.length <= 4096)).toBe(true);
    expect(bodies.join('\n')).toBe(text);
    const firstId = (reqs[0].response as { messages: { id: string }[] }).messages[0].id;
    expect(result).toEqual({ ok: true, externalId: firstId });
  });

  it('stops a split text at the first failing part', async () => {
    graph.failNext(graphErrors.internal());
    const text = `${'a'.repeat(4000)}\n${'b'.repeat(4000)}`;
    const result = await sender().send({ kind: 'text', chatId: CITIZEN, text });
    expect(result).toMatchObject({ ok: false, failure: 'retryable' });
    expect(await requests(1)).toHaveLength(1);
    expect(graph.requests.length - seen).toBe(1);
  });

  it('template: name, language and the text parameters as the body component', async () => {
    await sender().send({ kind: 'template', chatId: CITIZEN, name: 'status_laporan', language: 'id', parameters: ['KA-7F3Q', 'diproses'] });
    const [req] = await requests(1);
    expect(req.body).toEqual({
      ...envelope,
      type: 'template',
      template: {
        name: 'status_laporan',
        language: { code: 'id' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'KA-7F3Q' }, { type: 'text', text: 'diproses' }] }],
      },
    });
  });

  it('a picture: an image message by link, the text as its caption', async () => {
    const result = await sender().send({ kind: 'image', chatId: CITIZEN, imageUrl: 'https://dinsos.example.go.id/poster.jpg', text: 'Pendaftaran PKH dibuka.' });
    expect(result).toEqual({ ok: true, externalId: expect.stringMatching(/^wamid\./) });
    const [req] = await requests(1);
    expect(req.body).toEqual({ ...envelope, type: 'image', image: { link: 'https://dinsos.example.go.id/poster.jpg', caption: 'Pendaftaran PKH dibuka.' } });
  });

  it('a picture whose text is over the 1024-character caption: the picture, then the text; the picture\'s id is returned', async () => {
    const text = 'y'.repeat(1025);
    const result = await sender().send({ kind: 'image', chatId: CITIZEN, imageUrl: 'https://dinsos.example.go.id/poster.jpg', text });
    const [picture, words] = await requests(2);
    expect(picture.body).toEqual({ ...envelope, type: 'image', image: { link: 'https://dinsos.example.go.id/poster.jpg' } });
    expect(words.body).toEqual({ ...envelope, type: 'text', text: { body: text, preview_url: false } });
    expect(result).toEqual({ ok: true, externalId: (picture.response as { messages: { id: string }[] }).messages[0].id });
  });

  it('template with an IMAGE header: the picture as the header parameter, the text in the body', async () => {
    await sender().send({ kind: 'template', chatId: CITIZEN, name: 'siaran_gambar', language: 'id', parameters: ['Pendaftaran PKH dibuka.'], headerImageUrl: 'https://dinsos.example.go.id/poster.jpg' });
    const [req] = await requests(1);
    expect(req.body).toEqual({
      ...envelope,
      type: 'template',
      template: {
        name: 'siaran_gambar',
        language: { code: 'id' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://dinsos.example.go.id/poster.jpg' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Pendaftaran PKH dibuka.' }] },
        ],
      },
    });
  });

  it('template without variables carries no components', async () => {
    await sender().send({ kind: 'template', chatId: CITIZEN, name: 'sapaan', language: 'id', parameters: [] });
    const [req] = await requests(1);
    expect(req.body).toEqual({ ...envelope, type: 'template', template: { name: 'sapaan', language: { code: 'id' } } });
  });

  it('callback-answer is a Telegram thing: ok, no request', async () => {
    const result = await sender().send({ kind: 'callback-answer', chatId: CITIZEN, callbackQueryId: '4382bfdwdsb323b2d9' });
    expect(result).toEqual({ ok: true, externalId: 'noop:4382bfdwdsb323b2d9' });
    expect(graph.requests.length).toBe(seen);
  });
});

describe('errors, classified once', () => {
  const send = () => sender(300).send({ kind: 'text', chatId: CITIZEN, text: 'Status laporan Anda: diproses' });

  const table: Array<[string, FakeGraphResponse, SendResult]> = [
    ['HTTP 429 with Retry-After', graphErrors.tooManyRequests(3), { ok: false, failure: 'rate-limited', retryAfterMs: 3000, reason: '130429: Rate limit hit' }],
    ['HTTP 429 without Retry-After', graphErrors.tooManyRequests(), { ok: false, failure: 'rate-limited', retryAfterMs: 1000, reason: '130429: Rate limit hit' }],
    ['130429 throughput', graphErrors.throughput(), { ok: false, failure: 'rate-limited', retryAfterMs: 1000, reason: '130429: Rate limit hit' }],
    [
      '131056 pair rate limit',
      graphErrors.pairRateLimit(),
      { ok: false, failure: 'rate-limited', retryAfterMs: 6000, reason: '131056: (Business Account, Consumer Account) pair rate limit hit' },
    ],
    [
      '131047 re-engagement',
      graphErrors.reengagement(),
      { ok: false, failure: 'permanent', reason: 'reengagement: 131047: Re-engagement message', unreachable: false },
    ],
    ['131026 undeliverable', graphErrors.undeliverable(), { ok: false, failure: 'permanent', reason: '131026: Message Undeliverable', unreachable: true }],
    [
      '131030 not in the allowed list',
      graphErrors.notAllowListed(),
      { ok: false, failure: 'permanent', reason: '131030: Recipient phone number not in allowed list', unreachable: true },
    ],
    [
      '131051 unsupported message type (our request: the citizen stays reachable)',
      graphErrors.unsupportedType(),
      { ok: false, failure: 'permanent', reason: '131051: Unsupported message type', unreachable: false },
    ],
    [
      '133010 business number not registered (our side: the citizen stays reachable)',
      graphErrors.businessNumberNotRegistered(),
      { ok: false, failure: 'permanent', reason: '133010: Account not registered', unreachable: false },
    ],
    [
      '190 token expired',
      graphErrors.tokenExpired(),
      { ok: false, failure: 'permanent', reason: 'auth: 190: Error validating access token: Session has expired', unreachable: false },
    ],
    ['100 invalid parameter', graphErrors.invalidParameter(), { ok: false, failure: 'permanent', reason: '100: Invalid parameter', unreachable: false }],
    ['500 / 131000', graphErrors.internal(), { ok: false, failure: 'retryable', reason: '131000: Something went wrong' }],
    ['503 / 131016', graphErrors.serviceUnavailable(), { ok: false, failure: 'retryable', reason: '131016: Service unavailable' }],
    ['502 from a proxy, not JSON', { status: 502, body: '<html>Bad Gateway</html>' }, { ok: false, failure: 'retryable', reason: 'HTTP 502' }],
    ['a request that hangs past the timeout', graphErrors.hang(), { ok: false, failure: 'retryable', reason: 'timeout after 300 ms' }],
  ];

  it.each(table)('%s', async (_name, response, expected) => {
    graph.failNext(response);
    expect(await send()).toEqual(expected);
  });

  it('131047 is recognisable for a resend as template', async () => {
    graph.failNext(graphErrors.reengagement());
    const result = await send();
    expect(isReengagementFailure(result)).toBe(true);
    graph.failNext(graphErrors.undeliverable());
    expect(isReengagementFailure(await send())).toBe(false);
  });

  it('a closed server → retryable with the network cause', async () => {
    const gone = await startFakeGraph();
    await gone.close();
    const s = createWhatsAppCloudSender({ apiRoot: gone.apiRoot, phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN, timeoutMs: 2000 });
    expect(await s.send({ kind: 'text', chatId: CITIZEN, text: 'halo' })).toEqual({
      ok: false,
      failure: 'retryable',
      reason: 'network: ECONNREFUSED',
    });
  });

  it('a rate-limit error then success: the same request twice, then the wamid', async () => {
    graph.failNext(graphErrors.throughput());
    const message = { kind: 'text', chatId: CITIZEN, text: 'Laporan KA-7F3Q sedang diproses.' } as const;
    const first = await sender().send(message);
    expect(first).toMatchObject({ ok: false, failure: 'rate-limited' });
    const second = await sender().send(message);
    const [failed, succeeded] = await requests(2);
    expect(failed.status).toBe(400);
    expect(succeeded.status).toBe(200);
    expect(succeeded.body).toEqual(failed.body);
    expect(second).toEqual({ ok: true, externalId: expect.stringMatching(/^wamid\.\d+$/) });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
