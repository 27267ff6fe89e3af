/**
 * Operations for admins (`ops`): queue health (a summary, and Bull Board read-only), the WhatsApp
 * Web link (state and QR), the webhook delivery log with redelivery, the audit log and the
 * set-aside updates.
 *
 * What concerns the whole installation — the queues, the one WhatsApp number, updates set aside
 * from any chat — is for an admin above every dinas (no dinas of their own); a dinas's admin gets
 * 403 there. The webhook log and the audit log are scoped: a dinas admin sees their own dinas's
 * endpoints and staff. Showing the QR, redelivering and opening a set-aside update are audited.
 *
 * Bull Board is read-only: Postgres holds the truth and the relays re-create lost jobs, so the
 * board is for looking (counts, failures, delays); its own API refuses changes, and the console's
 * CSRF check refuses any write it has not signed anyway. It works on both transports: on Redis it
 * shows Redis's own figures, on BullMQ's Postgres backend the database's (BullMQ 6 keeps no
 * paused state there).
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { ChannelName } from '../../domain/messages.js';
import { listSetAside, setAsideDetail } from '../../conversation/set-aside.js';
import { redeliverWebhook } from '../../integrations/webhooks/deliver.js';
import { DELIVERY_STATUSES, deliveryDinas, deliveryLog } from '../../integrations/webhooks/log.js';
import { WEBHOOK_QUEUE } from '../../integrations/webhooks/queue.js';
import { CASE_TIMER_QUEUE, INBOUND_QUEUE, MEDIA_QUEUE, RETENTION_QUEUE, STAFF_NOTIFICATION_QUEUE, outboundQueue } from '../../queues/jobs.js';
import { API_PREFIX, type ConsoleRouteModule } from '../api.js';
import { recordAudit } from '../audit.js';
import { AUDIT_CURSOR, listAudit } from '../audit-log.js';
import { can } from '../permissions.js';
import type { StaffUser } from '../staff-user.js';

const CHANNELS: ChannelName[] = ['telegram', 'web', 'whatsapp-web', 'whatsapp-cloud'];
/** Every queue the product uses. */
export const QUEUE_NAMES = [INBOUND_QUEUE, ...CHANNELS.map(outboundQueue), MEDIA_QUEUE, CASE_TIMER_QUEUE, STAFF_NOTIFICATION_QUEUE, WEBHOOK_QUEUE, RETENTION_QUEUE];
export const BULL_BOARD_PATH = '/operations/queues/board';

/** Above every dinas: the installation-wide pages. */
const isCentralAdmin = (staff: StaffUser) => can(staff, 'ops') && staff.dinasId === null;

function onlyOps(central: boolean) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const staff = request.staff;
    if (!staff || !can(staff, 'ops') || (central && !isCentralAdmin(staff))) return reply.code(403).send({ error: 'forbidden' });
  };
}

const idParams = z.object({ id: z.coerce.number().int().positive() });
const pageQuery = { before: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) };
const jobCounts = z.record(z.string(), z.number());
const attempt = z.object({ at: z.date(), statusCode: z.number().nullable(), durationMs: z.number(), error: z.string().nullable() });

