/**
 * The case lifecycle, in one module: which status may follow which, and what every change writes
 * in its one transaction — the case row, its SLA clocks, one `case_events` row handed to every
 * registered sink, and the citizen's notification in the outbox. Work that must wait for the
 * commit (enqueueing the notification, a sink's jobs, the clocks' alarms) is collected and run
 * after it; if it is lost, the relays find the rows in Postgres.
 *
 * Re-routing (*dialihkan*) is a move, not a status: a status says how far handling has come, while
 * re-routing changes who handles it. A case sent to another dinas lands in `diverifikasi` (its
 * verifikator forwards it onwards, on a fresh verify clock); one sent to a named unit lands in
 * `diteruskan` (that unit follows up, on a fresh follow-up clock). The `rerouted` event keeps the
 * move on the timeline and tells the citizen.
 *
 * The citizen's notification is a push the agency starts, so it goes where pushes may go: a
 * citizen who wrote over whatsapp-web.js is told through the Cloud API when it is configured
 * (web.js is for replies only), and the Cloud channel turns it into the approved template outside
 * the 24-hour window.
 */
import { and, eq } from 'drizzle-orm';
import { copy, type Copy } from '../../flows/copy/index.js';
import { formatDate, showTicket } from '../../flows/format.js';
import { localIso } from './working-days.js';
import type { OutboundMessage } from '../domain/messages.js';
import type { CaseStatus, Lang } from '../conversation/contract.js';
import type { PipelineContext } from '../conversation/context.js';
import { langOf } from '../conversation/lang.js';
import { queueTurn } from '../queues/outbound.js';
import type { PersistedSnapshot } from '../conversation/step.js';
import { errorKind } from '../db/errors.js';
import type { Tx } from '../db/client.js';
import * as t from '../db/schema.js';
import { actorLabel, type Actor, type AfterCommit, type CaseEventRecord, type CaseEventType } from './events.js';
import { scheduleTimerJobs, syncTimers } from './timers.js';

/** Which status may follow which. `selesai → diproses` is the reopen (the citizen says it is not finished). */
export const TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  baru: ['diverifikasi', 'ditolak', 'duplikat'],
  diverifikasi: ['diteruskan', 'ditolak', 'duplikat'],
  diteruskan: ['diproses', 'ditolak', 'duplikat'],
  diproses: ['selesai'],
  selesai: ['ditutup', 'diproses'],
  ditutup: [],
  ditolak: [],
  duplikat: [],
};

/** Statuses a case may be re-routed from: anything still being handled. */
export const REROUTABLE: readonly CaseStatus[] = ['baru', 'diverifikasi', 'diteruskan', 'diproses'];

/** A change the lifecycle does not allow; the message says why, for the staff member who asked. */
export class TransitionRefused extends Error {
  override name = 'TransitionRefused';
}

export function checkTransition(from: CaseStatus, to: CaseStatus, note: string | null): void {
  if (!TRANSITIONS[from].includes(to)) throw new TransitionRefused(`a case cannot go from ${from} to ${to}`);
  if (to === 'ditolak' && !note) throw new TransitionRefused('a rejection needs a reason for the citizen');
}

export type CaseRow = typeof t.cases.$inferSelect;

/**
 * The channel of identities with no chat behind them: cases another system filed (Open311). They
 * have a citizen and an identity like every case, but nothing is ever pushed to them.
 */
export const CHATLESS_CHANNEL = 'open311';
/** The channel of the identity a citizen's cases move to when their data is erased (src/privacy/erase.ts): no chat either. */
export const ERASED_CHANNEL = 'erased';

/** One transaction of case work: what it runs in, its moment, and what waits for the commit. */
export interface CaseWork {
  ctx: PipelineContext;
  tx: Tx;
  now: Date;
  after: AfterCommit[];
}

/** Runs the after-commit work; a failure is only logged, because every relay recovers from Postgres. */
export async function runAfterCommit(ctx: PipelineContext, after: AfterCommit[]): Promise<void> {
  for (const work of after) {
    try {
      await work();
    } catch (err) {
      ctx.log.warn({ ...errorKind(err) }, 'after-commit work failed; the relay will pick it up');
    }
  }
}

export async function inCaseTransaction<T>(ctx: PipelineContext, fn: (work: CaseWork) => Promise<T>, now = ctx.now()): Promise<T> {
  const after: AfterCommit[] = [];
  const result = await ctx.db.db.transaction((tx) => fn({ ctx, tx, now, after }));
  await runAfterCommit(ctx, after);
  return result;
}

