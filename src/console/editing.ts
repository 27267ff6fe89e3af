/**
 * What the console's editing routes (catalogue, settings, staff accounts) share: the logged-in
 * person as an `Editor` whose changes are audited under their name, and answers for refused edits
 * (`{ error: 'not_found' | 'forbidden' | 'conflict' | 'invalid', message }`).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Editor } from '../catalogue/edit/change.js';
import type { PipelineContext } from '../conversation/context.js';
import type { ConsoleApi } from './api.js';
import { recordAudit } from './audit.js';
import { notifyConsole } from './live.js';
import { requirePermission, type Permission } from './permissions.js';

/** The person behind `request`, editing within their dinas (or everything, without one); each change is audited under their name and announced to open consoles. */
export function editorFor(request: FastifyRequest, ctx: Pick<PipelineContext, 'now'>): Editor {
  const staff = request.staff;
  return {
    dinasId: staff.dinasId,
    audit: async (tx, change) => {
      await recordAudit(tx, { staff, action: change.action, details: change.details, ip: request.ip, at: ctx.now() });
      // Other open consoles reload their lists (the event names the action only).
      await notifyConsole(tx, { type: 'catalogue', change: change.action });
    },
  };
}

/** A refused request: `not_found`, `forbidden`, `conflict` or `invalid` with the reason (or the schema's `issues`). */
const refusal = z.object({
  error: z.string(),
  message: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string().optional() })).optional(),
});
export const refusals = { 400: refusal, 403: refusal, 404: refusal, 409: refusal };
const idParams = z.object({ id: z.coerce.number().int().positive() });

/**
 * POST `path`, PATCH and DELETE `path/:id` for one kind of entry, each behind `permission`,
 * described for OpenAPI by its zod schemas. `key` parses `:id` (a number unless given, e.g. a date).
 */
export function editableList<Key extends string | number>(
  scope: ConsoleApi,
  ctx: PipelineContext,
  spec: {
    path: string;
    what: string;
    tag: string;
    permission: Permission;
    row: z.ZodType;
    create: z.ZodType;
    update: z.ZodType;
    /** What a creation answers, when it is more than the row (a secret shown once). */
    created?: z.ZodType;
    key?: z.ZodType<Key>;
    handlers: {
      create(ctx: PipelineContext, editor: Editor, input: unknown): Promise<unknown>;
      update(ctx: PipelineContext, editor: Editor, key: Key, input: unknown): Promise<unknown>;
      remove(ctx: PipelineContext, editor: Editor, key: Key): Promise<void>;
    };
  },
): void {
  const { path, what, handlers } = spec;
  const params = z.object({ id: spec.key ?? idParams.shape.id }) as unknown as z.ZodType<{ id: Key }>;
  const base = { preHandler: requirePermission(spec.permission) };
  const tags = [spec.tag];
  scope.post(
    path,
    { ...base, schema: { tags, summary: `Add a ${what}`, body: spec.create, response: { 201: spec.created ?? spec.row, ...refusals } } },
    async (request, reply) => reply.code(201).send(await handlers.create(ctx, editorFor(request, ctx), request.body)),
  );
  scope.patch(
    `${path}/:id`,
    { ...base, schema: { tags, summary: `Change a ${what} (only the fields given)`, params, body: spec.update, response: { 200: spec.row, ...refusals } } },
    async (request) => handlers.update(ctx, editorFor(request, ctx), request.params.id, request.body),
  );
  scope.delete(
    `${path}/:id`,
    { ...base, schema: { tags, summary: `Remove a ${what} (refused while still in use)`, params, response: { 204: z.null(), ...refusals } } },
    async (request, reply) => {
      await handlers.remove(ctx, editorFor(request, ctx), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
