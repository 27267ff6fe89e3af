/**
 * The Cloud API webhook as a Fastify route pair: GET answers Meta's subscription check, POST
 * checks the `X-Hub-Signature-256` HMAC over the raw body bytes before anything is parsed, then
 * hands each message and receipt to the caller in order.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DeliveryStatus } from '../../domain/messages.js';
import { parseCloudWebhook, type CloudInbound } from './inbound.js';

export interface WhatsAppCloudWebhookOptions {
  /** e.g. `/webhooks/whatsapp-cloud`; both GET and POST are served there. */
  path: string;
  /** The string typed into the app dashboard's webhook form. */
  verifyToken: string;
  /** The Meta app secret that signs every POST. */
  appSecret: string;
  /** Called for each citizen message, one at a time, in payload order. Throw to make Meta redeliver. */
  onMessage: (message: CloudInbound) => Promise<void> | void;
  /** Called for each delivery receipt, after the messages. Throw to make Meta redeliver. */
  onStatus: (status: DeliveryStatus) => Promise<void> | void;
}

/**
 * Registers the webhook in its own encapsulated context, so the raw-body parser it needs never
 * changes how the app's other routes parse JSON. Routes exist once the app is ready.
 *
 * Answers: 401 for a missing or wrong signature (nothing passed on), 400 for a signed body that
 * is not JSON, 500 when a callback throws (Meta redelivers; storage is unique on the wamid, so the
 * messages already handled are dropped the second time), otherwise 200.
 *
 * @example
 *   registerWhatsAppCloudWebhook(app, { path: '/webhooks/whatsapp-cloud', verifyToken, appSecret,
 *     onMessage: (m) => inbox.store(m), onStatus: (s) => outbox.recordDelivery(s) });
 */
export function registerWhatsAppCloudWebhook(app: FastifyInstance, options: WhatsAppCloudWebhookOptions): void {
  const { path, onMessage, onStatus } = options;
  // An empty secret would make every forged body "signed"; fail at start-up instead.
  if (!options.appSecret || !options.verifyToken) throw new Error('whatsapp-cloud webhook needs appSecret and verifyToken');
  const verifyTokenDigest = digest(options.verifyToken);

  app.register(async (scope) => {
    // The signature covers the exact bytes Meta sent; JSON.parse + stringify would not reproduce them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.get(path, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const token = query['hub.verify_token'];
      const challenge = query['hub.challenge'];
      const tokenMatches = typeof token === 'string' && timingSafeEqual(digest(token), verifyTokenDigest);
      if (query['hub.mode'] !== 'subscribe' || !tokenMatches || typeof challenge !== 'string') {
        return reply.code(403).type('text/plain').send('forbidden');
      }
      return reply.code(200).type('text/plain').send(challenge);
    });

    // A server's request, not a browser's: security headers (and their per-answer CSP nonces) protect pages.
    scope.post(path, { helmet: false }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signatureMatches(raw, request.headers['x-hub-signature-256'], options.appSecret)) {
        request.log.warn('whatsapp-cloud webhook: missing or wrong signature');
        return reply.code(401).send({ error: 'invalid signature' });
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply.code(400).send({ error: 'invalid JSON' });
      }
      const batch = parseCloudWebhook(body);
      if (batch.ignored.length) request.log.debug({ ignored: batch.ignored }, 'whatsapp-cloud webhook: items ignored');
      try {
        for (const message of batch.messages) await onMessage(message);
        for (const status of batch.statuses) await onStatus(status);
      } catch (err) {
        request.log.error({ err }, 'whatsapp-cloud webhook: handler failed, Meta will redeliver');
        return reply.code(500).send({ error: 'handler failed' });
      }
      return reply.code(200).send({ ok: true });
    });
  });
}

/**
 * Constant-time check of `sha256=<hex>` against the HMAC of the raw bytes. The header's length
 * is checked first (it is not secret); the digests compared are always 32 bytes.
 */
function signatureMatches(raw: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  if (typeof header !== 'string') return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

/** Hashing both sides gives equal lengths, so comparing the verify token leaks nothing about it. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
