/**
 * Open311 GeoReport v2 at `/open311/v2/`, JSON only: services.json, services/{code}.json,
 * requests.json (GET with the spec's filters; POST with an `api_key`), requests/{id}.json and
 * tokens/{token}.json. Errors are the spec's `[{ code, description }]` with 400, 403 or 404.
 * `jurisdiction_id`, when given, is a dinas code and narrows services and requests to it.
 *
 * A POSTed request becomes a case like any other, routed by the routing rules, with an identity
 * of the chat-less `open311` channel: the status updates a chat citizen would get are skipped,
 * and the submitting system follows the case here or through its dinas's webhook.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CHATLESS_CHANNEL } from '../../cases/lifecycle.js';
import { normaliseTicket } from '../../cases/ticket.js';
import type { CaseKind } from '../../conversation/contract.js';
import type { PipelineContext } from '../../conversation/context.js';
import { errorKind } from '../../db/errors.js';
import * as t from '../../db/schema.js';
import { authenticateKey } from '../keys.js';
import { openCaseFromIntegration } from '../lifecycle.js';
import { findServiceRequests, type RequestFilter } from './requests.js';
import { listServices, SERVICE_ATTRIBUTES } from './services.js';

const PREFIX = '/open311/v2';

function fail(reply: FastifyReply, code: 400 | 403 | 404 | 429, description: string) {
  return reply.code(code).send([{ code, description }]);
}

/** `name.json` → name; another format → a 400 that says so. */
function jsonName(file: string, reply: FastifyReply): string | null {
  const match = /^(.+)\.([A-Za-z0-9]+)$/.exec(file);
  if (!match) {
    void fail(reply, 404, 'not found: Open311 paths end in .json');
    return null;
  }
  if (match[2].toLowerCase() !== 'json') {
    void fail(reply, 400, `format "${match[2]}" is not supported: this endpoint speaks JSON only (use .json)`);
    return null;
  }
  return match[1];
}

const commaList = (value: string | undefined) =>
  value
    ?.split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const w3cDate = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), 'must be a W3C date-time, e.g. 2026-11-30T08:00:00+07:00')
  .transform((v) => new Date(v));

const listQuery = z.object({
  jurisdiction_id: z.string().optional(),
  service_request_id: z.string().optional(),
  service_code: z.string().optional(),
  start_date: w3cDate.optional(),
  end_date: w3cDate.optional(),
  status: z
    .string()
    .optional()
    .refine((v) => v === undefined || (commaList(v) ?? []).every((s) => s === 'open' || s === 'closed'), 'status is open, closed or both (comma-separated)'),
});

const optionalText = (max: number) => z.string().trim().max(max).optional().transform((v) => v || undefined);
// Form bodies send an empty field for "not given"; it must not read as 0.
const coordinate = (limit: number) => z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().min(-limit).max(limit).optional());

const createBody = z.object({
  api_key: z.string().optional(),
  jurisdiction_id: z.string().optional(),
  service_code: z.string({ error: 'service_code is required' }).min(1, 'service_code is required'),
  lat: coordinate(90),
  long: coordinate(180),
  address_string: optionalText(500),
  address_id: optionalText(200),
  email: z.email().max(254).optional().or(z.literal('').transform(() => undefined)),
  device_id: optionalText(200),
  account_id: optionalText(200),
  first_name: optionalText(100),
  last_name: optionalText(100),
  phone: optionalText(40),
  description: z.string({ error: 'description is required' }).trim().min(1, 'description is required').max(4000),
  media_url: z.url().max(2000).optional().or(z.literal('').transform(() => undefined)),
  attribute: z.record(z.string(), z.string()).optional(),
});

/** Form bodies spell attributes `attribute[jenis]=aspirasi`; JSON bodies may nest them. */
function gatherAttributes(body: Record<string, unknown>): Record<string, unknown> {
  const attribute: Record<string, string> = typeof body.attribute === 'object' && body.attribute !== null ? { ...(body.attribute as Record<string, string>) } : {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const match = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (match) attribute[match[1]] = String(value);
    else if (key !== 'attribute') rest[key] = value;
  }
  return Object.keys(attribute).length ? { ...rest, attribute } : rest;
}

const KINDS: readonly string[] = SERVICE_ATTRIBUTES[0].values.map((v) => v.key);

