/**
 * The retention purge (UU PDP: personal data kept no longer than its purpose needs). Each kind of
 * data has its period (config: RETENTION_*_DAYS), counted on the product's clock (`ctx.now()`):
 *
 * - message texts: the body and payload of an inbound message are blanked (`payload` becomes
 *   `{ removed: true }`); the row stays, for order and for de-duplicating redeliveries;
 * - abandoned drafts: a chat's conversation idle that long starts over (its language kept);
 * - photos: the files (and thumbnails) leave media storage, then the row says `removed`;
 * - closed cases (`ditutup`, `ditolak`, `duplikat` that long ago): description, address and
 *   coordinates, reporter name, photos, the citizen's own words on the timeline and the copies
 *   kept for webhooks and staff notices are blanked; once none of a citizen's cases keeps personal
 *   data, their name, NIK (ciphertext and hash), phone and profile name go too. Status, category,
 *   dinas, unit, region, dates, clocks and ratings stay for statistics, and the ticket stays the
 *   citizen's, so *cek status* still finds it;
 * - sent replies: the outbox row's content becomes `{ kind: 'removed' }`;
 * - set-aside updates (kept for operators): deleted after the message period.
 *
 * Everything is set-based and batched: each statement touches at most `batchSize` rows in its
 * own short transaction. Append-only tables (messages, outbox) are walked by id from where the
 * last run stopped (`retention_marks`), so a daily run reads one day of rows, not the table.
 * Running it again changes nothing more. Logs carry counts only.
 */
import type { PendingQuery, Row } from 'postgres';
import type { PipelineContext } from '../conversation/context.js';
import { freshSnapshot } from '../conversation/step.js';
import type { MediaStorage } from '../media/storage.js';

export interface RetentionPeriods {
  messageDays: number;
  draftDays: number;
  mediaDays: number;
  closedCaseDays: number;
  outboxDays: number;
}

export interface PurgeSettings {
  periods: RetentionPeriods;
  storage: MediaStorage;
  /** Rows per statement. */
  batchSize: number;
}

/** What one purge changed, per kind; the only thing it logs. */
export interface PurgeCounts {
  messages: number;
  drafts: number;
  media: number;
  cases: number;
  citizens: number;
  outbox: number;
  setAside: number;
}

/** What a closed case's description (and every copy of it) becomes. */
export const REMOVED_DESCRIPTION = 'Uraian dihapus: masa simpan data pribadi berakhir.';
const REMOVED_MESSAGE = JSON.stringify({ removed: true });
const REMOVED_OUTBOUND = JSON.stringify({ kind: 'removed' });
/** Statuses a case is finished in for good; `selesai` closes by itself after its window. */
const CLOSED = ['ditutup', 'ditolak', 'duplikat'];

const DAY_MS = 86_400_000;

type Sql = PipelineContext['db']['sql'];
type Fragment = PendingQuery<Row[]>;

interface WalkOf {
  /** Its row in `retention_marks`. */
  name: string;
  table: 'messages' | 'outbox';
  /** The columns `stop` and `change` read (`id` always comes first). */
  columns: Fragment;
  /** True for a batch row (`b`) that is not old enough yet: the walk stops in front of it. */
  notYet: Fragment;
  /** A data-modifying statement on the rows before it (`old`), `returning` one row per change. */
  change: Fragment;
}

/**
 * Walks an append-only table by id from its mark, one statement per batch: the statement changes
 * the rows old enough and moves the mark to just before the first row that is not (rows are
 * written in about the order of their time, so the rest of the table is newer still).
 */
async function walk(sql: Sql, batchSize: number, of: WalkOf): Promise<number> {
  const [start] = await sql<{ last_id: string }[]>`select last_id from retention_marks where name = ${of.name}`;
  let mark = start ? start.last_id : '0';
  let changed = 0;
  for (;;) {
    const [step] = await sql<{ read: number; changed: number; stopped: boolean; mark: string | null }[]>`
      with batch as (
        select id, ${of.columns} from ${sql(of.table)} where id > ${mark} order by id limit ${batchSize}
      ), stop as (
        select min(id) as id from batch b where ${of.notYet}
      ), old as (
        select * from batch where id < coalesce((select id from stop), 9223372036854775807)
      ), changed as (
        ${of.change}
      ), marked as (
        insert into retention_marks (name, last_id)
        select ${of.name}, coalesce((select id from stop) - 1, max(id)) from batch having count(*) > 0
        on conflict (name) do update set last_id = excluded.last_id
        returning last_id
      )
      select (select count(*) from batch)::int as read, (select count(*) from changed)::int as changed,
        (select id from stop) is not null as stopped, (select last_id from marked) as mark`;
    changed += step.changed;
    if (step.stopped || step.read < batchSize || step.mark === null) return changed;
    mark = step.mark;
  }
}

