/**
 * Key rotation: every value sealed under an earlier key is sealed again under the current one,
 * and every NIK hash made with an earlier hash key is made again from the opened NIK. Sealed
 * values live in three places: `citizens.nik_encrypted` (with `citizens.nik_hash`),
 * `staff.totp_secret`, and the `{ sealed, masked }` NIK of a report in progress inside
 * `conversations.snapshot`.
 *
 * Safe to stop and run again: each batch is one transaction over locked rows, and a value already
 * under the current key is left alone, so a second run finds only what the first did not reach.
 * Before writing anything, every stored value is checked to open under a configured key; one that
 * does not (its key missing from the configuration) refuses the whole run, changing nothing.
 */
import type { ISql, Sql } from 'postgres';
import { currentHashPrefix, currentSealPrefix, decryptNik, encryptNik, hashNik, sealedKeyId, UnknownNikKeyError, type NikKeys } from './nik.js';

/** A place sealed values are kept, as the operator reads it in the command's output. */
export type SealedPlace = 'citizens' | 'staff' | 'conversations';
export const SEALED_PLACES: SealedPlace[] = ['citizens', 'staff', 'conversations'];

export interface PlaceCount {
  /** Rows holding a value sealed under an earlier key (or a hash made with an earlier hash key). */
  stale: number;
  /** Values sealed again under the current key. */
  resealed: number;
  /** NIK hashes made again with the current hash key. */
  rehashed: number;
}

export interface RotationSummary {
  places: Record<SealedPlace, PlaceCount>;
  /** Rows still under an earlier key after the run: written meanwhile by a process with the old configuration. */
  left: number;
}

/** The run would need a key that is not configured: nothing was changed. */
export class RotationRefusal extends Error {
  override name = 'RotationRefusal';
}

export interface RotationOptions {
  /** Rows per transaction. */
  batchSize?: number;
  /** Count what a rotation would change, and change nothing. */
  dryRun?: boolean;
  /** Called after each committed batch, with the counts so far. */
  onProgress?: (place: SealedPlace, count: PlaceCount) => void;
}

/** The pool or one of its transactions. */
type Db = ISql;

/** Where each place keeps its values, and how a row is read and written back. */
interface Place {
  /** Rows after `after` (in key order) that hold anything not under the current keys. */
  staleRows(db: Db, keys: NikKeys, after: number, limit: number, lock: boolean): Promise<{ key: number; value: unknown }[]>;
  /** The sealed values of one row. */
  sealed(value: unknown): string[];
  /** The row's value with every sealed value (and hash) under the current keys, and what changed. */
  rotate(value: unknown, keys: NikKeys): { value: unknown; resealed: number; rehashed: number };
  write(db: Db, rows: { key: number; value: unknown }[]): Promise<void>;
}

interface CitizenNik {
  sealed: string | null;
  hash: string | null;
}

const citizens: Place = {
  async staleRows(db, keys, after, limit, lock) {
    const rows = await db<{ id: string; sealed: string | null; hash: string | null }[]>`
      select id, nik_encrypted as sealed, nik_hash as hash from citizens
      where id > ${after}
        and ((nik_encrypted is not null and not starts_with(nik_encrypted, ${currentSealPrefix(keys)}))
          or (nik_hash is not null and nik_encrypted is not null and not starts_with(nik_hash, ${currentHashPrefix(keys)})))
      order by id limit ${limit} ${lock ? db`for update` : db``}`;
    return rows.map((r) => ({ key: Number(r.id), value: { sealed: r.sealed, hash: r.hash } satisfies CitizenNik }));
  },
  sealed: (value) => [(value as CitizenNik).sealed].filter((s): s is string => s !== null),
  rotate(value, keys) {
    const { sealed, hash } = value as CitizenNik;
    if (sealed === null) return { value, resealed: 0, rehashed: 0 };
    const nik = decryptNik(sealed, keys);
    const reseal = !sealed.startsWith(currentSealPrefix(keys));
    const rehash = hash !== null && !hash.startsWith(currentHashPrefix(keys));
    return {
      value: { sealed: reseal ? encryptNik(nik, keys) : sealed, hash: rehash ? hashNik(nik, keys) : hash } satisfies CitizenNik,
      resealed: Number(reseal),
      rehashed: Number(rehash),
    };
  },
  async write(db, rows) {
    // Only rows with a sealed NIK are rotated; a missing hash travels as '' (VALUES takes no null here).
    const values = rows.map(({ key, value }) => [String(key), (value as CitizenNik).sealed ?? '', (value as CitizenNik).hash ?? '']);
    await db`
      update citizens as c set nik_encrypted = v.sealed, nik_hash = nullif(v.hash, '')
      from (values ${db(values)}) as v(id, sealed, hash) where c.id = v.id::bigint`;
  },
};

