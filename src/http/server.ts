/** The HTTP face: health, readiness, metrics, and whatever routes the enabled channels register. */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { PipelineContext } from '../conversation/context.js';
import { databaseAnswers } from '../db/errors.js';

/** A readiness probe answers within this, whichever engine hangs. */
const CHECK_TIMEOUT_MS = 1_000;

/** `extraChecks` join /readyz, e.g. whether the WhatsApp Web session is connected. */
export function buildServer(ctx: PipelineContext, extraChecks: Record<string, () => boolean> = {}): FastifyInstance {
  const app = Fastify({
    // Request lines (info) would carry chat ids and query strings; warnings and errors are still logged.
    loggerInstance: ctx.log.child({ component: 'http' }, { level: ctx.log.levelVal > 40 ? ctx.log.level : 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1_048_576,
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

  /** Prometheus scrape endpoint: counters only, no chat ids or texts in any label. */
  app.get('/metrics', async (_req, reply) => reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()));
  return app;
}
