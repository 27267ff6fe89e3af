/**
 * One citizen per channel, each talking to the running product the way that channel's citizen
 * does: Telegram updates at the webhook, web chat POSTs and polls, WhatsApp Web `message` events
 * from the (fake) linked phone, signed WhatsApp Cloud webhooks. Where a reply offered a button
 * with the answer's key, the citizen presses it (Telegram inline button, Cloud interactive reply);
 * otherwise they type. Every `say` waits until the message is handled and every reply it owes
 * was delivered, then returns the reply texts as the citizen reads them.
 *
 * @example
 *   const citizens = [telegramCitizen(app, telegram, 9_100_001), webChatCitizen(app)];
 *   for (const citizen of citizens) expect(await citizen.say('halo')).toHaveLength(1);
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { startApp, type App } from '../../src/app.js';
import { TICKET_ALPHABET } from '../../src/cases/ticket.js';
import type { ChannelName } from '../../src/domain/messages.js';
import type { WebJsClient } from '../../src/channels/whatsapp-web/client.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { libraryMessage, type FakeWebJsClient } from '../channels/whatsapp-web/fakes.js';
import { fileClock } from './clock.js';
import { testConfig, TEST_REDIS, type TestEnv } from './env.js';
import type { FakeGraph, FakeGraphRequest } from './fake-graph.js';
import type { FakeSentMessage, FakeTelegram } from './fake-telegram.js';
import { postUpdate, textUpdate } from './telegram.js';
import { chatIdOfSession, openChatSession, pollChat, postChatMessage } from './webchat.js';
import { cloudInteractiveReply, cloudText, cloudWebhook, nextWamid, postCloudWebhook } from './whatsapp-cloud.js';

/** `startTestApp`, plus the WhatsApp Web client factory that production leaves to the real library. */
export function startTestAppWithWhatsAppWeb(
  env: TestEnv,
  options: { config: Record<string, string | undefined>; whatsappWebClientFactory: () => WebJsClient; now?: () => Date; log?: Logger },
): Promise<App> {
  const config = testConfig(options.config);
  return startApp({
    config,
    log: options.log ?? createLogger(config.LOG_LEVEL),
    role: 'all',
    databaseUrl: env.databaseUrl,
    transport: { kind: 'redis', url: TEST_REDIS, prefix: env.redisPrefix },
    whatsappWebClientFactory: options.whatsappWebClientFactory,
    now: options.now ?? fileClock.now,
  });
}

/** What `waitForChat` reads through: the app, or any connection to its database (`{ ctx: { db: { sql } } }`). */
export interface ChatReader {
  ctx: { db: { sql: postgres.Sql } };
}

/**
 * Resolves once the chat has at least `received` stored messages, all processed, and no reply
 * still pending. Counting stored messages (rather than trusting the request that carried them)
 * matters for WhatsApp Web, whose messages reach storage after the event that delivered them.
 */
export async function waitForChat(app: ChatReader, channel: ChannelName, chatId: string, received: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await app.ctx.db.sql<{ stored: number; unprocessed: number; pending: number }[]>`
      select
        (select count(*) from messages m where m.identity_id = i.id)::int as stored,
        (select count(*) from messages m where m.identity_id = i.id and m.processed_at is null)::int as unprocessed,
        (select count(*) from outbox o where o.identity_id = i.id and o.status in ('pending', 'sending'))::int as pending
      from channel_identities i where i.channel = ${channel} and i.chat_id = ${chatId}`;
    if (row && row.stored >= received && row.unprocessed === 0 && row.pending === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`${channel} chat: waited ${timeoutMs} ms for ${received} handled messages, state ${JSON.stringify(row ?? null)}`);
    }
    // Polls a condition in the database; the interval only limits load, correctness does not depend on it.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ChannelCitizen {
  readonly channel: ChannelName;
  /** The chat id the product knows this citizen by (`channel_identities.chat_id`). */
  readonly chatId: string;
  /** How many answers went in as a pressed button rather than typed text. */
  readonly taps: number;
  /** Answers with `text`, pressing the offered button whose key it is, else typing it; resolves with the reply texts. */
  say(text: string): Promise<string[]>;
}

