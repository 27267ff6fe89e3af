/**
 * The HTTP face: health, readiness, metrics, and whatever routes the enabled channels register;
 * security headers on every answer (headers.ts), limits on every public route (limits.ts), the
 * client's address from the proxies TRUST_PROXY names, and an error answer that never carries an
 * error's text.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { PipelineContext } from '../conversation/context.js';
import { databaseAnswers } from '../db/errors.js';
import { registerHeaders } from './headers.js';
import { registerLimits } from './limits.js';

/** A readiness probe answers within this, whichever engine hangs. */
const CHECK_TIMEOUT_MS = 1_000;

export interface ServerOptions {
  /** Join /readyz, e.g. whether the WhatsApp Web session is connected. */
  extraChecks?: Record<string, () => boolean>;
  /** TRUST_PROXY: the proxies whose X-Forwarded-For / -Proto are believed (none: the peer is the client). */
  trustProxy?: string[];
  /** Served over HTTPS (production, an https PUBLIC_URL): HSTS and upgraded requests. */
  https?: boolean;
  /** HTTP_MAX_PER_MINUTE and INTEGRATIONS_MAX_PER_MINUTE per client address. */
  maxPerMinute?: number;
  integrationsPerMinute?: number;
  /** Paths never limited besides the health probes: the platform webhooks. */
  unlimitedPaths?: string[];
}

/** Served over HTTPS: in production (behind its TLS proxy) or where PUBLIC_URL says so. */
export function servedOverHttps(config: { NODE_ENV: string; PUBLIC_URL?: string }): boolean {
  return config.NODE_ENV === 'production' || Boolean(config.PUBLIC_URL?.startsWith('https:'));
}

/** The options `startApp` derives from the config; tests building a bare server take the defaults. */
export function serverOptionsFrom(config: {
  TRUST_PROXY: string[];
  NODE_ENV: string;
  PUBLIC_URL?: string;
  HTTP_MAX_PER_MINUTE: number;
  INTEGRATIONS_MAX_PER_MINUTE: number;
}): ServerOptions {
  return {
    trustProxy: config.TRUST_PROXY,
    https: servedOverHttps(config),
    maxPerMinute: config.HTTP_MAX_PER_MINUTE,
    integrationsPerMinute: config.INTEGRATIONS_MAX_PER_MINUTE,
  };
}

/** Request lines (info) would carry chat ids and query strings; warnings and errors are still logged. */
function httpLog(ctx: PipelineContext): FastifyBaseLogger {
  return ctx.log.child({ component: 'http' }, { level: ctx.log.levelVal > 40 ? ctx.log.level : 'warn' }) as FastifyBaseLogger;
}

export async function buildServer(ctx: PipelineContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const extraChecks = options.extraChecks ?? {};
  const app = Fastify({
    loggerInstance: httpLog(ctx),
    bodyLimit: 1_048_576,
    // Only the named proxies: `true` or a hop count would let any client write its own address.
    trustProxy: options.trustProxy?.length ? options.trustProxy : false,
  });
  await registerHeaders(app, { https: options.https ?? false });
  const transport = ctx.transport.config;
  await registerLimits(app, {
    maxPerMinute: options.maxPerMinute ?? 1_200,
    integrationsPerMinute: options.integrationsPerMinute ?? 300,
    unlimited: options.unlimitedPaths ?? [],
    redis: transport.kind === 'redis' ? { url: transport.url, prefix: transport.prefix } : null,
  });

  // What failed inside stays in the log (its kind and code, never a body: drizzle's messages quote
  // parameters); the caller learns only that it failed. A client's mistake (4xx) keeps its reason.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status < 500) {
      const kind = status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : status === 413 ? 'too_large' : 'bad_request';
      return reply.code(status).send({ error: kind, message: error.message });
    }
    request.log.error({ err: { type: error.name, code: error.code }, url: request.routeOptions.url }, 'request failed');
    return reply.code(status).send({ error: 'internal', message: 'Something went wrong on our side; please try again.' });
  });

  registerProbes(app, ctx, extraChecks);
  return app;
}

/**
 * Health, readiness and metrics: on the web server, and on a worker process's own small server
 * when METRICS_PORT asks for one (`buildProbeServer`).
 */
function registerProbes(app: FastifyInstance, ctx: PipelineContext, extraChecks: Record<string, () => boolean>): void {
  app.get('/healthz', async () => ({ ok: true }));

  /**
   * Ready when Postgres and the queue transport answer; extra checks (a WhatsApp session) can join.
   * Otherwise 503, naming the parts that are degraded: `{ postgres: true, queue: false, degraded: ['queue'] }`.
   */
  app.get('/readyz', async (_req, reply) => {
    const [postgres, queue] = await Promise.all([
      databaseAnswers(ctx.db.sql, CHECK_TIMEOUT_MS),
      ctx.transport.ping(CHECK_TIMEOUT_MS),
    ]);
    const checks: Record<string, boolean> = { postgres, queue, ...Object.fromEntries(Object.entries(extraChecks).map(([name, check]) => [name, check()])) };
    const degraded = Object.keys(checks).filter((name) => !checks[name]);
    return reply.code(degraded.length === 0 ? 200 : 503).send({ ...checks, transport: ctx.transport.config.kind, degraded });
  });

  /** Prometheus scrape endpoint (src/metrics.ts): no chat id, phone number or text in any label. */
  app.get('/metrics', async (_req, reply) => reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()));
}

/**
 * A worker process's own door (METRICS_PORT): `/healthz`, `/readyz` and `/metrics` only, so the
 * stepper's and the senders' figures, which only the workers hold when the roles run apart, can
 * be scraped and the process probed. Not for the public internet.
 */
export function buildProbeServer(ctx: PipelineContext): FastifyInstance {
  const app = Fastify({ loggerInstance: httpLog(ctx) });
  registerProbes(app, ctx, {});
  return app;
}
