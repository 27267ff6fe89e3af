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
import type { Sql } from 'postgres';
import type { CaseEventSink } from '../cases/events.js';
import type { Db, Tx } from '../db/client.js';
import { notify } from '../db/notices.js';
import type { StaffUser } from './staff-user.js';

export const CONSOLE_CHANNEL = 'console_events';

export interface ConsoleEvent {
  /** `case` (a case event), `handoff` (live chat), `catalogue` (a setting changed)… */
  type: string;
  ticket?: string;
  dinasId?: number | null;
  unitId?: number | null;
  /** A case event's region code and rahasia flag: who hears it is decided by them, and they are never sent (see `heardAs`). */
  regionCode?: string | null;
  confidential?: boolean;
  handoffId?: number;
  /** The kind of change within the type, e.g. a case event's type (`created`, `status`, `note`). */
  change?: string;
}

/**
 * Sends `event` to every process's console streams when `db`'s transaction commits (at once outside
 * one); in a batch of conversation steps it rides in the batch's write (src/db/notices.ts).
 */
export async function notifyConsole(db: Db | Tx, event: ConsoleEvent): Promise<void> {
  await notify(db, CONSOLE_CHANNEL, JSON.stringify(event));
}

/** Every case event reaches the console's streams (ids and the kind of change only). */
export const consoleCaseSink: CaseEventSink = async (tx, event) => {
  await notifyConsole(tx, {
    type: 'case',
    ticket: event.ticket,
    dinasId: event.dinasId,
    unitId: event.unitId,
    regionCode: event.regionCode,
    confidential: event.confidential,
    change: event.type,
  });
};

/**
 * Whether `staff` may hear of `event`. A case event reaches exactly those who may open the case:
 * the rules of the case service's `scopeOf` (src/cases/service.ts) — their dinas, a petugas's own
 * unit, their region-code prefix, and a confidential case only for its assigned unit (or, while it
 * has none, the dinas's verifikator and admin). Other events reach the dinas they name, or everyone
 * when they name none. As there, only an admin stands above every dinas; anyone else without one hears nothing.
 */
export function mayHear(staff: StaffUser, event: ConsoleEvent): boolean {
  if (staff.dinasId === null && staff.role !== 'admin') return false;
  if (event.type === 'case') return mayOpenCase(staff, event);
  if (event.dinasId === undefined || staff.dinasId === null) return true;
  return event.dinasId === staff.dinasId;
}

function mayOpenCase(staff: StaffUser, event: ConsoleEvent): boolean {
  if (staff.dinasId !== null && event.dinasId !== staff.dinasId) return false;
  if (staff.role === 'petugas' && (staff.unitId === null || event.unitId !== staff.unitId)) return false;
  if (staff.regionPrefix && !(event.regionCode ?? '').startsWith(staff.regionPrefix)) return false;
  // An event that does not say whether its case is confidential is treated as confidential: closed, not open.
  if (event.confidential === false) return true;
  const ownUnit = staff.unitId !== null && event.unitId === staff.unitId;
  const unassigned = event.unitId == null && staff.dinasId !== null && (staff.role === 'verifikator' || staff.role === 'admin');
  return ownUnit || unassigned;
}

/** What a stream is sent: the event without the case's region code and rahasia flag, which only decide who hears it. */
export function heardAs(event: ConsoleEvent): ConsoleEvent {
  const { regionCode: _regionCode, confidential: _confidential, ...heard } = event;
  return heard;
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