const staff: Place = {
  async staleRows(db, keys, after, limit, lock) {
    const rows = await db<{ id: number; sealed: string }[]>`
      select id, totp_secret as sealed from staff
      where id > ${after} and totp_secret is not null and not starts_with(totp_secret, ${currentSealPrefix(keys)})
      order by id limit ${limit} ${lock ? db`for update` : db``}`;
    return rows.map((r) => ({ key: r.id, value: r.sealed }));
  },
  sealed: (value) => [value as string],
  rotate: (value, keys) => ({ value: encryptNik(decryptNik(value as string, keys), keys), resealed: 1, rehashed: 0 }),
  async write(db, rows) {
    const values = rows.map(({ key, value }) => [String(key), value as string]);
    await db`update staff as s set totp_secret = v.sealed from (values ${db(values)}) as v(id, sealed) where s.id = v.id::int`;
  },
};

/** Every `{ sealed: '<sealed value>' }` in a snapshot, wherever the machine keeps it. */
function visitSealed(value: unknown, visit: (holder: { sealed: string }) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visitSealed(item, visit);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.sealed === 'string' && sealedKeyId(record.sealed) !== null) visit(record as { sealed: string });
    for (const item of Object.values(record)) visitSealed(item, visit);
  }
}

const conversations: Place = {
  async staleRows(db, keys, after, limit, lock) {
    // The text test narrows the scan to snapshots holding a sealed value at all (a report in
    // progress that asked for a NIK); which of them are stale is decided on the parsed snapshot.
    const found: { key: number; value: unknown }[] = [];
    let from = after;
    for (;;) {
      const rows = await db<{ identity_id: string; snapshot: unknown }[]>`
        select identity_id, snapshot from conversations
        where identity_id > ${from} and snapshot::text like '%"sealed": "v%'
        order by identity_id limit ${limit} ${lock ? db`for update` : db``}`;
      for (const row of rows) {
        const stale = conversations.sealed(row.snapshot).some((s) => !s.startsWith(currentSealPrefix(keys)));
        if (stale) found.push({ key: Number(row.identity_id), value: row.snapshot });
      }
      if (found.length > 0 || rows.length < limit) return found;
      from = Number(rows[rows.length - 1].identity_id);
    }
  },
  sealed(value) {
    const out: string[] = [];
    visitSealed(value, (holder) => out.push(holder.sealed));
    return out;
  },
  rotate(value, keys) {
    const copy = structuredClone(value);
    let resealed = 0;
    visitSealed(copy, (holder) => {
      if (holder.sealed.startsWith(currentSealPrefix(keys))) return;
      holder.sealed = encryptNik(decryptNik(holder.sealed, keys), keys);
      resealed++;
    });
    return { value: copy, resealed, rehashed: 0 };
  },
  async write(db, rows) {
    for (const { key, value } of rows) {
      // Text cast to jsonb: drizzle's driver leaves the client's JSON serializer out.
      await db`update conversations set snapshot = ${JSON.stringify(value)}::jsonb where identity_id = ${key}`;
    }
  },
};

const PLACES: Record<SealedPlace, Place> = { citizens, staff, conversations };

const zero = (): PlaceCount => ({ stale: 0, resealed: 0, rehashed: 0 });

/**
 * Reads every stale value once, opening each, without changing anything: the stale rows per place,
 * or a refusal naming the keys that are missing. Opening (not only reading the key id) also
 * catches a legacy value, which names no key, that no configured key opens.
 */
