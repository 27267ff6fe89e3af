/**
 * Send-side tables against the fake Bot API: each outgoing message with the exact requests
 * Telegram must receive, and each scripted Telegram failure with its classification.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramSender, TELEGRAM_TEXT_LIMIT } from '../../../src/channels/telegram/sender.js';
import type { OutboundMessage, SendResult } from '../../../src/domain/messages.js';
import type { ChannelSender } from '../../../src/channels/types.js';
import { startFakeTelegram, telegramErrors, type FakeResponse, type FakeTelegram } from '../../support/fake-telegram.js';

const CHAT = '5012345678';

let telegram: FakeTelegram;
let sender: ChannelSender;
beforeEach(async () => {
  telegram = await startFakeTelegram();
  sender = createTelegramSender({ token: telegram.token, apiRoot: telegram.apiRoot });
});
afterEach(() => telegram.close());

const outgoing: Array<{ name: string; message: OutboundMessage; requests: Array<{ method: string; body: unknown }>; result: SendResult }> = [
  {
    name: 'plain text',
    message: { kind: 'text', chatId: CHAT, text: 'Terima kasih, laporan Anda kami terima.' },
    requests: [{ method: 'sendMessage', body: { chat_id: CHAT, text: 'Terima kasih, laporan Anda kami terima.' } }],
    result: { ok: true, externalId: '1' },
  },
  {
    name: 'short options: inline keyboard, two per row',
    message: {
      kind: 'text',
      chatId: CHAT,
      text: 'Silakan pilih:\n1. Lapor\n2. Cek status\n3. Persyaratan\n4. Petugas',
      options: [
        { key: '1', label: 'Lapor' },
        { key: '2', label: 'Cek status' },
        { key: '3', label: 'Persyaratan' },
        { key: '4', label: 'Petugas' },
      ],
    },
    requests: [
      {
        method: 'sendMessage',
        body: {
          chat_id: CHAT,
          text: 'Silakan pilih:\n1. Lapor\n2. Cek status\n3. Persyaratan\n4. Petugas',
          reply_markup: {
            inline_keyboard: [
              [
                { text: '1. Lapor', callback_data: '1' },
                { text: '2. Cek status', callback_data: '2' },
              ],
              [
                { text: '3. Persyaratan', callback_data: '3' },
                { text: '4. Petugas', callback_data: '4' },
              ],
            ],
          },
        },
      },
    ],
    result: { ok: true, externalId: '1' },
  },
  {
    name: 'long labels: one per row, clipped with an ellipsis',
    message: {
      kind: 'text',
      chatId: CHAT,
      text: 'Layanan apa?',
      options: [
        { key: '1', label: 'Usulan masuk Data Terpadu Kesejahteraan Sosial (DTKS)' },
        { key: '0', label: 'Kembali' },
      ],
    },
    requests: [
      {
        method: 'sendMessage',
        body: {
          chat_id: CHAT,
          text: 'Layanan apa?',
          reply_markup: {
            inline_keyboard: [
              [{ text: '1. Usulan masuk Data Terpadu Kesejahter…', callback_data: '1' }],
              [{ text: '0. Kembali', callback_data: '0' }],
            ],
          },
        },
      },
    ],
    result: { ok: true, externalId: '1' },
  },
  {
    name: 'more than ten options: no keyboard, the numbered text is enough',
    message: {
      kind: 'text',
      chatId: CHAT,
      text: 'Pilih kecamatan (1-11)',
      options: Array.from({ length: 11 }, (_, i) => ({ key: String(i + 1), label: `Kecamatan ${i + 1}` })),
    },
    requests: [{ method: 'sendMessage', body: { chat_id: CHAT, text: 'Pilih kecamatan (1-11)' } }],
    result: { ok: true, externalId: '1' },
  },
  {
    name: 'a key over 64 bytes cannot be callback_data: no keyboard',
    message: { kind: 'text', chatId: CHAT, text: 'Pilih', options: [{ key: 'k'.repeat(65), label: 'Terlalu panjang' }] },
    requests: [{ method: 'sendMessage', body: { chat_id: CHAT, text: 'Pilih' } }],
    result: { ok: true, externalId: '1' },
  },
  {
    name: 'callback answer',
    message: { kind: 'callback-answer', chatId: CHAT, callbackQueryId: '2153846287501212345' },
    requests: [{ method: 'answerCallbackQuery', body: { callback_query_id: '2153846287501212345' } }],
    result: { ok: true, externalId: 'cb:2153846287501212345' },
  },
  {
    name: 'a picture: sendPhoto by its URL, the text as its caption',
    message: { kind: 'image', chatId: CHAT, imageUrl: 'https://dinsos.example.go.id/poster.jpg', text: 'Pendaftaran PKH dibuka.' },
    requests: [{ method: 'sendPhoto', body: { chat_id: CHAT, photo: 'https://dinsos.example.go.id/poster.jpg', caption: 'Pendaftaran PKH dibuka.' } }],
    result: { ok: true, externalId: '1' },
  },
  {
    name: 'a picture whose text is over the 1024-character caption: the picture, then the text',
    message: { kind: 'image', chatId: CHAT, imageUrl: 'https://dinsos.example.go.id/poster.jpg', text: 'x'.repeat(1025) },
    requests: [
      { method: 'sendPhoto', body: { chat_id: CHAT, photo: 'https://dinsos.example.go.id/poster.jpg' } },
      { method: 'sendMessage', body: { chat_id: CHAT, text: 'x'.repeat(1025) } },
    ],
    result: { ok: true, externalId: '2' },
  },
  {
    name: 'template: Telegram has none, nothing is sent',
    message: { kind: 'template', chatId: CHAT, name: 'status_update', language: 'id', parameters: ['AB12CD'] },
    requests: [],
    result: { ok: false, failure: 'permanent', reason: 'Telegram has no message templates', unreachable: false },
  },
];

describe('createTelegramSender: requests', () => {
  it.each(outgoing)('$name', async ({ message, requests, result }) => {
    expect(await sender.send(message)).toEqual(result);
    expect(telegram.calls.map(({ method, body }) => ({ method, body }))).toEqual(requests);
  });

  it('splits a text over 4096 characters on line boundaries, in order, buttons on the last part', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `${i + 1}. Persyaratan baris ke-${i + 1}: fotokopi KTP-el dan KK`);
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(2 * TELEGRAM_TEXT_LIMIT);
    expect(text.length).toBeLessThan(3 * TELEGRAM_TEXT_LIMIT - 100);

    const result = await sender.send({ kind: 'text', chatId: CHAT, text, options: [{ key: '0', label: 'Kembali' }] });

    const parts = telegram.sent(CHAT);
    expect(parts).toHaveLength(3);
    expect(parts.map((p) => p.text).join('\n')).toBe(text);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      expect(lines).toContain(part.text.split('\n')[0]);
    }
    expect(parts.map((p) => p.replyMarkup)).toEqual([
      undefined,
      undefined,
      { inline_keyboard: [[{ text: '0. Kembali', callback_data: '0' }]] },
    ]);
    expect(result).toEqual({ ok: true, externalId: String(parts[2]!.messageId) });
  });

  it('reports a failure part-way through a split text (the queue resends the whole text)', async () => {
    const text = `${'a'.repeat(4000)}\n${'b'.repeat(4000)}`;
    const sending = sender.send({ kind: 'text', chatId: CHAT, text });
    // Resolves as the fake answers part one, before the sender can possibly ask for part two.
    await telegram.waitForSends(1);
    telegram.outage();

    expect(await sending).toEqual({ ok: false, failure: 'retryable', reason: '502: Bad Gateway' });
    expect(telegram.sent().map((m) => m.text)).toEqual(['a'.repeat(4000)]);
  });

  it('a picture Telegram cannot fetch: the text goes with the link instead, the citizen still gets the notice', async () => {
    telegram.failNext('sendPhoto', telegramErrors.badRequest('wrong file identifier/HTTP URL specified'));
    const result = await sender.send({ kind: 'image', chatId: CHAT, imageUrl: 'https://dinsos.example.go.id/hilang.jpg', text: 'Pendaftaran PKH dibuka.' });
    expect(result).toEqual({ ok: true, externalId: '1' });
    expect(telegram.sent(CHAT).map((m) => [m.photo, m.text])).toEqual([[undefined, 'Pendaftaran PKH dibuka.\n\nhttps://dinsos.example.go.id/hilang.jpg']]);
  });

  it('a picture to a chat Telegram does not know: permanent and unreachable, not sent as text', async () => {
    telegram.failNext('sendPhoto', telegramErrors.chatNotFound());
    const result = await sender.send({ kind: 'image', chatId: CHAT, imageUrl: 'https://dinsos.example.go.id/poster.jpg', text: 'Halo' });
    expect(result).toEqual({ ok: false, failure: 'permanent', reason: 'Bad Request: chat not found', unreachable: true });
    expect(telegram.sent()).toEqual([]);
  });

  it('accepts an apiRoot with a trailing slash', async () => {
    const slashed = createTelegramSender({ token: telegram.token, apiRoot: `${telegram.apiRoot}/` });
    expect(await slashed.send({ kind: 'text', chatId: CHAT, text: 'halo' })).toEqual({ ok: true, externalId: '1' });
  });
});

const failures: Array<{ name: string; response: FakeResponse; result: SendResult }> = [
  {
    name: '429 with retry_after: rate-limited for that long',
    response: telegramErrors.tooManyRequests(1),
    result: { ok: false, failure: 'rate-limited', retryAfterMs: 1000, reason: 'Too Many Requests: retry after 1' },
  },
  {
    name: '403 blocked by the user: permanent, unreachable',
    response: telegramErrors.blocked(),
    result: { ok: false, failure: 'permanent', reason: 'Forbidden: bot was blocked by the user', unreachable: true },
  },
  {
    name: '403 user deactivated: permanent, unreachable',
    response: telegramErrors.userDeactivated(),
    result: { ok: false, failure: 'permanent', reason: 'Forbidden: user is deactivated', unreachable: true },
  },
  {
    name: '400 chat not found: permanent, unreachable',
    response: telegramErrors.chatNotFound(),
    result: { ok: false, failure: 'permanent', reason: 'Bad Request: chat not found', unreachable: true },
  },
  {
    name: 'other 400: permanent, chat still reachable',
    response: telegramErrors.badRequest("can't parse entities: Can't find end of the entity starting at byte offset 12"),
    result: {
      ok: false,
      failure: 'permanent',
      reason: "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 12",
      unreachable: false,
    },
  },
  {
    name: '502 as JSON: retryable',
    response: telegramErrors.badGateway(),
    result: { ok: false, failure: 'retryable', reason: '502: Bad Gateway' },
  },
  {
    name: '409 conflict: retryable',
    response: { status: 409, body: { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request' } },
    result: { ok: false, failure: 'retryable', reason: '409: Conflict: terminated by other getUpdates request' },
  },
];

describe('createTelegramSender: failures are classified once', () => {
  it.each(failures)('$name', async ({ response, result }) => {
    telegram.failNext('sendMessage', response);
    expect(await sender.send({ kind: 'text', chatId: CHAT, text: 'Status tiket AB12CD: diproses' })).toEqual(result);
  });

  it('502 HTML page from a proxy: retryable, the token (in the quoted URL) redacted', async () => {
    telegram.failNext('sendMessage', telegramErrors.badGatewayHtml());
    const result = await sender.send({ kind: 'text', chatId: CHAT, text: 'halo' });
    expect(result).toMatchObject({ ok: false, failure: 'retryable' });
    expect(result.ok === false && result.reason).toContain('/bot<token>/sendMessage');
    expect(JSON.stringify(result)).not.toContain(telegram.token);
  });

  it('outage until heal: retryable, then delivered', async () => {
    telegram.outage();
    expect(await sender.send({ kind: 'text', chatId: CHAT, text: 'halo' })).toMatchObject({ ok: false, failure: 'retryable' });
    telegram.heal();
    expect(await sender.send({ kind: 'text', chatId: CHAT, text: 'halo' })).toEqual({ ok: true, externalId: '1' });
  });

  it('an expired callback query: permanent, not retried forever', async () => {
    telegram.failNext('answerCallbackQuery', telegramErrors.badRequest('query is too old and response timeout expired or query ID is invalid'));
    const result = await sender.send({ kind: 'callback-answer', chatId: CHAT, callbackQueryId: '1' });
    expect(result).toMatchObject({ ok: false, failure: 'permanent', unreachable: false });
  });

  it('a wrong token (401): retryable, operators fix the config and nothing is lost', async () => {
    const wrongToken = createTelegramSender({ token: '123:wrong', apiRoot: telegram.apiRoot });
    expect(await wrongToken.send({ kind: 'text', chatId: CHAT, text: 'halo' })).toEqual({
      ok: false,
      failure: 'retryable',
      reason: '401: Unauthorized',
    });
  });

  it('connection refused (server gone): retryable, the token not in the reason', async () => {
    await telegram.close();
    const result = await sender.send({ kind: 'text', chatId: CHAT, text: 'halo' });
    expect(result).toMatchObject({ ok: false, failure: 'retryable' });
    expect(result.ok === false && result.reason).toContain('ECONNREFUSED');
    expect(JSON.stringify(result)).not.toContain(telegram.token);
  });

  it('a hanging Telegram: gives up after fetchTimeoutMs, retryable', async () => {
    const impatient = createTelegramSender({ token: telegram.token, apiRoot: telegram.apiRoot, fetchTimeoutMs: 200 });
    telegram.failNext('sendMessage', telegramErrors.hang());
    const result = await impatient.send({ kind: 'text', chatId: CHAT, text: 'halo' });
    expect(result).toMatchObject({ ok: false, failure: 'retryable' });
    expect(result.ok === false && result.reason).toContain('timed out');
  });
});
