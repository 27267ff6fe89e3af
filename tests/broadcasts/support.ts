/**
 * Broadcast tests' world: subscribed chats seeded as the chat flow leaves them (a chat identity,
 * its language, its subscriptions), staff to write and approve, and reads of what the engine did.
 */
import type postgres from 'postgres';
import type { App } from '../../src/app.js';
import type { BroadcastActor } from '../../src/broadcasts/broadcasts.js';
import type { ChannelName } from '../../src/domain/messages.js';
import type { Lang } from '../../src/conversation/contract.js';
import { eventually, seedIdentity } from '../support/cases.js';

export interface Subscriber {
  channel: ChannelName;
  chatId: string;
  topics?: string[];
  region?: string | null;
  lang?: Lang;
  name?: string | null;
  subscribedAt?: Date;
  /** When the citizen last wrote (the WhatsApp Cloud 24-hour window). */
  lastInboundAt?: Date | null;
  /** The number WhatsApp gave with their messages, as stored at ingest. */
  phone?: string;
}

export async function seedSubscriber(app: App, s: Subscriber): Promise<number> {
  const sql = app.ctx.db.sql;
  // A conversation only when a language is given: seedIdentity's is a stub, enough to read the language from.
  const identityId = await seedIdentity(app, s.channel, s.chatId, { ...(s.lang ? { lang: s.lang } : {}), ...(s.phone ? { phone: s.phone } : {}) });
  if (s.name) {
    const [citizen] = await sql<{ id: string }[]>`insert into citizens (name) values (${s.name}) returning id`;
    await sql`update channel_identities set citizen_id = ${citizen.id} where id = ${identityId}`;
  }
  if (s.lastInboundAt !== undefined) await sql`update channel_identities set last_inbound_at = ${s.lastInboundAt?.toISOString() ?? null}::timestamptz where id = ${identityId}`;
  const at = s.subscribedAt ?? app.ctx.now();
  await sql`
    insert into subscriptions (identity_id, topic_id, region_code, subscribed_at)
    select ${identityId}, id, ${s.region ?? null}::text, ${at.toISOString()}::timestamptz from topics where code = any(${s.topics ?? ['bantuan-sosial']}::text[])
    on conflict do nothing`;
  return identityId;
}

/** Many Telegram subscribers at once, with one statement (chat ids `prefix + n`); tests keep apart by region. */
export async function seedTelegramSubscribers(sql: postgres.Sql, prefix: number, count: number, options: { topic?: string; region?: string } = {}): Promise<string[]> {
  const rows = await sql<{ id: string; chat_id: string }[]>`
    insert into channel_identities (channel, chat_id)
    select 'telegram', (${prefix}::bigint + n)::text from generate_series(1, ${count}) n
    returning id, chat_id`;
  await sql`
    insert into subscriptions (identity_id, topic_id, region_code, subscribed_at)
    select unnest(${rows.map((r) => r.id)}::bigint[]), (select id from topics where code = ${options.topic ?? 'bantuan-sosial'}), ${options.region ?? null}::text, now()`;
  return rows.map((r) => r.chat_id);
}

let nextStaff = 1;

/** A staff member of the dinas (by code; null: every dinas), as the broadcast service sees them. */
export async function staffOf(app: App, dinasCode: string | null): Promise<BroadcastActor> {
  const sql = app.ctx.db.sql;
  const [row] = await sql<{ id: number; dinas_id: number | null }[]>`
    insert into staff (dinas_id, name, email, role)
    values ((select id from dinas where code = ${dinasCode}), 'Staf uji', ${`bcast.${nextStaff++}.${Date.now()}@test.kanal-aduan.test`}, 'verifikator')
    returning id, dinas_id`;
  return { id: row.id, dinasId: row.dinas_id };
}

export async function waitForState(app: App, broadcastId: number, state: string, timeoutMs = 60_000) {
  return eventually(
    `broadcast ${broadcastId} ${state}`,
    async () => (await app.ctx.db.sql<{ state: string }[]>`select state from broadcasts where id = ${broadcastId}`)[0]?.state === state,
    timeoutMs,
  );
}

/** Outbox rows of a broadcast still to be sent. */
export async function owedRows(sql: postgres.Sql, broadcastId: number): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox where broadcast_id = ${broadcastId} and status in ('pending', 'sending')`;
  return row.n;
}

export const notice = (text = 'Pendaftaran bantuan dibuka. Halo {nama}!', en = 'Registration for assistance is open. Hello {nama}!') => ({
  title: 'Sosialisasi',
  text: { id: text, en },
  segment: {},
});
