/**
 * Telegram send side: an `OutboundMessage` becomes Bot API calls through grammY's `Api` (over the
 * platforms' HTTP client, src/http/platform-client.ts), and every failure is classified here,
 * once, so queues never read Telegram's error text.
 */
import { Api, GrammyError, HttpError } from 'grammy';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { grammyFetch } from '../../http/platform-client.js';
import { imageAsText, type OutboundMessage, type ReplyOption, type SendResult } from '../../domain/messages.js';
import type { ChannelSender } from '../types.js';
import { splitText } from '../split-text.js';

export interface TelegramSenderOptions {
  /** Bot token from BotFather. */
  token: string;
  /** Bot API base URL, e.g. `https://api.telegram.org` or a local fake server; a trailing slash is fine. */
  apiRoot: string;
  /** Give up on one HTTP call after this long and report it retryable (default 10 s). */
  fetchTimeoutMs?: number;
}

/** Telegram rejects longer texts with "message is too long". */
export const TELEGRAM_TEXT_LIMIT = 4096;
/** A photo's caption, after entities are parsed (Bot API `sendPhoto`). */
export const TELEGRAM_CAPTION_LIMIT = 1024;
/** More buttons than this turn into a wall; the numbered list in the text is enough then. */
const MAX_BUTTONS = 10;
/** Telegram's hard cap on `callback_data`, in UTF-8 bytes. */
const MAX_CALLBACK_DATA_BYTES = 64;
/** Telegram clips long button labels itself, mid-word; we clip first, with an ellipsis. */
const MAX_BUTTON_LABEL = 40;
/** Labels up to this length fit two to a row on a phone. */
const TWO_PER_ROW_LABEL = 18;

/**
 * Creates the Telegram `ChannelSender`.
 *
 * @example
 *   const telegram = createTelegramSender({ token: config.telegramToken, apiRoot: 'https://api.telegram.org' });
 *   const result = await telegram.send({ kind: 'text', chatId: '123', text: 'Halo' });
 *   if (!result.ok && result.failure === 'rate-limited') job.moveToDelayed(Date.now() + result.retryAfterMs);
 */
export function createTelegramSender(options: TelegramSenderOptions): ChannelSender {
  const api = new Api(options.token, {
    // grammY throws on a trailing slash; config values often carry one.
    apiRoot: options.apiRoot.replace(/\/+$/, ''),
    timeoutSeconds: (options.fetchTimeoutMs ?? 10_000) / 1000,
    // Every reply is one call: undici's, a third of node-fetch's CPU (src/http/platform-client.ts).
    fetch: grammyFetch,
  });

  async function send(message: OutboundMessage): Promise<SendResult> {
    try {
      switch (message.kind) {
        case 'text':
          return await sendText(api, message.chatId, message.text, message.options);
        case 'image':
          return await sendImage(api, message.chatId, message.imageUrl, message.text);
        case 'callback-answer':
          await api.answerCallbackQuery(message.callbackQueryId);
          return { ok: true, externalId: `cb:${message.callbackQueryId}` };
        case 'template':
          return { ok: false, failure: 'permanent', reason: 'Telegram has no message templates', unreachable: false };
      }
    } catch (error) {
      return classifyTelegramError(error, options.token);
    }
  }

  return { channel: 'telegram', send };
}

async function sendText(api: Api, chatId: string, text: string, options: ReplyOption[] | undefined): Promise<SendResult> {
  const parts = splitText(text, TELEGRAM_TEXT_LIMIT);
  const keyboard = inlineKeyboard(options);
  let lastMessageId = 0;
  // In order, buttons on the last part so they sit under the question. A failure after some
  // parts went out makes the queue resend them all: a repeat beats a lost message.
  for (const [index, part] of parts.entries()) {
    const isLast = index === parts.length - 1;
    const sent = await api.sendMessage(chatId, part, isLast && keyboard ? { reply_markup: keyboard } : {});
    lastMessageId = sent.message_id;
  }
  return { ok: true, externalId: String(lastMessageId) };
}

