/**
 * The retention purge (UU PDP: personal data kept no longer than its purpose needs). Each kind of
 * data has its period (config: RETENTION_*_DAYS), counted on the product's clock (`ctx.now()`):
 *
 * - message texts: the body and payload of an inbound message are blanked (`payload` becomes
 *   `{ removed: true }`); the row stays, for order and for de-duplicating redeliveries;
 * - abandoned drafts: a chat's conversation idle that long starts over (its language kept);
 * - photos: the files (and thumbnails) leave media storage, then the row says `removed`;
 * - closed cases (`ditutup`, `ditolak`, `duplikat` that long ago): description, address and
 *   coordinates, reporter name, photos, timeline notes and comments and the copies kept for
 *   webhooks and staff notices are blanked (src/privacy/case-fields.ts, as for an erasure on
 *   request, whose cases keep their own marker); once none of a citizen's cases keeps personal
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
import { sql } from 'drizzle-orm';
import type { PendingQuery, Row } from 'postgres';
import type { StoredOutbound } from '../domain/messages.js';
import type { PipelineContext } from '../conversation/context.js';
import { freshSnapshot } from '../conversation/step.js';
import { removeCasesPersonalFields } from '../privacy/case-fields.js';
import { idArray } from '../privacy/held.js';

export interface RetentionPeriods {
  messageDays: number;
  draftDays: number;
  mediaDays: number;
  closedCaseDays: number;
  outboxDays: number;
}

export interface PurgeSettings {
  periods: RetentionPeriods;
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
  /** Web chat sessions ended or expired a day ago or more (a hash and three times: nothing personal, only clutter). */
  webSessions: number;
}

/** What a closed case's description (and every copy of it) becomes. */
export const REMOVED_DESCRIPTION = 'Uraian dihapus: masa simpan data pribadi berakhir.';
const REMOVED_MESSAGE = JSON.stringify({ removed: true });
const REMOVED_OUTBOUND = JSON.stringify({ kind: 'removed' } satisfies StoredOutbound);

const DAY_MS = 86_400_000;

