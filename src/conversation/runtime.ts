/**
 * Runs a chat's conversation: for each stored, unprocessed inbound message of the chat, in order,
 * one transaction locks the conversation row, steps the machine, performs its effects, writes the
 * new snapshot and the replies (outbox rows), and marks the message processed. The row lock makes
 * messages of one chat strictly sequential while different chats run in parallel.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import * as t from '../db/schema.js';
import type { ChannelName, OutboundMessage } from '../channels/types.js';
import { openCase, ownCase, ownCases } from '../cases/cases.js';
import { searchServices } from '../catalogue/search.js';
import { encryptNik } from '../pii/nik.js';
import { maskNik } from '../pii/nik-rules.js';
import { jobOptions, outboundJobId, outboundQueue, type OutboundJob } from '../queues/jobs.js';
import { staffAvailableNow } from './availability.js';
import type { CitizenEvent, ConversationInput, Lang, ResultEvent } from './contract.js';
import type { PipelineContext } from './context.js';
import { step, type Perform, type PersistedSnapshot, type ReplyEffect } from './step.js';

type MessageRow = Pick<typeof t.messages.$inferSelect, 'id' | 'kind' | 'body' | 'payload'>;

function toEvent(message: MessageRow): CitizenEvent {
  const payload = (message.payload ?? {}) as Record<string, unknown>;
  switch (message.kind) {
    case 'text':
      return { type: 'citizen.text', text: message.body ?? '' };
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

/** The language the citizen chose in this conversation, if any. */
export function langOf(snapshot: PersistedSnapshot | null): Lang | undefined {
  const lang = (snapshot?.context as { lang?: unknown } | undefined)?.lang;
  return lang === 'en' || lang === 'id' ? lang : undefined;
}

/** A conversation resting at the menu has nothing to lose by starting over, so it needs no notice. */
function isAtRest(snapshot: PersistedSnapshot): boolean {
  return snapshot.value === 'menu';
}

function performer(ctx: PipelineContext, tx: Tx, identityId: number, message: MessageRow, now: Date): Perform {
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
        const opened = await openCase(tx, { identityId, draft: effect.draft, nikKeys: ctx.nikKeys, now });
        return { type: 'result.caseCreated', ticket: opened.ticket, dueAt: opened.dueAt.toISOString() };
      }
      case 'listOwnCases':
        return { type: 'result.ownCases', cases: await ownCases(tx, identityId) };
      case 'findCase':
        return { type: 'result.case', ticket: effect.ticket, case: await ownCase(tx, identityId, effect.ticket) };
      case 'sealNik': {
        const masked = maskNik(effect.nik);
        // The NIK must not stay readable in the stored copy of the citizen's message either.
        await tx.update(t.messages).set({ body: masked }).where(eq(t.messages.id, message.id));
        return { type: 'result.nikSealed', nik: { sealed: encryptNik(effect.nik, ctx.nikKeys), masked } };
      }
      case 'redactMessage':
        await tx.update(t.messages).set({ body: maskDigits(message.body ?? '') }).where(eq(t.messages.id, message.id));
        return null;
      case 'requestHuman': {
        await tx.insert(t.handoffRequests).values({ identityId, createdAt: now });
        const [desk] = await tx.select().from(t.dinas).orderBy(asc(t.dinas.id)).limit(1);
        return {
          type: 'result.humanRequested',
          staffAvailableNow: desk ? staffAvailableNow(desk.staffAvailability, now) : false,
          hours: desk?.hours ?? { id: '-', en: '-' },
        };
      }
    }
  };
}

/** Keeps the shape of what was typed (length, spacing) but none of its digits. */
function maskDigits(text: string): string {
  return text.replace(/\d/g, '•');
}

function toOutbound(chatId: string, reply: ReplyEffect): OutboundMessage {
  return { kind: 'text', chatId, text: reply.text, ...(reply.options?.length ? { options: reply.options } : {}) };
}

export interface StepResult {
  outbox: { id: number; channel: ChannelName }[];
  /** Another unprocessed message was already waiting behind this one. */
  more: boolean;
}

interface LockedChat {
  snapshot: PersistedSnapshot | null;
  version: number;
  /** Text: drizzle's postgres-js driver leaves timestamps unparsed in raw queries. */
  updated_at: string;
  channel: ChannelName;
  chat_id: string;
}

interface PendingMessage {
  id: string;
  kind: string;
  body: string | null;
  payload: Record<string, unknown> | null;
}

/**
 * Processes the oldest unprocessed message of the chat, if any. `giveUp` marks it processed with
 * an apology instead of stepping it: for a message that keeps failing, so one poisoned message
 * cannot block a chat forever. Round trips matter here (this runs for every message), so all the
 * writes go in one statement.
 */
