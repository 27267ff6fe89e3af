/**
 * Live updates for the console: whoever changes something the console shows writes
 * `notifyConsole(tx, event)` in the same transaction; Postgres delivers it at commit to every
 * process listening (`pg_notify`), and each web process passes it to the open `/api/v1/events`
 * streams whose staff may see it. Events carry ids only — the page fetches what changed through
 * the API, which enforces scope again — so a stream never holds personal data.
 *
 * @example
 *   await inCaseTransaction(ctx, async (tx) => { ...; await notifyConsole(tx, { type: 'case', ticket, dinasId, unitId }); });
 *   const stop = live.subscribe((event) => ...);
 */
import { sql as drizzleSql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { CaseEventSink } from '../cases/events.js';
import type { Db, Tx } from '../db/client.js';
import type { StaffUser } from './staff-user.js';

export const CONSOLE_CHANNEL = 'console_events';

export interface ConsoleEvent {
  /** `case` (a case event), `handoff` (live chat), `catalogue` (a setting changed)… */
  type: string;
  ticket?: string;
  dinasId?: number | null;
  unitId?: number | null;
  handoffId?: number;
  /** The kind of change within the type, e.g. a case event's type (`created`, `status`, `note`). */
  change?: string;
}

/** Sends `event` to every process's console streams when `db`'s transaction commits (at once outside one). */
export async function notifyConsole(db: Db | Tx, event: ConsoleEvent): Promise<void> {
  await db.execute(drizzleSql`select pg_notify(${CONSOLE_CHANNEL}, ${JSON.stringify(event)})`);
}

/** Every case event reaches the console's streams (ids and the kind of change only). */
export const consoleCaseSink: CaseEventSink = async (tx, event) => {
  await notifyConsole(tx, { type: 'case', ticket: event.ticket, dinasId: event.dinasId, unitId: event.unitId, change: event.type });
};

/** Whether `staff` may hear of `event`: their dinas (and, for a petugas, their unit); admins without a dinas hear all. */
export function mayHear(staff: StaffUser, event: ConsoleEvent): boolean {
  if (staff.dinasId === null) return staff.role === 'admin' || staff.role === 'verifikator';
  if (event.dinasId === undefined) return true;
  if (event.dinasId !== staff.dinasId) return false;
  if (staff.role === 'petugas' && event.unitId != null && event.unitId !== staff.unitId) return false;
  return true;
}

export class ConsoleLive {
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly sql: Sql) {}

  /** Listens on its own connection (postgres.js keeps one for LISTEN and reconnects it). */
  async start(): Promise<void> {
    const { unlisten } = await this.sql.listen(CONSOLE_CHANNEL, (payload) => {
      let event: ConsoleEvent;
      try {
        event = JSON.parse(payload) as ConsoleEvent;
      } catch {
        return;
      }
      for (const listener of this.listeners) listener(event);
    });
    this.unlisten = unlisten;
  }

  subscribe(listener: (event: ConsoleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.unlisten?.().catch(() => {});
  }
}
