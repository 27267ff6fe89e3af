/**
 * Live chats as staff work them: the queue of their dinas with waiting times, taking a chat (one
 * officer only: the first take wins, the others are told who has it), the transcript since the
 * citizen asked, writing into the chat through the outbox (each send once, in order), and handing
 * the chat back to the bot, which says so and resumes at the menu. Every call names its `Actor`;
 * scope is the chat's dinas (an admin without a dinas sees all), and a chat outside it behaves as
 * one that does not exist.
 *
 * @example
 *   const queue = await listLivechats(ctx, officer);
 *   await takeLivechat(ctx, officer, queue[0].id);
 *   await sendAsOfficer(ctx, officer, queue[0].id, 'Selamat siang, ada yang bisa kami bantu?', 'c-1');
 *   await handBack(ctx, officer, queue[0].id);
 */
import { and, asc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { copy } from '../../flows/copy/index.js';
import type { Actor } from '../cases/events.js';
import { inCaseTransaction, type CaseWork } from '../cases/lifecycle.js';
import type { ChannelName, OutboundMessage } from '../domain/messages.js';
import type { PipelineContext } from '../conversation/context.js';
import { langOf } from '../conversation/lang.js';
import { lockConversation, stepWithNews } from '../conversation/runtime.js';
import * as t from '../db/schema.js';
import { queueTurn } from '../queues/outbound.js';
import { livechatNotice } from './events.js';
import { scheduleLivechatTimers } from './timers.js';

/** No such live chat, or not one the actor may see: the two are indistinguishable on purpose. */
export class LivechatNotFound extends Error {
  override name = 'LivechatNotFound';
  constructor(id: number) {
    super(`no live chat ${id}`);
  }
}

/** The chat is there, but this cannot be done to it now (someone else took it, it is closed). */
export class LivechatRefused extends Error {
  override name = 'LivechatRefused';
  constructor(
    readonly reason: 'taken' | 'not-taker' | 'closed' | 'read-only',
    message: string,
    /** For `taken`: who holds the chat, so the officer knows whom to ask. */
    readonly takenBy: { id: number; name: string } | null = null,
  ) {
    super(message);
  }
}

export interface LivechatItem {
  id: number;
  dinasId: number;
  channel: ChannelName;
  /** When the citizen asked; the waiting time runs from here. */
  createdAt: Date;
  /** When it last entered the queue (asked, or came back). */
  queuedAt: Date;
  /** Milliseconds since the citizen asked, on the domain clock. */
  waitingMs: number;
  /** Staff were reminded that nobody took it. */
  reminded: boolean;
  /** Times it came back to the queue (untouched or idle). */
  returns: number;
  takenBy: { id: number; name: string } | null;
  takenAt: Date | null;
  /** Citizen messages since the request. */
  citizenMessages: number;
}

export interface LivechatEntry {
  /** `in-<message id>` or `out-<outbox id>`: stable, for a page that appends what it has not shown. */
  key: string;
  direction: 'in' | 'out';
  /** `citizen`, the `bot`, or an `officer` (named). */
  from: 'citizen' | 'bot' | 'officer';
  officer: string | null;
  kind: string;
  text: string | null;
  at: Date;
}

export interface LivechatTranscript {
  chat: LivechatItem;
  /** The name the platform gives the citizen, if any: personal data, audited by the caller. */
  displayName: string | null;
  entries: LivechatEntry[];
}

/** Matches nothing: where scope cannot be decided it fails closed. */
const NOTHING = sql`false`;

/** The live chats an actor may see, as a condition on `handoff_requests`. */
function scopeOf(actor: Actor): SQL | undefined {
  switch (actor.kind) {
    case 'system':
      return undefined;
    case 'staff':
      if (actor.dinasId === null) return actor.role === 'admin' ? undefined : NOTHING;
      return eq(t.handoffRequests.dinasId, actor.dinasId);
    default:
      return NOTHING;
  }
}

function staffOf(actor: Actor): Extract<Actor, { kind: 'staff' }> {
  if (actor.kind !== 'staff') throw new LivechatRefused('read-only', 'only staff talk in live chats');
  if (actor.role === 'pimpinan') throw new LivechatRefused('read-only', 'pimpinan may watch live chats, not talk in them');
  return actor;
}

const itemColumns = {
  id: t.handoffRequests.id,
  identityId: t.handoffRequests.identityId,
  dinasId: t.handoffRequests.dinasId,
  channel: t.channelIdentities.channel,
  createdAt: t.handoffRequests.createdAt,
  queuedAt: t.handoffRequests.queuedAt,
  remindedAt: t.handoffRequests.remindedAt,
  returns: t.handoffRequests.returns,
  takenById: t.handoffRequests.takenByStaffId,
  takenByName: t.staff.name,
  takenAt: t.handoffRequests.takenAt,
  messageId: t.handoffRequests.messageId,
  displayName: t.channelIdentities.displayName,
  citizenMessages: sql<number>`(select count(*)::int from messages m where m.identity_id = ${t.handoffRequests.identityId}
    and m.id >= coalesce(${t.handoffRequests.messageId}, 0))`,
};

type ItemRow = {
  id: number;
  dinasId: number;
  channel: string;
  createdAt: Date;
  queuedAt: Date;
  remindedAt: Date | null;
  returns: number;
  takenById: number | null;
  takenByName: string | null;
  takenAt: Date | null;
  citizenMessages: number;
};

function toItem(row: ItemRow, now: Date): LivechatItem {
  return {
    id: row.id,
    dinasId: row.dinasId,
    channel: row.channel as ChannelName,
    createdAt: row.createdAt,
    queuedAt: row.queuedAt,
    waitingMs: Math.max(0, now.getTime() - row.createdAt.getTime()),
    reminded: row.remindedAt !== null,
    returns: row.returns,
    takenBy: row.takenById !== null ? { id: row.takenById, name: row.takenByName ?? '' } : null,
    takenAt: row.takenAt,
    citizenMessages: Number(row.citizenMessages),
  };
}

function openChats(ctx: PipelineContext, actor: Actor, id?: number) {
  return ctx.db.db
    .select(itemColumns)
    .from(t.handoffRequests)
    .innerJoin(t.channelIdentities, eq(t.channelIdentities.id, t.handoffRequests.identityId))
    .leftJoin(t.staff, eq(t.staff.id, t.handoffRequests.takenByStaffId))
    .where(and(isNull(t.handoffRequests.resolvedAt), scopeOf(actor), id === undefined ? undefined : eq(t.handoffRequests.id, id)));
}

/** Open live chats in scope: waiting ones first, longest waiting first, then the taken ones. */
export async function listLivechats(ctx: PipelineContext, actor: Actor): Promise<LivechatItem[]> {
  const rows = await openChats(ctx, actor).orderBy(sql`${t.handoffRequests.takenByStaffId} is not null`, asc(t.handoffRequests.createdAt), asc(t.handoffRequests.id));
  const now = ctx.now();
  return rows.map((row) => toItem(row, now));
}

async function findOpen(ctx: PipelineContext, actor: Actor, id: number) {
  const [row] = await openChats(ctx, actor, id);
  if (!row) throw new LivechatNotFound(id);
  return row;
}

/** The request under the conversation's lock, then its own; closed or out of scope is not found. */
async function lockChat(work: CaseWork, actor: Actor, id: number) {
  const { tx } = work;
  const [found] = await tx
    .select({ identityId: t.handoffRequests.identityId })
    .from(t.handoffRequests)
    .where(and(eq(t.handoffRequests.id, id), isNull(t.handoffRequests.resolvedAt), scopeOf(actor)));
  if (!found) throw new LivechatNotFound(id);
  const chat = await lockConversation(tx, found.identityId);
  const [handoff] = await tx.select().from(t.handoffRequests).where(eq(t.handoffRequests.id, id)).for('update');
  if (handoff.resolvedAt) throw new LivechatNotFound(id);
  return { chat, handoff };
}

/** Writes one message to the citizen's chat; it is enqueued once the transaction commits. */
async function writeToChat(work: CaseWork, identityId: number, chat: { channel: ChannelName; chatId: string }, text: string): Promise<number> {
  const payload: OutboundMessage = { kind: 'text', chatId: chat.chatId, text };
  const [row] = await work.tx.insert(t.outbox).values({ identityId, channel: chat.channel, payload }).returning({ id: t.outbox.id });
  work.after.push(() => queueTurn(work.ctx, identityId));
  return row.id;
}

/**
 * Takes a waiting chat for the actor. Race-safe: the conversation's lock and the row's own make
 * takes of one chat run one after the other, and only the first finds it free; the others get
 * `LivechatRefused('taken')` naming who has it. The citizen is told a person has joined.
 */
export async function takeLivechat(ctx: PipelineContext, actor: Actor, id: number): Promise<LivechatItem> {
  const officer = staffOf(actor);
  await inCaseTransaction(ctx, async (work) => {
    const { tx, now } = work;
    const { chat, handoff } = await lockChat(work, actor, id);
    if (handoff.takenByStaffId !== null) {
      if (handoff.takenByStaffId === officer.staffId) return;
      const [holder] = await tx.select({ id: t.staff.id, name: t.staff.name }).from(t.staff).where(eq(t.staff.id, handoff.takenByStaffId));
      throw new LivechatRefused('taken', 'another officer has taken this chat', holder ?? null);
    }
    const nextAt = new Date(now.getTime() + ctx.livechat.remindMs);
    await tx
      .update(t.handoffRequests)
      .set({ takenByStaffId: officer.staffId, takenAt: now, activityAt: now, officerAt: null, nextAt })
      .where(eq(t.handoffRequests.id, id));
    await writeToChat(work, handoff.identityId, chat, copy[langOf(chat.snapshot) ?? 'id'].petugas.joined);
    await livechatNotice(tx, 'taken', { dinasId: handoff.dinasId, handoffId: id });
    work.after.push(() => scheduleLivechatTimers(ctx, [{ id, nextAt }]));
  });
  return toItem(await findOpen(ctx, actor, id), ctx.now());
}

/** The chat and its transcript since the citizen asked (the last `limit` entries), oldest first. */
export async function livechatTranscript(ctx: PipelineContext, actor: Actor, id: number, limit = 300): Promise<LivechatTranscript> {
  const row = await findOpen(ctx, actor, id);
  const entries = (await ctx.db.sql<{ direction: 'in' | 'out'; id: string; at: Date; kind: string; text: string | null; officer: string | null }[]>`
    select * from (
      select 'in' as direction, m.id, m.received_at as at, m.kind, m.body as text, null as officer
      from messages m where m.identity_id = ${row.identityId} and m.id >= ${row.messageId ?? 0}
      union all
      select 'out', o.id, o.created_at, o.payload->>'kind', o.payload->>'text', s.name
      from outbox o left join handoff_replies r on r.outbox_id = o.id left join staff s on s.id = r.staff_id
      where o.identity_id = ${row.identityId} and o.payload->>'kind' = 'text'
        and o.created_at >= coalesce((select received_at from messages where id = ${row.messageId ?? 0}), ${row.createdAt.toISOString()}::timestamptz)
      order by at desc, direction desc, id desc limit ${limit}
    ) recent order by at, direction, id`).map((e) => ({
    key: `${e.direction}-${e.id}`,
    direction: e.direction,
    from: e.direction === 'in' ? ('citizen' as const) : e.officer !== null ? ('officer' as const) : ('bot' as const),
    officer: e.officer,
    kind: e.kind,
    text: e.text,
    at: new Date(e.at),
  }));
  return { chat: toItem(row, ctx.now()), displayName: row.displayName, entries };
}

/**
 * Writes the officer's message into the citizen's chat through the outbox: sent like every reply,
 * after whatever the chat is owed already. `clientKey` names the send (the page makes one per
 * message typed), so a retried request writes nothing twice. Only the officer holding the chat may.
 */
export async function sendAsOfficer(ctx: PipelineContext, actor: Actor, id: number, text: string, clientKey: string): Promise<{ outboxId: number }> {
  const officer = staffOf(actor);
  const body = text.trim();
  if (!body) throw new LivechatRefused('closed', 'a message needs text');
  return inCaseTransaction(ctx, async (work) => {
    const { tx, now } = work;
    // The row lock orders this chat's sends: ids are drawn, and rows sent, in the order they commit.
    const [handoff] = await tx
      .select()
      .from(t.handoffRequests)
      .where(and(eq(t.handoffRequests.id, id), isNull(t.handoffRequests.resolvedAt), scopeOf(actor)))
      .for('update');
    if (!handoff) throw new LivechatNotFound(id);
    const [sent] = await tx
      .select({ outboxId: t.handoffReplies.outboxId })
      .from(t.handoffReplies)
      .where(and(eq(t.handoffReplies.handoffId, id), eq(t.handoffReplies.clientKey, clientKey)));
    if (sent) return sent;
    if (handoff.takenByStaffId !== officer.staffId) throw new LivechatRefused('not-taker', 'take the chat before writing in it');
    const [identity] = await tx
      .select({ channel: t.channelIdentities.channel, chatId: t.channelIdentities.chatId })
      .from(t.channelIdentities)
      .where(eq(t.channelIdentities.id, handoff.identityId));
    const outboxId = await writeToChat(work, handoff.identityId, { channel: identity.channel as ChannelName, chatId: identity.chatId }, body);
    await tx.insert(t.handoffReplies).values({ handoffId: id, staffId: officer.staffId, outboxId, clientKey, createdAt: now });
    const nextAt = new Date(now.getTime() + ctx.livechat.idleMs);
    await tx.update(t.handoffRequests).set({ officerAt: now, activityAt: now, nextAt }).where(eq(t.handoffRequests.id, id));
    await livechatNotice(tx, 'message', { dinasId: handoff.dinasId, handoffId: id });
    work.after.push(() => scheduleLivechatTimers(ctx, [{ id, nextAt }]));
    return { outboxId };
  });
}

/** Ends the live chat: the bot tells the citizen it is back and answers again, from the menu. */
export async function handBack(ctx: PipelineContext, actor: Actor, id: number): Promise<void> {
  const officer = staffOf(actor);
  await inCaseTransaction(ctx, async (work) => {
    const { tx, now } = work;
    const { handoff } = await lockChat(work, actor, id);
    if (handoff.takenByStaffId !== officer.staffId) throw new LivechatRefused('not-taker', 'only the officer who took the chat hands it back');
    await tx
      .update(t.handoffRequests)
      .set({ resolvedAt: now, resolution: 'handed-back', nextAt: null })
      .where(eq(t.handoffRequests.id, id));
    const rows = await stepWithNews(work, handoff.identityId, { type: 'staff.handedBack' });
    if (rows.length > 0) work.after.push(() => queueTurn(ctx, handoff.identityId));
    await livechatNotice(tx, 'handed-back', { dinasId: handoff.dinasId, handoffId: id });
  });
}
