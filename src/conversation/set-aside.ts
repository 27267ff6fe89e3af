/**
 * Setting aside a poison update: one that still fails to store (or to step) after a few attempts
 * while the database answers, for whatever reason, is kept raw for operators, with the error, and
 * the channel moves on — polling advances its offset, a webhook answers 200 — and the citizen gets
 * a short apology. One bad update must never block the others, and never the whole channel; a
 * database outage is waited out instead, since it would otherwise set every update aside.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { desc, eq, lt, sql } from 'drizzle-orm';
import { copy } from '../../flows/copy/index.js';
import { cleanText, mapStrings } from '../domain/clean-text.js';
import { indexableId } from '../domain/ids.js';
import type { ChannelName, InboundMessage } from '../domain/messages.js';
import type { Db } from '../db/client.js';
import { classifyWriteError, errorKind, errorText, isOutage } from '../db/errors.js';
import * as t from '../db/schema.js';
import { maskNikShaped } from '../pii/nik-rules.js';
import { queueTurn } from '../queues/outbound.js';
import type { PipelineContext } from './context.js';
import { inChatLanguage } from './fair-use.js';
import { ingest, type IngestOptions } from './ingest.js';

/** An update that never reached `messages` (a stored message whose step keeps failing is the runtime's `giveUp`). */
export interface SetAsideEntry {
  channel: ChannelName;
  /** Known when the update could be read: the citizen then gets an apology. */
  chatId?: string;
  /** The platform's id; a redelivered update is set aside (and apologised for) once. */
  externalId?: string;
  /** The update as it came, kept as JSON text (`JSON.stringify` escapes what `jsonb` refuses). */
  raw: unknown;
  error: unknown;
  attempts: number;
}

/**
 * Counts and logs a set-aside row: ids and error codes only, since error messages and chat ids
 * (WhatsApp's are phone numbers) may identify the citizen.
 */
export function countSetAside(
  ctx: PipelineContext,
  aside: { channel: ChannelName; stage: 'store' | 'step'; setAsideId: number; attempts: number; error: unknown },
): void {
  ctx.metrics.setAsideUpdates.labels(aside.channel).inc();
  ctx.log.warn(
    { channel: aside.channel, stage: aside.stage, setAsideId: aside.setAsideId, attempts: aside.attempts, ...errorKind(aside.error) },
    'update set aside; the channel moves on',
  );
}

/**
 * Records the update, counts it and apologises when it knows the chat. The update is kept as it
 * came but for NIK-shaped numbers, masked in every string of it and in the error text (which may
 * quote the refused values): the door never got to mask them.
 */
export async function setAside(ctx: PipelineContext, entry: SetAsideEntry): Promise<void> {
  const chatId = entry.chatId === undefined ? null : cleanText(entry.chatId);
  const externalId = entry.externalId === undefined ? null : indexableId(cleanText(entry.externalId));
  const raw = JSON.stringify(mapStrings(entry.raw, maskNikShaped)) ?? 'null';
  const [row] = await ctx.db.sql<{ id: string }[]>`
    insert into set_aside_updates (channel, stage, chat_id, external_id, raw, error, attempts, created_at)
    values (${entry.channel}, 'store', ${chatId}, ${externalId}, ${raw},
      ${maskNikShaped(cleanText(errorText(entry.error)))}, ${entry.attempts}, ${ctx.now().toISOString()}::timestamptz)
    on conflict (channel, stage, external_id) where external_id is not null do nothing
    returning id`;
  if (!row) return;
  countSetAside(ctx, { channel: entry.channel, stage: 'store', setAsideId: Number(row.id), attempts: entry.attempts, error: entry.error });
  if (chatId !== null) await apologise(ctx, entry.channel, chatId);
}

/**
 * In the language the chat was using, else Indonesian. The citizen did just write, so the chat's
 * last inbound time moves (WhatsApp Cloud allows a free-form reply only within 24 hours of it).
 * An apology that fails to be written is only logged.
 */
