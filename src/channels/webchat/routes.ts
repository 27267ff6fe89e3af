/**
 * Web chat: a small page and its endpoints, so the product can be tried in a browser with no
 * token at all. Messages go through the same ingest → conversation → outbox pipeline as Telegram.
 *
 * - `POST /chat/api/sessions` → 201 `{ session, expiresAt }`: a new conversation (sessions.ts).
 * - `DELETE /chat/api/sessions` → 204: "new conversation" ends the one on screen.
 * - `POST /chat/api/messages` `{ id, text }` → 202: one message, stored once per client id.
 * - `GET /chat/api/messages?after=<reply id>` → the conversation's delivered replies.
 * The last three carry the session in the `X-Chat-Session` header; an unknown, ended or expired
 * one is answered 401 `session_ended` and the page starts a new conversation.
 *
 * Limits (src/http/limits.ts counts them, in Redis): messages per conversation and per address,
 * polls per conversation, new conversations per address.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { copy } from '../../../flows/copy/index.js';
import type { PipelineContext } from '../../conversation/context.js';
import { imageAsText, type OutboundMessage } from '../../domain/messages.js';
import type { Intake } from '../registry.js';
import { chatIdOfSession, endSession, liveSession, openSession, SESSION_HEADER, sessionToken, touchSession } from './sessions.js';

const PAGE = fileURLToPath(new URL('./page.html', import.meta.url));

const postBody = z.object({
  /** Client-generated id, so a retried POST on a flaky network is stored once. */
  id: z.uuid(),
  text: z.string().max(200_000),
});
const pollQuery = z.object({ after: z.coerce.number().int().min(0).default(0) });
const langQuery = z.object({ lang: z.enum(['id', 'en']).optional() });

