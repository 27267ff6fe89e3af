/**
 * The citizen's side of broadcasts, as the conversation runtime performs it inside the step's
 * transaction: topics to choose from, regions by name, subscribing, *berhenti* and *mulai*. Every
 * yes and no is a `broadcast_consents` row with the time, the channel and the exact words shown.
 */
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Tx } from '../db/client.js';
import type { Region, Topic } from '../conversation/contract.js';

/** A text[] parameter (drizzle would spread a plain array into a list of parameters). */
const textArray = (values: readonly string[]) => sql`array[${sql.join(values.map((value) => sql`${value}::text`), sql`, `)}]::text[]`;

interface Chat {
  identityId: number;
  channel: string;
}

/** Active topics in the order staff gave them. */
export async function listTopics(tx: Tx): Promise<Topic[]> {
  const rows = (await tx.execute(sql`select code, name from topics where active order by position, id`)) as unknown as Topic[];
  return rows.map(({ code, name }) => ({ code, name }));
}

/** "Kel. Cihapit", "kecamatan bandung wetan", "cihapit" all look for the same name. */
const LEVEL_WORDS = /^(kelurahan|kel|desa|kecamatan|kec|kota|kabupaten|kab|provinsi|prov)\b\.?\s*/;

/**
 * Regions named like `query`: exact names first, then names starting with it; districts before
 * villages. Spaces do not count ("tamansari" is Taman Sari), as people type names either way.
 */
export async function findRegions(tx: Tx, query: string, limit = 6): Promise<Region[]> {
  const name = query.toLowerCase().replace(/\s+/g, ' ').trim().replace(LEVEL_WORDS, '').trim();
  const compact = name.replace(/ /g, '');
  if (compact.length < 3) return [];
  // replace(lower(name), ' ', '') is indexed (regions_compact_name, for the prefix match).
  const rows = (await tx.execute(sql`
    select code, name, level from regions
    where replace(lower(name), ' ', '') like ${`${compact.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}
    order by (replace(lower(name), ' ', '') = ${compact}) desc, length(code), name
    limit ${limit}`)) as unknown as Region[];
  return rows.map(({ code, name: regionName, level }) => ({ code, name: regionName, level }));
}

/** Subscribes the chat to the topics (for the region, or none), records the consent, and ends an opt-out. */
export async function subscribe(tx: Tx, chat: Chat, choice: { topics: string[]; regionCode: string | null; wording: string }, now: Date) {
  await tx.execute(sql`
    insert into subscriptions (identity_id, topic_id, region_code, subscribed_at)
    select ${chat.identityId}, id, ${choice.regionCode}, ${now.toISOString()}::timestamptz from topics where code = any(${textArray(choice.topics)}) and active
    on conflict (identity_id, topic_id) do update set region_code = excluded.region_code`);
  await tx.execute(sql`
    update channel_identities set broadcast_opt_out_at = null, broadcast_opt_out_reason = null where id = ${chat.identityId}`);
  await recordConsent(tx, chat, { action: 'subscribe', topics: choice.topics, regionCode: choice.regionCode, wording: choice.wording }, now);
}

/** *berhenti* / *stop*: no broadcast reaches the chat any more (subscriptions are kept for *mulai*). */
export async function optOut(tx: Tx, chat: Chat, wording: string, now: Date) {
  await tx.execute(sql`
    update channel_identities set broadcast_opt_out_at = ${now.toISOString()}::timestamptz, broadcast_opt_out_reason = 'citizen'
    where id = ${chat.identityId}`);
  await recordConsent(tx, chat, { action: 'unsubscribe', topics: [], regionCode: null, wording }, now);
}

/** *mulai*: broadcasts again if the chat had opted out; false when it had not (then *mulai* is just "menu"). */
export async function resume(tx: Tx, chat: Chat, wording: string, now: Date): Promise<boolean> {
  const resumed = (await tx.execute(sql`
    update channel_identities set broadcast_opt_out_at = null, broadcast_opt_out_reason = null
    where id = ${chat.identityId} and broadcast_opt_out_at is not null
    returning id`)) as unknown as unknown[];
  if (resumed.length === 0) return false;
  await recordConsent(tx, chat, { action: 'resume', topics: [], regionCode: null, wording }, now);
  return true;
}

/**
 * The topic to offer under a new report's ticket: the one for the report's category (global, or
 * the case's dinas's own), unless the chat has it already or said *berhenti*. A scalar subquery
 * (jsonb, a `Topic`, or null) that rides in the statement writing the case (`openCase`'s rider).
 */
export function offerQuery(raw: postgres.TransactionSql, identityId: number, kase: { dinasId: number; categoryCode: string }) {
  return raw`(
    select jsonb_build_object('code', tp.code, 'name', tp.name) from topics tp
    join channel_identities i on i.id = ${identityId}
    where tp.category_code = ${kase.categoryCode}::text and tp.active and (tp.dinas_id is null or tp.dinas_id = ${kase.dinasId}::int)
      and i.broadcast_opt_out_at is null
      and not exists (select 1 from subscriptions s where s.identity_id = ${identityId} and s.topic_id = tp.id)
    order by tp.dinas_id nulls last, tp.position
    limit 1)`;
}

async function recordConsent(tx: Tx, chat: Chat, consent: { action: string; topics: string[]; regionCode: string | null; wording: string }, now: Date) {
  await tx.execute(sql`
    insert into broadcast_consents (identity_id, action, channel, topic_codes, region_code, wording, at)
    values (${chat.identityId}, ${consent.action}, ${chat.channel}, ${textArray(consent.topics)}, ${consent.regionCode}, ${consent.wording}, ${now.toISOString()}::timestamptz)`);
}
