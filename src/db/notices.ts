/**
 * NOTIFYs that ride in a later statement of their transaction. Postgres delivers a transaction's
 * notifications at its commit, whichever statement sent them, so a transaction that ends with a
 * write of its own (a batch of conversation steps: src/conversation/runtime.ts) can collect them
 * and send them in that write instead of a statement each: a new case's console event cost the
 * step that opened it a round trip of its own. Outside such a transaction a notice goes at once.
 *
 * @example
 *   collectNotices(tx);                                  // the batch's transaction opens
 *   await notify(tx, 'console_events', payload);         // deep inside a step: kept for later
 *   const notices = takeNotices(tx);                     // the batch's write sends them (src/conversation/runtime.ts)
 */
import type postgres from 'postgres';
import { sql as drizzleSql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';

export interface Notice {
  channel: string;
  payload: string;
}

const collecting = new WeakMap<object, Notice[]>();

/** From now on, `notify` on this transaction keeps its notices for `takeNotices`. */
export function collectNotices(tx: Tx): void {
  collecting.set(tx, []);
}

/** The notices kept so far, handed to the caller's statement (which must send them), and no more collecting. */
export function takeNotices(tx: Tx): Notice[] {
  const notices = collecting.get(tx) ?? [];
  collecting.delete(tx);
  return notices;
}

/** `pg_notify(channel, payload)` at `db`'s commit: kept when its transaction collects, sent now otherwise. */
export async function notify(db: Db | Tx, channel: string, payload: string): Promise<void> {
  const kept = collecting.get(db);
  if (kept) {
    kept.push({ channel, payload });
    return;
  }
  await db.execute(drizzleSql`select pg_notify(${channel}, ${payload})`);
}

/** Sends kept notices in a statement of their own (a transaction whose write did not carry them). */
export async function sendNotices(raw: postgres.TransactionSql, notices: readonly Notice[]): Promise<void> {
  if (notices.length === 0) return;
  await raw`select count(pg_notify(n.channel, n.payload)) from jsonb_to_recordset(${JSON.stringify(notices)}::text::jsonb) as n(channel text, payload text)`;
}