export function registerOpen311(app: FastifyInstance, ctx: PipelineContext) {
  const db = ctx.db.db;

  async function dinasFor(jurisdiction: string | undefined, reply: FastifyReply): Promise<number | undefined | null> {
    if (!jurisdiction) return undefined;
    const [found] = await db.select({ id: t.dinas.id }).from(t.dinas).where(eq(t.dinas.code, jurisdiction));
    if (!found) {
      void fail(reply, 404, `jurisdiction_id ${jurisdiction} not found`);
      return null;
    }
    return found.id;
  }

  async function servicesOf(dinasId: number | undefined) {
    const all = await listServices(db);
    if (dinasId === undefined) return all;
    const own = new Set((await db.select({ code: t.services.code }).from(t.services).where(eq(t.services.dinasId, dinasId))).map((s) => s.code));
    // Categories are open to every dinas; catalogue services belong to one.
    return all.filter((s) => s.resolved.serviceCode === null || own.has(s.resolved.serviceCode));
  }

  app.register(
    async (scope) => {
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      });
      scope.setErrorHandler((err: { statusCode?: number }, _req, reply) => {
        const status = err.statusCode ?? 500;
        if (status >= 500) {
          ctx.log.error({ ...errorKind(err) }, 'open311 request failed');
          return reply.code(500).send([{ code: 500, description: 'internal error' }]);
        }
        if (status === 429) return fail(reply, 429, 'too many requests; try again in a minute');
        return fail(reply, status === 403 || status === 404 ? status : 400, 'the request could not be read');
      });
      scope.setNotFoundHandler((_req, reply) => fail(reply, 404, 'not found'));

      scope.get<{ Params: { file: string }; Querystring: Record<string, string> }>('/:file', async (req, reply) => {
        const name = jsonName(req.params.file, reply);
        if (name === null) return reply;
        if (name === 'services') {
          const dinasId = await dinasFor(req.query.jurisdiction_id, reply);
          if (dinasId === null) return reply;
          return (await servicesOf(dinasId)).map(({ resolved: _, ...service }) => service);
        }
        if (name !== 'requests') return fail(reply, 404, 'not found');
        const query = listQuery.safeParse(req.query);
        if (!query.success) return fail(reply, 400, query.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        const dinasId = await dinasFor(query.data.jurisdiction_id, reply);
        if (dinasId === null) return reply;
        const filter: RequestFilter = {
          tickets: commaList(query.data.service_request_id)?.map((id) => normaliseTicket(id) ?? id),
          serviceCodes: commaList(query.data.service_code),
          start: query.data.start_date,
          end: query.data.end_date,
          status: commaList(query.data.status) as RequestFilter['status'],
          dinasId,
        };
        return findServiceRequests(db, filter, ctx.now(), ctx.nikKeys);
      });

      scope.get<{ Params: { collection: string; file: string }; Querystring: Record<string, string> }>('/:collection/:file', async (req, reply) => {
        const id = jsonName(req.params.file, reply);
        if (id === null) return reply;
        switch (req.params.collection) {
          case 'services': {
            const service = (await listServices(db)).find((s) => s.service_code === id);
            if (!service) return fail(reply, 404, `service_code ${id} not found`);
            return { service_code: service.service_code, attributes: SERVICE_ATTRIBUTES };
          }
          case 'requests': {
            const ticket = normaliseTicket(id);
            const found = ticket ? await findServiceRequests(db, { tickets: [ticket] }, ctx.now(), ctx.nikKeys) : [];
            if (found.length === 0) return fail(reply, 404, `service_request_id ${id} not found`);
            return found;
          }
          case 'tokens': {
            const [row] = await db
              .select({ ticket: t.cases.ticket })
              .from(t.open311Requests)
              .innerJoin(t.cases, eq(t.cases.id, t.open311Requests.caseId))
              .where(eq(t.open311Requests.token, id));
            if (!row) return fail(reply, 404, `token ${id} not found`);
            return [{ service_request_id: row.ticket, token: id }];
          }
          default:
            return fail(reply, 404, 'not found');
        }
      });

      scope.post<{ Params: { file: string } }>('/:file', async (req, reply) => {
        const name = jsonName(req.params.file, reply);
        if (name === null) return reply;
        if (name !== 'requests') return fail(reply, 404, 'not found');
        const raw = gatherAttributes(typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {});
        const client = await authenticateKey(db, typeof raw.api_key === 'string' ? raw.api_key : undefined);
        if (!client) return fail(reply, 403, 'api_key was not provided or is invalid');
        const parsed = createBody.safeParse(raw);
        if (!parsed.success) return fail(reply, 400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
        const body = parsed.data;
        if ((body.lat === undefined || body.long === undefined) && !body.address_string && !body.address_id) {
          return fail(reply, 400, 'a location is required: lat and long, address_string or address_id');
        }
        const service = (await listServices(db)).find((s) => s.service_code === body.service_code);
        if (!service) return fail(reply, 400, `service_code ${body.service_code} not found`);
        const kind = body.attribute?.jenis ?? 'pengaduan';
        if (!KINDS.includes(kind)) return fail(reply, 400, `attribute[jenis] must be one of ${KINDS.join(', ')}`);

        const reporterName = [body.first_name, body.last_name].filter(Boolean).join(' ') || undefined;
        const anonymous = body.attribute?.anonim === 'true' || (!reporterName && !body.email && !body.phone);
        const token = randomUUID();
        const address = body.address_string ?? body.address_id;
        const opened = await openCaseFromIntegration(ctx, {
          draft: {
            kind: kind as CaseKind,
            categoryCode: service.resolved.categoryCode,
            ...(service.resolved.serviceCode ? { serviceCode: service.resolved.serviceCode } : {}),
            description: body.description,
            location: {
              ...(address ? { address } : {}),
              ...(body.lat !== undefined && body.long !== undefined ? { latitude: body.lat, longitude: body.long } : {}),
            },
            photos: [],
            ...(reporterName ? { reporterName } : {}),
            anonymous,
            confidential: body.attribute?.rahasia === 'true',
          },
          identity: async (tx) => {
            const [identity] = await tx
              .insert(t.channelIdentities)
              .values({ channel: CHATLESS_CHANNEL, chatId: `${client.keyId}:${token}`, phone: body.phone ?? null })
              .returning({ id: t.channelIdentities.id });
            return identity.id;
          },
          also: async (tx, caseId) => {
            await tx.insert(t.open311Requests).values({ token, caseId, keyId: client.keyId, email: body.email ?? null, mediaUrl: body.media_url ?? null });
          },
        });
        return reply.code(201).send([
          {
            service_request_id: opened.ticket,
            token,
            service_notice: `Diterima. Diverifikasi paling lambat ${opened.dueAt.toISOString()}.`,
            account_id: body.account_id ?? null,
          },
        ]);
      });
    },
    { prefix: PREFIX },
  );
}
