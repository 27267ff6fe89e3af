/**
 * `POST /api/v1/integrations/cases/:ticket/status` — a dinas's own system moves one of its cases
 * along (`Authorization: Bearer <api key>`, body `{ status, note }`), and the citizen hears about
 * it in their chat as from staff. The dinas's confidential cases are its own too; another dinas's
 * ticket is answered like an unknown one: 404 (the case service's scope decides both).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TransitionRefused } from '../cases/lifecycle.js';
import { CaseNotFound, transition } from '../cases/service.js';
import { normaliseTicket } from '../cases/ticket.js';
import type { PipelineContext } from '../conversation/context.js';
import { errorKind } from '../db/errors.js';
import { bearerToken } from '../http/admin-token.js';
import { authenticateKey } from './keys.js';

const statusBody = z.object({
  status: z.enum(['baru', 'diverifikasi', 'diteruskan', 'diproses', 'selesai', 'ditutup', 'ditolak']),
  note: z.string().trim().max(2_000).optional(),
});

export function registerStatusApi(app: FastifyInstance, ctx: PipelineContext) {
  app.post<{ Params: { ticket: string } }>('/api/v1/integrations/cases/:ticket/status', async (req, reply) => {
    const client = await authenticateKey(ctx.db.db, bearerToken(req.headers.authorization));
    if (!client) return reply.code(401).send({ error: 'unauthorized', message: 'a valid API key is required (Authorization: Bearer …)' });
    const body = statusBody.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: 'invalid_body', issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    const ticket = normaliseTicket(req.params.ticket) ?? req.params.ticket;
    try {
      await transition(ctx, { kind: 'integration', dinasId: client.dinasId, name: client.name }, ticket, body.data.status, { note: body.data.note });
    } catch (err) {
      if (err instanceof CaseNotFound) return reply.code(404).send({ error: 'not_found', message: 'no such case for this dinas' });
      if (err instanceof TransitionRefused) return reply.code(409).send({ error: 'transition_refused', message: err.message });
      // Not rethrown: Fastify would log the error whole, and a query error's message quotes its parameters.
      req.log.error({ ...errorKind(err) }, 'status update failed');
      return reply.code(500).send({ error: 'internal', message: 'the status could not be changed; try again' });
    }
    return reply.code(200).send({ ticket, status: body.data.status });
  });
}