/** Where a push to the citizen behind `identityId` goes. */
async function pushTarget(tx: Tx, identityId: number, cloudPushes: boolean) {
  const [identity] = await tx.select().from(t.channelIdentities).where(eq(t.channelIdentities.id, identityId));
  if (identity.channel !== 'whatsapp-web' || !cloudPushes || !identity.phone) return identity;
  // The same person on the official number: WhatsApp ids are the phone number's digits.
  const waId = identity.phone.replace(/\D/g, '');
  const [cloud] = await tx
    .insert(t.channelIdentities)
    .values({ channel: 'whatsapp-cloud', chatId: waId, phone: identity.phone, citizenId: identity.citizenId })
    .onConflictDoUpdate({ target: [t.channelIdentities.channel, t.channelIdentities.chatId], set: { citizenId: identity.citizenId } })
    .returning();
  return cloud;
}

/** The language the citizen behind `identityId` chats in (Indonesian until they chose another). */
export async function languageOf(tx: Tx, identityId: number): Promise<Lang> {
  const [conversation] = await tx.select({ snapshot: t.conversations.snapshot }).from(t.conversations).where(eq(t.conversations.identityId, identityId));
  return langOf((conversation?.snapshot as PersistedSnapshot | null) ?? null) ?? 'id';
}

/** A message to the citizen in their words; dates in the dinas's time zone, so the local date is read. */
type CitizenText = (words: Copy, timeZone: string) => string;

/** Writes the citizen's message into the outbox, in their language; it is enqueued after commit. */
async function tellCitizen(work: CaseWork, kase: CaseRow, text: CitizenText): Promise<void> {
  const { tx, ctx } = work;
  const words = copy[await languageOf(tx, kase.identityId)];
  const [dinas] = await tx.select({ availability: t.dinas.staffAvailability }).from(t.dinas).where(eq(t.dinas.id, kase.dinasId));
  const target = await pushTarget(tx, kase.identityId, ctx.cloudPushes);
  // Filed by another system (it reads Open311 or its webhook), or cut from its chat at the
  // reporter's request: nobody to tell in a chat.
  if (target.channel === CHATLESS_CHANNEL || target.channel === ERASED_CHANNEL) return;
  const payload: OutboundMessage = { kind: 'text', chatId: target.chatId, text: text(words, dinas.availability.timeZone) };
  const [row] = await tx
    .insert(t.outbox)
    .values({ identityId: target.id, channel: target.channel, payload, caseId: kase.id })
    .returning({ id: t.outbox.id });
  work.after.push(() => queueTurn(ctx, target.id));
}

/** "Kabar laporan X: <status>." with the reason, the staff note and the next step's due date. */
function statusNotice(kase: CaseRow, note: string | null, detail: ((words: Copy) => string) | null) {
  return (words: Copy, timeZone: string) => {
    const status = kase.status as CaseStatus;
    const step = status in words.status.nextStep ? words.status.nextStep[status as keyof Copy['status']['nextStep']] : null;
    const next = step && kase.slaDueAt ? words.status.dueBy(step, formatDate(localIso(kase.slaDueAt, timeZone), words)) : null;
    return words.statusUpdate(showTicket(kase.ticket), words.status.words[status], note, next, detail?.(words) ?? null);
  };
}

export interface EventInput {
  type: CaseEventType;
  actor: Actor;
  from: CaseStatus | null;
  note?: string | null;
  /** Whether the note may be shown to the citizen. */
  public: boolean;
  data?: Record<string, unknown> | null;
  /** What the citizen is told, in their language; absent: nothing. */
  tell?: CitizenText | null;
}

/** One `case_events` row for `kase` (as it is after the event), handed to every sink. */
export async function recordEvent(work: CaseWork, kase: CaseRow, input: EventInput): Promise<CaseEventRecord> {
  const [row] = await work.tx
    .insert(t.caseEvents)
    .values({
      caseId: kase.id,
      type: input.type,
      fromStatus: input.from,
      toStatus: kase.status,
      actor: actorLabel(input.actor),
      note: input.note ?? null,
      public: input.public,
      data: input.data ?? null,
      createdAt: work.now,
    })
    .returning({ id: t.caseEvents.id });
  const record = await eventRecorded(work, kase, row.id, input);
  if (input.tell) await tellCitizen(work, kase, input.tell);
  return record;
}

/** What an event's sinks read of its case. */
export type EventCase = Pick<CaseRow, 'id' | 'ticket' | 'dinasId' | 'unitId' | 'regionCode' | 'confidential' | 'categoryCode' | 'status' | 'slaDueAt'>;