async function apologise(ctx: PipelineContext, channel: ChannelName, chatId: string): Promise<void> {
  try {
    const [owed] = await ctx.db.sql<{ id: string; identity_id: string }[]>`
      with identity as (
        insert into channel_identities (channel, chat_id, last_inbound_at) values (${channel}, ${chatId}, ${ctx.now().toISOString()}::timestamptz)
        on conflict (channel, chat_id) do update set
          last_inbound_at = greatest(channel_identities.last_inbound_at, excluded.last_inbound_at)
        returning id
      )
      insert into outbox (identity_id, channel, payload)
      select identity.id, ${channel}, jsonb_build_object('kind', 'text', 'chatId', ${chatId}::text, 'text',
        ${inChatLanguage(ctx.db.sql, ctx.db.sql`identity.id`, { id: copy.id.notes.setAside, en: copy.en.notes.setAside })})
      from identity
      returning id, identity_id`;
    await queueTurn(ctx, Number(owed.identity_id));
  } catch (error) {
    ctx.log.error({ channel, ...errorKind(error) }, 'apology for a set-aside update not written');
  }
}

/** First pause between a request's own attempts at storing an update; it doubles after each. */
const RETRY_PAUSE_MS = 100;

/**
 * Runs `store` for a webhook-shaped channel, whose platform would only redeliver what fails (or,
 * for whatsapp-web.js, never deliver it again). An outage is rethrown at once: the caller answers
 * 500 and the platform redelivers once the database is back. A refusal of the data is handed to
 * `setAsideAs` at once, since every redelivery would be refused the same way. Any other failure is
 * retried here, up to `ctx.setAsideAfter` attempts a few hundred milliseconds apart, and then set
 * aside too: an error nobody foresaw must not have the platform redeliver the update for ever.
 */
export async function storeOrSetAside<T>(
  ctx: PipelineContext,
  store: () => Promise<T>,
  setAsideAs: (error: unknown, attempts: number) => Promise<void>,
): Promise<T | 'set-aside'> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store();
    } catch (error) {
      if (await isOutage(ctx.db.sql, error)) throw error;
      if (classifyWriteError(error) === 'refused' || attempt >= ctx.setAsideAfter) {
        await setAsideAs(error, attempt);
        return 'set-aside';
      }
      ctx.log.warn({ attempt, ...errorKind(error) }, 'update not stored, trying again');
      await sleep(RETRY_PAUSE_MS * 2 ** (attempt - 1));
    }
  }
}

/** `ingest` for the webhook-shaped channels (Cloud API, web chat, whatsapp-web.js): the message is the raw update kept. */
export function ingestOrSetAside(ctx: PipelineContext, message: InboundMessage, options: IngestOptions = {}) {
  return storeOrSetAside(
    ctx,
    () => ingest(ctx, message, options),
    (error, attempts) =>
      setAside(ctx, { channel: message.channel, chatId: message.chatId, externalId: message.externalId, raw: message, error, attempts }),
  );
}

/** A set-aside update as the operators' list shows it: what and when, never the citizen's words or chat id. */
export interface SetAsideSummary {
  id: number;
  channel: string;
  stage: string;
  externalId: string | null;
  attempts: number;
  /** Length of the kept update, so an operator sees whether it is worth opening. */
  rawChars: number;
  createdAt: Date;
}

/** Set-aside updates newest first, a page at a time (keyset: pass `next` as `before`). */
export async function listSetAside(db: Db, page: { before?: number; limit?: number } = {}): Promise<{ updates: SetAsideSummary[]; next: number | null }> {
  const limit = page.limit ?? 50;
  const rows = await db
    .select({
      id: t.setAsideUpdates.id,
      channel: t.setAsideUpdates.channel,
      stage: t.setAsideUpdates.stage,
      externalId: t.setAsideUpdates.externalId,
      attempts: t.setAsideUpdates.attempts,
      rawChars: sql<number>`length(${t.setAsideUpdates.raw})::int`,
      createdAt: t.setAsideUpdates.createdAt,
    })
    .from(t.setAsideUpdates)
    .where(page.before === undefined ? undefined : lt(t.setAsideUpdates.id, page.before))
    .orderBy(desc(t.setAsideUpdates.id))
    .limit(limit + 1);
  const updates = rows.slice(0, limit);
  return { updates, next: rows.length > limit ? updates[updates.length - 1].id : null };
}

/** One set-aside update with what the list leaves out (the raw update, the error, the chat): opening it is audited by the caller. */
export async function setAsideDetail(db: Db, id: number) {
  const [row] = await db.select().from(t.setAsideUpdates).where(eq(t.setAsideUpdates.id, id));
  return row ?? null;
}
