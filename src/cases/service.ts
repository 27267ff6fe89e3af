/**
 * The staff-facing case service: the one API the console, Open311 and the dinas's own systems
 * call. Every call names its `Actor`, and scope is enforced in the query itself — a case outside
 * the actor's dinas, unit (for a petugas) or region prefix, or a confidential case outside its
 * assigned unit, behaves exactly as a ticket that does not exist. Scope fails closed: a petugas
 * without a unit, or anyone but an admin without a dinas, sees nothing. Anonymous cases never
 * show the reporter's identity to staff or integrations.
 *
 * @example
 *   const officer: Actor = { kind: 'staff', staffId: 7, role: 'petugas', dinasId: 1, unitId: 2, regionPrefix: null };
 *   const { cases, next } = await listCases(ctx, officer, { status: ['diteruskan'], sla: 'breached' });
 *   await transition(ctx, officer, cases[0].ticket, 'diproses', { note: 'Petugas sudah ke lokasi.' });
 */
import { and, asc, desc, eq, gt, gte, inArray, isNull, like, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { copy } from '../../flows/copy/index.js';
import { showTicket } from '../../flows/format.js';
import type { ChannelName } from '../domain/messages.js';
import { CASE_STATUSES, FINISHED_STATUSES, type CaseKind, type CaseStatus } from '../conversation/contract.js';
import type { PipelineContext } from '../conversation/context.js';
import type { Db, Tx } from '../db/client.js';
import * as t from '../db/schema.js';
import { decryptNik, nikHashes } from '../pii/nik.js';
import { escapeRegExp, MASKED, publicText, type PersonalValues } from '../pii/public-text.js';
import { maskNik } from '../pii/nik-rules.js';
import { cannedText, fillCannedReply, findCannedReply, CannedReplyNotFound } from './canned-replies.js';
import type { Actor, CaseEventRecord, CaseEventType } from './events.js';
import * as lifecycle from './lifecycle.js';
import { normaliseTicket } from './ticket.js';

/** No such case, or not one the actor may see: the two are indistinguishable on purpose. */
export class CaseNotFound extends Error {
  override name = 'CaseNotFound';
  constructor(ticket: string) {
    super(`no case ${ticket}`);
  }
}

/** The actor sees the case but may not do this to it (a pimpinan reads only). */
export class CaseForbidden extends Error {
  override name = 'CaseForbidden';
}

export { TransitionRefused } from './lifecycle.js';

const CHANNELS = ['telegram', 'web', 'whatsapp-web', 'whatsapp-cloud'] as const satisfies readonly ChannelName[];

/** Statuses whose verify or follow-up clock runs: the work still owed, where SLA and assignment matter. */
export const OPEN_STATUSES = CASE_STATUSES.filter((s) => !FINISHED_STATUSES.includes(s));
/** As a literal list, so the planner can match the partial indexes written with the same list. */
const OPEN = sql.raw(`${'"cases"."status"'} in (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`);

/** Filters that narrow the inbox; the side bar's counts keep these and count each view within them. */
const narrowingFilters = {
  category: z.string().min(1).optional(),
  unitId: z.number().int().positive().optional(),
  channel: z.enum(CHANNELS).optional(),
};

/** Filters of the case list, as the console and API send them. */
export const caseListFilters = z.object({
  ...narrowingFilters,
  /**
   * A ticket number (typed loosely), or words of the ticket and description (Postgres full text,
   * `simple` config). Search narrows the list only: the side bar keeps counting its views.
   */
  q: z.string().trim().min(1).max(200).optional(),
  status: z.array(z.enum(CASE_STATUSES)).optional(),
  assigneeStaffId: z.number().int().positive().optional(),
  /** Open cases nobody is assigned to. */
  unassigned: z.boolean().optional(),
  /** `due-soon`: a running clock passed its reminder moment; `breached`: a verify/follow-up clock ran out. */
  sla: z.enum(['due-soon', 'breached']).optional(),
  /** `newest` first (default), or `due`: open cases only, the clock closest to running out first. */
  sort: z.enum(['newest', 'due']).default('newest'),
  /** The `next` of the previous page (of the same sort). */
  after: z.string().regex(/^\d+(_\d+)?$/).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type CaseListFilters = z.input<typeof caseListFilters>;

export const caseCountFilters = z.object(narrowingFilters);
export type CaseCountFilters = z.input<typeof caseCountFilters>;

/**
 * Counts stop here: a side bar needs "more than 1,000", not the exact figure, and stopping keeps
 * every count a walk of bounded length however many cases a dinas has. Exact figures are the
 * statistics' job.
 */
export const COUNT_CAP = 1_000;

/** Per view of the inbox, within the actor's scope and the narrowing filters; a count of `COUNT_CAP + 1` means "more than COUNT_CAP". */
export interface CaseCounts {
  total: number;
  status: Record<CaseStatus, number>;
  dueSoon: number;
  breached: number;
  unassigned: number;
  /** Assigned to the actor (staff only; 0 for others). */
  mine: number;
  cap: number;
}

export type SlaState = 'due-soon' | 'breached' | null;

export interface CaseListItem {
  ticket: string;
  kind: CaseKind;
  status: CaseStatus;
  categoryCode: string;
  dinasId: number;
  unitId: number | null;
  assigneeStaffId: number | null;
  channel: ChannelName;
  regionCode: string | null;
  anonymous: boolean;
  confidential: boolean;
  createdAt: Date;
  updatedAt: Date;
  slaDueAt: Date | null;
  /** The running clock as of now: past its reminder, or run out (verify and follow-up clocks only). */
  sla: SlaState;
}

export interface CaseTimelineEntry {
  id: number;
  type: CaseEventType;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  actor: string;
  note: string | null;
  public: boolean;
  data: Record<string, unknown> | null;
  at: Date;
}

export interface TranscriptEntry {
  direction: 'in' | 'out';
  at: Date;
  /** Inbound: text, photo, location… or `removed` (past retention); outbound: text, template, removed… */
  kind: string;
  text: string | null;
}

export interface CaseDetail extends Omit<CaseListItem, 'sla'> {
  serviceCode: string | null;
  description: string;
  location: { address?: string; latitude?: number; longitude?: number } | null;
  photos: string[];
  /** The case's photos (with those the citizen added later) as kept in media storage; see `casePhoto`. */
  photoFiles: CasePhotoFile[];
  /** Ticket of the case this one repeats. */
  duplicateOf: string | null;
  /** The citizen's own case of the same category in the 7 days before, which they said this one is not (the verifikator checks). */
  possibleDuplicateOf: string | null;
  /** The citizen's latest rating (1–5) after `selesai`; each rating's comment is on the timeline. */
  rating: number | null;
  /** Null for an anonymous case (unless the citizen themself or the system asks), and once the reporter's data was erased. */
  reporter: { name: string | null; nikMasked: string | null; phone: string | null; displayName: string | null; chatId: string } | null;
  /** When the reporter had their personal data erased (*hapus data saya*): the case keeps its non-personal fields only. */
  erasedAt: Date | null;
  clocks: { kind: string; startedAt: Date; dueAt: Date; remindAt: Date | null; remindedAt: Date | null; escalatedAt: Date | null; doneAt: Date | null }[];
  timeline: CaseTimelineEntry[];
  /** The citizen's chat around the case: from an hour before it was opened (not reaching into their other cases), oldest first. */
  transcript: TranscriptEntry[];
}

/** What the list and its counts need of the context (the bench runs them on a bare database). */
export type ReadContext = Pick<PipelineContext, 'db' | 'now'>;

export interface CasePhotoFile {
  /** `media.id`: what `casePhoto` is asked for. */
  id: number;
  /** `pending` while it is fetched, `failed` when it could not be kept. */
  /** `removed`: its files were deleted when the photo's retention period ended. */
  status: 'pending' | 'stored' | 'failed' | 'removed';
  width: number | null;
  height: number | null;
}

/** Matches no case: where scope cannot be decided, it fails closed. */
const NOTHING = sql`false`;

/**
 * The cases an actor may see, as a condition on `cases`. Statistics count within the same scope
 * with `aggregate: true`: a confidential case is then counted for its whole dinas (a number says
 * nothing of its content), where only its unit may read it.
 */
export function scopeOf(actor: Actor, options: { aggregate?: boolean } = {}): SQL | undefined {
  switch (actor.kind) {
    case 'system':
      return undefined;
    case 'citizen':
      return sql`${t.cases.citizenId} = (select citizen_id from channel_identities where id = ${actor.identityId})`;
    case 'integration':
      // The dinas owns its confidential cases too: its system receives them by webhook and answers them.
      return eq(t.cases.dinasId, actor.dinasId);
    case 'staff': {
      // Only an admin may stand above every dinas, and a petugas works only inside a unit.
      if (actor.dinasId === null && actor.role !== 'admin') return NOTHING;
      if (actor.role === 'petugas' && actor.unitId === null) return NOTHING;
      const parts: SQL[] = [];
      if (actor.dinasId !== null) parts.push(eq(t.cases.dinasId, actor.dinasId));
      // A petugas works their unit's cases; verifikator and pimpinan see their whole dinas.
      if (actor.role === 'petugas') parts.push(eq(t.cases.unitId, actor.unitId!));
      if (actor.regionPrefix) parts.push(like(t.cases.regionCode, `${actor.regionPrefix.replace(/[\\%_]/g, '')}%`));
      if (!options.aggregate) parts.push(confidentialScope(actor));
      return and(...parts);
    }
  }
}

/**
 * Rahasia: only the unit the case is assigned to reads it; while it has no unit (routed or
 * rerouted, not yet assigned) the dinas's verifikator and admin do, so it is never stranded.
 */
function confidentialScope(actor: Extract<Actor, { kind: 'staff' }>): SQL {
  const readers: SQL[] = [eq(t.cases.confidential, false)];
  if (actor.unitId !== null) readers.push(eq(t.cases.unitId, actor.unitId));
  if (actor.dinasId !== null && (actor.role === 'verifikator' || actor.role === 'admin')) readers.push(isNull(t.cases.unitId));
  return or(...readers)!;
}

const seesIdentity = (actor: Actor) => actor.kind === 'system' || actor.kind === 'citizen';

async function findInScope(tx: Tx | Db, actor: Actor, ticket: string, lock: boolean) {
  const normal = normaliseTicket(ticket);
  if (!normal) throw new CaseNotFound(ticket);
  const query = tx.select().from(t.cases).where(and(eq(t.cases.ticket, normal), scopeOf(actor)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new CaseNotFound(ticket);
  return row;
}

function mayWrite(actor: Actor): void {
  if (actor.kind === 'staff' && actor.role === 'pimpinan') throw new CaseForbidden('pimpinan may read cases, not change them');
  if (actor.kind === 'citizen') throw new CaseForbidden('citizens change their cases only by reopening them');
}

/** Runs one change on a case in the actor's scope, under its row lock. */
function change(ctx: PipelineContext, actor: Actor, ticket: string, fn: (work: lifecycle.CaseWork, kase: lifecycle.CaseRow) => Promise<CaseEventRecord>) {
  return lifecycle.inCaseTransaction(ctx, async (work) => fn(work, await findInScope(work.tx, actor, ticket, true)));
}

const listColumns = {
  id: t.cases.id,
  ticket: t.cases.ticket,
  kind: t.cases.kind,
  status: t.cases.status,
  categoryCode: t.cases.categoryCode,
  dinasId: t.cases.dinasId,
  unitId: t.cases.unitId,
  assigneeStaffId: t.cases.assigneeStaffId,
  channel: t.cases.channel,
  regionCode: t.cases.regionCode,
  anonymous: t.cases.anonymous,
  confidential: t.cases.confidential,
  createdAt: t.cases.createdAt,
  updatedAt: t.cases.updatedAt,
  slaDueAt: t.cases.slaDueAt,
  slaRemindAt: t.cases.slaRemindAt,
};

const slaCondition = (sla: 'due-soon' | 'breached', now: string): SQL =>
  sla === 'breached'
    ? sql`${OPEN} and ${t.cases.slaDueAt} < ${now}::timestamptz`
    : sql`${OPEN} and ${t.cases.slaRemindAt} <= ${now}::timestamptz and ${t.cases.slaDueAt} >= ${now}::timestamptz`;

function slaState(row: { status: string; slaDueAt: Date | null; slaRemindAt: Date | null }, now: Date): SlaState {
  if (!OPEN_STATUSES.includes(row.status as CaseStatus) || !row.slaDueAt) return null;
  if (row.slaDueAt < now) return 'breached';
  return row.slaRemindAt && row.slaRemindAt <= now ? 'due-soon' : null;
}

/**
 * A ticket (typed loosely) finds its case; anything else is words. A word can look like a ticket
 * ("tetangga" is 8 letters of the ticket alphabet), so a ticket-shaped query matches its words too.
 */
function searchCondition(q: string): SQL {
  const words = sql`${t.cases.search} @@ websearch_to_tsquery('simple', ${q})`;
  const ticket = normaliseTicket(q);
  return ticket ? or(eq(t.cases.ticket, ticket), words)! : words;
}

/** Scope and the narrowing filters: what both the list and its counts start from. */
function narrowing(actor: Actor, f: z.output<typeof caseCountFilters>): (SQL | undefined)[] {
  const conditions: (SQL | undefined)[] = [scopeOf(actor)];
  if (f.category) conditions.push(eq(t.cases.categoryCode, f.category));
  if (f.unitId) conditions.push(eq(t.cases.unitId, f.unitId));
  if (f.channel) conditions.push(eq(t.cases.channel, f.channel));
  return conditions;
}

const unassignedCondition = sql`${OPEN} and ${t.cases.assigneeStaffId} is null`;

/**
 * Cases in the actor's scope a page at a time: newest first, or (`sort: 'due'`) open cases by the
 * running clock's due moment. Keyset pages (pass `next` as `after`): cases arriving meanwhile go
 * before the first page and never shift the later ones.
 */
export async function listCases(ctx: ReadContext, actor: Actor, filters: CaseListFilters = {}): Promise<{ cases: CaseListItem[]; next: string | null }> {
  const f = caseListFilters.parse(filters);
  const now = ctx.now();
  const rows = await withOwnPlans(ctx, (db) => listQuery(db, actor, f, now));
  const page = rows.slice(0, f.limit);
  const cases = page.map(({ id: _id, slaRemindAt, ...row }) => ({
    ...row,
    kind: row.kind as CaseKind,
    status: row.status as CaseStatus,
    channel: row.channel as ChannelName,
    sla: slaState({ status: row.status, slaDueAt: row.slaDueAt, slaRemindAt }, now),
  }));
  const last = page[page.length - 1];
  const next = rows.length > f.limit ? (f.sort === 'due' ? `${last.slaDueAt!.getTime()}_${last.id}` : String(last.id)) : null;
  return { cases, next };
}

/** The statement `listCases` runs, for EXPLAIN in the bench. */
export function listCasesStatement(ctx: ReadContext, actor: Actor, filters: CaseListFilters = {}): SQL {
  return listQuery(ctx.db.db, actor, caseListFilters.parse(filters), ctx.now()).getSQL();
}

/**
 * Runs an inbox read with plans made for its own values. postgres.js prepares each statement
 * once per connection, and after five runs Postgres may keep one generic plan for all values: a
 * plan good for a word in every case then walks the whole inbox for a word in none (seen in the
 * bench: 3 s instead of 1 ms). Planning each time costs well under a millisecond here.
 */
function withOwnPlans<T>(ctx: ReadContext, read: (db: Db | Tx) => Promise<T>): Promise<T> {
  return ctx.db.db.transaction(async (tx) => {
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    return read(tx);
  });
}

function listQuery(db: Db | Tx, actor: Actor, f: z.output<typeof caseListFilters>, now: Date) {
  const conditions = narrowing(actor, f);
  if (f.q) conditions.push(searchCondition(f.q));
  if (f.assigneeStaffId) conditions.push(eq(t.cases.assigneeStaffId, f.assigneeStaffId));
  if (f.unassigned) conditions.push(unassignedCondition);
  if (f.sla) conditions.push(slaCondition(f.sla, now.toISOString()));
  const statuses = f.status ? [...new Set(f.status)] : [];
  if (statuses.length === 1) conditions.push(eq(t.cases.status, statuses[0]));

  let order: SQL[];
  if (f.sort === 'due') {
    conditions.push(OPEN, sql`${t.cases.slaDueAt} is not null`);
    if (f.after) {
      const [dueMs, id] = f.after.split('_').map(Number);
      const due = new Date(dueMs).toISOString();
      conditions.push(sql`(${t.cases.slaDueAt}, ${t.cases.id}) > (${due}::timestamptz, ${id ?? 0})`);
    }
    order = [asc(t.cases.slaDueAt), asc(t.cases.id)];
  } else {
    if (f.after) conditions.push(lt(t.cases.id, Number(f.after.split('_')[0])));
    order = [desc(t.cases.id)];
  }

  // The page is picked by id alone, which the inbox indexes answer without reading the table;
  // only its rows are read. Several statuses: each is its own ordered walk of (dinas, status, id),
  // merged; one walk filtering on the list would pass every case of the other statuses.
  const orderSql = sql.join(order, sql`, `);
  const pick = (extra?: SQL) => sql`select ${t.cases.id} from ${t.cases} where ${and(...conditions, extra)} order by ${orderSql} limit ${f.limit + 1}`;
  const page =
    statuses.length > 1
      ? sql.join(
          statuses.map((status) => sql`(${pick(eq(t.cases.status, status))})`),
          sql` union all `,
        )
      : pick();
  return db
    .select(listColumns)
    .from(t.cases)
    .where(sql`${t.cases.id} in (${page})`)
    .orderBy(...order)
    .limit(f.limit + 1);
}

/**
 * The inbox side bar: how many cases each view holds (all, per status, SLA due soon and breached,
 * unassigned, assigned to the actor), within the actor's scope and the narrowing filters (not the
 * search: each count would repeat it), each counted up to `COUNT_CAP + 1`. One statement; each
 * count walks one index range.
 */
export async function countCases(ctx: ReadContext, actor: Actor, filters: CaseCountFilters = {}): Promise<CaseCounts> {
  const statement = countCasesStatement(ctx, actor, filters);
  const [row] = (await withOwnPlans(ctx, (db) => db.execute(statement))) as unknown as Record<string, number>[];
  return {
    total: row.total,
    status: Object.fromEntries(CASE_STATUSES.map((s) => [s, row[`status:${s}`]])) as Record<CaseStatus, number>,
    dueSoon: row.dueSoon,
    breached: row.breached,
    unassigned: row.unassigned,
    mine: row.mine,
    cap: COUNT_CAP,
  };
}

/** The statement `countCases` runs, for EXPLAIN in the bench. */
export function countCasesStatement(ctx: ReadContext, actor: Actor, filters: CaseCountFilters = {}): SQL {
  const f = caseCountFilters.parse(filters);
  const now = ctx.now().toISOString();
  const base = narrowing(actor, f);
  // Every case has a dinas: said outright for those above every dinas, so each count can walk the
  // (dinas, …) indexes once per dinas instead of a whole index that does not lead with its filter.
  if (actor.kind !== 'staff' || actor.dinasId === null) base.push(sql`${t.cases.dinasId} = any(array(select id from dinas))`);
  const capped = (extra?: SQL) => sql`(select count(*)::int from (select 1 from ${t.cases} where ${and(...base, extra)} limit ${COUNT_CAP + 1}) c)`;
  const views: Record<string, SQL> = {
    total: capped(),
    dueSoon: capped(slaCondition('due-soon', now)),
    breached: capped(slaCondition('breached', now)),
    unassigned: capped(unassignedCondition),
    mine: actor.kind === 'staff' ? capped(eq(t.cases.assigneeStaffId, actor.staffId)) : sql`0`,
  };
  for (const status of CASE_STATUSES) views[`status:${status}`] = capped(eq(t.cases.status, status));
  const columns = sql.join(
    Object.entries(views).map(([name, query]) => sql`${query} as ${sql.identifier(name)}`),
    sql`, `,
  );
  return sql`select ${columns}`;
}

/**
 * The stretch of the citizen's chat that belongs to a case, when the same chat may hold a case of
 * another dinas, or a confidential one, that this reader must not see. Each case of a chat claims
 * from an hour before it was opened (not before the previous case was) up to where the next
 * case's claim begins, so no two cases share a message.
 */
async function transcriptWindow(tx: Tx, kase: lifecycle.CaseRow): Promise<{ since: Date; until: Date | undefined }> {
  const sameChat = eq(t.cases.identityId, kase.identityId);
  const [previous] = await tx.select({ at: t.cases.createdAt }).from(t.cases).where(and(sameChat, lt(t.cases.id, kase.id))).orderBy(desc(t.cases.id)).limit(1);
  const [next] = await tx.select({ at: t.cases.createdAt }).from(t.cases).where(and(sameChat, gt(t.cases.id, kase.id))).orderBy(asc(t.cases.id)).limit(1);
  const claimStart = (opened: Date, before: Date | undefined) => new Date(Math.max(opened.getTime() - 60 * 60_000, before?.getTime() ?? 0));
  return { since: claimStart(kase.createdAt, previous?.at), until: next && claimStart(next.at, kase.createdAt) };
}

/** Media refs of the photos that came with the case and those the citizen added to it later. */
function photoRefsOf(kase: lifecycle.CaseRow, events: { type: string; data: Record<string, unknown> | null }[]): string[] {
  const added = events.filter((e) => e.type === 'citizen-info').flatMap((e) => (Array.isArray(e.data?.photos) ? (e.data.photos as string[]) : []));
  return [...new Set([...kase.photos, ...added])];
}

const citizenSent = (kase: lifecycle.CaseRow) => sql`${t.media.identityId} in (select id from channel_identities where citizen_id = ${kase.citizenId})`;

async function photoFilesOf(tx: Tx, kase: lifecycle.CaseRow, events: { type: string; data: Record<string, unknown> | null }[]): Promise<CasePhotoFile[]> {
  const refs = photoRefsOf(kase, events);
  if (refs.length === 0) return [];
  // Refs are unique per channel; only the citizen's own chats may have sent the case's photos.
  const rows = await tx
    .select({ id: t.media.id, status: t.media.status, width: t.media.width, height: t.media.height })
    .from(t.media)
    .where(and(citizenSent(kase), inArray(t.media.platformRef, refs)))
    .orderBy(asc(t.media.id));
  return rows.map((row) => ({ ...row, status: row.status as CasePhotoFile['status'] }));
}

/**
 * Which personal data a case as shown holds (reporter, address, photos): staff seeing any of it is
 * an audit-log row (`case.view`). Empty for an anonymous case without address or photos.
 */
export function personalDataShown(detail: CaseDetail): string[] {
  const shown: string[] = [];
  if (detail.reporter) shown.push('reporter');
  if (detail.reporter?.nikMasked) shown.push('nikMasked');
  if (detail.location?.address) shown.push('address');
  if (detail.photoFiles.some((p) => p.status === 'stored')) shown.push('photos');
  return shown;
}

/** The name question in every language: the citizen's next message answers it. */
const NAME_PROMPTS = Object.values(copy).map((words) => words.name.prompt);
/** An answer to the name question taken for a name: letters and the marks names use, at most five words, no question. */
const NAME_SHAPED = /^[\p{L}\p{M}][\p{L}\p{M}.'’\- ]*$/u;
/** Words no name is made of: commands, and the words around a name ("nama saya Siti", "saya tidak mau"). */
const NOT_A_NAME = new Set(
  ['batal', 'cancel', 'kembali', 'back', 'menu', 'lewati', 'skip', 'bantuan', 'help', 'petugas', 'staff', 'english', 'indonesia', 'bahasa', 'tolong', 'ya', 'yes', 'no']
    .concat(['nama', 'saya', 'sy', 'aku', 'ku', 'tidak', 'tdk', 'nggak', 'ngga', 'gak', 'ga', 'mau', 'ingin', 'usah', 'perlu', 'boleh', 'apa', 'yang', 'di', 'ke', 'dari', 'dan', 'ini', 'itu', 'adalah', 'anonim', 'rahasia', 'my', 'name', 'is', 'i', 'am', 'not', 'the', 'call', 'me']),
);
/** Forms of address, kept readable: "Ibu Siti" withholds Siti, not every "ibu" of the chat. */
const TITLES = new Set(['ibu', 'bu', 'bapak', 'pak', 'bpk', 'sdr', 'sdri', 'saudara', 'saudari', 'mas', 'mbak', 'kak', 'kakak', 'adik', 'dik', 'hj', 'h', 'haji', 'hajjah', 'nyonya', 'ny', 'tuan', 'mr', 'mrs', 'ms']);
/** Another case's ticket as the chat shows it (`showTicket`) or a citizen types it: in an anonymous case, it leads to that case's reporter. */
const ticketPattern = (ticket: string) => `${escapeRegExp(ticket.slice(0, 4))}[\\s\\-_.#\\u2010-\\u2015]*${escapeRegExp(ticket.slice(4))}(?:nya)?`;

/** The name in an answer to the name question, without the words around it and forms of address; null when it holds none. */
function nameIn(answer: string): string | null {
  const words = answer.trim().split(/\s+/);
  if (!NAME_SHAPED.test(answer.trim()) || words.length > 5) return null;
  const named = words.filter((word) => {
    const bare = word.toLowerCase().replace(/[.,]$/, '');
    return !NOT_A_NAME.has(bare) && !TITLES.has(bare);
  });
  return named.length > 0 ? named.join(' ') : null;
}

/**
 * What an anonymous case shows staff of what its citizen wrote (the chat, the description, what
 * they added, a rating's comment), without what gives the reporter away. A citizen may type their
 * name and only then choose *anonim* at the summary (Ubah, then Identitas), or share a contact
 * card: an answer to the name question that looks like a name, and a card's name, are taken out
 * wherever the chat holds them (the summary echoed the name), with each of their words, and so are
 * a name the citizen gave on another report, the chat's phone, its NIK as stored, other long
 * numbers (all three as in public text, `publicText` in src/pii/public-text.ts), the chat's display
 * name (whole: it may be any words) and the tickets of the citizen's other cases, which would lead
 * to their reporter. `byArrival` is the chat's entries in the order Postgres stored them, where each
 * answer follows its question.
 */
export function anonymousMask(
  byArrival: readonly TranscriptEntry[],
  known: Pick<PersonalValues, 'names' | 'wholeNames' | 'phones' | 'isNik'> & { otherTickets: readonly string[] },
): (text: string) => string {
  const names = [...known.names];
  let asked = false;
  for (const entry of byArrival) {
    if (entry.direction === 'out') {
      asked = NAME_PROMPTS.some((prompt) => entry.text?.includes(prompt));
      continue;
    }
    const name = entry.text && ((asked && entry.kind === 'text') || entry.kind === 'contact') ? nameIn(entry.text) : null;
    if (name) names.push(name);
    asked = false;
  }
  const values: PersonalValues = { names, wholeNames: known.wholeNames, addresses: [], phones: known.phones, emails: [], isNik: known.isNik };
  const tickets =
    known.otherTickets.length === 0 ? null : new RegExp(`(?<![\\p{L}\\p{N}])(?:${known.otherTickets.map(ticketPattern).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  return (text: string) => publicText(tickets ? text.replace(tickets, MASKED) : text, values);
}

/** One case with its clocks, timeline and the citizen's chat transcript. */
export async function getCase(ctx: PipelineContext, actor: Actor, ticket: string): Promise<CaseDetail> {
  return ctx.db.db.transaction(async (tx) => {
    const kase = await findInScope(tx, actor, ticket, false);
    const [identity] = await tx.select().from(t.channelIdentities).where(eq(t.channelIdentities.id, kase.identityId));
    const [citizen] = await tx.select().from(t.citizens).where(eq(t.citizens.id, kase.citizenId));
    const original = kase.duplicateOf === null ? [] : await tx.select({ ticket: t.cases.ticket }).from(t.cases).where(eq(t.cases.id, kase.duplicateOf));
    const earlier =
      kase.possibleDuplicateOf === null
        ? []
        : await tx.select({ ticket: t.cases.ticket, anonymous: t.cases.anonymous }).from(t.cases).where(eq(t.cases.id, kase.possibleDuplicateOf));
    const clocks = await tx.select().from(t.caseTimers).where(eq(t.caseTimers.caseId, kase.id)).orderBy(asc(t.caseTimers.id));
    const events = await tx.select().from(t.caseEvents).where(eq(t.caseEvents.caseId, kase.id)).orderBy(asc(t.caseEvents.id));
    const { since, until } = await transcriptWindow(tx, kase);
    const inbound = await tx
      .select({ at: t.messages.sentAt, receivedAt: t.messages.receivedAt, kind: t.messages.kind, text: t.messages.body, payload: t.messages.payload })
      .from(t.messages)
      .where(and(eq(t.messages.identityId, kase.identityId), gte(t.messages.receivedAt, since), until && lt(t.messages.receivedAt, until)))
      .orderBy(asc(t.messages.id))
      .limit(200);
    const outbound = await tx
      .select({ at: t.outbox.createdAt, payload: t.outbox.payload })
      .from(t.outbox)
      .where(
        or(
          eq(t.outbox.caseId, kase.id),
          and(eq(t.outbox.identityId, kase.identityId), isNull(t.outbox.caseId), gte(t.outbox.createdAt, since), until && lt(t.outbox.createdAt, until)),
        ),
      )
      .orderBy(asc(t.outbox.id))
      .limit(200);
    // Each entry with the moment Postgres stored it, the one clock both sides share.
    const stored = [
      // A message past its retention period shows that it was there, not what it said.
      ...inbound.map((m) => ({ storedAt: m.receivedAt, entry: { direction: 'in' as const, at: m.at, kind: m.payload?.removed ? 'removed' : m.kind, text: m.text } })),
      ...outbound.map((o) => ({ storedAt: o.at, entry: { direction: 'out' as const, at: o.at, kind: o.payload.kind, text: 'text' in o.payload ? o.payload.text : null } })),
    ];
    const chat: TranscriptEntry[] = stored.map((s) => s.entry).sort((a, b) => a.at.getTime() - b.at.getTime());

    const photoFiles = await photoFilesOf(tx, kase, events);
    const withheld = kase.anonymous && !seesIdentity(actor);
    // The citizen's other cases, by this chat or by the person: their tickets are taken out of an anonymous case's text.
    const others = withheld
      ? await tx
          .select({ ticket: t.cases.ticket })
          .from(t.cases)
          .where(and(or(eq(t.cases.identityId, kase.identityId), eq(t.cases.citizenId, kase.citizenId)), ne(t.cases.id, kase.id)))
      : [];
    const showIdentity = !withheld && kase.erasedAt === null;
    // An anonymous report that looks like the citizen's named one would lead staff to its reporter.
    const hideEarlier = withheld && earlier[0] !== undefined && !earlier[0].anonymous;
    // What the citizen wrote — the chat, the description, what they added or commented — without what gives them away.
    const mask = withheld
      ? anonymousMask([...stored].sort((a, b) => a.storedAt.getTime() - b.storedAt.getTime()).map((s) => s.entry), {
          names: [citizen.name],
          wholeNames: [identity.displayName],
          phones: [identity.phone],
          isNik: (digits) => citizen.nikHash !== null && nikHashes(digits, ctx.nikKeys).includes(citizen.nikHash),
          otherTickets: others.map((other) => other.ticket),
        })
      : (text: string) => text;
    const transcript = withheld ? chat.map((entry) => (entry.text ? { ...entry, text: mask(entry.text) } : entry)) : chat;
    return {
      ticket: kase.ticket,
      kind: kase.kind as CaseKind,
      status: kase.status as CaseStatus,
      categoryCode: kase.categoryCode,
      serviceCode: kase.serviceCode,
      description: mask(kase.description),
      location: kase.location,
      photos: kase.photos,
      photoFiles,
      dinasId: kase.dinasId,
      unitId: kase.unitId,
      assigneeStaffId: kase.assigneeStaffId,
      channel: kase.channel as ChannelName,
      regionCode: kase.regionCode,
      anonymous: kase.anonymous,
      confidential: kase.confidential,
      duplicateOf: original[0]?.ticket ?? null,
      possibleDuplicateOf: hideEarlier ? null : (earlier[0]?.ticket ?? null),
      rating: kase.rating,
      createdAt: kase.createdAt,
      updatedAt: kase.updatedAt,
      slaDueAt: kase.slaDueAt,
      erasedAt: kase.erasedAt,
      reporter: showIdentity
        ? {
            name: kase.reporterName ?? citizen.name,
            nikMasked: citizen.nikEncrypted ? maskNik(decryptNik(citizen.nikEncrypted, ctx.nikKeys)) : null,
            phone: identity.phone,
            displayName: identity.displayName,
            chatId: identity.chatId,
          }
        : null,
      clocks: clocks.map(({ kind, startedAt, dueAt, remindAt, remindedAt, escalatedAt, doneAt }) => ({ kind, startedAt, dueAt, remindAt, remindedAt, escalatedAt, doneAt })),
      timeline: events.map((e) => ({
        id: e.id,
        type: e.type as CaseEventType,
        fromStatus: e.fromStatus as CaseStatus | null,
        toStatus: e.toStatus as CaseStatus,
        actor: e.actor,
        note: e.note !== null && e.actor === 'citizen' ? mask(e.note) : e.note,
        public: e.public,
        data: hideEarlier && e.type === 'created' ? null : e.actor === 'citizen' && typeof e.data?.comment === 'string' ? { ...e.data, comment: mask(e.data.comment) } : e.data,
        at: e.createdAt,
      })),
      transcript,
    };
  });
}

/**
 * Moves a case along the lifecycle (`TRANSITIONS`); the citizen is told, with the note unless it is
 * internal. A citizen may only reopen their own `selesai` case (`diproses`).
 */
export async function transition(ctx: PipelineContext, actor: Actor, ticket: string, to: CaseStatus, options: { note?: string; internal?: boolean } = {}) {
  if (actor.kind === 'citizen' && to !== 'diproses') throw new CaseForbidden('citizens change their cases only by reopening them');
  if (actor.kind !== 'citizen') mayWrite(actor);
  return change(ctx, actor, ticket, (work, kase) => {
    if (actor.kind === 'citizen' && kase.status !== 'selesai') throw new lifecycle.TransitionRefused(`a case that is ${kase.status} cannot be reopened`);
    return lifecycle.moveCase(work, kase, actor, to, options);
  });
}

/** Gives the case to a unit of its dinas and/or an officer (an officer alone implies their unit). */
export async function assign(ctx: PipelineContext, actor: Actor, ticket: string, to: { unitId?: number | null; staffId?: number | null }) {
  mayWrite(actor);
  return change(ctx, actor, ticket, (work, kase) => lifecycle.assign(work, kase, actor, to));
}

/** A note on the timeline: internal, or public (pushed to the citizen and shown in their status check). */
export async function addNote(ctx: PipelineContext, actor: Actor, ticket: string, text: string, internal: boolean) {
  mayWrite(actor);
  return change(ctx, actor, ticket, (work, kase) => lifecycle.addNote(work, kase, actor, text, internal));
}

/** Writes into the citizen's chat, in the channel they used. */
export async function replyToCitizen(ctx: PipelineContext, actor: Actor, ticket: string, text: string) {
  mayWrite(actor);
  return change(ctx, actor, ticket, (work, kase) => lifecycle.replyToCitizen(work, kase, actor, text));
}

/** Marks the case `duplikat` of `originalTicket`, which must be in the actor's scope too. */
export async function markDuplicate(ctx: PipelineContext, actor: Actor, ticket: string, originalTicket: string, note?: string) {
  mayWrite(actor);
  return change(ctx, actor, ticket, async (work, kase) => {
    const original = await findInScope(work.tx, actor, originalTicket, false);
    return lifecycle.markDuplicate(work, kase, actor, original, note);
  });
}

/** Re-routes (*dialihkan*) the case to another dinas or unit; see lifecycle.ts for where it lands. */
export async function reroute(ctx: PipelineContext, actor: Actor, ticket: string, to: { dinasId: number; unitId?: number | null }, note?: string) {
  mayWrite(actor);
  return change(ctx, actor, ticket, (work, kase) => lifecycle.reroute(work, kase, actor, { dinasId: to.dinasId, unitId: to.unitId ?? null }, note));
}

/**
 * Replies with a ready answer (canned-replies.ts) in the citizen's language, its variables filled
 * from the case now: `{tiket}`, `{status}` in the citizen's words, `{nama}` the reporter's name
 * unless the case is anonymous (then a polite form of address). Only answers usable on the case's
 * dinas (its own or global) are found.
 */
export async function replyWithCanned(ctx: PipelineContext, actor: Actor, ticket: string, cannedReplyId: number) {
  mayWrite(actor);
  const canned = await findCannedReply(ctx, actor, cannedReplyId);
  return change(ctx, actor, ticket, async (work, kase) => {
    if (canned.dinasId !== null && canned.dinasId !== kase.dinasId) throw new CannedReplyNotFound(cannedReplyId);
    const lang = await lifecycle.languageOf(work.tx, kase.identityId);
    const words = copy[lang];
    const [citizen] = await work.tx.select({ name: t.citizens.name }).from(t.citizens).where(eq(t.citizens.id, kase.citizenId));
    const name = kase.anonymous ? null : (kase.reporterName ?? citizen.name);
    const text = fillCannedReply(cannedText(canned, lang), {
      nama: name?.trim() || words.unnamedCitizen,
      tiket: showTicket(kase.ticket),
      status: words.status.words[kase.status as CaseStatus],
    });
    return lifecycle.replyToCitizen(work, kase, actor, text);
  });
}

/** Who may see a NIK in full (the console's `cases.unmaskNik`); checked here too, so no caller forgets. */
const UNMASKS_NIK: readonly string[] = ['admin', 'verifikator'];

/**
 * The reporter's full NIK (null when they gave none), for an admin or verifikator with the case in
 * scope. The caller writes the audit row (`case.nik.unmask`) before showing it. An anonymous
 * case's reporter stays unknown: asking is `CaseForbidden`.
 */
export async function unmaskNik(ctx: PipelineContext, actor: Actor, ticket: string): Promise<{ ticket: string; nik: string | null }> {
  if (actor.kind !== 'staff' || !UNMASKS_NIK.includes(actor.role)) throw new CaseForbidden('only admins and verifikators unmask a NIK');
  const kase = await findInScope(ctx.db.db, actor, ticket, false);
  if (kase.anonymous) throw new CaseForbidden('an anonymous case shows no identity');
  const [citizen] = await ctx.db.db.select({ nik: t.citizens.nikEncrypted }).from(t.citizens).where(eq(t.citizens.id, kase.citizenId));
  return { ticket: kase.ticket, nik: citizen?.nik ? decryptNik(citizen.nik, ctx.nikKeys) : null };
}

/**
 * Where one stored photo of a case in scope is kept, full size or as its thumbnail (a WebP). A
 * photo that is not the case's, or not stored (yet), is `CaseNotFound` like the case itself.
 */
export async function casePhoto(ctx: PipelineContext, actor: Actor, ticket: string, mediaId: number, size: 'thumb' | 'full'): Promise<{ ticket: string; key: string; contentType: string }> {
  const { db } = ctx.db;
  const kase = await findInScope(db, actor, ticket, false);
  const events = await db.select({ type: t.caseEvents.type, data: t.caseEvents.data }).from(t.caseEvents).where(and(eq(t.caseEvents.caseId, kase.id), eq(t.caseEvents.type, 'citizen-info')));
  const refs = photoRefsOf(kase, events);
  if (refs.length === 0) throw new CaseNotFound(ticket);
  const [file] = await db
    .select()
    .from(t.media)
    .where(and(eq(t.media.id, mediaId), eq(t.media.status, 'stored'), citizenSent(kase), inArray(t.media.platformRef, refs)));
  if (!file?.storageKey || !file.thumbnailKey) throw new CaseNotFound(ticket);
  const { ticket: normal } = kase;
  return size === 'thumb'
    ? { ticket: normal, key: file.thumbnailKey, contentType: 'image/webp' }
    : { ticket: normal, key: file.storageKey, contentType: file.contentType ?? 'application/octet-stream' };
}

/** The dinas a case in scope belongs to (which ready answers serve it). */
export async function caseDinas(ctx: PipelineContext, actor: Actor, ticket: string): Promise<number> {
  return (await findInScope(ctx.db.db, actor, ticket, false)).dinasId;
}

/** What the case page offers to choose from: the units and active officers of the case's dinas, and every dinas to re-route to. */
export async function caseChoices(ctx: PipelineContext, actor: Actor, ticket: string) {
  const { db } = ctx.db;
  const kase = await findInScope(db, actor, ticket, false);
  const units = await db.select({ id: t.units.id, name: t.units.name }).from(t.units).where(eq(t.units.dinasId, kase.dinasId)).orderBy(asc(t.units.name));
  const staff = await db
    .select({ id: t.staff.id, name: t.staff.name, unitId: t.staff.unitId, role: t.staff.role })
    .from(t.staff)
    .where(and(eq(t.staff.dinasId, kase.dinasId), eq(t.staff.active, true), ne(t.staff.role, 'pimpinan')))
    .orderBy(asc(t.staff.name));
  const dinas = await db.select({ id: t.dinas.id, name: t.dinas.name }).from(t.dinas).orderBy(asc(t.dinas.name));
  return { units, staff, dinas };
}

/** The service bound to one context: what `App.cases` exposes. */
export function caseService(ctx: PipelineContext) {
  return {
    listCases: (actor: Actor, filters?: CaseListFilters) => listCases(ctx, actor, filters),
    countCases: (actor: Actor, filters?: CaseCountFilters) => countCases(ctx, actor, filters),
    getCase: (actor: Actor, ticket: string) => getCase(ctx, actor, ticket),
    transition: (actor: Actor, ticket: string, to: CaseStatus, options?: { note?: string; internal?: boolean }) => transition(ctx, actor, ticket, to, options),
    assign: (actor: Actor, ticket: string, to: { unitId?: number | null; staffId?: number | null }) => assign(ctx, actor, ticket, to),
    addNote: (actor: Actor, ticket: string, text: string, internal: boolean) => addNote(ctx, actor, ticket, text, internal),
    replyToCitizen: (actor: Actor, ticket: string, text: string) => replyToCitizen(ctx, actor, ticket, text),
    markDuplicate: (actor: Actor, ticket: string, originalTicket: string, note?: string) => markDuplicate(ctx, actor, ticket, originalTicket, note),
    reroute: (actor: Actor, ticket: string, to: { dinasId: number; unitId?: number | null }, note?: string) => reroute(ctx, actor, ticket, to, note),
    replyWithCanned: (actor: Actor, ticket: string, cannedReplyId: number) => replyWithCanned(ctx, actor, ticket, cannedReplyId),
    unmaskNik: (actor: Actor, ticket: string) => unmaskNik(ctx, actor, ticket),
    casePhoto: (actor: Actor, ticket: string, mediaId: number, size: 'thumb' | 'full') => casePhoto(ctx, actor, ticket, mediaId, size),
    caseChoices: (actor: Actor, ticket: string) => caseChoices(ctx, actor, ticket),
    caseDinas: (actor: Actor, ticket: string) => caseDinas(ctx, actor, ticket),
  };
}
export type CaseService = ReturnType<typeof caseService>;