/** The event `eventId`, already written (by `recordEvent`, or by the statement that wrote its case), handed to every sink. */
export async function eventRecorded(work: CaseWork, kase: EventCase, eventId: number, input: Omit<EventInput, 'tell'>): Promise<CaseEventRecord> {
  const { tx, ctx, now } = work;
  const note = input.note ?? null;
  const data = input.data ?? null;
  const actor = actorLabel(input.actor);
  const record: CaseEventRecord = {
    id: eventId,
    type: input.type,
    caseId: kase.id,
    ticket: kase.ticket,
    dinasId: kase.dinasId,
    unitId: kase.unitId,
    regionCode: kase.regionCode,
    confidential: kase.confidential,
    categoryCode: kase.categoryCode,
    fromStatus: input.from,
    toStatus: kase.status as CaseStatus,
    actor,
    public: input.public,
    note,
    slaDueAt: kase.slaDueAt,
    at: now,
    data,
  };
  for (const sink of ctx.caseSinks) {
    const after = await sink(tx, record);
    if (after) work.after.push(after);
  }
  return record;
}

/** Locks a case row for the rest of the transaction. */
export async function lockCase(tx: Tx, caseId: number): Promise<CaseRow> {
  const [row] = await tx.select().from(t.cases).where(eq(t.cases.id, caseId)).for('update');
  return row;
}

interface Change {
  type: CaseEventType;
  note: string | null;
  public: boolean;
  data?: Record<string, unknown>;
  set?: Partial<typeof t.cases.$inferInsert>;
  /** Start the status's clock afresh even if it already runs (a new dinas or unit gets its own time). */
  restartClock?: boolean;
  /** A line telling the citizen why, besides the status. */
  detail?: ((words: Copy) => string) | null;
}

async function applyChange(work: CaseWork, kase: CaseRow, actor: Actor, to: CaseStatus, change: Change): Promise<CaseEventRecord> {
  const { tx, ctx, now } = work;
  const from = kase.status as CaseStatus;
  const target = { ...kase, ...change.set };
  const { dueAt, remindAt, started } = await syncTimers(tx, ctx.caseSettings, target, to, now, change.restartClock);
  const [updated] = await tx
    .update(t.cases)
    .set({ ...change.set, status: to, slaDueAt: dueAt, slaRemindAt: remindAt, updatedAt: now })
    .where(eq(t.cases.id, kase.id))
    .returning();
  if (started.length > 0) work.after.push(() => scheduleTimerJobs(ctx, started));
  // A citizen who moved their own case (reopening it from the chat) is answered by the chat itself.
  const tell = actor.kind === 'citizen' ? null : statusNotice(updated, change.public ? change.note : null, change.detail ?? null);
  return recordEvent(work, updated, { type: change.type, actor, from, note: change.note, public: change.public, data: change.data, tell });
}

export interface MoveOptions {
  note?: string | null;
  /** The note is internal (default: shown to the citizen); the status change is told either way. */
  internal?: boolean;
}

/** Moves a locked case to `to` along `TRANSITIONS`. Use `markDuplicate` for `duplikat`. */
export async function moveCase(work: CaseWork, kase: CaseRow, actor: Actor, to: CaseStatus, options: MoveOptions = {}): Promise<CaseEventRecord> {
  const note = options.note?.trim() || null;
  const from = kase.status as CaseStatus;
  checkTransition(from, to, note);
  if (to === 'duplikat') throw new TransitionRefused('a duplicate needs its original case: mark it as a duplicate instead');
  // A rejection's reason is for the citizen by definition.
  const isPublic = to === 'ditolak' || !options.internal;
  return applyChange(work, kase, actor, to, {
    type: from === 'selesai' && to === 'diproses' ? 'reopened' : 'status',
    note,
    public: isPublic,
    // The chat reads the citizen's next message as the answer (see `case.awaitingRating`).
    detail: to === 'selesai' ? (words) => words.rating.asked : null,
  });
}

/** Marks a locked case as repeating `original` (which the caller found in the actor's scope). */
export async function markDuplicate(work: CaseWork, kase: CaseRow, actor: Actor, original: CaseRow, note?: string | null): Promise<CaseEventRecord> {
  const from = kase.status as CaseStatus;
  if (!TRANSITIONS[from].includes('duplikat')) throw new TransitionRefused(`a case cannot go from ${from} to duplikat`);
  if (original.id === kase.id) throw new TransitionRefused('a case cannot be a duplicate of itself');
  if (original.status === 'duplikat') throw new TransitionRefused(`${original.ticket} is itself a duplicate: link to its original`);
  const sameCitizen = original.citizenId === kase.citizenId;
  return applyChange(work, kase, actor, 'duplikat', {
    type: 'merged',
    note: note?.trim() || null,
    public: true,
    data: { originalTicket: original.ticket },
    set: { duplicateOf: original.id },
    // Another citizen's ticket is of no use to this one (their status check shows only their own).
    detail: (words) => words.duplicateOf(sameCitizen ? showTicket(original.ticket) : null),
  });
}

