/**
 * Operator endpoints for a dinas's integrations until the console manages them, behind
 * `Authorization: Bearer $ADMIN_TOKEN` (absent without a token): make an API key, register a
 * webhook endpoint, read its delivery log, redeliver, switch an endpoint back on.
 */
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PipelineContext } from '../conversation/context.js';
import * as t from '../db/schema.js';
import { adminCheck } from '../http/admin-token.js';
import { addWebhookEndpoint, createIntegrationKey } from './keys.js';
import { reactivateWebhookEndpoint, redeliverWebhook } from './webhooks/deliver.js';
import { deliveryLog } from './webhooks/log.js';

const keyBody = z.object({ dinas: z.string().min(1), name: z.string().trim().min(1).max(100) });
const endpointBody = z.object({
  dinas: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  eventTypes: z.array(z.string().regex(/^case\.[a-z-]+$/)).default([]),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });

export function registerIntegrationAdmin(app: FastifyInstance, ctx: PipelineContext, adminToken: string | undefined) {
  if (!adminToken) return;
  const isAdmin = adminCheck(adminToken);
  const db = ctx.db.db;

  app.register(
    async (scope) => {
      scope.addHook('onRequest', async (req, reply) => {
        if (!isAdmin(req.headers.authorization)) return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'unauthorized' });
      });

      const dinasByCode = async (code: string) => (await db.select({ id: t.dinas.id }).from(t.dinas).where(eq(t.dinas.code, code)))[0]?.id;

      scope.post('/keys', async (req, reply) => {
        const body = keyBody.safeParse(req.body);
        if (!body.success) return reply.code(400).send({ error: 'invalid_body', message: z.prettifyError(body.error) });
        const dinasId = await dinasByCode(body.data.dinas);
        if (dinasId === undefined) return reply.code(404).send({ error: 'unknown_dinas' });
        // The key is shown this once; only its hash is kept.
        return reply.code(201).send(await createIntegrationKey(db, dinasId, body.data.name));
      });

      scope.post('/webhooks', async (req, reply) => {
        const body = endpointBody.safeParse(req.body);
        if (!body.success) return reply.code(400).send({ error: 'invalid_body', message: z.prettifyError(body.error) });
        const dinasId = await dinasByCode(body.data.dinas);
        if (dinasId === undefined) return reply.code(404).send({ error: 'unknown_dinas' });
        return reply.code(201).send(await addWebhookEndpoint(db, { dinasId, url: body.data.url, eventTypes: body.data.eventTypes }));
      });

      scope.get('/webhooks/:id/deliveries', async (req, reply) => {
        const params = idParams.safeParse(req.params);
        if (!params.success) return reply.code(404).send({ error: 'not_found' });
        const { deliveries } = await deliveryLog(db, { endpointId: params.data.id, limit: 100 });
        return deliveries;
      });

      scope.post('/webhooks/deliveries/:id/redeliver', async (req, reply) => {
        const params = idParams.safeParse(req.params);
        if (!params.success || !(await redeliverWebhook(ctx, params.data.id))) return reply.code(404).send({ error: 'not_found' });
        return reply.code(202).send({ id: params.data.id, status: 'pending' });
      });

      scope.post('/webhooks/:id/activate', async (req, reply) => {
        const params = idParams.safeParse(req.params);
        if (!params.success) return reply.code(404).send({ error: 'not_found' });
        const [endpoint] = await db.select({ id: t.webhookEndpoints.id }).from(t.webhookEndpoints).where(eq(t.webhookEndpoints.id, params.data.id));
        if (!endpoint) return reply.code(404).send({ error: 'not_found' });
        await reactivateWebhookEndpoint(ctx, endpoint.id);
        return reply.send({ id: endpoint.id, active: true });
      });
    },
    { prefix: '/admin/integrations' },
  );
}
