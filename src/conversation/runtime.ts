/**
 * Runs the conversations: a transaction locks a chat's conversation row, steps the machine with
 * the chat's oldest unprocessed message, performs its effects, writes the new snapshot and the
 * replies (outbox rows), and marks the message processed. The row lock makes messages of one chat
 * strictly sequential while different chats run in parallel. The stepper (src/queues/stepper.ts)
 * steps a batch of chats in one transaction (`processReadyChats`); a chat handed to the inbound
 * queue is stepped alone, message after message (`processConversation`).
 */
import { eq, sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { idArray, rawTx, type Tx } from '../db/client.js';
import { collectNotices, sendNotices, takeNotices } from '../db/notices.js';
import * as t from '../db/schema.js';
import { copy } from '../../flows/copy/index.js';
import { cleanText, mapStrings } from '../domain/clean-text.js';
import type { ChannelName, OutboundMessage } from '../domain/messages.js';
import { errorText } from '../db/errors.js';
import { addCitizenInfo, openCase, ownCase, ownCases, rateOwnCase, similarRecentCase } from '../cases/cases.js';
import type { AfterCommit } from '../cases/events.js';
import { runAfterCommit, type CaseWork } from '../cases/lifecycle.js';
import { searchServices } from '../catalogue/search.js';
import { unfinishedReport } from '../../flows/conversation.js';
import { understand } from '../../flows/understand/understand.js';
import { enqueueMediaFetches } from '../media/fetch.js';
import { maskNikShaped } from '../pii/nik-rules.js';
import { queueTurn } from '../queues/outbound.js';
import { citizenWrote, requestHuman, withdrawHuman, type OpenHandoff } from '../livechat/requests.js';
import { eraseHeldData } from '../privacy/erase.js';
import * as broadcastSubscriptions from '../broadcasts/subscriptions.js';
import { describeHeldData } from '../privacy/held.js';
import type { CitizenEvent, ConversationEvent, ConversationInput, Lang, ResultEvent, StaffNewsEvent, Topic, TypedNik } from './contract.js';
import type { PipelineContext } from './context.js';
import { repeatOfPrevious } from './fair-use.js';
import { langOf } from './lang.js';
import { step, type Perform, type PersistedSnapshot, type ReplyEffect } from './step.js';

type MessageRow = Pick<typeof t.messages.$inferSelect, 'id' | 'kind' | 'body' | 'payload'>;

function toEvent(message: MessageRow): CitizenEvent {
  const payload = (message.payload ?? {}) as Record<string, unknown>;
  switch (message.kind) {
    case 'text':
      return { type: 'citizen.text', text: message.body ?? '', ...(payload.nik ? { nik: payload.nik as TypedNik } : {}) };
    case 'photo':
      return { type: 'citizen.photo', mediaRef: String(payload.mediaRef), caption: message.body ?? undefined };
    case 'location':
      return { type: 'citizen.location', latitude: Number(payload.latitude), longitude: Number(payload.longitude), address: message.body ?? undefined };
    case 'contact':
      return { type: 'citizen.contact', phone: String(payload.phone), name: message.body ?? undefined };
    default:
      return { type: 'citizen.unsupported', what: (payload.what as 'other') ?? 'other' };
  }
}

/** A text with what the understanding step read in it, with the catalogue's current words, and when it came. */
async function withUnderstanding(ctx: PipelineContext, event: CitizenEvent, now: Date): Promise<CitizenEvent> {
  if (event.type !== 'citizen.text') return event;
  return { ...event, understood: understand(event.text, (await ctx.catalogue.get()).vocabulary), at: now.toISOString() };
}

/**
 * Conversations the idle limit leaves alone: at the menu, or not started (a chat reset by the
 * retention purge), there is nothing to lose by starting over, so nothing needs saying; a citizen
 * waiting for staff would lose their place in the queue.
 */
function outlivesIdle(snapshot: PersistedSnapshot): boolean {
  return snapshot.value === 'menu' || snapshot.value === 'start' || snapshot.value === 'petugas';
}

/**
 * Performs effects inside the step's transaction. `kept` collects the photos the flow took and the
 * media rows written for them, for the caller to enqueue their fetches once the step committed.
 * `marks`, when given, collects what the step's own write records (the privacy notice shown), so it
 * costs no statement of its own; without it the effect is written at once.
 */
function performer(
  work: CaseWork,
  chat: { identityId: number; channel: ChannelName },
  message: MessageRow | null,
  kept: { refs: string[]; rows: number[] },
  marks: { noticeShown: boolean } | null = null,
): Perform {
  const { ctx, tx, now } = work;
  const { identityId } = chat;
  return async (effect): Promise<ResultEvent | null> => {
    switch (effect.type) {
      case 'listCategories':
        return { type: 'result.categories', categories: (await ctx.catalogue.get()).categories };
      case 'searchServices': {
        const found = searchServices(await ctx.catalogue.get(), effect.query);
        return { type: 'result.services', query: effect.query, services: found.map(({ code, name }) => ({ code, name })) };
      }
      case 'getService': {
        const found = (await ctx.catalogue.get()).services.find((s) => s.code === effect.code);
        if (!found) return { type: 'result.service', service: null };
        const { keywords: _keywords, ...service } = found;
        return { type: 'result.service', service };
      }
      case 'createCase': {
        // The broadcast topic offered under the ticket is asked in the statement that writes the case.
        const opened = await openCase<Topic>(work, { identityId, draft: effect.draft, rider: (kase) => broadcastSubscriptions.offerQuery(rawTx(tx), identityId, kase) });
        return { type: 'result.caseCreated', ticket: opened.ticket, dueAt: opened.dueAt.toISOString(), offer: opened.ridden };
      }
      case 'listOwnCases':
        return { type: 'result.ownCases', cases: await ownCases(tx, identityId) };
      case 'findCase':
        return { type: 'result.case', ticket: effect.ticket, case: await ownCase(tx, identityId, effect.ticket) };
      case 'keepMedia':
        if (message) await keepMedia(tx, { identityId, channel: chat.channel, messageId: message.id, mediaRef: effect.mediaRef }, kept);
        return null;
      case 'optOutOfBroadcasts':
        await broadcastSubscriptions.optOut(tx, chat, effect.wording, now);
        return null;
      case 'resumeBroadcasts':
        return { type: 'result.broadcastsResumed', resumed: await broadcastSubscriptions.resume(tx, chat, effect.wording, now) };
      case 'listTopics':
        return { type: 'result.topics', topics: await broadcastSubscriptions.listTopics(tx) };
      case 'findRegion':
        return { type: 'result.regions', query: effect.query, regions: await broadcastSubscriptions.findRegions(tx, effect.query) };
      case 'subscribe':
        await broadcastSubscriptions.subscribe(tx, chat, effect, now);
        return null;
      case 'redactMessage':
        if (message) await tx.update(t.messages).set({ body: maskDigits(message.body ?? '') }).where(eq(t.messages.id, message.id));
        return null;
      case 'findSimilarCase': {
        const similar = await similarRecentCase(work, identityId, effect);
        return { type: 'result.similarCase', similar };
      }
      case 'rateCase':
        return { type: 'result.rated', ticket: effect.ticket, outcome: await rateOwnCase(work, identityId, effect) };
      case 'addCaseInfo':
        return { type: 'result.infoAdded', ticket: effect.ticket, added: await addCitizenInfo(work, identityId, effect) };
      case 'requestHuman':
        return requestHuman(work, identityId, message?.id ?? null);
      case 'withdrawHuman':
        await withdrawHuman(work, identityId);
        return null;
      case 'privacyNoticeShown':
        if (marks) marks.noticeShown = true;
        else await tx.update(t.channelIdentities).set({ privacyNoticeAt: now }).where(eq(t.channelIdentities.id, identityId));
        return null;
      case 'describeHeldData':
        return { type: 'result.heldData', held: await describeHeldData(work, identityId) };
      case 'eraseHeldData':
        await eraseHeldData(work, identityId);
        return { type: 'result.dataErased' };
    }
  };
}

/** Fetch and keep a photo the citizen sent; the same photo sent twice (a forward, a redelivery) is kept once. */
async function keepMedia(tx: Tx, photo: { identityId: number; channel: ChannelName; messageId: number; mediaRef: string }, kept: { refs: string[]; rows: number[] }) {
  const [row] = await tx
    .insert(t.media)
    .values({ identityId: photo.identityId, messageId: photo.messageId, channel: photo.channel, platformRef: photo.mediaRef })
    .onConflictDoNothing()
    .returning({ id: t.media.id });
  kept.refs.push(photo.mediaRef);
  if (row) kept.rows.push(row.id);
}

/** Keeps the shape of what was typed (length, spacing) but none of its digits. */
function maskDigits(text: string): string {
  return text.replace(/\d/g, '•');
}

/**
 * A sealed NIK rides in a text's payload from the door to the message's step, which drops it:
 * used (the flow asked for it) or not, it is never kept with the message.
 */
function carriesNik(message: PendingMessage): boolean {
  return message.payload?.nik !== undefined;
}

const dropNik = (raw: postgres.TransactionSql) => raw`, payload = nullif(payload - 'nik', '{}'::jsonb)`;

/**
 * The given-up message as stored, kept for operators, without the sealed NIK its step would have
 * dropped; a NIK-shaped number still in clear (a message stored before the door masked them) is
 * masked, in the error text too. Null when it was already set aside.
 */
async function setAsideStep(tx: Tx, chat: LockedChat, message: PendingMessage, giveUp: GiveUp, now: Date): Promise<number | null> {
  const { nik: _sealed, ...payload } = message.payload ?? {};
  const { waited: _waited, ...stored } = message;
  const kept = mapStrings({ ...stored, payload: message.payload === null ? null : payload }, maskNikShaped);
  const [row] = await tx
    .insert(t.setAsideUpdates)
    .values({
      channel: chat.channel,
      stage: 'step',
      chatId: chat.chat_id,
      externalId: message.external_id,
      raw: JSON.stringify(kept),
      error: maskNikShaped(cleanText(errorText(giveUp.error))),
      attempts: giveUp.attempts,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: t.setAsideUpdates.id });
  return row?.id ?? null;
}

/** Told once, in front of the answer to a message ingest cut short. */
function shortenedNote(ctx: PipelineContext, lang: Lang | undefined): ReplyEffect {
  const words = copy[lang ?? 'id'].fairUse;
  return { type: 'reply', text: words.shortened(words.number(ctx.fairUse.textMaxChars)) };
}

function toOutbound(chatId: string, reply: ReplyEffect): OutboundMessage {
  return { kind: 'text', chatId, text: reply.text, ...(reply.options?.length ? { options: reply.options } : {}) };
}

/** Why a message that keeps failing is given up: kept with it in `set_aside_updates`. */
export interface GiveUp {
  error: unknown;
  attempts: number;
}

/** A message answered with an apology instead of stepped, and the set-aside row kept for it. */
export interface GivenUpMessage {
  channel: ChannelName;
  setAsideId: number | null;
}

/**
 * A reply written already claimed for sending (`ClaimAhead`): the claim's key, and what its send
 * needs, which the claim's statement would have read back.
 */
export interface ClaimedAhead {
  claim: string;
  payload: OutboundMessage;
  /** Text, as Postgres sent it: the chat's last message in, which WhatsApp Cloud's 24-hour window reads. */
  lastInboundAt: string | null;
}

/** A reply a step wrote: its outbox row; `claimed` when it was written claimed by this process (see `ClaimAhead`). */
export interface WrittenReply {
  id: number;
  channel: ChannelName;
  claimed?: ClaimedAhead;
}

/**
 * Who sends a batch's replies right after its commit, asked before its write: the key of the claim
 * session (src/queues/claims.ts) of the process that will send the channel's replies at once, or
 * null when they take the lane. A chat that owes nothing older then has its first new reply
 * written claimed by that session (status `sending`), so its send needs no claim of its own: a
 * statement and a version of the row fewer. If that process dies before sending, the claim dies
 * with it and the relay releases the row, as for any claim.
 */
export type ClaimAhead = (channel: ChannelName) => string | null;

export interface StepResult {
  channel: ChannelName;
  outbox: WrittenReply[];
  /** Media rows the step wrote (photos the flow accepted), to be fetched. */
  media: number[];
  /** The photo this message carried, when the flow did not take it: any copy held for it can go. */
  declinedMedia: string | null;
  /** Another unprocessed message was already waiting behind this one. */
  more: boolean;
  gaveUp?: GivenUpMessage;
  /** Work the step's case events left for after the commit (alarms, sinks' jobs). */
  after: AfterCommit[];
}

interface LockedChat {
  identity_id: string;
  snapshot: PersistedSnapshot | null;
  version: number;
  /** Text: drizzle's postgres-js driver leaves timestamps unparsed in raw queries. */
  updated_at: string;
  channel: ChannelName;
  chat_id: string;
  /** The chat's last message in (text), for a reply sent at once (`ClaimedAhead`). */
  last_inbound_at: string | null;
  /** The platform said the chat cannot be reached: its replies are not claimed ahead (the send records the failure). */
  unreachable: boolean;
  /** A case of this citizen that became `selesai` (its rating asked in the push) since the chat's last step, or before its first (a push to a new WhatsApp Cloud chat). */
  rating_ticket: string | null;
  /** Whether the chat was shown the short privacy notice already (it is shown once). */
  notice_shown: boolean;
  /** `settings_version` as the read saw it, the same on every row. */
  settings_version: string;
  /** The chat's open live-chat request, if any, and whether an officer holds it. */
  handoff_id: string | null;
  handoff_dinas_id: number | null;
  handoff_taken: boolean | null;
  /** The chat's two oldest unprocessed messages, oldest first. */
  pending: PendingMessage[];
}

interface PendingMessage {
  id: number;
  external_id: string;
  kind: string;
  body: string | null;
  payload: Record<string, unknown> | null;
  /** The text's length before ingest cut it (fair use), if it did. */
  shortened_from: number | null;
  /** The same text as the chat's previous message, before any reply to it (fair use): not stepped. */
  repeat: boolean;
  /** Seconds since it was received, when the read saw it (Postgres's clock at both ends). */
  waited: number;
}

/**
 * What a step reads of the chats it has locked, in one statement after the lock's: the machine's
 * snapshot, where the replies go, the news a step must know (a finished case awaiting its rating,
 * the privacy notice shown or not, an open live-chat request), and the chat's two oldest
 * unprocessed messages (the second only says there is more). Read after the lock, never in the
 * locking statement: that statement's snapshot is taken before the lock is granted, and could miss
 * what the previous holder just committed (a message processed, a live chat taken, the notice
 * shown). (The finished case may be read that early: the rating effect checks it again under the
 * case's lock.)
 */
async function readLocked(ctx: PipelineContext, tx: Tx, identityIds: readonly number[]): Promise<LockedChat[]> {
  const raw = rawTx(tx);
  const ids = idArray(identityIds);
  const chats = await raw<LockedChat[]>`
    select c.identity_id, c.snapshot, c.version, c.updated_at, i.channel, i.chat_id, i.last_inbound_at, i.unreachable_at is not null as unreachable,
      (select k.ticket from cases k join case_timers ct on ct.case_id = k.id and ct.kind = 'close' and ct.done_at is null
       where k.citizen_id = i.citizen_id and k.status = 'selesai' and (c.snapshot is null or ct.started_at > c.updated_at)
         and (k.rated_at is null or k.rated_at < ct.started_at)
       order by ct.started_at desc limit 1) as rating_ticket,
      i.privacy_notice_at is not null as notice_shown,
      (select version::text from settings_version) as settings_version,
      h.id as handoff_id, h.dinas_id as handoff_dinas_id, h.taken_by_staff_id is not null as handoff_taken,
      coalesce((select jsonb_agg(p order by p.id) from (
        select m.id, m.external_id, m.kind, m.body, m.payload, m.shortened_from, ${repeatOfPrevious(raw, ctx.fairUse.repeatWithinMs)} as repeat,
          extract(epoch from clock_timestamp() - m.received_at)::float8 as waited
        from messages m where m.identity_id = c.identity_id and m.processed_at is null order by m.id limit 2) p), '[]'::jsonb) as pending
    from conversations c join channel_identities i on i.id = c.identity_id
      left join handoff_requests h on h.identity_id = c.identity_id and h.resolved_at is null
    where c.identity_id = any(${ids}::bigint[]) and i.id = any(${ids}::bigint[])`;
  // A step that opens a case checks the settings it keeps against this version (src/cases/settings.ts).
  if (chats.length > 0) ctx.caseSettings.noteVersion(tx, chats[0].settings_version);
  return chats;
}

/**
 * Processes the oldest unprocessed message of the chat, if any. `giveUp` marks it processed with
 * an apology instead of stepping it, and sets it aside in the same transaction: for a message
 * that keeps failing, so one poisoned message cannot block a chat forever.
 */
async function processOne(ctx: PipelineContext, identityId: number, giveUp: GiveUp | null): Promise<StepResult | 'busy' | null> {
  let waited: StepWaited | null = null;
  const result = await ctx.db.steps.transaction(async (tx) => {
    waited = null;
    // The conversation row exists from the chat's first message (ingest creates it).
    const raw = rawTx(tx);
    const held = await raw`select 1 from conversations where identity_id = ${identityId} for update skip locked`;
    // Another worker holds this chat and will take our message in its next round.
    if (held.length === 0) return 'busy';
    const [chat] = await readLocked(ctx, tx, [identityId]);
    if (!chat || chat.pending.length === 0) return null;
    waited = { channel: chat.channel, seconds: chat.pending[0].waited };
    collectNotices(tx);
    const result = await stepLocked(ctx, tx, chat, chat.pending, giveUp);
    // A step without a write of its own (a taken chat's message, a repeat) sends its notices here.
    await sendNotices(raw, takeNotices(tx));
    return result;
  });
  noteWaits(ctx, waited ? [waited] : []);
  return result;
}

/** How long a stepped message had waited, noted once its step committed (a step rolled back and tried again counts once). */
interface StepWaited {
  channel: ChannelName;
  seconds: number;
}

function noteWaits(ctx: PipelineContext, waits: readonly StepWaited[]): void {
  for (const { channel, seconds } of waits) ctx.metrics.stepWait.labels(channel).observe(seconds);
}

/**
 * Steps the chats that have messages waiting and that no other worker holds, up to `limit` of them,
 * oldest waiting first, in one transaction: a lock, a read and a commit for all of them instead of
 * for each (src/queues/stepper.ts hands them out). A chat whose message failed once is left to the
 * queue's retries (`messages.queued_at`). Throws like any transaction: nothing of the batch is kept,
 * and `locked` (when the lock was taken) names the chats it held.
 */
export async function processReadyChats(
  ctx: PipelineContext,
  limit: number,
  locked: number[] = [],
  claimAhead: ClaimAhead = () => null,
): Promise<(StepResult & { identityId: number })[]> {
  const waits: StepWaited[] = [];
  const stepped = await ctx.db.steps.transaction(async (tx) => {
    waits.length = 0;
    const raw = rawTx(tx);
    // Chats with a message waiting, oldest waiting first, that nobody else holds.
    const held = await raw<{ identity_id: string }[]>`
      select c.identity_id from (
        select identity_id, min(id) as oldest from messages where processed_at is null
        group by identity_id having bool_and(queued_at is null)
      ) waiting join conversations c on c.identity_id = waiting.identity_id
      order by waiting.oldest
      for update of c skip locked
      limit ${limit}`;
    locked.push(...held.map((row) => Number(row.identity_id)));
    if (locked.length === 0) return [];
    const chats = new Map((await readLocked(ctx, tx, locked)).map((chat) => [Number(chat.identity_id), chat]));
    // The steps' NOTIFYs (a new case's console event…) ride in their write (src/db/notices.ts).
    collectNotices(tx);
    const results: (StepResult & { identityId: number })[] = [];
    const writes: PendingWrite[] = [];
    for (const identityId of locked) {
      const chat = chats.get(identityId);
      if (!chat || chat.pending.length === 0) continue;
      waits.push({ channel: chat.channel, seconds: chat.pending[0].waited });
      const result = await stepLocked(ctx, tx, chat, chat.pending, null, writes, chat.unreachable ? null : claimAhead(chat.channel));
      results.push(Object.assign(result, { identityId }));
    }
    if (writes.length > 0) await writeSteps(ctx, tx, writes);
    await sendNotices(raw, takeNotices(tx));
    return results;
  });
  noteWaits(ctx, waits);
  return stepped;
}

/** One step of a locked chat: its oldest message; its writes go in one statement, shared by a batch's steps (`writeSteps`). */
async function stepLocked(
  ctx: PipelineContext,
  tx: Tx,
  chat: LockedChat,
  pending: PendingMessage[],
  giveUp: GiveUp | null,
  /** A batch's steps leave their writes here, for one statement once all are stepped. */
  batch?: PendingWrite[],
  /** The claim session to write the first reply claimed by, if the chat owes nothing older (`ClaimAhead`). */
  claim: string | null = null,
): Promise<StepResult> {
  const raw = rawTx(tx);
  const identityId = Number(chat.identity_id);
  const [next] = pending;
  const message: MessageRow = { id: Number(next.id), kind: next.kind, body: next.body, payload: next.payload };
  const now = ctx.now();

  let persisted = chat.snapshot;
  // A new conversation of a chat never shown the privacy notice shows it under its first reply.
  const input: ConversationInput = { lang: langOf(persisted), ...(chat.notice_shown ? {} : { privacyNotice: ctx.publicUrl }) };
  // Starting over never throws away a report being written: it is offered back for 24 hours.
  if (persisted && chat.version !== ctx.machineVersion) {
    input.parked = unfinishedReport(persisted, new Date(chat.updated_at).toISOString());
    persisted = null;
    input.restartReason = 'upgrade';
  } else if (persisted && now.getTime() - new Date(chat.updated_at).getTime() > ctx.idleMs && !outlivesIdle(persisted)) {
    input.parked = unfinishedReport(persisted, new Date(chat.updated_at).toISOString());
    persisted = null;
    input.restartReason = 'idle';
  }

  const work: CaseWork = { ctx, tx, now, after: [] };
  let replies: ReplyEffect[];
  let snapshot: PersistedSnapshot | null;
  const kept = { refs: [] as string[], rows: [] as number[] };
  const marks = { noticeShown: false };
  const handoff: OpenHandoff | null = chat.handoff_id ? { id: Number(chat.handoff_id), dinasId: Number(chat.handoff_dinas_id), taken: Boolean(chat.handoff_taken) } : null;
  if (handoff) await citizenWrote(work, handoff);
  if (handoff?.taken) {
    // The rule of a taken chat: an officer answers, so the bot stays quiet. The message is stored
    // (the officer's transcript reads it from `messages`) and marked processed without a step;
    // one given up on is set aside without the bot's apology, the officer still sees it.
    const photoRef = message.kind === 'photo' ? String(next.payload?.mediaRef ?? '') : '';
    if (photoRef && !giveUp) await keepMedia(tx, { identityId, channel: chat.channel, messageId: message.id, mediaRef: photoRef }, kept);
    const setAsideId = giveUp ? await setAsideStep(tx, chat, next, giveUp, now) : null;
    await raw`
      update messages set processed_at = clock_timestamp(), error = ${giveUp ? 'gave up after repeated failures' : null}${carriesNik(next) ? dropNik(raw) : raw``}
      where id = ${message.id}`;
    return {
      channel: chat.channel,
      outbox: [],
      media: kept.rows,
      declinedMedia: null,
      more: pending.length > 1,
      after: work.after,
      ...(giveUp ? { gaveUp: { channel: chat.channel, setAsideId } } : {}),
    };
  }
  if (next.repeat && !giveUp) {
    // A double tap or a resend before the bot answered: stored, answered once (src/conversation/fair-use.ts).
    await raw`update messages set processed_at = clock_timestamp(), skipped = 'repeat'${carriesNik(next) ? dropNik(raw) : raw``} where id = ${message.id}`;
    return { channel: chat.channel, outbox: [], media: [], declinedMedia: null, more: pending.length > 1, after: work.after };
  }
  if (giveUp) {
    replies = [{ type: 'reply', text: copy[input.lang ?? 'id'].notes.failed }];
    snapshot = null;
  } else {
    const events: ConversationEvent[] = [await withUnderstanding(ctx, toEvent(message), now)];
    if (chat.rating_ticket) events.unshift({ type: 'case.awaitingRating', ticket: chat.rating_ticket });
    const outcome = await step(ctx.machine, persisted, input, events, performer(work, { identityId, channel: chat.channel }, message, kept, marks));
    replies = next.shortened_from === null ? outcome.replies : [shortenedNote(ctx, input.lang), ...outcome.replies];
    snapshot = outcome.snapshot;
  }

  const setAsideId = giveUp ? await setAsideStep(tx, chat, next, giveUp, now) : null;
  const photoRef = message.kind === 'photo' ? String(message.payload?.mediaRef ?? '') : '';
  const result: StepResult = {
    channel: chat.channel,
    outbox: [],
    media: kept.rows,
    declinedMedia: photoRef && !kept.refs.includes(photoRef) ? photoRef : null,
    more: pending.length > 1,
    after: work.after,
    ...(giveUp ? { gaveUp: { channel: chat.channel, setAsideId } } : {}),
  };
  const write: StepWrite = {
    identity_id: identityId,
    channel: chat.channel,
    message_id: message.id,
    snapshot,
    replies: replies.map((r) => toOutbound(chat.chat_id, r)),
    drop_nik: carriesNik(next),
    error: giveUp ? 'gave up after repeated failures' : null,
    at: now.toISOString(),
    notice_shown: marks.noticeShown,
    claim,
  };
  const pendingWrite: PendingWrite = { write, result, lastInboundAt: chat.last_inbound_at };
  if (batch) batch.push(pendingWrite);
  else await writeSteps(ctx, tx, [pendingWrite]);
  return result;
}

/** A step's write as a batch keeps it: what goes to Postgres, the result it fills in, and what a reply claimed ahead needs. */
interface PendingWrite {
  write: StepWrite;
  result: StepResult;
  lastInboundAt: string | null;
}

/** What a step writes: its replies, the conversation's new snapshot, its message processed. */
interface StepWrite {
  identity_id: number;
  channel: ChannelName;
  message_id: number;
  snapshot: PersistedSnapshot | null;
  replies: OutboundMessage[];
  /** The sealed NIK the message carried is dropped (see `carriesNik`). */
  drop_nik: boolean;
  error: string | null;
  /** The step's moment on the domain clock: the conversation's `updated_at`, which the idle limit reads. */
  at: string;
  /** The step showed the chat the short privacy notice: recorded at `at`, so it is shown once. */
  notice_shown: boolean;
  /** Written claimed by this claim session, when the chat owes nothing older (`ClaimAhead`). */
  claim: string | null;
}

/**
 * The writes of one or many steps in one statement (a batch's steps share it), filling in each
 * result's outbox rows in the order of its replies. The outbox rows' and the messages' times are
 * Postgres's, the clock the relay measures their age by: the moment of the write, not the
 * transaction's start (`now()`), which in a batch may come before the message was even received,
 * and the fair-use check for a repeat asks whether a reply came after it. The NOTIFYs the steps
 * left for the end of the transaction (src/db/notices.ts) go in the same statement.
 */
async function writeSteps(ctx: PipelineContext, tx: Tx, steps: PendingWrite[]): Promise<void> {
  const raw = rawTx(tx);
  const notices = takeNotices(tx);
  // The keys once more as arrays, for the planner (see `idArray`).
  const chats = idArray(steps.map((step) => step.write.identity_id));
  const messages = idArray(steps.map((step) => step.write.message_id));
  const rows = await raw<{ id: string; identity_id: string; claimed_by: string | null }[]>`
    with input as (
      -- A chat that owes nothing older gets its first reply written claimed (see ClaimAhead); the
      -- look sees the outbox as it was before this statement, never the rows it writes. Asked once
      -- per chat, not per reply: the planner counts 100 × 100 replies, and a statement it thinks
      -- that dear is JIT-compiled, 50 ms each time. A look-up with a limit, not "not exists", which
      -- the planner may answer by reading every owed row of the outbox once.
      select r.*, r.claim is not null
          and (select o.id from outbox o where o.identity_id = r.identity_id and o.status in ('pending', 'sending') limit 1) is null as ahead
      from jsonb_to_recordset(${JSON.stringify(steps.map((step) => step.write))}::text::jsonb) as r(
        identity_id bigint, channel text, message_id bigint, snapshot jsonb, replies jsonb, drop_nik boolean, error text, at timestamptz,
        notice_shown boolean, claim bigint)
    ), written as (
      insert into outbox (identity_id, channel, payload, created_at, status, claimed_at, claimed_by)
      select i.identity_id, i.channel, reply.payload, clock_timestamp(), case when a.ahead then 'sending' else 'pending' end,
        case when a.ahead then now() end, case when a.ahead then i.claim end
      from input i cross join lateral jsonb_array_elements(i.replies) with ordinality as reply(payload, position)
        cross join lateral (select i.ahead and reply.position = 1 as ahead) a
      order by i.identity_id, reply.position
      returning id, identity_id, claimed_by
    ), conversation as (
      update conversations c set snapshot = i.snapshot, version = ${ctx.machineVersion}, updated_at = i.at
      from input i where c.identity_id = i.identity_id and c.identity_id = any(${chats}::bigint[])
    ), message as (
      update messages m set processed_at = clock_timestamp(), error = i.error,
        payload = case when i.drop_nik then nullif(m.payload - 'nik', '{}'::jsonb) else m.payload end
      from input i where m.id = i.message_id and m.id = any(${messages}::bigint[])
    ), notice as (
      update channel_identities ci set privacy_notice_at = i.at
      from input i where ci.id = i.identity_id and i.notice_shown and ci.id = any(${chats}::bigint[])
    ), notified as (
      select count(pg_notify(n.channel, n.payload)) as sent from jsonb_to_recordset(${JSON.stringify(notices)}::text::jsonb) as n(channel text, payload text)
    )
    -- A plain CTE runs only when read: the second half reads the notices' (and returns nothing).
    select id, identity_id, claimed_by::text from written
    union all select null, null, null from notified where sent < 0
    order by 1`;
  const byChat = new Map(steps.map((step) => [step.write.identity_id, step]));
  for (const row of rows) {
    const { write, result, lastInboundAt } = byChat.get(Number(row.identity_id))!;
    const reply: WrittenReply = { id: Number(row.id), channel: result.channel };
    if (row.claimed_by !== null) reply.claimed = { claim: row.claimed_by, payload: write.replies[0], lastInboundAt };
    result.outbox.push(reply);
  }
}

/**
 * Locks the chat's conversation row for the rest of the caller's transaction and returns where
 * its replies go. Every change of a chat's live chat (take, hand back, return) holds this lock, so
 * each message is stepped either wholly before or wholly after it.
 */
export async function lockConversation(tx: Tx, identityId: number): Promise<{ snapshot: PersistedSnapshot | null; version: number; channel: ChannelName; chatId: string }> {
  const [chat] = (await tx.execute(sql`
    select c.snapshot, c.version, i.channel, i.chat_id from conversations c join channel_identities i on i.id = c.identity_id
    where c.identity_id = ${identityId} for update of c`)) as unknown as { snapshot: PersistedSnapshot | null; version: number; channel: ChannelName; chat_id: string }[];
  if (!chat) throw new Error(`no conversation for identity ${identityId}`);
  return { snapshot: chat.snapshot, version: chat.version, channel: chat.channel, chatId: chat.chat_id };
}

/**
 * Steps a chat's conversation with news from staff (a live chat handed back), in the caller's
 * transaction, which holds the conversation's lock (`lockConversation`). Writes the new snapshot
 * and the replies; returns the outbox rows for the caller to enqueue once it commits.
 */
export async function stepWithNews(work: CaseWork, identityId: number, event: StaffNewsEvent): Promise<{ id: number; channel: ChannelName }[]> {
  const { ctx, tx } = work;
  const chat = await lockConversation(tx, identityId);
  const current = chat.version === ctx.machineVersion ? chat.snapshot : null;
  const input: ConversationInput = { lang: langOf(chat.snapshot), ...(chat.snapshot && !current ? { restartReason: 'upgrade' as const } : {}) };
  const kept = { refs: [] as string[], rows: [] as number[] };
  const outcome = await step(ctx.machine, current, input, event, performer(work, { identityId, channel: chat.channel }, null, kept));
  // `updated_at` stays the moment of the citizen's own last step: news of a case finished while the
  // officer held the chat (the rating asked in its push) is measured against it, and reaches the
  // citizen's next message; the idle limit leaves a conversation at the menu alone anyway.
  await tx.update(t.conversations).set({ snapshot: outcome.snapshot, version: ctx.machineVersion }).where(eq(t.conversations.identityId, identityId));
  if (outcome.replies.length === 0) return [];
  const rows = await tx
    .insert(t.outbox)
    .values(outcome.replies.map((reply) => ({ identityId, channel: chat.channel, payload: toOutbound(chat.chatId, reply) })))
    .returning({ id: t.outbox.id });
  return rows.map((row) => ({ id: row.id, channel: chat.channel }));
}

/** What to do with a step's replies once it has committed: send now, or queue the chat's turn. */
export type Deliver = (identityId: number, rows: WrittenReply[]) => Promise<void>;

/** Drops whatever was held for a photo the flow did not take (WhatsApp Web keeps bytes at receipt). */
export type ReleaseMedia = (channel: ChannelName, mediaRef: string) => Promise<void>;

/**
 * Drains the chat's unprocessed messages in order, handing each step's replies to `deliver` after
 * it commits (by default: enqueue them for the outbound workers). Returns 'busy' when another
 * worker holds the chat: that worker may have looked for messages just before ours was stored, so
 * the caller must come back shortly rather than drop the job. `gaveUp` names the message
 * `giveUpOnFirst` answered with an apology, if there was one.
 */
export async function processConversation(
  ctx: PipelineContext,
  identityId: number,
  options: { giveUpOnFirst?: GiveUp; deliver?: Deliver; releaseMedia?: ReleaseMedia } = {},
): Promise<{ processed: number; gaveUp?: GivenUpMessage } | 'busy'> {
  const deliver = options.deliver ?? ((id) => queueTurn(ctx, id));
  let processed = 0;
  let gaveUp: GivenUpMessage | undefined;
  let giveUp = options.giveUpOnFirst ?? null;
  for (;;) {
    const result = await processOne(ctx, identityId, giveUp);
    giveUp = null;
    if (result === 'busy') return processed > 0 ? { processed, gaveUp } : 'busy';
    if (!result) return { processed, gaveUp };
    processed++;
    gaveUp ??= result.gaveUp;
    await afterStep(ctx, identityId, result, { deliver, releaseMedia: options.releaseMedia });
    if (!result.more) return { processed, gaveUp };
  }
}

/**
 * What follows a step's commit: its replies delivered (sent now, or the chat's turn queued), the
 * photos it kept fetched, a photo it declined dropped, its case events' work run.
 */
export async function afterStep(ctx: PipelineContext, identityId: number, result: StepResult, options: { deliver: Deliver; releaseMedia?: ReleaseMedia }): Promise<void> {
  if (result.outbox.length > 0) await options.deliver(identityId, result.outbox);
  await enqueueMediaFetches(ctx, result.media);
  if (result.declinedMedia && options.releaseMedia) {
    await options.releaseMedia(result.channel, result.declinedMedia).catch((err: unknown) => ctx.log.warn({ err, identityId }, 'could not drop a declined photo'));
  }
  await runAfterCommit(ctx, result.after);
}