/** postgres.js, for the statements built from fragments. */
type Pg = PipelineContext['db']['sql'];
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
async function walk(pg: Pg, batchSize: number, of: WalkOf): Promise<number> {
  const [start] = await pg<{ last_id: string }[]>`select last_id from retention_marks where name = ${of.name}`;
  let mark = start ? start.last_id : '0';
  let changed = 0;
  for (;;) {
    const [step] = await pg<{ read: number; changed: number; stopped: boolean; mark: string | null }[]>`
      with batch as (
        select id, ${of.columns} from ${pg(of.table)} where id > ${mark} order by id limit ${batchSize}
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
function purgeMessages(pg: Pg, cutoff: string, batchSize: number): Promise<number> {
  return walk(pg, batchSize, {
    name: 'messages',
    table: 'messages',
    columns: pg`sent_at`,
    notYet: pg`b.sent_at >= ${cutoff}::timestamptz`,
    change: pg`
      update messages m set body = null, payload = ${REMOVED_MESSAGE}::jsonb from old
      where m.id = old.id and (m.body is not null or (m.payload is not null and m.payload <> ${REMOVED_MESSAGE}::jsonb))
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
  const pg = ctx.db.sql;
  const fresh = (lang: 'id' | 'en') => JSON.stringify(freshSnapshot(ctx.machine, { lang }));
  return walk(pg, batchSize, {
    name: 'drafts',
    table: 'messages',
    columns: pg`identity_id, sent_at`,
    notYet: pg`b.sent_at >= ${cutoff}::timestamptz`,
    change: pg`
      update conversations c
      set snapshot = case when c.snapshot -> 'context' ->> 'lang' = 'en' then ${fresh('en')}::jsonb else ${fresh('id')}::jsonb end,
        version = ${ctx.machineVersion}
      where c.identity_id in (select identity_id from old) and c.updated_at < ${cutoff}::timestamptz
        and c.snapshot is not null and c.snapshot ->> 'value' is distinct from 'start'
      returning c.identity_id`,
  });
}

/** Replies sent (or given up) past the outbox period. A row still owed stops the walk: it is kept whole until sent. */
function purgeOutbox(pg: Pg, cutoff: string, batchSize: number): Promise<number> {
  return walk(pg, batchSize, {
    name: 'outbox',
    table: 'outbox',
    // Rows finished before sent_at marked failures too have none: their creation stands in.
    columns: pg`status, coalesce(sent_at, created_at) as finished_at`,
    notYet: pg`b.status not in ('sent', 'failed') or b.finished_at >= ${cutoff}::timestamptz`,
    change: pg`
      update outbox o set payload = ${REMOVED_OUTBOUND}::jsonb from old
      where o.id = old.id and o.payload ->> 'kind' <> 'removed'
      returning o.id`,
  });
}

/** Photos past the media period: files first (`ctx.mediaStorage`), then the row, so a failed delete is tried again next time. */
async function purgeMedia(ctx: PipelineContext, cutoff: string, batchSize: number): Promise<number> {
  const pg = ctx.db.sql;
  let removed = 0;
  for (;;) {
    const rows = await pg<{ id: string; storage_key: string | null; thumbnail_key: string | null }[]>`
      select id, storage_key, thumbnail_key from media
      where status = 'stored' and stored_at < ${cutoff}::timestamptz order by stored_at limit ${batchSize}`;
    for (const row of rows) {
      for (const key of [row.storage_key, row.thumbnail_key]) if (key) await ctx.mediaStorage.delete(key);
    }
    if (rows.length > 0) {
      const [done] = await pg<{ n: number }[]>`
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

/**
 * Closed cases past their period lose their personal fields, one batch per transaction; a case
 * the citizen had erased already says so and is left as it is.
 */
async function purgeClosedCases(ctx: PipelineContext, cutoff: string, batchSize: number): Promise<{ cases: number; citizens: number }> {
  const now = ctx.now().toISOString();
  const total = { cases: 0, citizens: 0 };
  for (;;) {
    const batch = await ctx.db.db.transaction(async (tx) => {
      const rows = (await tx.execute(sql`
        select id, citizen_id from cases
        where status in ('ditutup', 'ditolak', 'duplikat') and personal_data_removed_at is null and erased_at is null
          and updated_at < ${cutoff}::timestamptz
        order by updated_at limit ${batchSize}
        for update skip locked`)) as unknown as { id: string; citizen_id: string }[];
      if (rows.length === 0) return { cases: 0, citizens: 0 };
      const cases = idArray(rows.map((row) => Number(row.id)));
      const citizens = idArray([...new Set(rows.map((row) => Number(row.citizen_id)))]);
      await removeCasesPersonalFields(tx, cases, { marker: REMOVED_DESCRIPTION, set: sql`personal_data_removed_at = ${now}::timestamptz` });
      // The person, once no case of theirs needs them any more (an open case still does).
      const [person] = (await tx.execute(sql`
        with blanked as (
          update citizens c set name = null, nik_encrypted = null, nik_hash = null
          where c.id = any(${citizens})
            and (c.name is not null or c.nik_encrypted is not null or c.nik_hash is not null)
            and not exists (select 1 from cases k where k.citizen_id = c.id and k.personal_data_removed_at is null and k.erased_at is null)
          returning c.id
        ), chats as (
          update channel_identities i set phone = null, display_name = null
          where i.citizen_id in (select id from blanked) and (i.phone is not null or i.display_name is not null)
        )
        select count(*)::int as n from blanked`)) as unknown as { n: number }[];
      return { cases: rows.length, citizens: person.n };
    });
    total.cases += batch.cases;
    total.citizens += batch.citizens;
    if (batch.cases < batchSize) return total;
  }
}

/** Set-aside updates (raw, for operators) past the message period: deleted, so each batch starts at the oldest left. */
async function purgeSetAside(pg: Pg, cutoff: string, batchSize: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const [done] = await pg<{ n: number }[]>`
      with gone as (
        delete from set_aside_updates where id in (
          select id from set_aside_updates where created_at < ${cutoff}::timestamptz order by id limit ${batchSize})
        returning id
      ) select count(*)::int as n from gone`;
    deleted += done.n;
    if (done.n < batchSize) return deleted;
  }
}

/** Web chat sessions that ended or expired over a day ago; their chats' messages follow the message period. */
async function purgeWebSessions(pg: Pg, cutoff: string, batchSize: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const [done] = await pg<{ n: number }[]>`
      with gone as (
        delete from web_chat_sessions where chat_id in (
          select chat_id from web_chat_sessions where least(expires_at, coalesce(ended_at, expires_at)) < ${cutoff}::timestamptz limit ${batchSize})
        returning 1
      ) select count(*)::int as n from gone`;
    deleted += done.n;
    if (done.n < batchSize) return deleted;
  }
}

/** Runs every kind once, against the cutoffs of this moment. */
export async function purgeExpired(ctx: PipelineContext, settings: PurgeSettings): Promise<PurgeCounts> {
  const { periods, batchSize } = settings;
  const now = ctx.now().getTime();
  const cutoff = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const pg = ctx.db.sql;
  const messages = await purgeMessages(pg, cutoff(periods.messageDays), batchSize);
  const drafts = await purgeDrafts(ctx, cutoff(periods.draftDays), batchSize);
  const media = await purgeMedia(ctx, cutoff(periods.mediaDays), batchSize);
  const closed = await purgeClosedCases(ctx, cutoff(periods.closedCaseDays), batchSize);
  const outbox = await purgeOutbox(pg, cutoff(periods.outboxDays), batchSize);
  const setAside = await purgeSetAside(pg, cutoff(periods.messageDays), batchSize);
  const webSessions = await purgeWebSessions(pg, cutoff(1), batchSize);
  return { messages, drafts, media, cases: closed.cases, citizens: closed.citizens, outbox, setAside, webSessions };
}