/**
 * The picture by its URL (Telegram fetches it), the text as its caption when it fits, else after
 * it. A picture Telegram cannot fetch or read (a 400 that is not about the chat) does not cost the
 * citizen the notice: the text goes with the link instead.
 */
async function sendImage(api: Api, chatId: string, imageUrl: string, text: string): Promise<SendResult> {
  const captioned = text.length <= TELEGRAM_CAPTION_LIMIT;
  try {
    const sent = await api.sendPhoto(chatId, imageUrl, captioned && text !== '' ? { caption: text } : {});
    if (captioned) return { ok: true, externalId: String(sent.message_id) };
  } catch (error) {
    if (!(error instanceof GrammyError) || error.error_code !== 400 || /chat not found|PEER_ID_INVALID/i.test(error.description)) throw error;
    return sendText(api, chatId, imageAsText({ text, imageUrl }), undefined);
  }
  return sendText(api, chatId, text, undefined);
}

/** Options as inline buttons, or undefined when they cannot all be buttons (the text lists them anyway). */
export function inlineKeyboard(options: ReplyOption[] | undefined): InlineKeyboardMarkup | undefined {
  if (!options || options.length === 0 || options.length > MAX_BUTTONS) return undefined;
  if (options.some((o) => Buffer.byteLength(o.key, 'utf8') > MAX_CALLBACK_DATA_BYTES)) return undefined;
  const buttons: InlineKeyboardButton[] = options.map((o) => ({
    text: clip(`${o.key}. ${o.label}`, MAX_BUTTON_LABEL),
    callback_data: o.key,
  }));
  const perRow = buttons.every((b) => b.text.length <= TWO_PER_ROW_LABEL) ? 2 : 1;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

function clip(label: string, max: number): string {
  const chars = Array.from(label);
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Maps whatever grammY threw to a `SendResult` failure. Telegram's `description` is kept as the
 * reason for operators; the token never appears in it.
 */
export function classifyTelegramError(error: unknown, token: string): SendResult {
  if (error instanceof GrammyError) {
    const reason = error.description;
    const code = error.error_code;
    if (code === 429) {
      const retryAfterSeconds = error.parameters.retry_after ?? 1;
      return { ok: false, failure: 'rate-limited', retryAfterMs: retryAfterSeconds * 1000, reason };
    }
    // Blocked by the user, user deactivated, bot kicked, never started: this chat is gone for us.
    if (code === 403) return { ok: false, failure: 'permanent', reason, unreachable: true };
    if (code === 400) {
      // PEER_ID_INVALID is how Telegram says "chat not found" for an id the bot never met.
      const unreachable = /chat not found|PEER_ID_INVALID/i.test(reason);
      return { ok: false, failure: 'permanent', reason, unreachable };
    }
    // 401/404 mean our token or apiRoot is wrong and 409 a webhook/polling clash: operators fix
    // those, and the message must still be there when they have.
    if (code >= 500 || code === 401 || code === 404 || code === 409) {
      return { ok: false, failure: 'retryable', reason: `${code}: ${reason}` };
    }
    return { ok: false, failure: 'permanent', reason, unreachable: false };
  }
  if (error instanceof HttpError) {
    // Network down, connection refused, timeout, non-JSON body from a proxy.
    return { ok: false, failure: 'retryable', reason: redact(describeHttpError(error), token) };
  }
  return { ok: false, failure: 'retryable', reason: redact(String(error), token) };
}

function describeHttpError(error: HttpError): string {
  const cause = error.error;
  if (!(cause instanceof Error)) return error.message;
  const code = (cause as NodeJS.ErrnoException).code;
  return `${error.message} ${code ?? cause.message}`;
}

/** Network errors quote the request URL, which contains the bot token. */
function redact(text: string, token: string): string {
  return text.split(token).join('<token>');
}
