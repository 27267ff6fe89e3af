/**
 * Platform ids go into btree-indexed columns (`messages.external_id`, `set_aside_updates.external_id`
 * that dedupe redeliveries, `outbox.external_id` that receipts are matched on). Real ids are short; a forged or broken update can carry one of
 * kilobytes, which no btree row takes (Postgres refuses index rows over about 2.7 kB). Such an id
 * is kept as its SHA-256: still the same for every redelivery of the update, and always indexable.
 */
import { createHash } from 'node:crypto';

/** Longest id kept as it is: 200 characters are at most 800 bytes of UTF-8. */
export const MAX_INDEXED_ID = 200;

export function indexableId(id: string): string {
  return id.length <= MAX_INDEXED_ID ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}
