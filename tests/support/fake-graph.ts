/**
 * A local fake of the WhatsApp Cloud API's Graph endpoint for tests: real HTTP on 127.0.0.1,
 * answers shaped like Meta's, every request recorded, failures scripted.
 *
 * @example
 *   const graph = await startFakeGraph();
 *   const sender = createWhatsAppCloudSender({ apiRoot: graph.apiRoot, phoneNumberId: '1001', accessToken: 't' });
 *   graph.failNext(graphErrors.throughput());
 *   ... run the outbound worker ...
 *   const [first, second] = await graph.waitForRequests(2);   // no sleeps: resolves on arrival, rejects on timeout
 *   await graph.close();
 *
 * Media: `addMedia(id, bytes, mimeType)` makes `GET /<version>/<id>` answer Meta's media object, whose
 * `url` serves the bytes once, to a request with a bearer token (Meta's URLs expire in minutes).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake received, successful or not. */
export interface FakeGraphRequest {
  method: string;
  /** URL path, e.g. `/v21.0/1001/messages`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The `Authorization` header as sent, e.g. `Bearer t`. */
  authorization: string | undefined;
  /** Parsed JSON body (`undefined` when the body was not JSON). */
  body: unknown;
  /** HTTP status the fake answered with (0 while a scripted `hang` holds the request). */
  status: number;
  /** JSON body the fake answered with, e.g. `{ messages: [{ id: 'wamid.3' }] }`. */
  response: unknown;
}

/** A scripted answer: a status with a JSON body and headers, or `hang` to hold it until `close()`. */
export type FakeGraphResponse = { status: number; body: unknown; headers?: Record<string, string> } | { hang: true };

/** Graph API error answers as Meta shapes them: `{ error: { message, type, code, error_subcode, fbtrace_id } }`. */
export function graphError(
  status: number,
  code: number,
  title: string,
  extra: { subcode?: number; details?: string; headers?: Record<string, string> } = {},
): FakeGraphResponse {
  return {
    status,
    headers: extra.headers,
    body: {
      error: {
        message: `(#${code}) ${title}`,
        type: 'OAuthException',
        code,
        ...(extra.details ? { error_data: { messaging_product: 'whatsapp', details: extra.details } } : {}),
        ...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
        fbtrace_id: 'AbCdEfGhIjKlMnOpQrStUv',
      },
    },
  };
}

/** The errors the adapter must tell apart, with the HTTP status Meta pairs them with. */
export const graphErrors = {
  tooManyRequests: (retryAfterSeconds?: number): FakeGraphResponse =>
    graphError(429, 130429, 'Rate limit hit', {
      headers: retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) },
    }),
  throughput: (): FakeGraphResponse => graphError(400, 130429, 'Rate limit hit', { details: 'Cloud API message throughput has been reached.' }),
  pairRateLimit: (): FakeGraphResponse =>
    graphError(400, 131056, '(Business Account, Consumer Account) pair rate limit hit', {
      details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    }),
  reengagement: (): FakeGraphResponse =>
    graphError(400, 131047, 'Re-engagement message', {
      details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    }),
  undeliverable: (): FakeGraphResponse => graphError(400, 131026, 'Message Undeliverable'),
  notAllowListed: (): FakeGraphResponse => graphError(400, 131030, 'Recipient phone number not in allowed list'),
  unsupportedType: (): FakeGraphResponse => graphError(400, 131051, 'Unsupported message type'),
  businessNumberNotRegistered: (): FakeGraphResponse => graphError(400, 133010, 'Account not registered'),
  tokenExpired: (): FakeGraphResponse => graphError(401, 190, 'Error validating access token: Session has expired', { subcode: 463 }),
  invalidParameter: (): FakeGraphResponse => graphError(400, 100, 'Invalid parameter'),
  serviceUnavailable: (): FakeGraphResponse => graphError(503, 131016, 'Service unavailable'),
  internal: (): FakeGraphResponse => graphError(500, 131000, 'Something went wrong'),
  hang: (): FakeGraphResponse => ({ hang: true }),
};