/** Message texts and what they carried, past the message period. */
function purgeMessages(sql: Sql, cutoff: string, batchSize: number): Promise<number> {
  return walk(sql, batchSize, {
    name: 'messages',
    table: 'messages',
    columns: sql`sent_at`,
    notYet: sql`b.sent_at >= ${cutoff}::timestamptz`,
    change: sql`
      update messages m set body = null, payload = ${REMOVED_MESSAGE}::jsonb from old
      where m.id = old.id and (m.body is not null or m.payload is distinct from ${REMOVED_MESSAGE}::jsonb)
      returning m.id`,
  });
}

/**
 * Conversations idle past the draft period start over. Found through the messages that made them
 * idle (a conversation's last message is older than the period), walked like the message texts:
 * an index on `conversations.updated_at`, which every step rewrites, would cost every message.
 * The language stays: status news is written in it.
 */
function purgeDrafts(ctx: PipelineContext, cutoff: string, batchSize: number): Promise<number> {
  const { sql } = ctx.db;
  const fresh = (lang: 'id' | 'en') => JSON.stringify(freshSnapshot(ctx.machine, { lang }));
  return walk(sql, batchSize, {
    name: 'drafts',
    table: 'messages',
    columns: sql`identity_id, sent_at`,
    notYet: sql`b.sent_at >= ${cutoff}::timestamptz`,
    change: sql`
      update conversations c
      set snapshot = case when c.snapshot -> 'context' ->> 'lang' = 'en' then ${fresh('en')}::jsonb else ${fresh('id')}::jsonb end,
        version = ${ctx.machineVersion}
      where c.identity_id in (select identity_id from old) and c.updated_at < ${cutoff}::timestamptz
        and c.snapshot is not null and c.snapshot ->> 'value' is distinct from 'start'
      returning c.identity_id`,
  });
}

/** Replies sent (or given up) past the outbox period. A row still owed stops the walk: it is kept whole until sent. */
function purgeOutbox(sql: Sql, cutoff: string, batchSize: number): Promise<number> {
  return walk(sql, batchSize, {
    name: 'outbox',
    table: 'outbox',
    // A failed row has no sending time: its creation stands in.
    columns: sql`status, coalesce(sent_at, created_at) as finished_at`,
    notYet: sql`b.status not in ('sent', 'failed') or b.finished_at >= ${cutoff}::timestamptz`,
    change: sql`
      update outbox o set payload = ${REMOVED_OUTBOUND}::jsonb from old
      where o.id = old.id and o.payload ->> 'kind' <> 'removed'
      returning o.id`,
  });
}

/** Photos past the media period: files first, then the row, so a failed delete is tried again next time. */
async function purgeMedia(sql: Sql, storage: MediaStorage, cutoff: string, batchSize: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const rows = await sql<{ id: string; storage_key: string | null; thumbnail_key: string | null }[]>`
      select id, storage_key, thumbnail_key from media
      where status = 'stored' and stored_at < ${cutoff}::timestamptz order by stored_at limit ${batchSize}`;
    for (const row of rows) {
      for (const key of [row.storage_key, row.thumbnail_key]) if (key) await storage.delete(key);
    }
    if (rows.length > 0) {
      const [done] = await sql<{ n: number }[]>`
        with removed as (
          update media set status = 'removed', storage_key = null, thumbnail_key = null
          where id = any(${rows.map((r) => r.id)}::bigint[]) and status = 'stored'
          returning id
        ) select count(*)::int as n from removed`;
      removed += done.n;
    }
    if (rows.length < batchSize) return removed;
  }
}

