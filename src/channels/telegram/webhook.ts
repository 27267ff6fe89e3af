/**
 * Telegram webhook endpoint. A plain Fastify route, not grammY's `webhookCallback`: we only
 * hand the raw update to the runtime, so a `Bot` (and its `getMe` on the first request) would
 * add a moving part and nothing else, and owning the route lets us check the secret before
 * the body is even parsed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';

export interface TelegramWebhookOptions {
  /** Route path, e.g. `/telegram/webhook`. */
  path: string;
  /**
   * The `secret_token` given to `setWebhook`; Telegram echoes it in `X-Telegram-Bot-Api-Secret-Token`.
   * Leave unset only in development: without it anyone can post fake updates.
   */
  secretToken?: string;
  /**
   * Stores and enqueues one raw update. Must be quick; if it throws, Telegram gets a 500 and
   * redelivers the update later, so nothing is lost while the database is down.
   */
  onUpdate(update: unknown): Promise<void>;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * Registers the webhook route in its own encapsulated scope, so its status codes do not depend
 * on the application's error handler.
 *
 * @example
 *   registerTelegramWebhook(app, { path: '/telegram/webhook', secretToken, onUpdate: inbox.acceptTelegram });
 */
export function registerTelegramWebhook(app: FastifyInstance, options: TelegramWebhookOptions): void {
  const { path, secretToken, onUpdate } = options;
  const expectedDigest = secretToken === undefined ? undefined : digest(secretToken);

  app.register(async (scope) => {
    // Parser errors (invalid JSON 400, too large 413, wrong type 415) keep their status: Telegram
    // will not fix the body by resending it. Anything else is ours and worth a redelivery.
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) request.log.error({ err: error }, 'telegram webhook: update not accepted');
      return reply.code(status).send({ ok: false });
    });

    scope.post(path, {
      // A server's request, not a browser's: security headers (and their per-answer CSP nonces) protect pages.
      helmet: false,
      // onRequest runs before body parsing: a forged request learns nothing from our parser.
      onRequest: async (request, reply) => {
        if (expectedDigest === undefined) return;
        const header = request.headers[SECRET_HEADER];
        if (typeof header !== 'string' || !timingSafeEqual(digest(header), expectedDigest)) {
          return reply.code(401).send({ ok: false });
        }
      },
      handler: async (request, reply) => {
        if (!isUpdate(request.body)) return reply.code(400).send({ ok: false });
        // Every update goes to the runtime, ignored kinds included: it decides, as with polling.
        await onUpdate(request.body);
        return reply.code(200).send();
      },
    });
  });
}

/** Hashing first gives equal lengths, which `timingSafeEqual` needs, without leaking the length. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function isUpdate(body: unknown): body is { update_id: number } {
  return typeof body === 'object' && body !== null && Number.isInteger((body as { update_id?: unknown }).update_id);
}
