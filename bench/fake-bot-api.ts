/**
 * A lean fake Telegram Bot API for the bench: `sendMessage` answers at once with the smallest
 * reply grammY accepts, and reports (chat id, text, inline buttons, arrival time) to the load
 * generator. `setWebhook` is kept: the bench delivers updates to the URL a bot registered, with the
 * secret it asked for (the reference bot registers itself; the product is configured instead).
 * tests/support/fake-telegram.ts keeps every call and filters arrays on each wait, which is
 * right for tests and quadratic under thousands of messages a second.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface FakeBotApi {
  readonly apiRoot: string;
  readonly token: string;
  /** Requests the fake could not read or did not expect (wrong token, unknown method, bad JSON). */
  readonly rejected: number;
  /** What the last `setWebhook` registered, or null before any. */
  readonly webhook: RegisteredWebhook | null;
  close(): Promise<void>;
}

export interface RegisteredWebhook {
  url: string;
  /** The `secret_token`, which Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`. */
  secret: string | null;
}

/**
 * Called for every accepted `sendMessage`, with `performance.now()` taken when the request arrived
 * and the callback data of its inline keyboard's buttons (the fake Graph API gives none).
 */
export type OnSend = (chatId: string, text: string, arrivedAt: number, buttons?: string[]) => void;

/** The callback data of an inline keyboard's buttons, in order. */
function callbackData(markup: unknown): string[] {
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((row: unknown) =>
    Array.isArray(row) ? row.map((b: { callback_data?: unknown }) => b?.callback_data).filter((d): d is string => typeof d === 'string') : [],
  );
}

const TOKEN = '7000000001:AAFakeTokenForKanalAduanBench_0123456789';
const BOT_USER = { id: 7000000001, is_bot: true, first_name: 'Kanal Aduan Bench', username: 'kanal_aduan_bench_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false };

/**
 * @param answerDelayMs how long each call waits before its answer, standing in for the round trip
 *   to the real Bot API (arrival is still recorded at once). 0 measures the product alone.
 */
export async function startFakeBotApi(onSend: OnSend, answerDelayMs = 0): Promise<FakeBotApi> {
  let nextMessageId = 1;
  let rejected = 0;
  let webhook: RegisteredWebhook | null = null;

  const reply = (response: ServerResponse, status: number, body: string) => {
    const answer = () => {
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    if (answerDelayMs > 0) setTimeout(answer, answerDelayMs);
    else answer();
  };
  const reject = (response: ServerResponse, status: number, description: string) => {
    rejected++;
    reply(response, status, JSON.stringify({ ok: false, error_code: status, description }));
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const arrivedAt = performance.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(request.url ?? '');
      if (!match || match[1] !== TOKEN) return reject(response, 404, 'Not Found');
      let params: Record<string, unknown>;
      try {
        params = chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch {
        return reject(response, 400, "Bad Request: can't parse JSON");
      }
      switch (match[2]) {
        case 'sendMessage': {
          const chatId = String(params.chat_id);
          const text = typeof params.text === 'string' ? params.text : '';
          onSend(chatId, text, arrivedAt, callbackData(params.reply_markup));
          const message = { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: 'private' }, text: '' };
          return reply(response, 200, JSON.stringify({ ok: true, result: message }));
        }
        case 'answerCallbackQuery':
          return reply(response, 200, '{"ok":true,"result":true}');
        case 'getMe':
          return reply(response, 200, JSON.stringify({ ok: true, result: BOT_USER }));
        case 'setWebhook': {
          if (typeof params.url !== 'string') return reject(response, 400, 'Bad Request: bad webhook: URL is missing');
          webhook = { url: params.url, secret: typeof params.secret_token === 'string' ? params.secret_token : null };
          return reply(response, 200, '{"ok":true,"result":true,"description":"Webhook was set"}');
        }
        default:
          return reject(response, 404, 'Not Found');
      }
    });
  });
  // Keep the product's pooled connections open across the whole phase.
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token: TOKEN,
    get rejected() {
      return rejected;
    },
    get webhook() {
      return webhook;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
