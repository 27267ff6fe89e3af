/**
 * What is held about a chat and the person behind it, for *data saya* (UU 27/2022 gives a citizen
 * the right to know): the chats, the name and NIK as given, the tickets, and how many messages and
 * photos are stored. The phone and NIK leave here masked to their last four digits; each look is
 * an audit-log row naming the chat's identity id only.
 *
 * @example
 *   const held = await describeHeldData(work, identityId);
 *   // { chats: [{ channel: 'telegram', phoneMasked: null }], name: 'Siti', nikMasked: '••••••••••••0001', … }
 */
import { sql } from 'drizzle-orm';
import type { CaseWork } from '../cases/lifecycle.js';
import type { CaseStatus, HeldData } from '../conversation/contract.js';
import { recordAudit } from '../console/audit.js';
import type { Tx } from '../db/client.js';
import { decryptNik } from '../pii/nik.js';

/** Tickets listed by name; the rest are counted. */
export const HELD_CASES_SHOWN = 10;

/** Only the last four digits show: "+62 812-0000-9999" → "•••••••••9999". */
export function lastFourDigits(value: string): string {
  const digits = value.replace(/\D/g, '');
  return `${'•'.repeat(Math.max(digits.length - 4, 0))}${digits.slice(-4)}`;
}

/** Ids as a Postgres array for `= any(…)`; typed, so an empty list is still an array. */
export const idArray = (values: readonly number[]) => sql`array[${sql.join(values.map((id) => sql`${id}::bigint`), sql`, `)}]::bigint[]`;

/** The person behind a chat: the citizen record the chat is linked to, if any, and every chat linked to it. */
export async function personOf(tx: Tx, identityId: number): Promise<{ citizenId: number | null; identityIds: number[] }> {
  const rows = (await tx.execute(sql`
    select i.id, i.citizen_id from channel_identities i
    where i.id = ${identityId}
       or i.citizen_id = (select citizen_id from channel_identities where id = ${identityId})
    order by i.id`)) as unknown as { id: string; citizen_id: string | null }[];
  const own = rows.find((row) => Number(row.id) === identityId);
  return { citizenId: own?.citizen_id == null ? null : Number(own.citizen_id), identityIds: rows.map((row) => Number(row.id)) };
}

export async function describeHeldData(work: CaseWork, identityId: number): Promise<HeldData> {
  const { tx, ctx, now } = work;
  const { citizenId, identityIds } = await personOf(tx, identityId);
  const ids = idArray(identityIds);
  const chats = (await tx.execute(sql`
    select channel, phone from channel_identities where id = any(${ids}) order by id`)) as unknown as { channel: string; phone: string | null }[];
  const [citizen] =
    citizenId === null
      ? []
      : ((await tx.execute(sql`select name, nik_encrypted from citizens where id = ${citizenId}`)) as unknown as { name: string | null; nik_encrypted: string | null }[]);
  const cases =
    citizenId === null
      ? []
      : ((await tx.execute(sql`
          select ticket, status from cases where citizen_id = ${citizenId} order by created_at desc, id desc`)) as unknown as { ticket: string; status: CaseStatus }[]);
  const [counts] = (await tx.execute(sql`
    select
      (select count(*) from messages where identity_id = any(${ids})
        and (body is not null or (payload is not null and not payload ? 'removed')))::int as messages,
      (select count(*) from media where identity_id = any(${ids}) and status = 'stored')::int as photos`)) as unknown as { messages: number; photos: number }[];
  await recordAudit(tx, { staff: null, action: 'citizen.data.view', details: { identityId, cases: cases.length }, at: now });
  return {
    chats: chats.map((chat) => ({ channel: chat.channel, phoneMasked: chat.phone ? lastFourDigits(chat.phone) : null })),
    name: citizen?.name ?? null,
    nikMasked: citizen?.nik_encrypted ? lastFourDigits(decryptNik(citizen.nik_encrypted, ctx.nikKeys)) : null,
    cases: cases.slice(0, HELD_CASES_SHOWN),
    moreCases: Math.max(cases.length - HELD_CASES_SHOWN, 0),
    messages: counts.messages,
    photos: counts.photos,
  };
}
