/**
 * Console sessions kept server-side in Postgres (a @fastify/session store on postgres.js): the
 * cookie carries only the signed session id, a logout or a deactivated account ends the session
 * in every process, and sessions survive a restart. Expired rows are ignored and swept at login.
 */
import type { Session } from 'fastify';
import type { Sql } from 'postgres';

export const SESSION_COOKIE = 'kanal_console';
/** A working day; after it the person logs in again. */
export const SESSION_HOURS = 12;

type Callback = (err?: unknown) => void;

export class PostgresSessionStore {
  constructor(private readonly sql: Sql) {}

  set(sid: string, session: Session, callback: Callback): void {
    const expires = session.cookie.expires ? new Date(session.cookie.expires) : new Date(Date.now() + SESSION_HOURS * 3_600_000);
    this.sql`
      insert into console_sessions (sid, staff_id, data, expires_at)
      values (${sid}, ${session.staffId ?? null}, ${JSON.stringify(session)}::jsonb, ${expires.toISOString()}::timestamptz)
      on conflict (sid) do update set staff_id = excluded.staff_id, data = excluded.data, expires_at = excluded.expires_at`.then(
      () => callback(),
      callback,
    );
  }

  get(sid: string, callback: (err: unknown, session?: Session | null) => void): void {
    this.sql<{ data: Session }[]>`select data from console_sessions where sid = ${sid} and expires_at > now()`.then(
      (rows) => callback(null, rows[0]?.data ?? null),
      (err) => callback(err),
    );
  }

  destroy(sid: string, callback: Callback): void {
    this.sql`delete from console_sessions where sid = ${sid}`.then(() => callback(), callback);
  }

  /** Removes expired sessions (called at each login: cheap, and keeps the table small). */
  async sweep(): Promise<void> {
    await this.sql`delete from console_sessions where expires_at <= now()`;
  }

  /** Ends every session of one person (password reset, deactivation). */
  async endSessionsOf(staffId: number): Promise<void> {
    await this.sql`delete from console_sessions where staff_id = ${staffId}`;
  }
}
