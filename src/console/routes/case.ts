/**
 * The case page's API: one case in full (an audit row whenever it shows personal data), every
 * action staff take on it, the full NIK (its own permission and audit row), its photos streamed
 * from media storage, the choices its forms offer, and the ready answers (`/canned-replies`).
 * Scope is the case service's: a case outside it is 404 with no content; a pimpinan reads only.
 */
import { open } from 'node:fs/promises';
import type { ReadableStream } from 'node:stream/web';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CannedReplyForbidden, CannedReplyNotFound, cannedReplyInput, createCannedReply, deleteCannedReply, listCannedReplies, updateCannedReply } from '../../cases/canned-replies.js';
import { TRANSITIONS } from '../../cases/lifecycle.js';
import { CaseForbidden, personalDataShown } from '../../cases/service.js';
import { CASE_STATUSES, type CaseStatus } from '../../conversation/contract.js';
import * as t from '../../db/schema.js';
import type { ConsoleRouteModule } from '../api.js';
import { recordAudit } from '../audit.js';
import { can, requirePermission } from '../permissions.js';
import type { StaffUser } from '../staff-user.js';

const TAGS = ['case'];
/** Moves that decide whether a case is taken up at all. */
const TRIAGE_STATUSES: readonly CaseStatus[] = ['diverifikasi', 'ditolak', 'duplikat'];
const ticketParams = z.object({ ticket: z.string().min(1).max(20) });
const ok = z.object({ ok: z.literal(true) });
const date = z.date();
const when = z.union([z.date(), z.null()]);

const caseDetail = z.object({
  ticket: z.string(),
  kind: z.string(),
  status: z.enum(CASE_STATUSES),
  categoryCode: z.string(),
  serviceCode: z.string().nullable(),
  description: z.string(),
  location: z.object({ address: z.string().optional(), latitude: z.number().optional(), longitude: z.number().optional() }).nullable(),
  photoFiles: z.array(z.object({ id: z.number(), status: z.enum(['pending', 'stored', 'failed', 'removed']), width: z.number().nullable(), height: z.number().nullable() })),
  dinasId: z.number(),
  unitId: z.number().nullable(),
  assigneeStaffId: z.number().nullable(),
  channel: z.string(),
  regionCode: z.string().nullable(),
  anonymous: z.boolean(),
  confidential: z.boolean(),
  duplicateOf: z.string().nullable(),
  possibleDuplicateOf: z.string().nullable(),
  rating: z.number().nullable(),
  createdAt: date,
  updatedAt: date,
  slaDueAt: when,
  reporter: z.object({ name: z.string().nullable(), nikMasked: z.string().nullable(), phone: z.string().nullable(), displayName: z.string().nullable() }).nullable(),
  /** Set when the reporter had their personal data erased: no reporter, and the description says so. */
  erasedAt: when,
  clocks: z.array(z.object({ kind: z.string(), startedAt: date, dueAt: date, remindAt: when, remindedAt: when, escalatedAt: when, doneAt: when })),
  timeline: z.array(
    z.object({
      id: z.number(),
      type: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string(),
      actor: z.string(),
      note: z.string().nullable(),
      public: z.boolean(),
      data: z.record(z.string(), z.unknown()).nullable(),
      at: date,
    }),
  ),
  transcript: z.array(z.object({ direction: z.enum(['in', 'out']), at: date, kind: z.string(), text: z.string().nullable() })),
});

const eventResult = z.object({ ok: z.literal(true), eventId: z.number(), status: z.enum(CASE_STATUSES) });
const cannedReply = z.object({ id: z.number(), dinasId: z.number().nullable(), title: z.string(), text: z.object({ id: z.string(), en: z.string() }), updatedAt: date, editable: z.boolean() });
const named = z.array(z.object({ id: z.number(), name: z.string() }));

