/**
 * Ready answers (*balasan cepat*) staff pick when replying to a citizen. A dinas keeps its own;
 * global ones (no dinas) serve every dinas and only an admin above every dinas edits them. Admins
 * and verifikators edit their dinas's answers; anyone who may reply uses them (see
 * `replyWithCanned` in service.ts, which fills the variables from the case at send time).
 *
 * @example
 *   fillCannedReply('Yth. {nama}, laporan {tiket}: {status}.', { nama: 'Siti', tiket: 'ABCD-2345', status: 'Sedang ditindaklanjuti' });
 *   // 'Yth. Siti, laporan ABCD-2345: Sedang ditindaklanjuti.'
 */
import { and, asc, eq, isNull, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { PipelineContext } from '../conversation/context.js';
import type { Lang } from '../conversation/contract.js';
import * as t from '../db/schema.js';
import type { Actor } from './events.js';

/** No such ready answer, or not one the actor may see. */
export class CannedReplyNotFound extends Error {
  override name = 'CannedReplyNotFound';
  constructor(id: number) {
    super(`no canned reply ${id}`);
  }
}

/** The actor may use ready answers but not write this one. */
export class CannedReplyForbidden extends Error {
  override name = 'CannedReplyForbidden';
}

/** The variables a ready answer may use; each is filled in the citizen's language. */
export const CANNED_VARIABLES = ['nama', 'tiket', 'status'] as const;
export type CannedVariables = Record<(typeof CANNED_VARIABLES)[number], string>;

const text = z.string().trim().max(4000);
export const cannedReplyInput = z.object({
  title: z.string().trim().min(1).max(120),
  text: z.object({ id: text.min(1), en: text.default('') }),
  /** Only an admin above every dinas chooses: a dinas's id, or null for a global answer. Others write their own dinas's. */
  dinasId: z.number().int().positive().nullable().optional(),
});
export type CannedReplyInput = z.input<typeof cannedReplyInput>;

export interface CannedReply {
  id: number;
  dinasId: number | null;
  title: string;
  text: { id: string; en: string };
  updatedAt: Date;
  /** Whether the actor who asked may change or delete it. */
  editable: boolean;
}

/** Replaces `{nama}`, `{tiket}` and `{status}`; any other braces stay as written. */
export function fillCannedReply(template: string, vars: CannedVariables): string {
  return template.replace(/\{(nama|tiket|status)\}/g, (_, name: keyof CannedVariables) => vars[name]);
}

/** The template for a citizen who chats in `lang`; an empty English text falls back to Indonesian. */
export function cannedText(reply: { text: { id: string; en: string } }, lang: Lang): string {
  return lang === 'en' && reply.text.en.trim() ? reply.text.en : reply.text.id;
}

type Staff = Extract<Actor, { kind: 'staff' }>;

function staffOnly(actor: Actor): Staff {
  if (actor.kind !== 'staff') throw new CannedReplyForbidden('ready answers are for staff');
  return actor;
}

/** The answers a staff member may use: global ones and their dinas's (an admin above every dinas: all). */
function readable(actor: Staff): SQL | undefined {
  if (actor.dinasId === null) return actor.role === 'admin' ? undefined : isNull(t.cannedReplies.dinasId);
  return or(isNull(t.cannedReplies.dinasId), eq(t.cannedReplies.dinasId, actor.dinasId));
}

const writesAny = (actor: Staff) => actor.role === 'admin' && actor.dinasId === null;
const mayEdit = (actor: Staff, dinasId: number | null) =>
  (actor.role === 'admin' || actor.role === 'verifikator') && (writesAny(actor) || (dinasId !== null && dinasId === actor.dinasId));

const shown = (actor: Staff, row: typeof t.cannedReplies.$inferSelect): CannedReply => ({
  id: row.id,
  dinasId: row.dinasId,
  title: row.title,
  text: row.text,
  updatedAt: row.updatedAt,
  editable: mayEdit(actor, row.dinasId),
});

/**
 * The answers usable on a case of `forDinasId` (global and that dinas's), or without it every
 * answer the actor may use; by title.
 */
export async function listCannedReplies(ctx: PipelineContext, actor: Actor, forDinasId?: number): Promise<CannedReply[]> {
  const staff = staffOnly(actor);
  const forCase = forDinasId === undefined ? undefined : or(isNull(t.cannedReplies.dinasId), eq(t.cannedReplies.dinasId, forDinasId));
  const rows = await ctx.db.db
    .select()
    .from(t.cannedReplies)
    .where(and(readable(staff), forCase))
    .orderBy(asc(t.cannedReplies.title), asc(t.cannedReplies.id));
  return rows.map((row) => shown(staff, row));
}

/** One answer the actor may use, for sending: throws `CannedReplyNotFound` otherwise. */
export async function findCannedReply(ctx: PipelineContext, actor: Actor, id: number) {
  const staff = staffOnly(actor);
  const [row] = await ctx.db.db
    .select()
    .from(t.cannedReplies)
    .where(and(eq(t.cannedReplies.id, id), readable(staff)));
  if (!row) throw new CannedReplyNotFound(id);
  return row;
}

function targetDinas(actor: Staff, input: z.output<typeof cannedReplyInput>): number | null {
  if (writesAny(actor)) return input.dinasId ?? null;
  if (input.dinasId !== undefined && input.dinasId !== actor.dinasId) throw new CannedReplyForbidden('only an admin above every dinas writes answers for another dinas or for all');
  return actor.dinasId;
}

export async function createCannedReply(ctx: PipelineContext, actor: Actor, input: CannedReplyInput): Promise<CannedReply> {
  const staff = staffOnly(actor);
  const parsed = cannedReplyInput.parse(input);
  const dinasId = targetDinas(staff, parsed);
  if (!mayEdit(staff, dinasId)) throw new CannedReplyForbidden('admins and verifikators write ready answers');
  const now = ctx.now();
  const [row] = await ctx.db.db
    .insert(t.cannedReplies)
    .values({ dinasId, title: parsed.title, text: parsed.text, createdByStaffId: staff.staffId, createdAt: now, updatedAt: now })
    .returning();
  return shown(staff, row);
}

async function editable(ctx: PipelineContext, staff: Staff, id: number) {
  const row = await findCannedReply(ctx, staff, id);
  if (!mayEdit(staff, row.dinasId)) throw new CannedReplyForbidden('this ready answer is not yours to change');
  return row;
}

export async function updateCannedReply(ctx: PipelineContext, actor: Actor, id: number, input: CannedReplyInput): Promise<CannedReply> {
  const staff = staffOnly(actor);
  const parsed = cannedReplyInput.parse(input);
  const current = await editable(ctx, staff, id);
  const dinasId = parsed.dinasId === undefined ? current.dinasId : targetDinas(staff, parsed);
  const [row] = await ctx.db.db
    .update(t.cannedReplies)
    .set({ dinasId, title: parsed.title, text: parsed.text, updatedAt: ctx.now() })
    .where(eq(t.cannedReplies.id, id))
    .returning();
  return shown(staff, row);
}

export async function deleteCannedReply(ctx: PipelineContext, actor: Actor, id: number): Promise<void> {
  const staff = staffOnly(actor);
  await editable(ctx, staff, id);
  await ctx.db.db.delete(t.cannedReplies).where(eq(t.cannedReplies.id, id));
}
