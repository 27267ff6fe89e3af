/**
 * Web chat: a small page and two endpoints, so the product can be tried in a browser with no
 * token at all. Messages go through the same ingest → conversation → outbox pipeline as Telegram.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ingestOrSetAside } from '../../conversation/set-aside.js';
import type { PipelineContext } from '../../conversation/context.js';
import type { OutboundMessage } from '../types.js';

const PAGE = fileURLToPath(new URL('./page.html', import.meta.url));
const session = z.uuid();

const postBody = z.object({
  session,
  /** Client-generated id, so a retried POST on a flaky network is stored once. */
  id: z.uuid(),
  text: z.string().max(200_000),
});
const pollQuery = z.object({ session, after: z.coerce.number().int().min(0).default(0) });

/** `maxPerMinute` caps messages per client address: the web chat is public and needs no token. */
export async function registerWebChat(app: FastifyInstance, ctx: PipelineContext, options: { maxPerMinute: number }) {
  const page = await readFile(PAGE, 'utf8');
  await app.register(rateLimit, { global: false });
  app.get('/', async (_req, reply) => reply.redirect('/chat'));
  app.get('/chat', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page));

  app.post('/chat/api/messages', { bodyLimit: 1_048_576, config: { rateLimit: { max: options.maxPerMinute, timeWindow: 60_000 } } }, async (req, reply) => {
    const parsed = postBody.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: 'invalid message' });
    // A message the database refuses is set aside: the apology arrives through the poll like any reply.
    const stored = await ingestOrSetAside(ctx, {
      channel: 'web',
      chatId: parsed.data.session,
      externalId: parsed.data.id,
      content: { kind: 'text', text: parsed.data.text },
      sentAt: ctx.now(),
    });
    return reply.code(202).send({ accepted: true, duplicate: stored !== 'set-aside' && stored.duplicate });
  });

  app.get('/chat/api/messages', async (req, reply) => {
    const parsed = pollQuery.safeParse(req.query);
    if (!parsed.success) return reply.code(400).send({ error: 'invalid query' });
    const rows = await ctx.db.sql<{ id: string; payload: OutboundMessage }[]>`
      select o.id, o.payload from outbox o
      join channel_identities i on i.id = o.identity_id
      where i.channel = 'web' and i.chat_id = ${parsed.data.session} and o.status = 'sent' and o.id > ${parsed.data.after}
      order by o.id limit 100`;
    return {
      messages: rows
        .filter((r) => r.payload.kind === 'text')
        .map((r) => ({ id: Number(r.id), ...(r.payload.kind === 'text' ? { text: r.payload.text, options: r.payload.options ?? [] } : {}) })),
      last: rows.length ? Number(rows[rows.length - 1].id) : parsed.data.after,
    };
  });
}
