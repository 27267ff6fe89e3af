/**
 * SLA clocks skip public holidays. Indonesia's national ones come from date-holidays (Islamic
 * dates are computed, so the official decree may move one by a day); cuti bersama and local
 * holidays are rows staff add to the same table. Seeded at every start for this year and the next,
 * never overwriting a row that is already there.
 */
import Holidays from 'date-holidays';
import type { Db } from '../db/client.js';
import * as t from '../db/schema.js';

export function publicHolidays(year: number): { day: string; name: string }[] {
  return new Holidays('ID')
    .getHolidays(year)
    .filter((h) => h.type === 'public')
    .map((h) => ({ day: h.date.slice(0, 10), name: h.name }));
}

export async function seedPublicHolidays(db: Db, now: Date): Promise<void> {
  const year = now.getUTCFullYear();
  const rows = [...publicHolidays(year), ...publicHolidays(year + 1)];
  // Two holidays can fall on one day (Maulid and a Christian feast, say): one row is enough.
  const unique = [...new Map(rows.map((r) => [r.day, r])).values()];
  if (unique.length > 0) await db.insert(t.holidays).values(unique).onConflictDoNothing();
}
