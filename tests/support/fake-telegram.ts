/**
 * A local fake Telegram Bot API server for tests: real HTTP on 127.0.0.1, answers shaped like
 * Telegram's, every call recorded, failures scripted per method. Point any Telegram client at
 * `apiRoot` (grammY: `new Api(token, { apiRoot })`).
 *
 * @example
 *   const telegram = await startFakeTelegram();
 *   const sender = createTelegramSender({ token: telegram.token, apiRoot: telegram.apiRoot });
 *   telegram.failNext('sendMessage', telegramErrors.tooManyRequests(1));
 *   ... run the outbound worker ...
 *   const [reply] = await telegram.waitForSends(1);   // no sleeps: resolves on the send, fails on timeout
 *   expect(reply.text).toContain('Nomor tiket');
 *   await telegram.close();
 *
 * Files: `addFile(fileId, bytes)` makes `getFile` answer with a `file_path`, and the bytes are served
 * at `<apiRoot>/file/bot<token>/<file_path>` (calls recorded as method `file`, scriptable with
 * `failNext('file', …)` like any method).
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UserFromGetMe } from 'grammy/types';
import { fileClock } from './clock.js';

/** One request the fake received, successful or not. */
export interface FakeTelegramCall {
  /** Bot API method as in the URL, e.g. `sendMessage`. */
  method: string;
  /** Token from the URL (`/bot<token>/<method>`). */
  token: string;
  /** Parameters: JSON body, form body and query string merged. */
  body: Record<string, unknown>;
  /** HTTP status the fake answered with (0 while a scripted `hang` holds the request). */
  status: number;
  /** When the request arrived (`performance.now()`), to check the waits between a chat's attempts. */
  at: number;
}

/** A message the fake accepted through `sendMessage`. */
export interface FakeSentMessage {
  chatId: string;
  /** The text, or a photo's caption ('' without one). */
  text: string;
  /** `sendPhoto`: the photo as given (a URL or a file_id). */
  photo?: string;
  messageId: number;
  /** `reply_markup` exactly as received, e.g. `{ inline_keyboard: [[{ text, callback_data }]] }`. */
  replyMarkup?: unknown;
}

/**
 * A scripted answer: an HTTP status with a JSON body (or a raw string, e.g. a proxy's HTML
 * page), or `hang` to hold the request open until `close()` (for client timeouts).
 */
export type FakeResponse = { status: number; body: unknown } | { hang: true };

/** Error answers exactly as Telegram words them. */
export const telegramErrors = {
  tooManyRequests: (retryAfterSeconds: number): FakeResponse =>
    apiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, { retry_after: retryAfterSeconds }),
  blocked: (): FakeResponse => apiError(403, 'Forbidden: bot was blocked by the user'),
  userDeactivated: (): FakeResponse => apiError(403, 'Forbidden: user is deactivated'),
  chatNotFound: (): FakeResponse => apiError(400, 'Bad Request: chat not found'),
  badRequest: (description: string): FakeResponse => apiError(400, `Bad Request: ${description}`),
  badGateway: (): FakeResponse => apiError(502, 'Bad Gateway'),
  /** What a proxy in front of Telegram sends: not JSON at all. */
  badGatewayHtml: (): FakeResponse => ({
    status: 502,
    body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
  }),
  hang: (): FakeResponse => ({ hang: true }),
};

export interface FakeTelegramOptions {
  /** Longest a `getUpdates` waits for a queued update before answering `[]` (default 1000 ms). */
  longPollMs?: number;
}

export interface WaitOptions {
  /** Fail after this long (default 5000 ms). */
  timeoutMs?: number;
}

