/**
 * How every staff edit of the catalogue and settings is made: checked against the editor's scope,
 * written in one transaction with its audit row (what changed, field by field) and a NOTIFY that
 * makes every process drop its cached copy at commit. This process drops its own at once too, so
 * the editor's next action already sees the change.
 */
import { z } from 'zod';
import type { PipelineContext } from '../../conversation/context.js';
import type { Tx } from '../../db/client.js';
import { announceChange, type SettingsArea } from '../changes.js';

/** One audited edit: `action` such as `catalogue.service.update`, `details` what changed. */
export interface SettingsChange {
  action: string;
  details: Record<string, unknown>;
}

/**
 * Who edits. A null `dinasId` edits everything (admins of the whole installation); a dinas's own
 * admin edits only what belongs to that dinas (its profile, units, services, SLA rows, notification
 * targets and webhooks); the shared lists (categories, routing rules, holidays, default SLAs) stay
 * with the whole-installation admins, because they decide for every dinas.
 */
export interface Editor {
  dinasId: number | null;
  /** Writes the audit row inside the edit's transaction (the console's `recordAudit`). */
  audit(tx: Tx, change: SettingsChange): Promise<void>;
}

export type RefusalReason = 'not_found' | 'forbidden' | 'conflict' | 'invalid';

/** An edit the rules refuse; `status` is the HTTP answer the console gives. */
export class SettingsRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'SettingsRefused';
  }

  get status(): number {
    return { not_found: 404, forbidden: 403, conflict: 409, invalid: 400 }[this.reason];
  }
}

export const notFound = (what: string) => new SettingsRefused('not_found', `${what} not found`);

/** The editor may touch what belongs to `dinasId`; out of scope reads as absent, as cases do. */
export function assertInScope(editor: Editor, dinasId: number | null, what: string): void {
  if (editor.dinasId !== null && editor.dinasId !== dinasId) throw notFound(what);
}

/** Shared lists are for whole-installation editors only. */
export function assertGlobalEditor(editor: Editor, what: string): void {
  if (editor.dinasId !== null) throw new SettingsRefused('forbidden', `${what} are edited by the administrators of the whole installation`);
}

/** Parses `input` with `schema`, turning a zod failure into an `invalid` refusal with readable reasons. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new SettingsRefused('invalid', z.prettifyError(parsed.error));
  return parsed.data;
}

/** The fields that differ, as `{ field: { from, to } }`; `hidden` fields only say that they changed. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  hidden: readonly string[] = [],
): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (after[key] === undefined || JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    changed[key] = hidden.includes(key) ? { changed: true } : { from: before[key] ?? null, to: after[key] };
  }
  return changed;
}

/** `row` without its hidden fields, for the audit row of a creation or deletion. */
export function visibleFields(row: Record<string, unknown>, hidden: readonly string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => !hidden.includes(key)));
}

/** SQLSTATE of a database error, through drizzle's wrapping. */
function sqlState(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Runs `work` in a transaction, audits what it reports and tells every process about `area`.
 * A row still referenced elsewhere (23503) or a duplicate code (23505) is a conflict, not a crash.
 */
export async function commitChange<T>(
  ctx: Pick<PipelineContext, 'db' | 'catalogue'>,
  editor: Editor,
  area: SettingsArea,
  action: string,
  work: (tx: Tx) => Promise<{ result: T; details: Record<string, unknown> }>,
): Promise<T> {
  let result: T;
  try {
    result = await ctx.db.db.transaction(async (tx) => {
      const done = await work(tx);
      await editor.audit(tx, { action, details: done.details });
      await announceChange(tx, area);
      return done.result;
    });
  } catch (error) {
    const state = sqlState(error);
    if (state === '23503') throw new SettingsRefused('conflict', 'still in use elsewhere (cases, staff, services, rules or deliveries refer to it)');
    if (state === '23505') throw new SettingsRefused('conflict', 'an entry with this code or date already exists');
    throw error;
  }
  ctx.catalogue.invalidate();
  return result;
}
