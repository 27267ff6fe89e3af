/**
 * The fake Bot API is shared by integration tests across the project, so its own promises
 * (Telegram-like answers, scripted failures, waiting without sleeps) are tested here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTelegram, telegramErrors, type FakeTelegram } from '../../support/fake-telegram.js';

let telegram: FakeTelegram;
beforeEach(async () => {
  telegram = await startFakeTelegram({ longPollMs: 50 });
});
afterEach(() => telegram.close());

async function call(method: string, body: unknown, token = telegram.token) {
  const response = await fetch(`${telegram.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('startFakeTelegram', () => {
  it('answers sendMessage like Telegram, with increasing message ids, and records it', async () => {
    const first = await call('sendMessage', { chat_id: 42, text: 'satu' });
    const second = await call('sendMessage', { chat_id: '42', text: 'dua' });

    expect(first).toMatchObject({ status: 200, json: { ok: true, result: { message_id: 1, chat: { id: 42, type: 'private' }, text: 'satu' } } });
    expect(second.json).toMatchObject({ result: { message_id: 2 } });
    expect(telegram.sent('42')).toEqual([
      { chatId: '42', text: 'satu', messageId: 1 },
      { chatId: '42', text: 'dua', messageId: 2 },
    ]);
    expect(telegram.calls.map((c) => [c.method, c.status])).toEqual([
      ['sendMessage', 200],
      ['sendMessage', 200],
    ]);
  });

  it('rejects what Telegram rejects: wrong token, empty or too long text, oversized callback_data, unknown method', async () => {
    const cases = await Promise.all([
      call('sendMessage', { chat_id: 1, text: 'x' }, '1:wrong'),
      call('sendMessage', { chat_id: 1, text: ' ' }),
      call('sendMessage', { chat_id: 1, text: 'x'.repeat(4097) }),
      call('sendMessage', { chat_id: 1, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'd'.repeat(65) }]] } }),
      call('sendSomething', {}),
    ]);
    expect(cases.map((c) => [c.status, c.json.description])).toEqual([
      [401, 'Unauthorized'],
      [400, 'Bad Request: message text is empty'],
      [400, 'Bad Request: message is too long'],
      [400, 'Bad Request: BUTTON_DATA_INVALID'],
      [404, 'Not Found'],
    ]);
    expect(telegram.sent()).toEqual([]);
  });

  it('plays scripted failures in order, then answers normally', async () => {
    telegram.failNext('sendMessage', telegramErrors.tooManyRequests(3));
    telegram.failNext('sendMessage', telegramErrors.badGateway(), 2);

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('sendMessage', { chat_id: 1, text: 'x' })).status);

    expect(statuses).toEqual([429, 502, 502, 200]);
    expect(telegram.callsTo('sendMessage')[0]).toMatchObject({ status: 429 });
  });

  it('fails every method during an outage, until heal()', async () => {
    telegram.outage(telegramErrors.badGateway());
    expect((await call('getMe', {})).status).toBe(502);
    expect((await call('answerCallbackQuery', { callback_query_id: '1' })).status).toBe(502);
    telegram.heal();
    expect((await call('getMe', {})).json).toMatchObject({ ok: true, result: { is_bot: true, username: telegram.botInfo.username } });
  });

  it('waitForSends resolves when the count is reached and fails with what it got on timeout', async () => {
    const waiting = telegram.waitForSends(2, { chatId: '7' });
    await call('sendMessage', { chat_id: 7, text: 'a' });
    await call('sendMessage', { chat_id: 8, text: 'lain' });
    await call('sendMessage', { chat_id: 7, text: 'b' });
    expect((await waiting).map((m) => m.text)).toEqual(['a', 'b']);

    await expect(telegram.waitForSends(4, { timeoutMs: 50 })).rejects.toThrow('waited 50 ms for 4 sent messages, got 3');
  });

  it('serves getUpdates from its queue and forgets updates below the offset', async () => {
    const first = telegram.queueUpdate({ message: { message_id: 1 } });
    const second = telegram.queueUpdate({ message: { message_id: 2 } });
    expect(second.update_id).toBe(first.update_id + 1);

    expect((await call('getUpdates', { timeout: 0 })).json.result).toEqual([first, second]);
    expect((await call('getUpdates', { offset: second.update_id, timeout: 0 })).json.result).toEqual([second]);
    expect(telegram.pendingUpdates()).toEqual([second]);
    expect((await call('getUpdates', { offset: second.update_id + 1, timeout: 10 })).json.result).toEqual([]);
  });

  it('refuses getUpdates while a webhook is set, like Telegram', async () => {
    await call('setWebhook', { url: 'https://aduan.example.go.id/telegram/webhook', secret_token: 's' });
    expect((await call('getUpdates', {})).status).toBe(409);
    await call('deleteWebhook', { drop_pending_updates: false });
    expect((await call('getUpdates', {})).status).toBe(200);
  });

  it('reads urlencoded parameters too', async () => {
    await fetch(`${telegram.apiRoot}/bot${telegram.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '9', text: 'form' }),
    });
    expect(telegram.sent('9')).toMatchObject([{ text: 'form' }]);
  });
});
