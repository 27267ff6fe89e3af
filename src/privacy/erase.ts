/**
 * *hapus data saya*: erases the person behind a chat (UU 27/2022 gives the right), in the caller's
 * transaction, so it happens wholly or not at all. Gone: the name, the NIK (ciphertext and hash),
 * phone numbers and display names, the texts and payloads of their messages, their photos (files
 * through media storage, and the copies WhatsApp Web kept at receipt), the conversation snapshots,
 * what was written to them (outbox payloads; anything not yet sent is not sent), set-aside copies
 * of their messages, and in their cases the description, address, photos, notes and comments,
 * also in webhook payloads and staff notices about those cases.
 *
 * Cases stay for statistics with their non-personal fields only (kind, category, service, dinas,
 * unit, status, dates, region code, rating) and `erased_at`, which the console shows as "data
 * dihapus atas permintaan pelapor". They move to a chat-less identity of their own, so the chat is
 * cut from them: *cek status* there finds nothing, staff news about them goes nowhere, and the
 * chat's later messages never show on their pages. The asking chat keeps only its address (the bot
 * answers through it); the person's other chats lose theirs.
 *
 * @example
 *   await inCaseTransaction(ctx, (work) => eraseHeldData(work, identityId));
 */
import { sql } from 'drizzle-orm';
import type { StoredOutbound } from '../domain/messages.js';
import { ERASED_CHANNEL, type CaseWork } from '../cases/lifecycle.js';
import { recordAudit } from '../console/audit.js';
import * as t from '../db/schema.js';
import { withdrawHuman } from '../livechat/requests.js';
import { webJsReceivedKey } from '../media/sources.js';
import { removeCasesPersonalFields } from './case-fields.js';
import { idArray, personOf } from './held.js';

/** What staff read in place of an erased case's description. */
export const ERASED_DESCRIPTION = 'Data dihapus atas permintaan pelapor.';

/** What was erased, counted (the audit row keeps these, never what they held). */
export interface Erasure {
  chats: number;
  cases: number;
  messages: number;
  photos: number;
}

/** `staff`: who erased on the person's behalf (the console); null when the citizen asked in the chat. */
export async function eraseHeldData(work: CaseWork, identityId: number, options: { staff?: { id: number } | null } = {}): Promise<Erasure> {
  const { tx, ctx, now } = work;
  const at = now.toISOString();
  const { citizenId, identityIds } = await personOf(tx, identityId);
  const chats = idArray(identityIds);
  const caseRows = (await tx.execute(sql`
    select id from cases where citizen_id = ${citizenId} or identity_id = any(${chats}) order by id for update`)) as unknown as { id: string }[];
  const cases = idArray(caseRows.map((row) => Number(row.id)));

  // Files first in mind, last in deed: the keys are read under the rows' locks (a fetch finishing
  // now either stored before, and its keys are here, or finds the row erased and drops its files).
  const files = (await tx.execute(sql`
    with old as (
      select id, storage_key, thumbnail_key from media where identity_id = any(${chats}) and status <> 'erased' for update
    )
    update media m set status = 'erased', platform_ref = 'erased:' || m.id, storage_key = null, thumbnail_key = null,
      content_type = null, bytes = null, sha256 = null, width = null, height = null, last_error = null
    from old where m.id = old.id
    returning old.storage_key, old.thumbnail_key`)) as unknown as { storage_key: string | null; thumbnail_key: string | null }[];
  const received = (await tx.execute(sql`
    select payload->>'mediaRef' as ref from messages
    where identity_id = any(${chats}) and channel = 'whatsapp-web' and kind = 'photo' and payload ? 'mediaRef'`)) as unknown as { ref: string }[];

  const [messages] = (await tx.execute(sql`
    with blanked as (
      update messages set body = null, payload = null
      where identity_id = any(${chats}) and (body is not null or payload is not null)
      returning 1
    )
    select count(*)::int as n from blanked`)) as unknown as { n: number }[];
  // What was written to them: sent or not, the payload goes; what is still owed is never sent.
  await tx.execute(sql`
    update outbox set payload = ${JSON.stringify({ kind: 'removed' } satisfies StoredOutbound)}::jsonb,
      status = case when status = 'pending' then 'failed' else status end,
      sent_at = case when status = 'pending' then ${at}::timestamptz else sent_at end,
      last_error = case when status = 'pending' then 'erased at the citizen''s request' else last_error end
    where identity_id = any(${chats}) or case_id = any(${cases})`);
  await tx.execute(sql`
    delete from set_aside_updates s using channel_identities i
    where i.id = any(${chats}) and s.channel = i.channel and s.chat_id = i.chat_id`);
  await tx.execute(sql`update conversations set snapshot = null where identity_id = any(${chats})`);
  // Broadcasts: what they subscribed to, where, and the words they agreed to go with them.
  await tx.execute(sql`delete from subscriptions where identity_id = any(${chats})`);
  await tx.execute(sql`delete from broadcast_consents where identity_id = any(${chats})`);
  for (const chat of identityIds) await withdrawHuman(work, chat);

  if (caseRows.length > 0) {
    const [erased] = await tx
      .insert(t.channelIdentities)
      .values({ channel: ERASED_CHANNEL, chatId: `citizen:${citizenId ?? identityId}`, citizenId })
      .onConflictDoUpdate({ target: [t.channelIdentities.channel, t.channelIdentities.chatId], set: { citizenId } })
      .returning({ id: t.channelIdentities.id });
    await removeCasesPersonalFields(tx, cases, { marker: ERASED_DESCRIPTION, set: sql`identity_id = ${erased.id}, erased_at = ${at}::timestamptz` });
  }

  await tx.execute(sql`
    update channel_identities set phone = null, display_name = null, citizen_id = null,
      chat_id = case when id = ${identityId} then chat_id else 'erased:' || id end,
      unreachable_at = case when id = ${identityId} then unreachable_at else ${at}::timestamptz end,
      unreachable_reason = case when id = ${identityId} then unreachable_reason else 'erased at the citizen''s request' end
    where id = any(${chats})`);
  if (citizenId !== null) await tx.execute(sql`update citizens set name = null, nik_encrypted = null, nik_hash = null where id = ${citizenId}`);

  const erasure: Erasure = { chats: identityIds.length, cases: caseRows.length, messages: messages.n, photos: files.length };
  await recordAudit(tx, { staff: options.staff ?? null, action: 'citizen.data.erase', details: { identityId, ...erasure }, at: now });

  // Last, so nothing above can fail after a file is gone; a failed commit later only leaves rows
  // pointing at files already deleted, and the retried erasure deletes nothing twice.
  const keys = files.flatMap((file) => [file.storage_key, file.thumbnail_key]).filter((key): key is string => key !== null);
  for (const key of [...keys, ...received.map((row) => webJsReceivedKey(row.ref))]) await ctx.mediaStorage.delete(key);
  return erasure;
}
