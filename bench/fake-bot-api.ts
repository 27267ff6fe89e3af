/**
 * A lean fake Telegram Bot API for the bench: `sendMessage` answers at once with the smallest
 * reply grammY accepts, and reports (chat id, text, arrival time) to the load generator.
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
  close(): Promise<void>;
}

/** Called for every accepted `sendMessage`, with `performance.now()` taken when the request arrived. */
export type OnSend = (chatId: string, text: string, arrivedAt: number) => void;

const TOKEN = '7000000001:AAFakeTokenForKanalAduanBench_0123456789';

/**
 * @param answerDelayMs how long each call waits before its answer, standing in for the round trip
 *   to the real Bot API (arrival is still recorded at once). 0 measures the product alone.
 */
export async function startFakeBotApi(onSend: OnSend, answerDelayMs = 0): Promise<FakeBotApi> {
  let nextMessageId = 1;
  let rejected = 0;

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
          onSend(chatId, text, arrivedAt);
          const message = { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: 'private' }, text: '' };
          return reply(response, 200, JSON.stringify({ ok: true, result: message }));
        }
        case 'answerCallbackQuery':
          return reply(response, 200, '{"ok":true,"result":true}');
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
