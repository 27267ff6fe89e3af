/**
 * What leaves a case when its personal data goes, whether the citizen asked (*hapus data saya*,
 * src/privacy/erase.ts) or its retention period ended (src/retention/): the description (replaced
 * by a marker saying why), address and pin, photos, the reporter's name, every timeline note (a
 * staff note may quote the citizen) and comment, and the same in the copies kept about the case:
 * webhook payloads, staff notices, Open311 requests. Kind, category, service, dinas, unit, status,
 * dates, region code and rating stay, for statistics.
 */
import { sql, type SQL } from 'drizzle-orm';
import { staffCopy } from '../cases/staff-notifications/copy.js';
import type { Tx } from '../db/client.js';

/**
 * In the caller's transaction, for the cases `cases` (an `idArray`). `set`: what else the case
 * rows record (when, and why: `erased_at`, `personal_data_removed_at`…).
 */
export async function removeCasesPersonalFields(tx: Tx, cases: SQL, change: { marker: string; set: SQL }): Promise<void> {
  const { marker } = change;
  await tx.execute(sql`
    update cases set description = ${marker}, location = null, photos = '{}', reporter_name = null, ${change.set}
    where id = any(${cases})`);
  await tx.execute(sql`update case_events set note = null, data = data - 'comment' - 'photos' where case_id = any(${cases})`);
  await tx.execute(sql`
    update webhook_deliveries set payload = jsonb_set(jsonb_set(jsonb_set(payload,
      '{case,description}', to_jsonb(${marker}::text)), '{case,location}', 'null'::jsonb), '{event,note}', 'null'::jsonb)
    where case_id = any(${cases})`);
  await tx.execute(sql`update open311_requests set email = null, media_url = null where case_id = any(${cases})`);
  await replaceStaffNoticeDescriptions(tx, cases, marker);
}

/** Staff notices about the cases keep their headline, ticket, category and due date; the description line says why it went. */
async function replaceStaffNoticeDescriptions(tx: Tx, cases: SQL, marker: string) {
  const rows = (await tx.execute(sql`select id, message from staff_notifications where case_id = any(${cases})`)) as unknown as {
    id: string;
    message: { subject: string; text: string; templateParameters: string[] };
  }[];
  const label = `${staffCopy.description}: `;
  for (const row of rows) {
    const text = row.message.text
      .split('\n')
      .map((line) => (line.startsWith(label) ? `${label}${marker}` : line))
      .join('\n');
    await tx.execute(sql`update staff_notifications set message = ${JSON.stringify({ ...row.message, text })}::jsonb where id = ${row.id}`);
  }
}
