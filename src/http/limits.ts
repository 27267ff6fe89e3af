/**
 * Request limits on every public route, counted in Redis so that every web process shares one
 * budget (@fastify/rate-limit's Redis store), or in this process's memory when the queue runs on
 * PostgreSQL (the single-process quick start has no Redis to share).
 *
 * - Every page and API: HTTP_MAX_PER_MINUTE per client address.
 * - Open311 and the dinas integration API: INTEGRATIONS_MAX_PER_MINUTE per address.
 * - Routes that name their own limit (web chat per conversation, console login) use that instead.
 * - Platform webhooks and health probes are never limited: Telegram, Meta and orchestrators call
 *   them from few addresses, the webhooks check their own signature, and a refused webhook is
 *   redelivered, which costs more than it saves.
 *
 * Counting never stands in a request's way: Redis not answering within COUNT_TIMEOUT_MS (down,
 * flushed, hanging) lets the request through (`skipOnError`) instead of failing or hanging it.
 * The client's address is its own only when TRUST_PROXY names the proxies in front (config.ts).
 *
 * @example
 *   await registerLimits(app, { maxPerMinute: 1200, integrationsPerMinute: 300, redis: { url, prefix } });
 *   app.post('/x', { config: { rateLimit: { max: 5, timeWindow: 60_000, keyGenerator: (r) => r.ip } } }, handler);
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';

/** A count slower than this is skipped: a limit is worth less than a citizen's request. */
export const COUNT_TIMEOUT_MS = 250;

/** Health probes are never limited; the platform webhooks' paths come from their registration. */
const PROBES = ['/healthz', '/readyz', '/metrics'];
const INTEGRATION_PREFIXES = ['/open311/', '/api/v1/integrations/'];

export interface LimitOptions {
  maxPerMinute: number;
  integrationsPerMinute: number;
  /** Paths never limited besides the probes: the platform webhooks. */
  unlimited: string[];
  /** Count in this Redis under `prefix` (shared by every process); null: in this process's memory. */
  redis: { url: string; prefix: string } | null;
}

const isIntegration = (request: FastifyRequest) => INTEGRATION_PREFIXES.some((prefix) => request.url.startsWith(prefix));

export async function registerLimits(app: FastifyInstance, options: LimitOptions): Promise<void> {
  const unlimited = new Set([...PROBES, ...options.unlimited]);
  let redis: Redis | undefined;
  if (options.redis) {
    redis = new Redis(options.redis.url, {
      // Refused at once while disconnected, given up after COUNT_TIMEOUT_MS while connected but silent.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COUNT_TIMEOUT_MS,
      enableReadyCheck: false,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    });
    redis.on('error', () => {}); // the queue transport reports Redis's state; a skipped count says nothing new
    app.addHook('onClose', async () => void redis!.disconnect());
  }
  await app.register(rateLimit, {
    global: true,
    redis,
    nameSpace: `${options.redis?.prefix ?? 'kanal'}:http-limit:`,
    skipOnError: true,
    timeWindow: 60_000,
    max: (request) => (isIntegration(request) ? options.integrationsPerMinute : options.maxPerMinute),
    keyGenerator: (request) => `${isIntegration(request) ? 'integration' : 'http'}:${request.ip}`,
    allowList: (request) => unlimited.has(request.routeOptions.url ?? ''),
  });
}