let nextTelegramUpdateId = 810_000_000;
let nextCallbackQuery = 1;

/** Keys of the inline keyboard under a Telegram message. */
function inlineKeys(message: FakeSentMessage | undefined): string[] {
  const rows = (message?.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] } | undefined)?.inline_keyboard ?? [];
  return rows.flat().flatMap((button) => (button.callback_data === undefined ? [] : [button.callback_data]));
}

/** A complete anonymous report (pengaduan, bantuan sosial, no location, no photos), sent. */
export const REPORT_SCRIPT = ['halo', '1', '1', '1', 'Bantuan PKH kami belum cair sejak tiga bulan lalu.', 'lewati', 'lewati', '2', '1'];
const SHOWN_TICKET = new RegExp(`\\*([${TICKET_ALPHABET}]{4})-([${TICKET_ALPHABET}]{4})\\*`);

/** Sends `script` in the citizen's chat and returns the ticket the bot's last answer gave. */
export async function fileReport(citizen: ChannelCitizen, script: readonly string[] = REPORT_SCRIPT): Promise<string> {
  let last: string[] = [];
  for (const text of script) last = await citizen.say(text);
  const match = SHOWN_TICKET.exec(last.join('\n'));
  if (!match) throw new Error(`no ticket in ${JSON.stringify(last)}`);
  return match[1] + match[2];
}

export function telegramCitizen(app: App, telegram: FakeTelegram, chatId: number): ChannelCitizen {
  let stored = 0;
  let messageId = 0;
  let seen = 0;
  let taps = 0;
  let last: FakeSentMessage | undefined;
  return {
    channel: 'telegram',
    chatId: String(chatId),
    get taps() {
      return taps;
    },
    async say(text) {
      const update = last && inlineKeys(last).includes(text) ? pressButton(last, text) : textUpdate(chatId, ++messageId, text);
      const status = await postUpdate(app.url!, update);
      if (status !== 200) throw new Error(`telegram webhook answered ${status}`);
      await waitForChat(app, 'telegram', String(chatId), ++stored);
      const fresh = telegram.sent(String(chatId)).slice(seen);
      seen += fresh.length;
      last = fresh.at(-1) ?? last;
      return fresh.map((m) => m.text);
    },
  };

  /** The `callback_query` update Telegram sends when the citizen presses a button under `message`. */
  function pressButton(message: FakeSentMessage, data: string) {
    taps++;
    const citizen = { id: chatId, is_bot: false, first_name: 'Siti', last_name: 'Rahayu', language_code: 'id' };
    return {
      update_id: nextTelegramUpdateId++,
      callback_query: {
        id: String(4_382_000_000_000_000_000n + BigInt(nextCallbackQuery++)),
        from: citizen,
        message: {
          message_id: message.messageId,
          from: { id: telegram.botInfo.id, is_bot: true, first_name: telegram.botInfo.first_name, username: telegram.botInfo.username },
          chat: { id: chatId, first_name: 'Siti', last_name: 'Rahayu', type: 'private' },
          date: Math.floor(fileClock.now().getTime() / 1000),
          text: message.text,
          reply_markup: message.replyMarkup,
        },
        chat_instance: '-3412890345678901234',
        data,
      },
    };
  }
}

/** The web chat page's citizen: a session of its own; a pressed option button posts its key as text. */
/** A citizen in the web chat: a session opened over HTTP (or `session`, to go on with one), its chat id the token's hash. */
export async function webChatCitizen(app: App, session?: string): Promise<ChannelCitizen & { session: string }> {
  const token = session ?? (await openChatSession(app.url!));
  const chatId = chatIdOfSession(token);
  let stored = 0;
  let after = 0;
  return {
    channel: 'web',
    chatId,
    session: token,
    taps: 0,
    async say(text) {
      const posted = await postChatMessage(app.url!, { session: token, text });
      if (posted.status !== 202 || posted.body.duplicate !== false) throw new Error(`web chat answered ${posted.status} ${JSON.stringify(posted.body)}`);
      await waitForChat(app, 'web', chatId, ++stored);
      const poll = await pollChat(app.url!, token, after);
      after = poll.last;
      return poll.messages.map((m) => m.text);
    },
  };
}

