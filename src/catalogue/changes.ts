/**
 * Staff edits of the catalogue and settings reach every process at once: the editing transaction
 * sends a Postgres NOTIFY (delivered at commit, to every listening process), and each process keeps
 * one dedicated LISTEN connection that drops what it has cached. After the listening connection
 * was lost and came back, notifications in between may be missed, so a (re)connect drops the
 * caches too.
 */
import { sql as drizzleSql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Tx } from '../db/client.js';
import type { Logger } from '../logger.js';

export const SETTINGS_CHANNEL = 'kanal_settings_changed';

/** What was edited; the payload of the notification (never data, only the area). */
export const SETTINGS_AREAS = [
  'dinas',
  'units',
  'categories',
  'services',
  'routing-rules',
  'sla-policies',
  'holidays',
  'notification-targets',
  'webhooks',
] as const;
export type SettingsArea = (typeof SETTINGS_AREAS)[number];

/** Tells every process, once `tx` commits, that `area` changed. */
export async function announceChange(tx: Tx, area: SettingsArea): Promise<void> {
  await tx.execute(drizzleSql`select pg_notify(${SETTINGS_CHANNEL}, ${area})`);
}

/** Something a process keeps in memory that an edit of the settings makes stale. */
export interface SettingsCache {
  invalidate(): void;
}

/**
 * Listens on the process's own connection (postgres.js opens one for LISTEN beside the pool and
 * re-listens after a reconnect) and invalidates `caches` on every change.
 */
export async function listenForSettingsChanges(
  sql: postgres.Sql,
  caches: SettingsCache[],
  log: Logger,
): Promise<{ close(): Promise<void> }> {
  const invalidate = () => {
    for (const cache of caches) cache.invalidate();
  };
  const { unlisten } = await sql.listen(
    SETTINGS_CHANNEL,
    (area) => {
      log.debug({ area }, 'settings changed');
      invalidate();
    },
    // Called on every (re)connect: what changed while we were not listening is read afresh.
    invalidate,
  );
  return { close: () => unlisten() };
}