export interface FakeTelegram {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly apiRoot: string;
  /** The only token the fake accepts; others get 401 Unauthorized. */
  readonly token: string;
  /** What `getMe` returns; pass it as grammY's `botInfo` to skip that call. */
  readonly botInfo: UserFromGetMe;
  /** Every request so far, in arrival order. */
  readonly calls: readonly FakeTelegramCall[];
  /** Requests to one method. */
  callsTo(method: string): FakeTelegramCall[];
  /** Messages accepted by `sendMessage` and `sendPhoto`, in order, optionally for one chat. */
  sent(chatId?: string): FakeSentMessage[];
  /** Resolves with the accepted messages once there are at least `count` (for `chatId`, if given). */
  waitForSends(count: number, options?: WaitOptions & { chatId?: string }): Promise<FakeSentMessage[]>;
  /** Resolves once `count` requests to `method` arrived, failed ones included. */
  waitForCalls(method: string, count: number, options?: WaitOptions): Promise<FakeTelegramCall[]>;
  /** A file the bot can download: `getFile(fileId)` answers with its path and size. */
  addFile(fileId: string, bytes: Buffer): void;
  /** Queues an update for `getUpdates`; `update_id` is assigned when missing. Returns it as served. */
  queueUpdate(update: Record<string, unknown>): Record<string, unknown> & { update_id: number };
  /** Queued updates not yet confirmed by a `getUpdates` offset. */
  pendingUpdates(): Array<Record<string, unknown> & { update_id: number }>;
  /** The next `times` calls to `method` get `response` instead of the normal answer. */
  failNext(method: string, response: FakeResponse, times?: number): void;
  /** Every call to `method` for `chatId` gets `response`, whatever else happens, until `close()`: a message Telegram fails on for reasons of its own. */
  failAlwaysFor(method: string, chatId: string, response: FakeResponse): void;
  /** Every call to every method gets `response` (default 502 Bad Gateway) until `heal()`. */
  outage(response?: FakeResponse): void;
  /** Ends an `outage` and drops scripted answers not used yet. */
  heal(): void;
  /** Stops the server; held and long-polling requests are cut. Safe to call twice. */
  close(): Promise<void>;
}

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const CALLBACK_DATA_LIMIT = 64;

