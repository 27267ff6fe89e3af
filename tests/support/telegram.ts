/** Builders for real-shaped Telegram updates, and a client that posts them to the product's webhook. */
import type { Sql } from 'postgres';
import { WEBHOOK_PATH, type App } from '../../src/app.js';
import { waitForIdle, waitForNothingOwed } from './env.js';
import type { FakeTelegram } from './fake-telegram.js';

let nextUpdateId = 700_000_000;

export function textUpdate(chatId: number, messageId: number, text: string, updateId = nextUpdateId++) {
  return {
    update_id: updateId,
    message: {
      message_id: messageId,
      from: { id: chatId, is_bot: false, first_name: 'Siti', last_name: 'Rahayu', language_code: 'id' },
      chat: { id: chatId, first_name: 'Siti', last_name: 'Rahayu', type: 'private' },
      date: 1_764_000_000 + messageId,
      text,
    },
  };
}

export const WEBHOOK_SECRET = 'test_webhook_secret_123';

export function telegramConfig(fake: { apiRoot: string; token: string }, extra: Record<string, string> = {}) {
  return {
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_MODE: 'webhook',
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TELEGRAM_MAX_PER_SECOND: '1000',
    ...extra,
  };
}

/** Posts one update over real HTTP, as Telegram would, and returns the status code. */
export async function postUpdate(baseUrl: string, update: unknown, secret = WEBHOOK_SECRET): Promise<number> {
  const res = await fetch(baseUrl + WEBHOOK_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body: JSON.stringify(update),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The product running in other processes: where its web role listens, and its database. */
export interface ProductProcesses {
  url: string;
  sql: Sql;
}

/** A navigation script whose replies are deterministic (no ticket numbers), for order checks. */
export const NAVIGATION_SCRIPT = ['halo', '3', '1', '0', '2', '0', 'bantuan', 'menu'];

/**
 * Runs `script` for one citizen alone, waiting for each step to finish, and returns the replies
 * and how many there were after each message: the sequence every chat must get, whatever else runs.
 */
export async function recordBaseline(product: App | ProductProcesses, telegram: FakeTelegram, chatId: number, script = NAVIGATION_SCRIPT) {
  const counts: number[] = [];
  for (let i = 0; i < script.length; i++) {
    await postUpdate(product.url!, textUpdate(chatId, i + 1, script[i]));
    await ('ctx' in product ? waitForIdle(product) : waitForNothingOwed(product.sql));
    counts.push(telegram.sent(String(chatId)).length);
  }
  return { replies: telegram.sent(String(chatId)).map((m) => m.text), counts };
}

/**
 * Posts the whole script for a chat without waiting for any reply (a citizen typing faster than
 * the bot answers). Updates of one chat arrive one after another, as Telegram delivers them;
 * callers run many chats at once, so chats interleave.
 */
export async function fireScript(baseUrl: string, chatId: number, script = NAVIGATION_SCRIPT): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < script.length; i++) statuses.push(await postUpdate(baseUrl, textUpdate(chatId, i + 1, script[i])));
  return statuses;
}

/**
 * One citizen's chat over the fake Bot API: each call posts a message to `product`'s webhook,
 * waits until nothing is owed, and returns the replies that message got (joined by newlines).
 */
export function citizenChat(product: App, telegram: FakeTelegram, chatId: number): (text: string) => Promise<string> {
  let messageId = 1;
  return async (text) => {
    const before = telegram.sent(String(chatId)).length;
    const status = await postUpdate(product.url!, textUpdate(chatId, messageId++, text));
    if (status !== 200) throw new Error(`the webhook answered ${status}`);
    await waitForIdle(product);
    return telegram.sent(String(chatId)).slice(before).map((m) => m.text).join('\n');
  };
}
