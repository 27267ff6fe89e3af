/**
 * The case lifecycle as the citizen's chat sees it: opening a case (routed to a dinas/unit, SLA
 * clock started, first event recorded) and reading the citizen's own cases. Everything runs inside
 * the caller's transaction, so a case exists exactly when the conversation step that made it commits.
 */
import { and, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { rawTx, type Tx } from '../db/client.js';
import type postgres from 'postgres';
import * as t from '../db/schema.js';
import { FINISHED_STATUSES, type CaseDraft, type CaseSummary, type CaseStatus, type CaseKind, type RatingOutcome, type SealedNik } from '../conversation/contract.js';
import { decryptNik, hashNik, nikHashes } from '../pii/nik.js';
import { actorLabel, type Actor } from './events.js';
import { eventRecorded, lockCase, moveCase, recordEvent, type CaseRow, type CaseWork, type EventCase, type EventInput } from './lifecycle.js';
import { newTicket } from './ticket.js';
import { route } from './settings.js';
import { clockFor, newTimer, scheduleTimerJobs, type TimerRow } from './timers.js';
import { localIso } from './working-days.js';

/** Postgres's oid of `text`, for a text[] parameter that may be empty. */
const TEXT_OID = 25;
const iso = (moment: Date) => moment.toISOString();

/**
 * The citizen behind a chat identity, created on first need, with what the report says of them
 * (a name, a NIK) written on the way: the first CTEs of the statement that writes the case, which
 * reads the citizen from `citizen`. (A look-up, an insert, a link and an update were four
 * statements.)
 */
function citizenCtes(raw: postgres.TransactionSql, identityId: number, about: { name: string | null; nikEncrypted: string | null; nikHash: string | null }) {
  return raw`
    existing as (
      select citizen_id as id from channel_identities where id = ${identityId} and citizen_id is not null
    ), created as (
      insert into citizens (name, nik_encrypted, nik_hash)
      select ${about.name}, ${about.nikEncrypted}, ${about.nikHash} where not exists (select 1 from existing)
      returning id
    ), linked as (
      update channel_identities set citizen_id = created.id from created where channel_identities.id = ${identityId}
    ), updated as (
      update citizens c set name = coalesce(${about.name}, c.name), nik_encrypted = coalesce(${about.nikEncrypted}, c.nik_encrypted),
        nik_hash = coalesce(${about.nikHash}, c.nik_hash)
      from existing where c.id = existing.id and (${about.name}::text is not null or ${about.nikEncrypted}::text is not null)
    ), citizen as (
      select id from existing union all select id from created
    )`;
}

/**
 * A question that rides in the statement that writes the case (the broadcast topic its citizen is
 * offered), asked of where the case went: a scalar subquery, read back as `ridden`.
 */
export type CaseRider = (kase: { dinasId: number; categoryCode: string }) => postgres.PendingQuery<postgres.Row[]>;

/**
 * Opens a case from a citizen's report, inside the conversation step's transaction: routed, its
 * verify clock started, and the `created` event handed to the sinks. The citizen's own chat
 * confirms it (the flow's reply), so no notification is written here. `rider`'s answer comes back
 * as `ridden` (typed `T` by the caller).
 */
export async function openCase<T = never>(
  work: CaseWork,
  args: { identityId: number; draft: CaseDraft; rider?: CaseRider },
): Promise<{ ticket: string; dueAt: Date; ridden: T | null }> {
  const { tx, now, ctx } = work;
  const { identityId, draft } = args;
  let regionCode: string | null = null;
  const about = { name: draft.reporterName || null, nikEncrypted: null as string | null, nikHash: null as string | null };
  let reporterHashes: string[] | null = null;
  if (draft.nik) {
    const nik = decryptNik(draft.nik.sealed, ctx.nikKeys);
    about.nikEncrypted = draft.nik.sealed;
    about.nikHash = hashNik(nik, ctx.nikKeys);
    reporterHashes = nikHashes(nik, ctx.nikKeys);
    regionCode = nik.slice(0, 6);
  }
  // The version was read with the batch's chats (src/conversation/runtime.ts): no statement here
  // unless the settings changed.
  const settings = await ctx.caseSettings.within(tx);
  const target = route(settings, draft, regionCode);
  // The case's clock, worked out before the row is written so the row carries its moments.
  const clock = clockFor(settings, { dinasId: target.dinasId, categoryCode: draft.categoryCode }, 'baru', now)!;
  // Only a ticket the hint could have shown counts: this citizen's own, or one of the same NIK's.
  const [earlier] = draft.possibleDuplicateOf
    ? await tx
        .select({ id: t.cases.id })
        .from(t.cases)
        .where(and(eq(t.cases.ticket, draft.possibleDuplicateOf), sameReporter(identityId, reporterHashes)))
    : [];
  // The clock's row as `newTimer` makes it (the case id comes from the statement).
  const timerValues = newTimer(0, clock, now);
  const created: EventInput = { type: 'created', actor: { kind: 'citizen', identityId }, from: null, public: false, data: earlier ? { possibleDuplicateOf: draft.possibleDuplicateOf } : null };
  const raw = rawTx(tx);
  for (let draw = 1; ; draw++) {
    const ticket = newTicket();
    const kase: Omit<EventCase, 'id'> = {
      ticket,
      dinasId: target.dinasId,
      unitId: target.unitId,
      regionCode: target.regionCode,
      confidential: draft.confidential,
      categoryCode: draft.categoryCode,
      status: 'baru',
      slaDueAt: clock.dueAt,
    };
    // The citizen, the case, its clock and its `created` event in one statement: the row carries its
    // SLA moments. (Times go as text: drizzle's postgres.js client takes dates as strings.)
    const rider = args.rider ? args.rider({ dinasId: kase.dinasId, categoryCode: draft.categoryCode }) : raw`null::jsonb`;
    const [row] = await raw<{ id: string; timer_id: string; event_id: string; ridden: T | null }[]>`
      with ${citizenCtes(raw, identityId, about)}, kase as (
        insert into cases (ticket, citizen_id, identity_id, kind, category_code, service_code, description, location, photos, reporter_name,
          region_code, dinas_id, unit_id, status, channel, anonymous, confidential, possible_duplicate_of, sla_due_at, sla_remind_at, created_at, updated_at)
        select ${ticket}, citizen.id, ${identityId}, ${draft.kind}, ${draft.categoryCode}, ${draft.serviceCode ?? null}, ${draft.description},
          ${draft.location ? JSON.stringify(draft.location) : null}::text::jsonb, ${raw.array(draft.photos, TEXT_OID)}::text[],
          ${draft.anonymous ? null : (draft.reporterName ?? null)}, ${kase.regionCode}, ${kase.dinasId}, ${kase.unitId}, ${kase.status},
          (select channel from channel_identities where id = ${identityId}),
          ${draft.anonymous}, ${draft.confidential}, ${earlier?.id ?? null}, ${iso(clock.dueAt)}::timestamptz, ${clock.remindAt && iso(clock.remindAt)}::timestamptz, ${iso(now)}::timestamptz, ${iso(now)}::timestamptz
        from citizen
        on conflict (ticket) do nothing
        returning id
      ), clock as (
        insert into case_timers (case_id, kind, started_at, due_at, remind_at, next_at)
        select id, ${timerValues.kind}, ${iso(now)}::timestamptz, ${iso(timerValues.dueAt)}::timestamptz, ${timerValues.remindAt && iso(timerValues.remindAt)}::timestamptz, ${iso(timerValues.nextAt!)}::timestamptz from kase
        returning id
      ), event as (
        insert into case_events (case_id, type, from_status, to_status, actor, note, public, data, created_at)
        select id, ${created.type}, null, ${kase.status}, ${actorLabel(created.actor)}, null, ${created.public},
          ${created.data ? JSON.stringify(created.data) : null}::text::jsonb, ${iso(now)}::timestamptz from kase
        returning id
      )
      select kase.id, clock.id as timer_id, event.id as event_id, ${rider} as ridden from kase, clock, event`;
    // A collision among 8.5·10^11 tickets is rare; draw again rather than fail the citizen (the
    // citizen, written all the same, is found by the next try). Five in a row is no collision.
    if (!row) {
      if (draw >= 5) throw new Error('openCase: the case was not written (five ticket draws)');
      continue;
    }
    const caseId = Number(row.id);
    const timer: TimerRow = { id: Number(row.timer_id), ...newTimer(caseId, clock, now) };
    work.after.push(() => scheduleTimerJobs(ctx, [timer]));
    await eventRecorded(work, { id: caseId, ...kase }, Number(row.event_id), created);
    return { ticket, dueAt: clock.dueAt, ridden: row.ridden };
  }
}

const summaryColumns = {
  ticket: t.cases.ticket,
  kind: t.cases.kind,
  status: t.cases.status,
  categoryName: t.categories.name,
  createdAt: t.cases.createdAt,
  updatedAt: t.cases.updatedAt,
  dueAt: t.cases.slaDueAt,
  // The last note staff meant for the citizen: a status note or reason, or a public note (not a chat reply).
  note: sql<string | null>`(select e.note from case_events e where e.case_id = ${t.cases.id} and e.public and e.note is not null and e.type <> 'reply' order by e.id desc limit 1)`,
  timeZone: sql<string>`(select d.staff_availability->>'timeZone' from dinas d where d.id = ${t.cases.dinasId})`,
};

type SummaryRow = {
  ticket: string;
  kind: string;
  status: string;
  categoryName: { id: string; en: string } | null;
  createdAt: Date;
  updatedAt: Date;
  dueAt: Date | null;
  note: string | null;
  timeZone: string;
};

/** Times go out in the dinas's local time, so the dates the citizen reads are the local dates. */
function toSummary(row: SummaryRow): CaseSummary {
  const finished = FINISHED_STATUSES.includes(row.status as CaseStatus);
  return {
    ticket: row.ticket,
    kind: row.kind as CaseKind,
    status: row.status as CaseStatus,
    categoryName: row.categoryName ?? { id: 'Lainnya', en: 'Other' },
    createdAt: localIso(row.createdAt, row.timeZone),
    updatedAt: localIso(row.updatedAt, row.timeZone),
    dueAt: finished || !row.dueAt ? null : localIso(row.dueAt, row.timeZone),
    note: row.note,
  };
}

/**
 * The citizen behind a chat, inside the statement that asks (a chat that never reported has none:
 * null, which equals no case's citizen).
 */
const chatCitizen = (identityId: number): SQL => sql`(select citizen_id from channel_identities where id = ${identityId})`;

/** The citizen's own cases, newest first. */
export async function ownCases(tx: Tx, identityId: number, limit = 5): Promise<CaseSummary[]> {
  const rows = await tx
    .select(summaryColumns)
    .from(t.cases)
    .leftJoin(t.categories, eq(t.categories.code, t.cases.categoryCode))
    .where(eq(t.cases.citizenId, chatCitizen(identityId)))
    .orderBy(desc(t.cases.createdAt), desc(t.cases.id))
    .limit(limit);
  return rows.map(toSummary);
}

/** One case by ticket, only if it is the asking citizen's: someone else's ticket reveals nothing. */
export async function ownCase(tx: Tx, identityId: number, ticket: string): Promise<CaseSummary | null> {
  const [row] = await tx
    .select(summaryColumns)
    .from(t.cases)
    .leftJoin(t.categories, eq(t.categories.code, t.cases.categoryCode))
    .where(and(eq(t.cases.ticket, ticket), eq(t.cases.citizenId, chatCitizen(identityId))));
  return row ? toSummary(row) : null;
}

/**
 * Cases of the same reporter as the chat: its own citizen (`chatCitizen`), or a citizen who gave the
 * same NIK (another chat of the same person; citizens are not merged by NIK). Both as citizen ids,
 * so the cases are found through their citizen's index whichever is known. `similarRecentCase`
 * writes the same out in its own statement: a change here belongs there too.
 */
function sameReporter(identityId: number, hashes: string[] | null): SQL {
  const sameNik = hashes === null ? sql`` : sql` union all select id from citizens where nik_hash in (${sql.join(hashes.map((hash) => sql`${hash}`), sql`, `)})`;
  return sql`${t.cases.citizenId} in (select ${chatCitizen(identityId)}${sameNik})`;
}

/**
 * Every form the stored hash of a NIK the flow carries sealed may have (rows not yet re-hashed by a
 * key rotation still count), or null when it carries none.
 */
function nikHashesOfSealed(work: CaseWork, nik: SealedNik | undefined): string[] | null {
  return nik ? nikHashes(decryptNik(nik.sealed, work.ctx.nikKeys), work.ctx.nikKeys) : null;
}

/** Statuses that take nothing more from the citizen: no information added, no duplicate hint. */
const CLOSED: CaseStatus[] = ['ditutup', 'ditolak', 'duplikat'];

/** How far back the duplicate hint looks for the citizen's own report of the same category. */
export const SIMILAR_WITHIN_MS = 7 * 24 * 60 * 60_000;

/**
 * The duplicate hint: the newest case of the same category opened in the last 7 days by the same
 * citizen, or by whoever gave the same NIK (another chat of the same person). Only a case still
 * open counts: the citizen is offered to add to it instead.
 */
export async function similarRecentCase(work: CaseWork, identityId: number, args: { categoryCode: string; nik?: SealedNik }): Promise<{ ticket: string; createdAt: string } | null> {
  const { tx, now } = work;
  const raw = rawTx(tx);
  // Written out and prepared: drizzle's builder cost more than the statement. The same reporter as
  // `sameReporter`, one text whatever the NIK. The values sit in sub-selects, hidden from the planner,
  // so Postgres keeps the generic plan instead of planning every call (see the README's bench notes).
  // Timestamps come back as Postgres prints them: drizzle's driver turns postgres.js's date parsers off.
  const [row] = await raw<{ ticket: string; createdAt: string; timeZone: string }[]>`
    select c.ticket, c.created_at as "createdAt",
      (select d.staff_availability->>'timeZone' from dinas d where d.id = c.dinas_id) as "timeZone"
    from cases c
    where c.citizen_id in (
        select citizen_id from channel_identities where id = ${identityId}
        union all select id from citizens where nik_hash = any((select ${raw.array(nikHashesOfSealed(work, args.nik) ?? [], TEXT_OID)}::text[])::text[]))
      and c.category_code = (select ${args.categoryCode}::text)
      and c.created_at > (select ${new Date(now.getTime() - SIMILAR_WITHIN_MS).toISOString()}::timestamptz)
      and c.status <> all((select ${raw.array(CLOSED, TEXT_OID)}::text[])::text[])
    order by c.created_at desc, c.id desc
    limit 1`;
  // In the dinas's local time, as the chat prints every date: just after midnight WIB is the next day.
  return row ? { ticket: row.ticket, createdAt: localIso(new Date(row.createdAt), row.timeZone) } : null;
}

/**
 * The citizen's own case by ticket, locked; null when it is someone else's or does not exist. With
 * `hashes` (a NIK's, see `nikHashesOfSealed`), a case of whoever gave the same NIK counts as the
 * citizen's own too (checked here, in the same query: a ticket alone proves nothing).
 */
async function lockOwnCase(tx: Tx, identityId: number, ticket: string, hashes: string[] | null = null): Promise<CaseRow | null> {
  const who = sameReporter(identityId, hashes);
  const [found] = await tx
    .select({ id: t.cases.id })
    .from(t.cases)
    .where(and(eq(t.cases.ticket, ticket), who));
  return found ? lockCase(tx, found.id) : null;
}

/** Whether the citizen may still reopen a `selesai` case: its close clock has not run out. */
async function withinCloseWindow(work: CaseWork, kase: CaseRow): Promise<boolean> {
  if (kase.status !== 'selesai') return false;
  const [clock] = await work.tx
    .select({ dueAt: t.caseTimers.dueAt })
    .from(t.caseTimers)
    .where(and(eq(t.caseTimers.caseId, kase.id), eq(t.caseTimers.kind, 'close'), isNull(t.caseTimers.doneAt)));
  return !!clock && clock.dueAt.getTime() > work.now.getTime();
}

/**
 * The citizen's answer after `selesai`: a rating (kept on the case for statistics and as a `rating`
 * event with the comment), and/or a reopen to `diproses` while the close clock runs (a `reopened`
 * event, which the unit is notified of). A rating is taken for a finished case, even after closing.
 */
export async function rateOwnCase(
  work: CaseWork,
  identityId: number,
  answer: { ticket: string; score: number | null; comment: string | null; reopen: boolean },
): Promise<RatingOutcome> {
  const kase = await lockOwnCase(work.tx, identityId, answer.ticket);
  if (!kase) return 'notFound';
  const status = kase.status as CaseStatus;
  const canReopen = answer.reopen && (await withinCloseWindow(work, kase));
  if (answer.score === null && !canReopen) return status === 'selesai' || status === 'ditutup' ? 'tooLate' : 'notRateable';
  const actor: Actor = { kind: 'citizen', identityId };
  let rated = kase;
  if (answer.score !== null) {
    if (status !== 'selesai' && status !== 'ditutup') return 'notRateable';
    [rated] = await work.tx.update(t.cases).set({ rating: answer.score, ratedAt: work.now }).where(eq(t.cases.id, kase.id)).returning();
    await recordEvent(work, rated, { type: 'rating', actor, from: status, note: answer.comment, public: false, data: { score: answer.score, comment: answer.comment } });
  }
  if (!canReopen) return answer.reopen ? 'tooLate' : 'rated';
  // The citizen's reason is for the unit; the citizen's status check shows staff notes only.
  await moveCase(work, rated, actor, 'diproses', { note: answer.comment, internal: true });
  return 'reopened';
}

/**
 * Adds the citizen's text and/or photos to their open case: a `citizen-info` event, which the unit is
 * notified of. `nik` (the report's, when the duplicate hint found the case by NIK from another chat)
 * lets a case of the same NIK count as the citizen's own.
 */
export async function addCitizenInfo(
  work: CaseWork,
  identityId: number,
  info: { ticket: string; text: string | null; photos: string[]; nik?: SealedNik },
): Promise<boolean> {
  const kase = await lockOwnCase(work.tx, identityId, info.ticket, nikHashesOfSealed(work, info.nik));
  if (!kase || CLOSED.includes(kase.status as CaseStatus)) return false;
  const status = kase.status as CaseStatus;
  await recordEvent(work, kase, {
    type: 'citizen-info',
    actor: { kind: 'citizen', identityId },
    from: status,
    note: info.text,
    public: false,
    data: info.photos.length > 0 ? { photos: info.photos } : null,
  });
  return true;
}