/** Starts a fake Bot API on 127.0.0.1 and a free port. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const longPollMs = options.longPollMs ?? 1000;
  const botInfo: UserFromGetMe = {
    id: 7_000_000_001,
    is_bot: true,
    first_name: 'Kanal Aduan (uji)',
    username: 'kanal_aduan_uji_bot',
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
  const token = `${botInfo.id}:AAFakeTokenForKanalAduanTests_0123456789`;

  const calls: FakeTelegramCall[] = [];
  const sentMessages: FakeSentMessage[] = [];
  const scripted = new Map<string, FakeResponse[]>();
  let outageResponse: FakeResponse | undefined;
  const chatFailures = new Map<string, FakeResponse>();
  let updates: Array<Record<string, unknown> & { update_id: number }> = [];
  let nextUpdateId = 100_000_001;
  let nextMessageId = 1;
  let webhookUrl = '';
  /** By file_id, and by file_path for the download route. */
  const files = new Map<string, { path: string; bytes: Buffer }>();
  const filesByPath = new Map<string, Buffer>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  /** Requests held open (hang, long poll); `close()` ends them. */
  const held = new Set<() => void>();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`fake Telegram failed: ${String(error)}`);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrived = performance.now();
    const url = new URL(request.url ?? '/', 'http://fake');
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (download) return serveFile(request, response, download[1], decodeURIComponent(download[2]));
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const params = await readParams(request);
    const body = { ...Object.fromEntries(url.searchParams), ...params };
    const call: FakeTelegramCall = { method: match?.[2] ?? url.pathname, token: match?.[1] ?? '', body, status: 0, at: arrived };
    calls.push(call);
    events.emit('change');

    const answer = (status: number, payload: unknown) => {
      call.status = status;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      response.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/html' : 'application/json' });
      response.end(text);
      events.emit('change');
    };

    if (!match) return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (call.token !== token) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    if (params === undefined) return answer(400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });

    const script = chatFailures.get(`${call.method}:${String(body.chat_id ?? '')}`) ?? outageResponse ?? scripted.get(call.method)?.shift();
    if (script) {
      if ('hang' in script) {
        held.add(() => response.destroy());
        return;
      }
      return answer(script.status, script.body);
    }

    const result = await perform(call.method, body, response);
    if ('error' in result) return answer(result.error.status, result.error.body);
    answer(200, { ok: true, result: result.ok });
  }

  /** Telegram's file route: the raw bytes, no JSON envelope; 404 for an unknown path. */
  async function serveFile(request: IncomingMessage, response: ServerResponse, fileToken: string, path: string): Promise<void> {
    for await (const _chunk of request);
    const call: FakeTelegramCall = { method: 'file', token: fileToken, body: { path }, status: 0, at: performance.now() };
    calls.push(call);
    const send = (status: number, body: Buffer | string, type: string) => {
      call.status = status;
      response.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
      response.end(body);
      events.emit('change');
    };
    const script = outageResponse ?? scripted.get('file')?.shift();
    if (script) {
      if ('hang' in script) {
        held.add(() => response.destroy());
        return;
      }
      return send(script.status, typeof script.body === 'string' ? script.body : JSON.stringify(script.body), 'application/json');
    }
    const bytes = fileToken === token ? filesByPath.get(path) : undefined;
    if (!bytes) return send(404, JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }), 'application/json');
    send(200, bytes, 'application/octet-stream');
  }

  type Outcome = { ok: unknown } | { error: { status: number; body: unknown } };

  async function perform(method: string, body: Record<string, unknown>, response: ServerResponse): Promise<Outcome> {
    switch (method) {
      case 'getMe':
        return { ok: botInfo };
      case 'setWebhook':
        webhookUrl = String(body.url ?? '');
        return { ok: true };
      case 'deleteWebhook':
        webhookUrl = '';
        if (body.drop_pending_updates === true || body.drop_pending_updates === 'true') updates = [];
        return { ok: true };
      case 'getUpdates':
        return getUpdates(body, response);
      case 'answerCallbackQuery':
        return { ok: true };
      case 'sendMessage':
        return sendMessage(body);
      case 'sendPhoto':
        return sendPhoto(body);
      case 'getFile': {
        const file = files.get(String(body.file_id ?? ''));
        if (!file) return failure(400, 'Bad Request: invalid file_id');
        return { ok: { file_id: body.file_id, file_unique_id: `AQAD${file.path.length}`, file_size: file.bytes.length, file_path: file.path } };
      }
      default:
        return { error: { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } } };
    }
  }

  async function getUpdates(body: Record<string, unknown>, response: ServerResponse): Promise<Outcome> {
    if (webhookUrl !== '') {
      return failure(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    // Like Telegram: an offset confirms (forgets) every update below it.
    const offset = Number(body.offset ?? 0);
    if (offset > 0) updates = updates.filter((u) => u.update_id >= offset);
    const limit = Number(body.limit ?? 100);
    const waitMs = Math.min(Number(body.timeout ?? 0) * 1000, longPollMs);
    if (updates.length === 0 && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          events.off('update', done);
          response.off('close', done);
          held.delete(done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        events.on('update', done);
        // The client gave up (e.g. grammY's bot.stop() aborting its poll).
        response.on('close', done);
        held.add(done);
      });
    }
    return { ok: updates.slice(0, limit) };
  }

  function sendMessage(body: Record<string, unknown>): Outcome {
    const text = typeof body.text === 'string' ? body.text : '';
    if (body.chat_id === undefined || body.chat_id === '') return failure(400, 'Bad Request: chat_id is empty');
    if (text.trim() === '') return failure(400, 'Bad Request: message text is empty');
    if (text.length > TEXT_LIMIT) return failure(400, 'Bad Request: message is too long');
    const replyMarkup = typeof body.reply_markup === 'string' ? JSON.parse(body.reply_markup) : body.reply_markup;
    if (hasOversizedCallbackData(replyMarkup)) return failure(400, 'Bad Request: BUTTON_DATA_INVALID');

    return accepted({ chatId: String(body.chat_id), text, ...(replyMarkup !== undefined ? { replyMarkup } : {}) }, {
      text,
      ...(replyMarkup !== undefined ? { reply_markup: replyMarkup } : {}),
    });
  }

  /** Records a sent message and answers with the Message Telegram returns, `fields` its content. */
  function accepted(message: Omit<FakeSentMessage, 'messageId'>, fields: Record<string, unknown> | ((messageId: number) => Record<string, unknown>)): Outcome {
    const messageId = nextMessageId++;
    sentMessages.push({ ...message, messageId });
    return {
      ok: {
        message_id: messageId,
        from: { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username },
        chat: { id: Number(message.chatId), type: 'private' },
        date: Math.floor(fileClock.now().getTime() / 1000),
        ...(typeof fields === 'function' ? fields(messageId) : fields),
      },
    };
  }

  /** A photo by URL or file_id, as Telegram takes it; the fake does not fetch the URL (script a failure for that). */
  function sendPhoto(body: Record<string, unknown>): Outcome {
    const photo = typeof body.photo === 'string' ? body.photo : '';
    const caption = typeof body.caption === 'string' ? body.caption : '';
    if (body.chat_id === undefined || body.chat_id === '') return failure(400, 'Bad Request: chat_id is empty');
    if (photo === '') return failure(400, 'Bad Request: there is no photo in the request');
    if (Array.from(caption).length > CAPTION_LIMIT) return failure(400, 'Bad Request: message caption is too long');
    return accepted({ chatId: String(body.chat_id), text: caption, photo }, (messageId) => ({
      photo: [{ file_id: `AgACAgQAAxk${messageId}`, file_unique_id: `AQAD${messageId}`, width: 1280, height: 720 }],
      ...(caption ? { caption } : {}),
    }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function waitFor<T>(what: string, read: () => T[], count: number, timeoutMs = 5000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const items = read();
        if (items.length < count) return;
        stop();
        resolve(items);
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`fake Telegram: waited ${timeoutMs} ms for ${count} ${what}, got ${read().length}`));
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        events.off('change', check);
      };
      events.on('change', check);
      check();
    });
  }

  let closing: Promise<void> | undefined;
  const callsTo = (method: string) => calls.filter((c) => c.method === method);
  const sent = (chatId?: string) => sentMessages.filter((m) => chatId === undefined || m.chatId === chatId);

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    calls,
    callsTo,
    sent,
    waitForSends(count, { chatId, timeoutMs } = {}) {
      const label = chatId === undefined ? 'sent messages' : `sent messages to chat ${chatId}`;
      return waitFor(label, () => sent(chatId), count, timeoutMs);
    },
    waitForCalls(method, count, { timeoutMs } = {}) {
      return waitFor(`${method} calls`, () => callsTo(method), count, timeoutMs);
    },
    queueUpdate(update) {
      const served = { ...update, update_id: typeof update.update_id === 'number' ? update.update_id : nextUpdateId++ };
      updates.push(served);
      events.emit('update');
      return served;
    },
    pendingUpdates: () => [...updates],
    addFile(fileId, bytes) {
      const path = `photos/file_${files.size + 1}.jpg`;
      files.set(fileId, { path, bytes });
      filesByPath.set(path, bytes);
    },
    failNext(method, response, times = 1) {
      const queue = scripted.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push(response);
      scripted.set(method, queue);
    },
    failAlwaysFor(method, chatId, response) {
      chatFailures.set(`${method}:${chatId}`, response);
    },
    outage(response = telegramErrors.badGateway()) {
      outageResponse = response;
    },
    heal() {
      outageResponse = undefined;
      scripted.clear();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const release of held) release();
        held.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function apiError(status: number, description: string, parameters?: Record<string, unknown>): FakeResponse {
  return { status, body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) } };
}

function failure(status: number, description: string): { error: { status: number; body: unknown } } {
  return { error: { status, body: { ok: false, error_code: status, description } } };
}

/**
 * Telegram takes parameters as JSON, urlencoded form or query string; multipart is only for
 * uploads, kept raw. Undefined when a JSON body does not parse.
 */
async function readParams(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw === '') return {};
  const type = request.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  return { raw };
}

function hasOversizedCallbackData(markup: unknown): boolean {
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return false;
  return rows
    .flat()
    .some((button: { callback_data?: unknown }) =>
      typeof button.callback_data === 'string' && Buffer.byteLength(button.callback_data, 'utf8') > CALLBACK_DATA_LIMIT,
    );
}
