/** The HTTP face: health, readiness, metrics, and whatever routes the enabled channels register. */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { PipelineContext } from '../conversation/context.js';

/** `extraChecks` join /readyz, e.g. whether the WhatsApp Web session is connected. */
export function buildServer(ctx: PipelineContext, extraChecks: Record<string, () => boolean> = {}): FastifyInstance {
  const app = Fastify({
    // Request lines (info) would carry chat ids and query strings; warnings and errors are still logged.
    loggerInstance: ctx.log.child({ component: 'http' }, { level: ctx.log.levelVal > 40 ? ctx.log.level : 'warn' }) as FastifyBaseLogger,
    bodyLimit: 1_048_576,
  });

  app.get('/healthz', async () => ({ ok: true }));

  /** Ready when Postgres and the queue transport answer; extra checks (a WhatsApp session) can join. */
  app.get('/readyz', async (_req, reply) => {
    const [postgres, queue] = await Promise.all([
      ctx.db.sql`select 1`.then(
        () => true,
        () => false,
      ),
      ctx.transport.ping(),
    ]);
    const extra = Object.fromEntries(Object.entries(extraChecks).map(([name, check]) => [name, check()]));
    const ok = postgres && queue && Object.values(extra).every(Boolean);
    return reply.code(ok ? 200 : 503).send({ postgres, queue, ...extra, transport: ctx.transport.config.kind });
  });

  /** Prometheus scrape endpoint: counters only, no chat ids or texts in any label. */
  app.get('/metrics', async (_req, reply) => reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()));
  return app;
}