/** Sends a locked case to another dinas and/or unit (see the module comment for where it lands). */
export async function reroute(
  work: CaseWork,
  kase: CaseRow,
  actor: Actor,
  target: { dinasId: number; unitId: number | null },
  note?: string | null,
): Promise<CaseEventRecord> {
  const { tx } = work;
  const from = kase.status as CaseStatus;
  if (!REROUTABLE.includes(from)) throw new TransitionRefused(`a case that is ${from} cannot be re-routed`);
  if (target.dinasId === kase.dinasId && target.unitId === kase.unitId) throw new TransitionRefused('the case is already there');
  const [dinas] = await tx.select().from(t.dinas).where(eq(t.dinas.id, target.dinasId));
  if (!dinas) throw new TransitionRefused(`no dinas ${target.dinasId}`);
  if (target.unitId !== null) {
    const [unit] = await tx.select().from(t.units).where(and(eq(t.units.id, target.unitId), eq(t.units.dinasId, target.dinasId)));
    if (!unit) throw new TransitionRefused(`unit ${target.unitId} is not part of dinas ${target.dinasId}`);
  }
  const otherDinas = target.dinasId !== kase.dinasId;
  return applyChange(work, kase, actor, target.unitId === null ? 'diverifikasi' : 'diteruskan', {
    type: 'rerouted',
    note: note?.trim() || null,
    public: true,
    data: { fromDinasId: kase.dinasId, fromUnitId: kase.unitId, dinasId: target.dinasId, unitId: target.unitId },
    set: { dinasId: target.dinasId, unitId: target.unitId, assigneeStaffId: null },
    restartClock: true,
    detail: otherDinas ? (words) => words.rerouted(dinas.name) : null,
  });
}

/** Gives a locked case to a unit of its dinas and/or an active officer there. Internal: the citizen is not told. */
export async function assign(work: CaseWork, kase: CaseRow, actor: Actor, to: { unitId?: number | null; staffId?: number | null }): Promise<CaseEventRecord> {
  const { tx, now } = work;
  let unitId = to.unitId ?? kase.unitId;
  if (to.unitId != null) {
    const [unit] = await tx.select().from(t.units).where(and(eq(t.units.id, to.unitId), eq(t.units.dinasId, kase.dinasId)));
    if (!unit) throw new TransitionRefused(`unit ${to.unitId} is not part of the case's dinas`);
  }
  let staffId: number | null = to.unitId != null && to.unitId !== kase.unitId ? null : kase.assigneeStaffId;
  if (to.staffId != null) {
    const [officer] = await tx.select().from(t.staff).where(and(eq(t.staff.id, to.staffId), eq(t.staff.active, true)));
    if (!officer || officer.dinasId !== kase.dinasId) throw new TransitionRefused(`officer ${to.staffId} is not active staff of the case's dinas`);
    if (to.unitId == null && officer.unitId !== null) unitId = officer.unitId;
    if (officer.unitId !== null && officer.unitId !== unitId) throw new TransitionRefused(`officer ${to.staffId} is not in unit ${unitId}`);
    staffId = officer.id;
  }
  const [updated] = await tx.update(t.cases).set({ unitId, assigneeStaffId: staffId, updatedAt: now }).where(eq(t.cases.id, kase.id)).returning();
  const status = kase.status as CaseStatus;
  return recordEvent(work, updated, { type: 'assigned', actor, from: status, public: false, data: { unitId, staffId } });
}

/** A staff note on the timeline: internal, or public (shown in the status check and pushed to the citizen). */
export async function addNote(work: CaseWork, kase: CaseRow, actor: Actor, text: string, internal: boolean): Promise<CaseEventRecord> {
  const note = text.trim();
  if (!note) throw new TransitionRefused('a note needs text');
  const status = kase.status as CaseStatus;
  return recordEvent(work, kase, { type: 'note', actor, from: status, note, public: !internal, tell: internal ? null : statusNotice(kase, note, null) });
}

/** Staff write into the citizen's chat about the case. */
export async function replyToCitizen(work: CaseWork, kase: CaseRow, actor: Actor, text: string): Promise<CaseEventRecord> {
  const reply = text.trim();
  if (!reply) throw new TransitionRefused('a reply needs text');
  const status = kase.status as CaseStatus;
  return recordEvent(work, kase, { type: 'reply', actor, from: status, note: reply, public: true, tell: (words) => words.staffReply(showTicket(kase.ticket), reply) });
}