/** A citizen writing to the linked number; `client` is the fake web.js client the product holds. */
export function whatsappWebCitizen(app: App, client: () => FakeWebJsClient, phone: string): ChannelCitizen {
  const chatId = `${phone}@c.us`;
  let stored = 0;
  let seen = 0;
  return {
    channel: 'whatsapp-web',
    chatId,
    taps: 0,
    async say(text) {
      const shortId = `3EB0${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
      const message = { ...libraryMessage({ type: 'chat', body: text, from: chatId, id: shortId, notifyName: 'Siti Rahayu' }), timestamp: Math.floor(fileClock.now().getTime() / 1000) };
      client().emit('message', message);
      await waitForChat(app, 'whatsapp-web', chatId, ++stored);
      const sent = client()
        .sendMessage.mock.calls.filter(([to]) => to === chatId)
        .map(([, content]) => content);
      const fresh = sent.slice(seen);
      seen += fresh.length;
      return fresh;
    },
  };
}

/** What a Graph API `/messages` request shows the citizen: the text, or an interactive message's body. */
export function cloudRequestText(request: FakeGraphRequest): string {
  const body = request.body as { type?: string; text?: { body?: string }; interactive?: { body?: { text?: string } } };
  if (body.type === 'text' && typeof body.text?.body === 'string') return body.text.body;
  if (body.type === 'interactive' && typeof body.interactive?.body?.text === 'string') return body.interactive.body.text;
  throw new Error(`unexpected Graph API request to the citizen: ${JSON.stringify(request.body)}`);
}

interface CloudChoice {
  kind: 'button_reply' | 'list_reply';
  id: string;
  title: string;
  description?: string;
}

/** The choices an interactive message offered, as the phone shows them. */
function cloudChoices(request: FakeGraphRequest | undefined): CloudChoice[] {
  const interactive = (request?.body as { interactive?: Record<string, unknown> } | undefined)?.interactive as
    | { type: string; action: { buttons?: { reply: { id: string; title: string } }[]; sections?: { rows: { id: string; title: string; description?: string }[] }[] } }
    | undefined;
  if (!interactive) return [];
  if (interactive.type === 'button') return (interactive.action.buttons ?? []).map((b) => ({ kind: 'button_reply', ...b.reply }));
  return (interactive.action.sections ?? []).flatMap((s) => s.rows.map((row) => ({ kind: 'list_reply' as const, ...row })));
}

/** A citizen on the official number: signed webhooks in, Graph API requests out. */
export function whatsappCloudCitizen(app: App, graph: FakeGraph, waId: string): ChannelCitizen {
  let stored = 0;
  let seen = 0;
  let taps = 0;
  let last: FakeGraphRequest | undefined;
  return {
    channel: 'whatsapp-cloud',
    chatId: waId,
    get taps() {
      return taps;
    },
    async say(text) {
      const choice = cloudChoices(last).find((c) => c.id === text);
      const id = nextWamid();
      const repliedTo = (last?.response as { messages?: { id: string }[] } | undefined)?.messages?.[0]?.id ?? '';
      const message = choice
        ? cloudInteractiveReply({ from: waId, id, kind: choice.kind, replyId: choice.id, title: choice.title, description: choice.description, repliedTo })
        : cloudText({ from: waId, id, text });
      if (choice) taps++;
      const status = await postCloudWebhook(app.url!, cloudWebhook({ messages: [message] }));
      if (status !== 200) throw new Error(`whatsapp-cloud webhook answered ${status}`);
      await waitForChat(app, 'whatsapp-cloud', waId, ++stored);
      const fresh = sentTo(graph, waId).slice(seen);
      seen += fresh.length;
      last = fresh.at(-1) ?? last;
      return fresh.map(cloudRequestText);
    },
  };
}

/** Graph API message requests to `waId` that Meta (the fake) accepted, in arrival order. */
export function sentTo(graph: FakeGraph, waId: string): FakeGraphRequest[] {
  return graph.requests.filter((r) => r.status === 200 && /\/messages$/.test(r.path) && (r.body as { to?: unknown } | undefined)?.to === waId);
}