async function processOne(ctx: PipelineContext, identityId: number, giveUp: boolean): Promise<StepResult | 'busy' | null> {
  return ctx.db.db.transaction(async (tx) => {
    // The conversation row exists from the chat's first message (ingest creates it). Lock first,
    // read the messages after, in two statements: a read in the locking statement would use a
    // snapshot taken before the lock, and could see a message the previous holder just processed.
    const [chat] = (await tx.execute(sql`
      select c.snapshot, c.version, c.updated_at, i.channel, i.chat_id
      from conversations c join channel_identities i on i.id = c.identity_id
      where c.identity_id = ${identityId}
      for update of c skip locked`)) as unknown as LockedChat[];
    // Another worker holds this chat and will take our message in its next round.
    if (!chat) return 'busy';
    const pending = (await tx.execute(sql`
      select id, kind, body, payload from messages
      where identity_id = ${identityId} and processed_at is null
      order by id limit 2`)) as unknown as PendingMessage[];
    if (pending.length === 0) return null;
    const [next] = pending;
    const message: MessageRow = { id: Number(next.id), kind: next.kind, body: next.body, payload: next.payload };
    const now = ctx.now();

    let persisted = chat.snapshot;
    const input: ConversationInput = { lang: langOf(persisted) };
    if (persisted && chat.version !== ctx.machineVersion) {
      persisted = null;
      input.restartReason = 'upgrade';
    } else if (persisted && now.getTime() - new Date(chat.updated_at).getTime() > ctx.idleMs && !isAtRest(persisted)) {
      persisted = null;
      input.restartReason = 'idle';
    }

    let replies: ReplyEffect[];
    let snapshot: PersistedSnapshot | null;
    if (giveUp) {
      replies = [{ type: 'reply', text: apology(input.lang) }];
      snapshot = null;
    } else {
      const outcome = await step(ctx.machine, persisted, input, toEvent(message), performer(ctx, tx, identityId, message, now));
      replies = outcome.replies;
      snapshot = outcome.snapshot;
    }

    const payloads = JSON.stringify(replies.map((r) => toOutbound(chat.chat_id, r)));
    const at = now.toISOString();
    // The conversation's time is the domain clock (the idle limit reads it); the outbox row's and
    // the message's are Postgres's, the clock the relay measures their age by.
    const outbox = (await tx.execute(sql`
      with written as (
        insert into outbox (identity_id, channel, payload)
        select ${identityId}, ${chat.channel}, reply.payload
        from jsonb_array_elements(${payloads}::jsonb) with ordinality as reply(payload, position)
        order by reply.position
        returning id
      ), conversation as (
        update conversations set snapshot = ${snapshot === null ? null : JSON.stringify(snapshot)}::jsonb,
          version = ${ctx.machineVersion}, updated_at = ${at}::timestamptz
        where identity_id = ${identityId}
      ), message as (
        update messages set processed_at = now(), error = ${giveUp ? 'gave up after repeated failures' : null}
        where id = ${message.id}
      )
      select id from written order by id`)) as unknown as { id: string }[];
    return { outbox: outbox.map((o) => ({ id: Number(o.id), channel: chat.channel })), more: pending.length > 1 };
  });
}

function apology(lang: Lang | undefined): string {
  return lang === 'en'
    ? 'Sorry, something went wrong on our side. Please type *menu* to start again.'
    : 'Maaf, terjadi gangguan di sistem kami. Ketik *menu* untuk mulai lagi.';
}

/** What to do with a step's replies once it has committed: send now, or enqueue them. */
export type Deliver = (identityId: number, rows: { id: number; channel: ChannelName }[]) => Promise<void>;

/**
 * Drains the chat's unprocessed messages in order, handing each step's replies to `deliver` after
 * it commits (by default: enqueue them for the outbound workers). Returns 'busy' when another
 * worker holds the chat: that worker may have looked for messages just before ours was stored, so
 * the caller must come back shortly rather than drop the job.
 */
export async function processConversation(
  ctx: PipelineContext,
  identityId: number,
  options: { giveUpOnFirst?: boolean; deliver?: Deliver } = {},
): Promise<{ processed: number } | 'busy'> {
  const deliver = options.deliver ?? ((id, rows) => enqueueOutbox(ctx, id, rows));
  let processed = 0;
  let giveUp = options.giveUpOnFirst ?? false;
  for (;;) {
    const result = await processOne(ctx, identityId, giveUp);
    giveUp = false;
    if (result === 'busy') return processed > 0 ? { processed } : 'busy';
    if (!result) return { processed };
    processed++;
    if (result.outbox.length > 0) await deliver(identityId, result.outbox);
    if (!result.more) return { processed };
  }
}

export async function enqueueOutbox(ctx: PipelineContext, identityId: number, rows: { id: number; channel: ChannelName }[], delayMs = 0) {
  try {
    for (const row of rows) {
      await ctx.transport
        .queue<OutboundJob>(outboundQueue(row.channel))
        .add('send', { identityId, outboxId: row.id }, { ...jobOptions(outboundJobId(row.id)), delay: delayMs });
    }
  } catch (err) {
    ctx.log.warn({ err, identityId }, 'enqueue of replies failed; the relay will pick them up');
  }
}
