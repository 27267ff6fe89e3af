/**
 * `/api/v1/broadcasts`: notices a dinas sends to subscribed chats (src/broadcasts/). Write a
 * draft, see its audience and a preview, send now or schedule, approve (a second person, above
 * BROADCAST_APPROVAL_ABOVE), pause, resume, cancel, and follow progress and each recipient's state.
 * A dinas's staff see their own dinas's broadcasts only; every change is audited.
 */
import { z } from 'zod';
import type { BroadcastActor } from '../../broadcasts/broadcasts.js';
import { segmentSchema } from '../../broadcasts/segment.js';
import type { ConsoleRouteModule } from '../api.js';
import { recordAudit } from '../audit.js';
import { requirePermission } from '../permissions.js';
import type { StaffUser } from '../staff-user.js';

const bilingual = z.object({
  id: z.string().trim().min(1).max(4_000),
  en: z.string().trim().max(4_000).default('').describe('Empty: English-speaking citizens get the Indonesian text'),
});

const states = ['draft', 'awaiting_approval', 'scheduled', 'sending', 'paused', 'cancelled', 'done'] as const;
const recipientStates = ['queued', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'] as const;

const broadcast = z.object({
  id: z.number(),
  dinasId: z.number(),
  authorStaffId: z.number().nullable(),
  title: z.string(),
  text: z.object({ id: z.string(), en: z.string() }),
  imageUrl: z.string().nullable(),
  segment: segmentSchema,
  state: z.enum(states),
  scheduledAt: z.date().nullable(),
  audience: z.number().nullable().describe('Chats the segment reached when sending was asked for'),
  approvedByStaffId: z.number().nullable(),
  approvedAt: z.date().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  createdAt: z.date(),
});

const input = z.object({
  dinasId: z.number().int().positive().optional().describe("Only for staff of every dinas; a dinas's staff send as their dinas"),
  title: z.string().trim().min(1).max(200),
  text: bilingual.describe('`{nama}` is replaced by the citizen\'s name (or "Bapak/Ibu")'),
  imageUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable()
    .optional()
    .describe('A picture the platforms fetch: sent as a photo with the notice as its caption (the web chat shows the link)'),
  segment: segmentSchema,
});

const progress = z.object(Object.fromEntries([...recipientStates, 'planned'].map((s) => [s, z.number()])) as Record<(typeof recipientStates)[number] | 'planned', z.ZodNumber>);

const params = z.object({ id: z.coerce.number().int().positive() });
const error = z.object({ error: z.string(), message: z.string().optional() });
const tags = ['broadcasts'];

const actorOf = (staff: StaffUser): BroadcastActor => ({ id: staff.id, dinasId: staff.dinasId });

export const broadcastRoutes: ConsoleRouteModule = (api, { ctx, broadcasts }) => {
  const audit = (staff: StaffUser, action: string, id: number, ip: string, details: Record<string, unknown> = {}) =>
    recordAudit(ctx.db.db, { staff, action: `broadcast.${action}`, details: { broadcastId: id, ...details }, ip, at: ctx.now() });

  api.get(
    '/broadcasts',
    {
      preHandler: requirePermission('broadcasts.read'),
      schema: {
        tags,
        summary: "The dinas's broadcasts, newest first",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), beforeId: z.coerce.number().int().positive().optional() }),
        response: { 200: z.object({ broadcasts: z.array(broadcast) }) },
      },
    },
    async (request) => ({ broadcasts: await broadcasts.list(actorOf(request.staff), request.query) }),
  );

  api.post(
    '/broadcasts',
    {
      preHandler: requirePermission('broadcasts.write'),
      schema: { tags, summary: 'Write a draft', body: input, response: { 201: broadcast, 400: error, 403: error } },
    },
    async (request, reply) => {
      const created = await broadcasts.create(actorOf(request.staff), request.body);
      await audit(request.staff, 'create', created.id, request.ip);
      return reply.code(201).send(created);
    },
  );

  api.get(
    '/broadcasts/:id',
    {
      preHandler: requirePermission('broadcasts.read'),
      schema: { tags, summary: 'One broadcast with its progress', params, response: { 200: broadcast.extend({ progress }), 404: error } },
    },
    async (request) => {
      const actor = actorOf(request.staff);
      return { ...(await broadcasts.get(actor, request.params.id)), progress: await broadcasts.progress(actor, request.params.id) };
    },
  );

  api.patch(
    '/broadcasts/:id',
    {
      preHandler: requirePermission('broadcasts.write'),
      schema: { tags, summary: 'Change a draft', params, body: input.omit({ dinasId: true }).partial(), response: { 200: broadcast, 400: error, 404: error, 409: error } },
    },
    async (request) => {
      const changed = await broadcasts.update(actorOf(request.staff), request.params.id, request.body);
      await audit(request.staff, 'update', changed.id, request.ip, { fields: Object.keys(request.body) });
      return changed;
    },
  );

  api.get(
    '/broadcasts/:id/audience',
    {
      preHandler: requirePermission('broadcasts.read'),
      schema: {
        tags,
        summary: 'How many chats the segment reaches now, per channel, and the notice as each language reads it',
        params,
        response: {
          200: z.object({
            total: z.number(),
            byChannel: z.array(z.object({ channel: z.string(), count: z.number() })),
            notOnBulkChannels: z.number().describe('Subscribed chats on WhatsApp Web, which is never used for bulk sends'),
            needsApproval: z.boolean(),
            approvalAbove: z.number(),
            preview: z.object({ id: z.string(), en: z.string(), imageUrl: z.string().nullable().describe('Sent as a photo, the text its caption') }),
          }),
          404: error,
        },
      },
    },
    async (request) => broadcasts.audience(actorOf(request.staff), request.params.id),
  );

  api.post(
    '/broadcasts/:id/send',
    {
      preHandler: requirePermission('broadcasts.write'),
      schema: {
        tags,
        summary: 'Send now, or at `at`; above the approval size it waits for a second person',
        params,
        body: z.object({ at: z.iso.datetime({ offset: true }).optional() }),
        response: { 200: broadcast, 404: error, 409: error },
      },
    },
    async (request) => {
      const sent = await broadcasts.send(actorOf(request.staff), request.params.id, request.body.at ? new Date(request.body.at) : null);
      await audit(request.staff, 'send', sent.id, request.ip, { at: request.body.at ?? null, audience: sent.audience, state: sent.state });
      return sent;
    },
  );

  const action = (name: 'approve' | 'pause' | 'resume' | 'cancel', permission: 'broadcasts.write' | 'broadcasts.approve', summary: string) =>
    api.post(
      `/broadcasts/:id/${name}`,
      { preHandler: requirePermission(permission), schema: { tags, summary, params, response: { 200: broadcast, 403: error, 404: error, 409: error } } },
      async (request) => {
        const done = await broadcasts[name](actorOf(request.staff), request.params.id);
        await audit(request.staff, name, done.id, request.ip);
        return done;
      },
    );
  action('approve', 'broadcasts.approve', 'Approve a broadcast waiting for a second person (not its author)');
  action('pause', 'broadcasts.write', 'Stop handing recipients over; what was handed but not yet being sent is taken back');
  action('resume', 'broadcasts.write', 'Carry on where it paused');
  action('cancel', 'broadcasts.write', 'Nobody not yet sent to gets it');

  api.get(
    '/broadcasts/:id/recipients',
    {
      preHandler: requirePermission('broadcasts.read'),
      schema: {
        tags,
        summary: 'Recipients and their state, a page at a time (by `afterId`); chats are named by identity id only',
        params,
        querystring: z.object({
          state: z.enum(recipientStates).optional(),
          afterId: z.coerce.number().int().nonnegative().default(0),
          limit: z.coerce.number().int().min(1).max(1_000).default(100),
        }),
        response: {
          200: z.object({
            recipients: z.array(
              z.object({ id: z.number(), identityId: z.number(), channel: z.string(), state: z.enum(recipientStates), reason: z.string().nullable(), at: z.date().nullable() }),
            ),
          }),
          404: error,
        },
      },
    },
    async (request) => ({ recipients: await broadcasts.recipients(actorOf(request.staff), request.params.id, request.query) }),
  );
};