export const operationsRoutes: ConsoleRouteModule = (api, { ctx, whatsappWeb }) => {
  const db = ctx.db.db;
  const central = { preHandler: onlyOps(true) };
  const scoped = { preHandler: onlyOps(false) };
  const audit = (request: FastifyRequest, action: string, details: Record<string, unknown>) =>
    recordAudit(db, { staff: request.staff, action, details, ip: request.ip, at: ctx.now() });

  api.register(
    async (board) => {
      board.addHook('onRequest', onlyOps(true));
      // Its pages carry inline scripts, so no script policy; but never inside another site's frame.
      board.addHook('onSend', async (_request, reply) => {
        reply.header('content-security-policy', "frame-ancestors 'none'").header('x-frame-options', 'DENY').header('x-content-type-options', 'nosniff');
      });
      const adapter = new FastifyAdapter().setBasePath(`${API_PREFIX}${BULL_BOARD_PATH}`);
      createBullBoard({
        queues: QUEUE_NAMES.map((name) => new BullMQAdapter(ctx.transport.queue(name), { readOnlyMode: true })),
        serverAdapter: adapter,
        options: { uiConfig: { boardTitle: 'Kanal Aduan' } },
      });
      await board.register(adapter.registerPlugin());
    },
    { prefix: BULL_BOARD_PATH },
  );

  api.get(
    '/operations/queues',
    {
      ...central,
      schema: {
        tags: ['operations'],
        summary: 'Jobs per queue (waiting, active, delayed, failed…) and which transport carries them',
        response: {
          200: z.object({
            transport: z.enum(['redis', 'postgres']),
            up: z.boolean(),
            board: z.string(),
            queues: z.array(z.object({ name: z.string(), counts: jobCounts.nullable() })),
          }),
        },
      },
    },
    async () => {
      const queues = await Promise.all(
        QUEUE_NAMES.map(async (name) => ({
          name,
          // A transport that does not answer leaves the counts unknown, not the page broken.
          counts: ctx.transport.up ? await ctx.transport.queue(name).getJobCounts().catch(() => null) : null,
        })),
      );
      return { transport: ctx.transport.config.kind, up: ctx.transport.up, board: `${API_PREFIX}${BULL_BOARD_PATH}/`, queues };
    },
  );

  api.get(
    '/operations/whatsapp',
    {
      ...central,
      schema: {
        tags: ['operations'],
        summary: 'State of the WhatsApp Web link in this process',
        response: { 200: z.object({ enabled: z.boolean(), state: z.string().nullable() }) },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-store').send({ enabled: Boolean(whatsappWeb), state: whatsappWeb?.state ?? null }),
  );

  api.get(
    '/operations/whatsapp/qr',
    {
      ...central,
      schema: {
        tags: ['operations'],
        summary: 'The QR to link the WhatsApp number (while the link waits for it); whoever scans it attaches their account, so each view is audited',
        response: { 200: z.object({ state: z.string(), qr: z.string() }), 409: z.object({ error: z.string(), state: z.string().nullable() }) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const qr = whatsappWeb?.qr;
      if (!whatsappWeb || whatsappWeb.state !== 'qr' || !qr) return reply.code(409).send({ error: 'no_qr', state: whatsappWeb?.state ?? null });
      await audit(request, 'ops.whatsapp.qr', {});
      return { state: whatsappWeb.state, qr: await QRCode.toDataURL(qr, { margin: 2, width: 320 }) };
    },
  );

  api.get(
    '/operations/webhooks/deliveries',
    {
      ...scoped,
      schema: {
        tags: ['operations'],
        summary: 'Webhook deliveries, newest first, with every attempt (no payloads)',
        querystring: z.object({ status: z.enum(DELIVERY_STATUSES).optional(), endpointId: z.coerce.number().int().positive().optional(), ...pageQuery }),
        response: {
          200: z.object({
            deliveries: z.array(
              z.object({
                id: z.number(),
                endpointId: z.number(),
                url: z.string(),
                dinasId: z.number(),
                ticket: z.string(),
                eventType: z.string(),
                status: z.string(),
                attempts: z.number(),
                nextAttemptAt: z.date(),
                lastStatusCode: z.number().nullable(),
                lastError: z.string().nullable(),
                createdAt: z.date(),
                deliveredAt: z.date().nullable(),
                log: z.array(attempt),
              }),
            ),
            next: z.number().nullable(),
          }),
        },
      },
    },
    async (request) => {
      const { status, endpointId, before, limit } = request.query;
      const dinasId = request.staff.dinasId ?? undefined;
      return deliveryLog(db, { dinasId, endpointId, status, before, limit });
    },
  );

  api.post(
    '/operations/webhooks/deliveries/:id/redeliver',
    {
      ...scoped,
      schema: {
        tags: ['operations'],
        summary: 'Sends a delivery again (its retry window starts afresh)',
        params: idParams,
        response: { 202: z.object({ id: z.number(), status: z.literal('pending') }), 404: z.object({ error: z.string() }) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const owner = await deliveryDinas(db, id);
      const staff = request.staff;
      if (owner === null || (staff.dinasId !== null && owner !== staff.dinasId)) return reply.code(404).send({ error: 'not_found' });
      await redeliverWebhook(ctx, id);
      await audit(request, 'ops.webhook.redeliver', { deliveryId: id });
      return reply.code(202).send({ id, status: 'pending' as const });
    },
  );

  api.get(
    '/operations/audit',
    {
      ...scoped,
      schema: {
        tags: ['operations'],
        summary: 'The audit log, newest first; action filters by dotted prefix (`case` matches `case.view`)',
        querystring: z.object({
          staffId: z.coerce.number().int().positive().optional(),
          action: z.string().trim().min(1).max(100).optional(),
          ticket: z.string().trim().min(1).max(20).optional(),
          before: z.string().regex(AUDIT_CURSOR).optional(),
          limit: pageQuery.limit,
        }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                id: z.number(),
                at: z.date(),
                action: z.string(),
                ticket: z.string().nullable(),
                details: z.record(z.string(), z.unknown()).nullable(),
                ip: z.string().nullable(),
                staffId: z.number().nullable(),
                staffName: z.string().nullable(),
                staffEmail: z.string().nullable(),
              }),
            ),
            next: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => listAudit(db, { dinasId: request.staff.dinasId, ...request.query }),
  );

  api.get(
    '/operations/set-aside',
    {
      ...central,
      schema: {
        tags: ['operations'],
        summary: 'Updates set aside (the database refused them, or their step kept failing): what and when, without their content',
        querystring: z.object(pageQuery),
        response: {
          200: z.object({
            updates: z.array(z.object({ id: z.number(), channel: z.string(), stage: z.string(), externalId: z.string().nullable(), attempts: z.number(), rawChars: z.number(), createdAt: z.date() })),
            next: z.number().nullable(),
          }),
        },
      },
    },
    async (request) => listSetAside(db, request.query),
  );

  api.get(
    '/operations/set-aside/:id',
    {
      ...central,
      schema: {
        tags: ['operations'],
        summary: 'One set-aside update with its raw content, chat and error (may hold personal data: audited)',
        params: idParams,
        response: {
          200: z.object({ id: z.number(), channel: z.string(), stage: z.string(), chatId: z.string().nullable(), externalId: z.string().nullable(), raw: z.string(), error: z.string(), attempts: z.number(), createdAt: z.date() }),
          404: z.object({ error: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const row = await setAsideDetail(db, request.params.id);
      if (!row) return reply.code(404).send({ error: 'not_found' });
      await audit(request, 'ops.setAside.view', { setAsideId: row.id });
      return row;
    },
  );
};