export const caseRoutes: ConsoleRouteModule = (api, deps) => {
  const { cases, ctx } = deps;
  const read = requirePermission('cases.read');
  const act = requirePermission('cases.act');
  /**
   * Verifying, rejecting, merging and sending to another dinas are triage (admin, verifikator).
   * Checked once the case is known in scope, so a case outside it stays a 404 for everyone.
   */
  const triage = async (staff: StaffUser, ticket: string, needed: (dinasId: number) => boolean) => {
    const dinasId = await cases.caseDinas(staff.actor, ticket);
    if (needed(dinasId) && !can(staff, 'cases.triage')) throw new CaseForbidden('verifying, rejecting, merging and re-routing to another dinas are triage');
  };
  const done = (record: { id: number; toStatus: CaseStatus }) => ({ ok: true as const, eventId: record.id, status: record.toStatus });

  api.get(
    '/cases/:ticket',
    {
      preHandler: read,
      schema: {
        tags: TAGS,
        summary: 'One case: details (personal data masked, none for an anonymous case), photos, clocks, timeline and chat; audited when it shows personal data',
        params: ticketParams,
        response: {
          200: z.object({
            case: caseDetail,
            /** Statuses the case may move to now (a duplicate needs `/duplicate`). */
            nextStatuses: z.array(z.enum(CASE_STATUSES)),
            can: z.object({ act: z.boolean(), triage: z.boolean(), unmaskNik: z.boolean() }),
          }),
        },
      },
    },
    async (req) => {
      const staff = req.staff;
      const detail = await cases.getCase(staff.actor, req.params.ticket);
      const shown = personalDataShown(detail);
      if (shown.length > 0) await recordAudit(ctx.db.db, { staff, action: 'case.view', ticket: detail.ticket, details: { shown }, ip: req.ip, at: ctx.now() });
      // The chat id is how the bot reaches the citizen, not something staff need to read.
      const reporter = detail.reporter && { name: detail.reporter.name, nikMasked: detail.reporter.nikMasked, phone: detail.reporter.phone, displayName: detail.reporter.displayName };
      return {
        case: { ...detail, reporter },
        nextStatuses: [...TRANSITIONS[detail.status]],
        can: { act: can(staff, 'cases.act'), triage: can(staff, 'cases.triage'), unmaskNik: can(staff, 'cases.unmaskNik') && !detail.anonymous && detail.erasedAt === null },
      };
    },
  );

  api.post(
    '/cases/:ticket/nik',
    {
      preHandler: requirePermission('cases.unmaskNik'),
      schema: { tags: TAGS, summary: "The reporter's full NIK (admin, verifikator); every unmask is an audit row", params: ticketParams, response: { 200: z.object({ nik: z.string().nullable() }) } },
    },
    async (req, reply) => {
      const staff = req.staff;
      const { ticket, nik } = await cases.unmaskNik(staff.actor, req.params.ticket);
      await recordAudit(ctx.db.db, { staff, action: 'case.nik.unmask', ticket, details: { hadNik: nik !== null }, ip: req.ip, at: ctx.now() });
      reply.header('cache-control', 'no-store');
      return { nik };
    },
  );

  api.get(
    '/cases/:ticket/photos/:id',
    {
      preHandler: read,
      schema: {
        tags: TAGS,
        summary: "A case's photo, as its thumbnail (WebP) or full size; audited",
        params: ticketParams.extend({ id: z.coerce.number().int().positive() }),
        querystring: z.object({ size: z.enum(['thumb', 'full']).default('thumb') }),
      },
    },
    async (req, reply) => {
      const staff = req.staff;
      const { ticket, key, contentType } = await cases.casePhoto(staff.actor, req.params.ticket, req.params.id, req.query.size);
      await recordAudit(ctx.db.db, { staff, action: 'case.photo', ticket, details: { mediaId: req.params.id, size: req.query.size }, ip: req.ip, at: ctx.now() });
      const handle = await deps.mediaStorage.locate(key);
      // A file missing from storage (removed by hand, a lost volume) is the storage's fault, not the case's: 502.
      let body: Readable;
      if ('path' in handle) {
        const file = await open(handle.path).catch(() => null);
        if (!file) return reply.code(502).send({ error: 'media_unavailable' });
        body = file.createReadStream();
      } else {
        const upstream = await fetch(handle.url);
        if (!upstream.ok || !upstream.body) return reply.code(502).send({ error: 'media_unavailable' });
        body = Readable.fromWeb(upstream.body as ReadableStream);
      }
      reply.header('content-type', contentType).header('cache-control', 'private, max-age=300').header('x-content-type-options', 'nosniff');
      return reply.send(body);
    },
  );

  api.get(
    '/cases/:ticket/choices',
    {
      preHandler: read,
      schema: {
        tags: TAGS,
        summary: "What the case page's forms offer: units and active officers of the case's dinas, and every dinas to re-route to",
        params: ticketParams,
        response: { 200: z.object({ units: named, staff: z.array(z.object({ id: z.number(), name: z.string(), unitId: z.number().nullable(), role: z.string() })), dinas: named }) },
      },
    },
    async (req) => cases.caseChoices(req.staff.actor, req.params.ticket),
  );

  api.post(
    '/cases/:ticket/transition',
    {
      preHandler: act,
      schema: {
        tags: TAGS,
        summary: 'Moves the case to another status; the citizen is told, with the note unless it is internal (a rejection needs its reason)',
        params: ticketParams,
        body: z.object({ to: z.enum(CASE_STATUSES), note: z.string().trim().max(2000).optional(), internal: z.boolean().optional() }),
        response: { 200: eventResult },
      },
    },
    async (req) => {
      await triage(req.staff, req.params.ticket, () => TRIAGE_STATUSES.includes(req.body.to));
      return done(await cases.transition(req.staff.actor, req.params.ticket, req.body.to, { note: req.body.note, internal: req.body.internal }));
    },
  );

  api.post(
    '/cases/:ticket/assign',
    {
      preHandler: act,
      schema: {
        tags: TAGS,
        summary: 'Gives the case to a unit of its dinas and/or an officer (internal: the citizen is not told)',
        params: ticketParams,
        body: z.object({ unitId: z.number().int().positive().optional(), staffId: z.number().int().positive().optional() }).refine((b) => b.unitId !== undefined || b.staffId !== undefined, 'unitId or staffId'),
        response: { 200: eventResult },
      },
    },
    async (req) => done(await cases.assign(req.staff.actor, req.params.ticket, req.body)),
  );

  api.post(
    '/cases/:ticket/notes',
    {
      preHandler: act,
      schema: {
        tags: TAGS,
        summary: 'A note on the timeline: internal, or public (sent to the citizen)',
        params: ticketParams,
        body: z.object({ text: z.string().trim().min(1).max(4000), internal: z.boolean() }),
        response: { 200: eventResult },
      },
    },
    async (req) => done(await cases.addNote(req.staff.actor, req.params.ticket, req.body.text, req.body.internal)),
  );

  api.post(
    '/cases/:ticket/reply',
    {
      preHandler: act,
      schema: {
        tags: TAGS,
        summary: "Writes into the citizen's chat: free text, or a ready answer with {nama}, {tiket} and {status} filled in",
        params: ticketParams,
        body: z.union([z.object({ text: z.string().trim().min(1).max(4000) }).strict(), z.object({ cannedReplyId: z.number().int().positive() }).strict()]),
        response: { 200: eventResult.extend({ text: z.string() }) },
      },
    },
    async (req) => {
      const { actor } = req.staff;
      const record = 'text' in req.body ? await cases.replyToCitizen(actor, req.params.ticket, req.body.text) : await cases.replyWithCanned(actor, req.params.ticket, req.body.cannedReplyId);
      return { ...done(record), text: record.note ?? '' };
    },
  );

  api.post(
    '/cases/:ticket/duplicate',
    {
      preHandler: act,
      schema: {
        tags: TAGS,
        summary: 'Marks the case a duplicate of another case in scope (the citizen is told)',
        params: ticketParams,
        body: z.object({ of: z.string().trim().min(1).max(20), note: z.string().trim().max(2000).optional() }),
        response: { 200: eventResult },
      },
    },
    async (req) => {
      await triage(req.staff, req.params.ticket, () => true);
      return done(await cases.markDuplicate(req.staff.actor, req.params.ticket, req.body.of, req.body.note));
    },
  );

  api.post(
    '/cases/:ticket/reroute',
    {
      preHandler: act,
      schema: {
        tags: TAGS,
        summary: 'Forwards (dialihkan) the case to another dinas, or to a unit',
        params: ticketParams,
        body: z.object({ dinasId: z.number().int().positive(), unitId: z.number().int().positive().optional(), note: z.string().trim().max(2000).optional() }),
        response: { 200: eventResult },
      },
    },
    async (req) => {
      await triage(req.staff, req.params.ticket, (dinasId) => dinasId !== req.body.dinasId);
      return done(await cases.reroute(req.staff.actor, req.params.ticket, { dinasId: req.body.dinasId, unitId: req.body.unitId }, req.body.note));
    },
  );

  /** A ready answer not found or not the actor's to change: 404 or 403 like a case. */
  const cannedAnswer = async <T>(reply: FastifyReply, work: Promise<T>): Promise<T | undefined> => {
    try {
      return await work;
    } catch (err) {
      if (err instanceof CannedReplyNotFound) await reply.code(404).send({ error: 'not_found' });
      else if (err instanceof CannedReplyForbidden) await reply.code(403).send({ error: 'forbidden' });
      else throw err;
      return undefined;
    }
  };
  const idParams = z.object({ id: z.coerce.number().int().positive() });

  api.get(
    '/canned-replies',
    {
      preHandler: read,
      schema: {
        tags: TAGS,
        summary: 'Ready answers the staff member may use (with `ticket`: those usable on that case); whether they may write them',
        querystring: z.object({ ticket: z.string().min(1).max(20).optional() }),
        response: { 200: z.object({ replies: z.array(cannedReply), mayWrite: z.boolean(), writesGlobal: z.boolean(), dinas: named }) },
      },
    },
    async (req) => {
      const staff = req.staff;
      // Through the case service, so a ticket out of scope is 404 like the case.
      const dinasId = req.query.ticket ? (await cases.caseDinas(staff.actor, req.query.ticket)) : undefined;
      const writesGlobal = staff.role === 'admin' && staff.dinasId === null;
      return {
        replies: await listCannedReplies(ctx, staff.actor, dinasId),
        mayWrite: staff.role === 'admin' || staff.role === 'verifikator',
        writesGlobal,
        dinas: writesGlobal ? await ctx.db.db.select({ id: t.dinas.id, name: t.dinas.name }).from(t.dinas).orderBy(t.dinas.name) : [],
      };
    },
  );

  api.post(
    '/canned-replies',
    { preHandler: read, schema: { tags: TAGS, summary: 'Adds a ready answer (admin, verifikator)', body: cannedReplyInput, response: { 200: cannedReply } } },
    async (req, reply) => cannedAnswer(reply, createCannedReply(ctx, req.staff.actor, req.body)),
  );

  api.put(
    '/canned-replies/:id',
    { preHandler: read, schema: { tags: TAGS, summary: 'Changes a ready answer (admin, verifikator of its dinas)', params: idParams, body: cannedReplyInput, response: { 200: cannedReply } } },
    async (req, reply) => cannedAnswer(reply, updateCannedReply(ctx, req.staff.actor, req.params.id, req.body)),
  );

  api.delete(
    '/canned-replies/:id',
    { preHandler: read, schema: { tags: TAGS, summary: 'Deletes a ready answer (admin, verifikator of its dinas)', params: idParams, response: { 200: ok } } },
    async (req, reply) => cannedAnswer(reply, deleteCannedReply(ctx, req.staff.actor, req.params.id).then(() => ({ ok: true as const }))),
  );
};