async function survey(sql: Sql, keys: NikKeys, batchSize: number): Promise<Record<SealedPlace, number>> {
  const stale = { citizens: 0, staff: 0, conversations: 0 };
  const missing = new Map<string, { place: SealedPlace; count: number }[]>();
  for (const name of SEALED_PLACES) {
    const place = PLACES[name];
    let after = 0;
    for (;;) {
      const rows = await place.staleRows(sql, keys, after, batchSize, false);
      if (rows.length === 0) break;
      for (const row of rows) {
        stale[name]++;
        for (const sealed of place.sealed(row.value)) {
          try {
            decryptNik(sealed, keys);
          } catch (err) {
            const keyId = err instanceof UnknownNikKeyError ? err.keyId : `unreadable (${(err as Error).message})`;
            const counts = missing.get(keyId) ?? [];
            const entry = counts.find((c) => c.place === name) ?? counts[counts.push({ place: name, count: 0 }) - 1];
            entry.count++;
            missing.set(keyId, counts);
          }
        }
      }
      after = rows[rows.length - 1].key;
    }
  }
  if (missing.size > 0) {
    const lines = [...missing].map(([keyId, counts]) => {
      const where = counts.map((c) => `${c.count} in ${c.place}`).join(', ');
      return keyId === 'legacy' ? `  values in the first format (v1) that no configured key opens: ${where}` : `  key ${keyId}: ${where}`;
    });
    throw new RotationRefusal(
      [
        'Some stored values are sealed under a key that is not configured:',
        ...lines,
        'Add the missing earlier key(s) to NIK_PREVIOUS_ENCRYPTION_KEYS (comma-separated, base64) and run again.',
        'Nothing was changed.',
      ].join('\n'),
    );
  }
  return stale;
}

/** Counts what is under earlier keys, then (unless a dry run) moves it to the current keys, batch by batch. */
export async function rotateNikKeys(sql: Sql, keys: NikKeys, options: RotationOptions = {}): Promise<RotationSummary> {
  const batchSize = options.batchSize ?? 500;
  const stale = await survey(sql, keys, batchSize);
  const places = { citizens: zero(), staff: zero(), conversations: zero() };
  for (const name of SEALED_PLACES) places[name].stale = stale[name];
  if (options.dryRun) return { places, left: SEALED_PLACES.reduce((n, name) => n + stale[name], 0) };

  for (const name of SEALED_PLACES) {
    const place = PLACES[name];
    const count = places[name];
    let after = 0;
    for (;;) {
      const rows = await sql.begin(async (tx) => {
        const locked = await place.staleRows(tx, keys, after, batchSize, true);
        if (locked.length === 0) return locked;
        const rotated = locked.map((row) => ({ key: row.key, ...place.rotate(row.value, keys) }));
        await place.write(tx, rotated);
        for (const row of rotated) {
          count.resealed += row.resealed;
          count.rehashed += row.rehashed;
        }
        return locked;
      });
      if (rows.length === 0) break;
      after = rows[rows.length - 1].key;
      options.onProgress?.(name, { ...count });
    }
  }
  const remaining = await survey(sql, keys, batchSize);
  return { places, left: SEALED_PLACES.reduce((n, name) => n + remaining[name], 0) };
}

/** What the command prints: counts per place, never a value. */
export function rotationReport(summary: RotationSummary, keys: NikKeys, dryRun: boolean): string {
  const lines = [`Current keys: encryption ${keys.encryption.id}, hash ${keys.hash.id}.`];
  const label: Record<SealedPlace, string> = {
    citizens: 'citizens (NIK and its hash)',
    staff: 'staff (TOTP secrets)',
    conversations: 'conversations (reports in progress)',
  };
  for (const name of SEALED_PLACES) {
    const c = summary.places[name];
    lines.push(
      dryRun
        ? `  ${label[name]}: ${c.stale} row(s) under earlier keys`
        : `  ${label[name]}: ${c.stale} row(s) under earlier keys; ${c.resealed} value(s) sealed again, ${c.rehashed} hash(es) made again`,
    );
  }
  if (dryRun) lines.push('Dry run: nothing was changed.');
  else if (summary.left === 0) lines.push('Everything is under the current keys: earlier keys may now be removed from the configuration.');
  else
    lines.push(
      `${summary.left} row(s) were written under earlier keys while this ran (a process still has the old configuration): give every process the new keys, then run again.`,
    );
  return lines.join('\n');
}