export interface FakeGraph {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:40123`; the adapter adds `/v21.0/…`. */
  readonly apiRoot: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly FakeGraphRequest[];
  /** Resolves once at least `count` requests arrived (failed ones included); rejects after `timeoutMs` (default 5000). */
  waitForRequests(count: number, options?: { timeoutMs?: number }): Promise<FakeGraphRequest[]>;
  /** The next `times` requests (only those `matching`, if given) get `response` instead of a success. */
  failNext(response: FakeGraphResponse, times?: number, matching?: (request: FakeGraphRequest) => boolean): void;
  /** Media a citizen sent, retrievable by id. */
  addMedia(id: string, bytes: Buffer, mimeType: string): void;
  /** Stops the server; held requests are cut. Safe to call twice. */
  close(): Promise<void>;
}

/** `sha256=<hex HMAC-SHA256>` of `body` exactly as Meta signs webhook POSTs. */
export function signCloudPayload(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Starts a fake Graph API on 127.0.0.1 and a free port. */
export async function startFakeGraph(): Promise<FakeGraph> {
  const requests: FakeGraphRequest[] = [];
  const scripted: { response: FakeGraphResponse; matching?: (request: FakeGraphRequest) => boolean }[] = [];
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  /** Download URLs handed out and not used yet: path → media id. */
  const downloads = new Map<string, string>();
  const arrivals = new EventEmitter();
  let nextMessageId = 1;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const record: FakeGraphRequest = {
        method: req.method ?? '',
        path: new URL(req.url ?? '/', 'http://fake').pathname,
        headers: req.headers,
        authorization: req.headers.authorization,
        body: parseJson(raw),
        status: 0,
        response: undefined,
      };
      requests.push(record);
      const index = scripted.findIndex((s) => !s.matching || s.matching(record));
      const response = index === -1 ? answer(record) : scripted.splice(index, 1)[0].response;
      if ('bytes' in response) {
        record.status = 200;
        res.writeHead(200, { 'content-type': response.mimeType, 'content-length': String(response.bytes.length) });
        res.end(response.bytes);
      } else if (!('hang' in response)) reply(res, record, response);
      arrivals.emit('request');
    });
  });

  function answer(record: FakeGraphRequest): FakeGraphResponse | { bytes: Buffer; mimeType: string } {
    const mediaId = downloads.get(record.path);
    if (record.method === 'GET' && mediaId !== undefined) {
      if (!record.authorization?.startsWith('Bearer ')) return graphError(401, 190, 'Invalid OAuth access token');
      downloads.delete(record.path);
      return media.get(mediaId)!;
    }
    const info = /^\/v\d+\.\d+\/([^/]+)$/.exec(record.path);
    if (record.method === 'GET' && info) {
      const found = media.get(info[1]);
      if (!found) return graphError(404, 100, 'Unsupported get request. Object does not exist');
      const path = `/whatsapp_business/attachments/${randomBytes(8).toString('hex')}`;
      downloads.set(path, info[1]);
      return {
        status: 200,
        body: {
          messaging_product: 'whatsapp',
          url: `${apiRoot}${path}?mid=${info[1]}&ext=${Date.now()}`,
          mime_type: found.mimeType,
          sha256: createHash('sha256').update(found.bytes).digest('hex'),
          file_size: found.bytes.length,
          id: info[1],
        },
      };
    }
    if (record.method !== 'POST' || !/^\/v\d+\.\d+\/[^/]+\/messages$/.test(record.path)) {
      return graphError(400, 100, 'Unsupported post request');
    }
    const to = (record.body as { to?: unknown } | undefined)?.to;
    if (typeof to !== 'string') return graphError(400, 100, 'Invalid parameter');
    return {
      status: 200,
      body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.${nextMessageId++}` }] },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const apiRoot = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    apiRoot,
    requests,
    waitForRequests(count, { timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          clearTimeout(timer);
          arrivals.off('request', check);
          resolve(requests.slice(0, count));
        };
        const timer = setTimeout(() => {
          arrivals.off('request', check);
          reject(new Error(`fake Graph API: expected ${count} requests within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        arrivals.on('request', check);
        check();
      });
    },
    failNext(response, times = 1, matching) {
      for (let i = 0; i < times; i++) scripted.push({ response, matching });
    },
    addMedia(id, bytes, mimeType) {
      media.set(id, { bytes, mimeType });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

function reply(res: ServerResponse, record: FakeGraphRequest, response: { status: number; body: unknown; headers?: Record<string, string> }) {
  record.status = response.status;
  record.response = response.body;
  res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
  res.end(JSON.stringify(response.body));
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
