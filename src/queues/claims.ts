/**
 * Claims that die with their process. A process that sends outbox rows opens one *claim session*:
 * a random 63-bit key whose session advisory lock (`pg_advisory_lock(key)`) it holds on a
 * connection of its own for as long as it lives. Every row it claims carries the key
 * (`outbox.claimed_by`); the relay releases a `sending` row once nobody holds its key's lock
 * (`pg_locks`), which is the moment Postgres sees the connection close: at once for a killed
 * process (the kernel closes its sockets), within TCP keepalive (about 25 s, set below) for a host
 * that vanished.
 *
 * Why a lock and not a heartbeat lease: a lease is only as alive as the process's timers and its
 * pool, so a busy event loop or a pool full of slow statements lets a live claim expire and its row
 * be sent twice; a lock ends only with the connection, so a live claim is never released, and a
 * dead one needs no threshold to wait out.
 *
 * Why a client of its own and not `sql.reserve()`: postgres.js quietly hands a reserved connection
 * back to the pool when it closes (the reserved handle then points at a closed connection), so
 * nobody would learn that the lock went with it. A one-connection client with no lifetime limit
 * says so in `onclose`.
 *
 * When that connection closes under a live process (Postgres restarted, the network cut it), the
 * session takes a new key: the old key's claims are released by the relay like a dead process's
 * (their rows are sent again: whether the platform took a send in flight then is unknowable, and a
 * repeat beats a lost reply), and claims under the new key are safe again. Keeping the old key
 * instead would leave a row whose result could not be written (the database was away) claimed by
 * a live process for ever.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import type { ChannelName } from '../domain/messages.js';
import type { Logger } from '../logger.js';

export interface ClaimSession {
  /** The key claims made now carry (a decimal string: postgres.js passes it as `::bigint`). */
  readonly key: string;
  close(): Promise<void>;
}

/** A fresh random key in [1, 2^63): positive, so `pg_locks`' two 32-bit halves rebuild it as a bigint. */
function freshKey(): string {
  return ((randomBytes(8).readBigUInt64BE() >> 1n) | 1n).toString();
}

/** Between attempts to lock a new key while Postgres is unreachable. */
const RELOCK_DELAY_MS = 500;

export async function openClaimSession(databaseUrl: string, log: Logger): Promise<ClaimSession> {
  let closing = false;
  let relocking: Promise<void> | null = null;
  const lockSql = postgres(databaseUrl, {
    max: 1,
    // The lock lives as long as this connection: no idle or lifetime limit may end it.
    idle_timeout: 0,
    max_lifetime: null,
    onnotice: () => {},
    connection: {
      application_name: 'kanal-aduan-claims',
      // Postgres notices a vanished host (no FIN ever comes) after idle + interval × count seconds.
      tcp_keepalives_idle: 10,
      tcp_keepalives_interval: 5,
      tcp_keepalives_count: 3,
    },
    onclose: () => {
      if (!closing) relocking ??= relock();
    },
  });
  const lock = async (key: string) => void (await lockSql`select pg_advisory_lock(${key}::bigint)`);

  let key = freshKey();
  await lock(key);

  async function relock() {
    const lost = key;
    for (;;) {
      const next = freshKey();
      try {
        await lock(next);
        key = next;
        log.warn({ lostKey: lost }, 'claim session connection closed; rows claimed before are released by the relay and sent again');
        break;
      } catch {
        if (closing) break;
        await new Promise((resolve) => setTimeout(resolve, RELOCK_DELAY_MS));
      }
    }
    relocking = null;
  }

  return {
    get key() {
      return key;
    },
    async close() {
      closing = true;
      await lockSql.end({ timeout: 5 });
    },
  };
}

/** A row the relay released: its chat's next turn is queued under a job id of its own (see relay.ts). */
export interface ReleasedClaim {
  id: string;
  identity_id: string;
  channel: ChannelName;
  /** The key of the session that died holding it. */
  claimed_by: string;
}

/**
 * Puts back to `pending` every `sending` row whose claimer is gone: its key's lock is held by no
 * session (`pg_locks` shows a session lock on a bigint key as its high half in `classid`, its low
 * half in `objid`, `objsubid` 1, per database). A row claimed by a version before claim sessions
 * (no key) is released after `LEGACY_CLAIM_MS`, as it was then: during a rolling deploy such a
 * claim may still be in a live process's hands.
 */
export function releaseDeadClaims(sql: postgres.Sql): Promise<ReleasedClaim[]> {
  return sql<ReleasedClaim[]>`
    with held as (
      select (l.classid::bigint << 32) | l.objid::bigint as key from pg_locks l
      where l.locktype = 'advisory' and l.granted and l.objsubid = 1
        and l.database = (select oid from pg_database where datname = current_database())
    ),
    dead as (
      select o.id, o.claimed_by from outbox o
      where o.status = 'sending'
        and (o.claimed_by is null and o.claimed_at < now() - ${LEGACY_CLAIM_MS} * interval '1 millisecond'
          or o.claimed_by is not null and o.claimed_by not in (select key from held))
    )
    update outbox o set status = 'pending', claimed_at = null, claimed_by = null
    from dead
    where o.id = dead.id and o.status = 'sending' and o.claimed_by is not distinct from dead.claimed_by
    returning o.id, o.identity_id, o.channel, coalesce(dead.claimed_by, 0)::text as claimed_by`;
}

/** The stale-claim timeout of the version before claim sessions, for its claims only. */
export const LEGACY_CLAIM_MS = 10 * 60_000;