/** Closed cases past their period lose their personal fields, one batch per transaction. */
async function purgeClosedCases(ctx: PipelineContext, cutoff: string, batchSize: number): Promise<{ cases: number; citizens: number }> {
  const now = ctx.now().toISOString();
  const removed = JSON.stringify(REMOVED_DESCRIPTION);
  const total = { cases: 0, citizens: 0 };
  for (;;) {
    const batch = await ctx.db.sql.begin(async (tx) => {
      const rows = await tx<{ id: string; citizen_id: string }[]>`
        select id, citizen_id from cases
        where status in ${tx(CLOSED)} and personal_data_removed_at is null and updated_at < ${cutoff}::timestamptz
        order by updated_at limit ${batchSize}
        for update skip locked`;
      if (rows.length === 0) return { cases: 0, citizens: 0 };
      const ids = rows.map((r) => r.id);
      const citizenIds = [...new Set(rows.map((r) => r.citizen_id))];
      await tx`
        update cases set description = ${REMOVED_DESCRIPTION}, location = null, reporter_name = null, photos = '{}',
          personal_data_removed_at = ${now}::timestamptz
        where id = any(${ids}::bigint[])`;
      // The citizen's own words on the timeline (added information, a reopening's reason, a
      // rating's comment, photos) and what staff wrote into their chat (addressed by name).
      await tx`
        update case_events set note = null, data = data - 'comment' - 'photos'
        where case_id = any(${ids}::bigint[]) and (actor = 'citizen' or type = 'reply')`;
      await tx`
        update webhook_deliveries set payload = jsonb_set(payload #- '{case,location}', '{case,description}', ${removed}::jsonb)
        where case_id = any(${ids}::bigint[]) and payload ? 'case'`;
      await tx`
        update staff_notifications
        set message = jsonb_build_object('subject', message -> 'subject', 'text', ${removed}::jsonb, 'templateParameters', '[]'::jsonb)
        where case_id = any(${ids}::bigint[])`;
      await tx`update open311_requests set email = null, media_url = null where case_id = any(${ids}::bigint[])`;
      // The person, once no case of theirs needs them any more (an open case still does).
      const citizens = await tx`
        update citizens c set name = null, nik_encrypted = null, nik_hash = null
        where c.id = any(${citizenIds}::bigint[])
          and (c.name is not null or c.nik_encrypted is not null or c.nik_hash is not null)
          and not exists (select 1 from cases k where k.citizen_id = c.id and k.personal_data_removed_at is null)`;
      await tx`
        update channel_identities i set phone = null, display_name = null
        where i.citizen_id = any(${citizenIds}::bigint[]) and (i.phone is not null or i.display_name is not null)
          and not exists (select 1 from cases k where k.citizen_id = i.citizen_id and k.personal_data_removed_at is null)`;
      return { cases: rows.length, citizens: citizens.count };
    });
    total.cases += batch.cases;
    total.citizens += batch.citizens;
    if (batch.cases < batchSize) return total;
  }
}

/** Set-aside updates (raw, for operators) past the message period: deleted, so each batch starts at the oldest left. */
async function purgeSetAside(sql: Sql, cutoff: string, batchSize: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const [done] = await sql<{ n: number }[]>`
      with gone as (
        delete from set_aside_updates where id in (
          select id from set_aside_updates where created_at < ${cutoff}::timestamptz order by id limit ${batchSize})
        returning id
      ) select count(*)::int as n from gone`;
    deleted += done.n;
    if (done.n < batchSize) return deleted;
  }
}

/** Runs every kind once, against the cutoffs of this moment. */
export async function purgeExpired(ctx: PipelineContext, settings: PurgeSettings): Promise<PurgeCounts> {
  const { periods, batchSize, storage } = settings;
  const now = ctx.now().getTime();
  const cutoff = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const { sql } = ctx.db;
  const messages = await purgeMessages(sql, cutoff(periods.messageDays), batchSize);
  const drafts = await purgeDrafts(ctx, cutoff(periods.draftDays), batchSize);
  const media = await purgeMedia(sql, storage, cutoff(periods.mediaDays), batchSize);
  const closed = await purgeClosedCases(ctx, cutoff(periods.closedCaseDays), batchSize);
  const outbox = await purgeOutbox(sql, cutoff(periods.outboxDays), batchSize);
  const setAside = await purgeSetAside(sql, cutoff(periods.messageDays), batchSize);
  return { messages, drafts, media, cases: closed.cases, citizens: closed.citizens, outbox, setAside };
}
