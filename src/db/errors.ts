/**
 * Why a write failed, read once: an outage passes with time (retry, answer 500 so the platform
 * redelivers), a refusal of this data does not (set the update aside and move on). Between the two
 * lies every error nobody foresaw (a trigger's own SQLSTATE, an internal error, a Node `ERR_*`):
 * `isOutage` settles those by asking the database whether it still answers.
 */
import type { Sql } from 'postgres';
import { within } from '../queues/within.js';

/**
 * SQLSTATE classes that refuse the data itself: 22 data exception (invalid byte sequence,
 * untranslatable character), 23 integrity constraint, 54 program limit (value or row too big).
 */
const REFUSING_CLASSES = new Set(['22', '23', '54']);
/** postgres.js's own errors about a query it could not even send; the same query fails again. */
const REFUSING_DRIVER_CODES = new Set(['MAX_PARAMETERS_EXCEEDED', 'UNDEFINED_VALUE']);
const SQLSTATE = /^[0-9A-Z]{5}$/;

export type WriteFailure = 'transient' | 'refused';

/** The error and its causes (drizzle wraps the driver's error in `DrizzleQueryError.cause`). */
function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  for (let e = error; e !== null && e !== undefined && errors.length < 5; e = (e as { cause?: unknown }).cause) errors.push(e);
  return errors;
}

function codeOf(error: unknown): string | undefined {
  for (const e of chain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * `transient` for anything that may pass: connection refused or closed, too many clients (53),
 * timeouts, shutdowns (57), serialization failures (40), and any error code we do not know.
 * `refused` for data Postgres will never accept, and for plain errors without a code: a bug this
 * update triggers, which retrying does not fix either. A refusal needs no second look; a
 * `transient` verdict is only a suspicion until `isOutage` has asked the database.
 */
export function classifyWriteError(error: unknown): WriteFailure {
  const code = codeOf(error);
  if (code === undefined) return 'refused';
  if (SQLSTATE.test(code)) return REFUSING_CLASSES.has(code.slice(0, 2)) ? 'refused' : 'transient';
  return REFUSING_DRIVER_CODES.has(code) ? 'refused' : 'transient';
}

/**
 * Safe to log: the error's name and code only. Messages may quote the data (drizzle puts the
 * parameters in its message, Postgres the failing row in `detail`), so they stay out of logs.
 */
export function errorKind(error: unknown): { errorName: string; errorCode?: string } {
  const code = codeOf(error);
  const innermost = chain(error).at(-1);
  return { errorName: innermost instanceof Error ? innermost.name : typeof innermost, ...(code ? { errorCode: code } : {}) };
}

/** For the operators' table: the innermost error's own message (Postgres's, not drizzle's query dump). */
export function errorText(error: unknown): string {
  const innermost = chain(error).at(-1);
  const code = codeOf(error);
  const message = innermost instanceof Error ? innermost.message : String(innermost);
  return code ? `${code}: ${message}` : message;
}

/** A probe waits no longer than this: a database that cannot answer a `select 1` in it is out. */
const PROBE_TIMEOUT_MS = 2_000;

/** Whether the database answers a `select 1` on this pool within `timeoutMs` (a hung or full pool does not). */
export async function databaseAnswers(sql: Sql, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return (await within(sql`select 1`.execute(), timeoutMs)).outcome === 'done';
}

/**
 * Whether a failure is an outage, to be waited out without limit: an error that may pass, while
 * the database does not answer on the same pool. Anything else is the update's own failure (a
 * refusal, or an error of any kind while the database answers) and counts towards setting it
 * aside, so no update can hold a channel for ever. In doubt (the probe hangs) it is an outage:
 * waiting longer never loses an update.
 *
 * @example
 *   if (await isOutage(ctx.db.sql, error)) throw error; // 500: the platform redelivers
 */
export async function isOutage(sql: Sql, error: unknown): Promise<boolean> {
  return classifyWriteError(error) === 'transient' && !(await databaseAnswers(sql));
}
