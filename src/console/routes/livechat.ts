/**
 * Live chats in the console: the queue of the staff member's dinas, taking a chat, its transcript
 * since the citizen asked, writing into it, and handing it back to the bot. Permission `livechat`;
 * scope (the chat's dinas) is enforced by the live-chat service, where a chat outside it is not
 * found. Staff watching see changes through `GET /api/v1/events` (`livechat.*` events, ids only).
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { LivechatNotFound, LivechatRefused, handBack, listLivechats, livechatTranscript, sendAsOfficer, takeLivechat } from '../../livechat/service.js';
import type { ConsoleRouteModule } from '../api.js';
import { recordAudit } from '../audit.js';
import { requirePermission } from '../permissions.js';

const chat = z.object({
  id: z.number(),
  dinasId: z.number(),
  channel: z.string(),
  createdAt: z.date(),
  queuedAt: z.date(),
  waitingMs: z.number().describe('Milliseconds since the citizen asked for a human'),
  reminded: z.boolean().describe('Nobody took it within the remind time; staff were reminded'),
  returns: z.number().describe('Times it came back to the queue, untouched or idle'),
  takenBy: z.object({ id: z.number(), name: z.string() }).nullable(),
  takenAt: z.date().nullable(),
  citizenMessages: z.number(),
});

const entry = z.object({
  key: z.string().describe('`in-<id>` or `out-<id>`, stable across fetches'),
  direction: z.enum(['in', 'out']),
  from: z.enum(['citizen', 'bot', 'officer']),
  officer: z.string().nullable(),
  kind: z.string(),
  text: z.string().nullable(),
  at: z.date(),
});

const params = z.object({ id: z.coerce.number().int().positive() });
// 403 also comes from the scope's own hooks (CSRF, permission) with only `error`.
const refused = z.object({ error: z.string(), message: z.string().optional(), takenBy: z.object({ id: z.number(), name: z.string() }).nullable().optional() });
const notFound = z.object({ error: z.literal('not_found') });
const tags = ['livechat'];

/** The service's refusals as HTTP answers: not found (or out of scope) 404, read-only 403, the rest 409. */
function answerRefusal(reply: FastifyReply, error: unknown) {
  if (error instanceof LivechatNotFound) return reply.code(404).send({ error: 'not_found' as const });
  if (error instanceof LivechatRefused) {
    return reply.code(error.reason === 'read-only' ? 403 : 409).send({ error: error.reason, message: error.message, takenBy: error.takenBy });
  }
  throw error;
}

export const livechatRoutes: ConsoleRouteModule = (api, { ctx }) => {
  const preHandler = requirePermission('livechat');

  api.get(
    '/livechats',
    { preHandler, schema: { tags, summary: 'Open live chats in scope: waiting ones first (longest waiting first), then taken ones', response: { 200: z.object({ chats: z.array(chat) }) } } },
    async (request) => ({ chats: await listLivechats(ctx, request.staff.actor) }),
  );

  api.post(
    '/livechats/:id/take',
    {
      preHandler,
      schema: { tags, summary: 'Take a waiting chat: the first officer wins, the others get 409 naming who has it', params, response: { 200: z.object({ chat }), 403: refused, 404: notFound, 409: refused } },
    },
    async (request, reply) => {
      try {
        return { chat: await takeLivechat(ctx, request.staff.actor, request.params.id) };
      } catch (error) {
        return answerRefusal(reply, error);
      }
    },
  );

  api.get(
    '/livechats/:id/messages',
    {
      preHandler,
      schema: {
        tags,
        summary: "The chat's transcript since the citizen asked for a human, oldest first (audited: personal data)",
        params,
        response: { 200: z.object({ chat, displayName: z.string().nullable(), entries: z.array(entry) }), 404: notFound },
      },
    },
    async (request, reply) => {
      try {
        const transcript = await livechatTranscript(ctx, request.staff.actor, request.params.id);
        await recordAudit(ctx.db.db, { staff: request.staff, action: 'livechat.view', details: { handoffId: request.params.id }, ip: request.ip, at: ctx.now() });
        return transcript;
      } catch (error) {
        return answerRefusal(reply, error);
      }
    },
  );

  api.post(
    '/livechats/:id/messages',
    {
      preHandler,
      schema: {
        tags,
        summary: "Write into the citizen's chat (the officer who took it only); a repeated clientKey sends nothing twice",
        params,
        body: z.object({ text: z.string().trim().min(1).max(4000), clientKey: z.string().min(1).max(100) }),
        response: { 200: z.object({ outboxId: z.number() }), 403: refused, 404: notFound, 409: refused },
      },
    },
    async (request, reply) => {
      try {
        return await sendAsOfficer(ctx, request.staff.actor, request.params.id, request.body.text, request.body.clientKey);
      } catch (error) {
        return answerRefusal(reply, error);
      }
    },
  );

  api.post(
    '/livechats/:id/hand-back',
    {
      preHandler,
      schema: { tags, summary: 'Hand the chat back to the bot, which tells the citizen and answers from the menu again', params, response: { 200: z.object({ ok: z.literal(true) }), 403: refused, 404: notFound, 409: refused } },
    },
    async (request, reply) => {
      try {
        await handBack(ctx, request.staff.actor, request.params.id);
        return { ok: true as const };
      } catch (error) {
        return answerRefusal(reply, error);
      }
    },
  );
};