export interface WebChatOptions {
  /** Messages per minute: one conversation, and one client address (all its conversations). */
  maxPerMinute: number;
  addressMaxPerMinute: number;
  pollsPerMinute: number;
  sessionsPerHour: number;
  /** A conversation ends this long after the citizen's last message. */
  sessionHours: number;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** `*text*` in the copy shows in bold, as in the chat apps. */
const rich = (text: string) => escapeHtml(text).replace(/\*([^*]+)\*/g, '<b>$1</b>');

function pageFor(template: string, lang: 'id' | 'en', nonces: { script: string; style: string }) {
  const words = copy[lang].webChat;
  const fill: Record<string, string> = {
    lang,
    title: escapeHtml(words.title),
    intro: rich(words.intro),
    privacyHref: copy[lang].privacy.page.path,
    privacyLink: escapeHtml(words.privacyLink),
    otherLanguageHref: words.otherLanguage.href,
    otherLanguage: escapeHtml(words.otherLanguage.label),
    newConversation: escapeHtml(words.newConversation),
    placeholder: escapeHtml(words.placeholder),
    messageLabel: escapeHtml(words.messageLabel),
    send: escapeHtml(words.send),
    // JSON inside a script element: no "<" may close it.
    words: JSON.stringify(words).replace(/</g, '\\u003c'),
    scriptNonce: nonces.script,
    styleNonce: nonces.style,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => fill[name] ?? '');
}

/** The page's language: `?lang=`, else the browser's first choice when it is English, else Indonesian. */
function pageLang(request: FastifyRequest): 'id' | 'en' {
  const asked = langQuery.safeParse(request.query);
  if (asked.success && asked.data.lang) return asked.data.lang;
  return /^en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'id';
}

const ended = (reply: FastifyReply) =>
  reply.code(401).send({ error: 'session_ended', message: 'This conversation has ended; start a new one (POST /chat/api/sessions).' });

/** Limits keyed on the conversation; a request without a well-formed session is counted by its address. */
const perSession = (request: FastifyRequest) => {
  const token = sessionToken(request.headers[SESSION_HEADER]);
  return token ? `session:${chatIdOfSession(token)}` : `address:${request.ip}`;
};

export async function registerWebChat(app: FastifyInstance, ctx: PipelineContext, intake: Intake, options: WebChatOptions) {
  const template = await readFile(PAGE, 'utf8');
  const perAddress = app.createRateLimit({ max: options.addressMaxPerMinute, timeWindow: 60_000, keyGenerator: (request) => `webchat-address:${request.ip}` });

  app.get('/', async (_req, reply) => reply.redirect('/chat'));
  app.get('/chat', async (request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(pageFor(template, pageLang(request), reply.cspNonce)),
  );

  app.post('/chat/api/sessions', { config: { rateLimit: { max: options.sessionsPerHour, timeWindow: 3_600_000, keyGenerator: (r) => `sessions:${r.ip}` } } }, async (_req, reply) => {
    const { token, expiresAt } = await openSession(ctx.db.sql, ctx.now(), options.sessionHours);
    return reply.code(201).header('cache-control', 'no-store').send({ session: token, expiresAt: expiresAt.toISOString() });
  });

  app.delete('/chat/api/sessions', async (request, reply) => {
    const token = sessionToken(request.headers[SESSION_HEADER]);
    if (token) await endSession(ctx.db.sql, token, ctx.now());
    return reply.code(204).send();
  });

  app.post(
    '/chat/api/messages',
    { bodyLimit: 1_048_576, config: { rateLimit: { max: options.maxPerMinute, timeWindow: 60_000, keyGenerator: perSession } } },
    async (request, reply) => {
      const address = await perAddress(request);
      if (!address.isAllowed && address.isExceeded) {
        return reply.code(429).header('retry-after', address.ttlInSeconds).send({ error: 'rate_limited', message: `Rate limit exceeded, retry in ${address.ttlInSeconds} seconds` });
      }
      const parsed = postBody.safeParse(request.body);
      if (!parsed.success) return reply.code(400).send({ error: 'invalid message' });
      const token = sessionToken(request.headers[SESSION_HEADER]);
      const chatId = token && (await touchSession(ctx.db.sql, token, ctx.now(), options.sessionHours));
      if (!chatId) return ended(reply);
      // A message the database refuses is set aside: the apology arrives through the poll like any reply.
      const stored = await intake.ingestOrSetAside({
        channel: 'web',
        chatId,
        externalId: parsed.data.id,
        content: { kind: 'text', text: parsed.data.text },
        sentAt: ctx.now(),
      });
      return reply.code(202).send({ accepted: true, duplicate: stored !== 'set-aside' && stored.duplicate });
    },
  );

  app.get(
    '/chat/api/messages',
    { config: { rateLimit: { max: options.pollsPerMinute, timeWindow: 60_000, keyGenerator: perSession } } },
    async (request, reply) => {
      const parsed = pollQuery.safeParse(request.query);
      if (!parsed.success) return reply.code(400).send({ error: 'invalid query' });
      const token = sessionToken(request.headers[SESSION_HEADER]);
      const chatId = token && (await liveSession(ctx.db.sql, token, ctx.now()));
      if (!chatId) return ended(reply);
      const rows = await ctx.db.sql<{ id: string; payload: OutboundMessage }[]>`
        select o.id, o.payload from outbox o
        join channel_identities i on i.id = o.identity_id
        where i.channel = 'web' and i.chat_id = ${chatId} and o.status = 'sent' and o.id > ${parsed.data.after}
        order by o.id limit 100`;
      return reply.header('cache-control', 'no-store').send({
        // Replies erased at the citizen's request or by retention are { kind: 'removed' }: not shown at all.
        messages: rows.flatMap((r) =>
          r.payload.kind === 'text'
            ? [{ id: Number(r.id), text: r.payload.text, options: r.payload.options ?? [] }]
            : // A picture as its link: the page shows text only, and its policy loads no images from elsewhere.
              r.payload.kind === 'image'
              ? [{ id: Number(r.id), text: imageAsText(r.payload), options: [] }]
              : [],
        ),
        last: rows.length ? Number(rows[rows.length - 1].id) : parsed.data.after,
      });
    },
  );
}
