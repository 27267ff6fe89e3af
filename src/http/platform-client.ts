/**
 * The HTTP client the channels call their platforms with: undici's `request` (Node's own HTTP
 * client, as a library) over one keep-alive `Agent`. Every reply a citizen gets is one such call,
 * so its cost is paid per message: measured on the bench machine against a local server (20
 * calls in flight, a sendMessage with buttons), grammY's default client (node-fetch on node:http)
 * took 167 µs of CPU a call, grammY over `grammyFetch` below 53 µs, undici's `request` alone 34 µs;
 * Node's global `fetch` (undici's WHATWG one, with its spec-shaped Request, Headers and body
 * streams), which the WhatsApp Cloud sender used, 327 µs.
 *
 * @example
 *   const api = new Api(token, { apiRoot, fetch: grammyFetch });
 *   const { statusCode, body } = await request(url, { dispatcher: platformAgent, method: 'POST', body: json });
 */
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';

/** Idle connections are kept this long: a busy bot reuses them, an idle one lets them go. */
const KEEP_ALIVE_MS = 30_000;

export const platformAgent = new Agent({ keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS });

/** What grammY hands its `fetch`: a JSON (or multipart stream) POST, its headers, its timeout's signal. */
interface GrammyInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | Readable;
  signal?: AbortSignal;
}

/**
 * grammY's `fetch` option on undici's `request`. grammY reads nothing of the response but its
 * JSON (the Bot API answers errors in JSON too, with their code); a body that is not JSON (a proxy's
 * page) rejects with its status and URL, which grammY reports as an `HttpError`, as it does a
 * network failure or its timeout.
 */
export const grammyFetch = (async (url: string | URL, init: GrammyInit = {}) => {
  const { statusCode, headers, body } = await request(url, {
    dispatcher: platformAgent,
    method: (init.method ?? 'GET') as 'GET' | 'POST',
    headers: init.headers,
    body: init.body,
    signal: init.signal,
  });
  return {
    json: async () => {
      try {
        return await body.json();
      } catch (err) {
        // The operators' clue: which answer, from where (the caller redacts the token in the URL).
        const type = headers['content-type'] ?? 'no content type';
        throw new Error(`HTTP ${statusCode} (${String(type)}) at ${String(url)}, not JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}) as unknown as typeof fetch;
