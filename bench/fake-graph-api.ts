/**
 * A lean fake WhatsApp Cloud (Graph) API for the bench: `POST /{version}/{phone-number-id}/messages`
 * answers at once the way Meta does (`messaging_product`, `contacts`, `messages[0].id`) and reports
 * (recipient `to`, the text the citizen would read, arrival time) to the load generator. The text
 * is `text.body` for plain text, `interactive.body.text` for reply buttons and lists, and the body
 * parameter of a template. tests/support/fake-graph.ts keeps every request for assertions, which is
 * right for tests and too slow under thousands of messages a second.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { OnSend } from './fake-bot-api.js';

export interface FakeGraphApiOptions {
  accessToken: string;
  phoneNumberId: string;
  apiVersion: string;
}

export interface FakeGraphApi {
  /** Base URL without version, as WHATSAPP_CLOUD_API_ROOT takes it. */
  readonly apiRoot: string;
  /** Requests the fake could not read or did not expect (wrong token or path, bad JSON, unknown message type). */
  readonly rejected: number;
  /** Accepted messages by type: `text`, `interactive/button`, `interactive/list`, `template`. */
  readonly sentByType: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

interface GraphMessage {
  messaging_product?: unknown;
  to?: unknown;
  type?: unknown;
  text?: { body?: unknown };
  interactive?: { type?: unknown; body?: { text?: unknown } };
  template?: { components?: { type?: unknown; parameters?: { text?: unknown }[] }[] };
}

/**
 * @param answerDelayMs how long each call waits before its answer, standing in for the round trip
 *   to the real Graph API (arrival is still recorded at once). 0 measures the product alone.
 */
export async function startFakeGraphApi(onSend: OnSend, options: FakeGraphApiOptions, answerDelayMs = 0): Promise<FakeGraphApi> {
  const messagesPath = `/${options.apiVersion}/${options.phoneNumberId}/messages`;
  const authorization = `Bearer ${options.accessToken}`;
  let nextMessageId = 1;
  let rejected = 0;
  const sentByType = new Map<string, number>();

  const reply = (response: ServerResponse, status: number, body: string) => {
    const answer = () => {
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    if (answerDelayMs > 0) setTimeout(answer, answerDelayMs);
    else answer();
  };
  // Meta's error envelope; codes as the Graph API uses them (190 bad token, 100 bad parameter or path).
  const reject = (response: ServerResponse, status: number, code: number, message: string) => {
    rejected++;
    const type = code === 190 ? 'OAuthException' : 'GraphMethodException';
    reply(response, status, JSON.stringify({ error: { message, type, code, fbtrace_id: 'AbenchFakeTrace' } }));
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const arrivedAt = performance.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== messagesPath) return reject(response, 400, 100, 'Unsupported post request');
      if (request.headers.authorization !== authorization) return reject(response, 401, 190, 'Invalid OAuth access token');
      let message: GraphMessage;
      try {
        message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphMessage;
      } catch {
        return reject(response, 400, 100, 'Invalid parameter');
      }
      if (message.messaging_product !== 'whatsapp' || typeof message.to !== 'string' || message.to === '') {
        return reject(response, 400, 100, 'Invalid parameter');
      }
      const read = readMessage(message);
      if (!read) return reject(response, 400, 100, 'Invalid parameter');
      sentByType.set(read.type, (sentByType.get(read.type) ?? 0) + 1);
      onSend(message.to, read.text, arrivedAt);
      const wamid = `wamid.HBgN${Buffer.from(`bench:${message.to}:${nextMessageId++}`).toString('base64url')}`;
      return reply(
        response,
        200,
        JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: message.to, wa_id: message.to }], messages: [{ id: wamid }] }),
      );
    });
  });
  // Keep the product's pooled connections open across the whole phase.
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    get rejected() {
      return rejected;
    },
    sentByType,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The type and the text a citizen reads of one outgoing message, or null when it is not one we accept. */
function readMessage(m: GraphMessage): { type: string; text: string } | null {
  switch (m.type) {
    case 'text':
      return typeof m.text?.body === 'string' ? { type: 'text', text: m.text.body } : null;
    case 'interactive': {
      const kind = m.interactive?.type;
      const body = m.interactive?.body?.text;
      return (kind === 'button' || kind === 'list') && typeof body === 'string' ? { type: `interactive/${kind}`, text: body } : null;
    }
    case 'template': {
      const parameter = m.template?.components?.find((c) => c.type === 'body')?.parameters?.[0]?.text;
      return { type: 'template', text: typeof parameter === 'string' ? parameter : '' };
    }
    default:
      return null;
  }
}
