/**
 * The front door every channel uses: clean the inbound message of what Postgres or the console
 * cannot hold, mask any NIK-shaped number in it (src/pii/inbound.ts), store it (unique on channel + platform id, so a redelivered webhook is dropped
 * here), and wake the steppers (src/queues/stepper.ts): this process's at once; a process without
 * one wakes the workers' with a NOTIFY in the same statement. Postgres hands out the conversation
 * steps; Redis plays no part in a message's way in.
 * Once the row is stored the message is safe: a stepper that missed the wake-up finds it on its
 * next look, and the relay after that. Fair use (src/conversation/fair-use.ts) is applied in the
 * same statement: long texts cut, and a chat over its messages per minute stored without a step.
 *
 * Group commit: the messages of webhook requests that arrive while an earlier batch is being stored
 * share the next statement (`storing`), and each request is answered once its own row is durable.
 * A statement holds one message per chat (Postgres cannot upsert the same identity twice in one
 * statement, and a chat's messages stay in their order); a chat's second message goes in the next.
 * A batch that fails is tried again row by row, so one message Postgres refuses fails alone.
 */
import { cleanStrings } from '../domain/clean-text.js';
import type { InboundMessage } from '../domain/messages.js';
import { copy } from '../../flows/copy/index.js';
import { maskInbound } from '../pii/inbound.js';
import { queueTurn } from '../queues/outbound.js';
import type { TypedNik } from './contract.js';
import type { PipelineContext } from './context.js';
import { capInbound, countIntoWindow, inChatLanguage } from './fair-use.js';
import { indexableId } from '../domain/ids.js';
import type DataLoader from 'dataloader';
import type { ChannelName } from '../domain/messages.js';
import { groupCommit } from '../queues/batches.js';
import { STEPS_WAITING } from '../queues/jobs.js';

export interface IngestOptions {
  /** Telegram: answer the pressed button so the client stops its spinner. */
  callbackQueryId?: string;
}

/** `typedNik` rides in the payload only until the message's conversation step: the runtime drops it there. */
function bodyAndPayload(message: InboundMessage, typedNik: TypedNik | null): { body: string | null; payload: Record<string, unknown> | null } {
  const c = message.content;
  switch (c.kind) {
    case 'text':
      return { body: c.text, payload: typedNik ? { nik: typedNik } : null };
    case 'photo':
      return { body: c.caption ?? null, payload: { mediaRef: c.mediaRef } };
    case 'location':
      return { body: c.address ?? null, payload: { latitude: c.latitude, longitude: c.longitude } };
    case 'contact':
      return { body: c.name ?? null, payload: { phone: c.phone } };
    case 'unsupported':
      return { body: null, payload: { what: c.what } };
  }
}

/** One message, ready to store: everything the statement needs, cleaned, masked and cut. */
interface IngestRow {
  channel: ChannelName;
  chat_id: string;
  phone: string | null;
  display_name: string | null;
  sent_at: string;
  external_id: string;
  kind: string;
  body: string | null;
  payload: Record<string, unknown> | null;
  shortened_from: number | null;
  /** The pressed button's answer, owed before anything the step writes. */
  ack: Record<string, unknown> | null;
}

interface Stored {
  id: string;
  identity_id: string;
  skipped: string | null;
  notices: boolean;
}

export async function ingest(ctx: PipelineContext, received: InboundMessage, options: IngestOptions = {}): Promise<{ duplicate: boolean }> {
  // Every string, ids included: a NUL in a chat id or a contact's phone is refused as surely as in a text.
  // Masked before it is cut, so a NIK across the cut is masked whole.
  const masked = maskInbound(cleanStrings(received), ctx.nikKeys);
  const { message, shortenedFrom } = capInbound(masked.message, ctx.fairUse.textMaxChars);
  const { typedNik } = masked;
  const callbackQueryId = cleanStrings(options.callbackQueryId);
  const { body, payload } = bodyAndPayload(message, typedNik);
  const stored = await storing(ctx).load({
    channel: message.channel,
    chat_id: message.chatId,
    phone: message.phone ?? null,
    display_name: message.displayName ?? null,
    sent_at: message.sentAt.toISOString(),
    external_id: indexableId(message.externalId),
    kind: message.content.kind,
    body,
    payload,
    shortened_from: shortenedFrom,
    ack: callbackQueryId ? { kind: 'callback-answer', chatId: message.chatId, callbackQueryId } : null,
  });
  if (!stored) {
    ctx.metrics.inboundMessages.labels(message.channel, 'redelivered').inc();
    ctx.log.debug({ channel: message.channel }, 'duplicate inbound message dropped');
    return { duplicate: true };
  }
  ctx.metrics.inboundMessages.labels(message.channel, 'stored').inc();
  const identityId = Number(stored.identity_id);
  // The button's answer (or the slow-down notice) first: it is owed before whatever the step writes.
  if (stored.notices) await queueTurn(ctx, identityId);
  if (stored.skipped) ctx.log.debug({ channel: message.channel, identityId, skipped: stored.skipped }, 'inbound message stored without a step');
  else ctx.wakeSteps.wake();
  return { duplicate: false };
}

const loaders = new WeakMap<PipelineContext, DataLoader<IngestRow, Stored | null>>();

/** This context's group commit: one statement per round of messages from distinct chats. */
function storing(ctx: PipelineContext): DataLoader<IngestRow, Stored | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = groupCommit<IngestRow, Stored | null>((rows) => storeInRounds(ctx, rows), INGEST_IN_FLIGHT);
    loaders.set(ctx, loader);
  }
  return loader;
}

/** Statements storing messages at once in a process; requests arriving meanwhile gather for the next. */
const INGEST_IN_FLIGHT = 2;

async function storeInRounds(ctx: PipelineContext, rows: readonly IngestRow[]): Promise<(Stored | Error | null)[]> {
  const results: (Stored | Error | null)[] = new Array(rows.length).fill(null);
  // Round k holds each chat's k-th message of the batch.
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const chat = `${row.channel}\u0000${row.chat_id}`;
    const k = seen.get(chat) ?? 0;
    seen.set(chat, k + 1);
    (rounds[k] ??= []).push(i);
  });
  for (const round of rounds) {
    const batch = round.map((i) => rows[i]);
    try {
      const stored = await storeMessages(ctx, batch);
      round.forEach((i) => (results[i] = stored.get(keyOf(rows[i])) ?? null));
    } catch (error) {
      if (round.length === 1) {
        results[round[0]] = error instanceof Error ? error : new Error(String(error));
        continue;
      }
      // One message Postgres refuses must not refuse its batch-mates: each is tried alone.
      await Promise.all(
        round.map((i) =>
          storeMessages(ctx, [rows[i]]).then(
            (stored) => void (results[i] = stored.get(keyOf(rows[i])) ?? null),
            (alone: unknown) => void (results[i] = alone instanceof Error ? alone : new Error(String(alone))),
          ),
        ),
      );
    }
  }
  return results;
}

/** A message by its chat and its platform id: a message of another chat with the same id, dropped in the same statement, is not this one. */
const keyOf = (row: { channel: string; chat_id: string; external_id: string }) => `${row.channel}\u0000${row.chat_id}\u0000${row.external_id}`;

/**
 * One statement (atomic on its own, one round trip) for messages of distinct chats: each one's
 * identity, its conversation row, the message, and the button's answer only if the message is new.
 * JSON goes in as text cast to jsonb: drizzle's postgres-js driver makes the client's json
 * serializers pass-throughs. Fair use: past the chat's messages per minute the message is stored as
 * already processed (`skipped = 'flood'`, no step, so no sealed NIK rides along), and the first such
 * message of the minute writes the slow-down notice. A redelivered message (its id already stored)
 * does not count into the window.
 */
async function storeMessages(ctx: PipelineContext, rows: readonly IngestRow[]): Promise<Map<string, Stored>> {
  const sql = ctx.db.sql;
  const now = ctx.now().toISOString();
  const limit = ctx.fairUse.inboundPerMinute;
  const slowDown = inChatLanguage(sql, sql`i.id`, { id: copy.id.fairUse.slowDown, en: copy.en.fairUse.slowDown });
  // A process with a stepper of its own steps what it stored (woken directly); another process's
  // stepper finds a message left behind on its own look. A process without one (the web role)
  // wakes the workers' steppers: once per statement (an InitPlan), when a stored message awaits a
  // step. Notifying transactions' commits are serialised, so no process notifies it does not need to.
  const notify = ctx.wakeSteps.listening
    ? sql`false as woke`
    : sql`(select pg_notify(${STEPS_WAITING}, '') where exists (select 1 from message w where w.skipped is null)) is not null as woke`;
  // A redelivery is looked up in `input`, once per row, through (channel, external_id)'s index (the
  // `limit` keeps the lateral look-up from being flattened into a join). Asked inside the upsert,
  // the planner joined `messages` whole to the input, which it takes for 100 rows, and read the
  // table once for each chat of the batch.
  const stored = await sql<(Stored & { channel: string; chat_id: string; external_id: string })[]>`
    with input as (
      select r.*, stored.hit is not null as redelivered
      from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(
        channel text, chat_id text, phone text, display_name text, sent_at timestamptz, external_id text,
        kind text, body text, payload jsonb, shortened_from int, ack jsonb)
      left join lateral (select true as hit from messages m where m.channel = r.channel and m.external_id = r.external_id limit 1) stored on true
    ), identity as (
      insert into channel_identities (channel, chat_id, phone, display_name, last_inbound_at, inbound_window_started_at, inbound_window_count)
      select channel, chat_id, phone, display_name, sent_at, ${now}::timestamptz, 1 from input
      on conflict (channel, chat_id) do update set
        last_inbound_at = greatest(channel_identities.last_inbound_at, excluded.last_inbound_at),
        display_name = coalesce(excluded.display_name, channel_identities.display_name),
        phone = coalesce(excluded.phone, channel_identities.phone),
        unreachable_at = null,
        unreachable_reason = null,
        ${countIntoWindow(sql, now)}
      returning id, channel, chat_id, inbound_window_count > ${limit} as flooded, inbound_window_count = ${limit} + 1 as slow_down
    ), conversation as (
      insert into conversations (identity_id, version) select id, ${ctx.machineVersion} from identity
      on conflict (identity_id) do nothing
    ), message as (
      insert into messages (identity_id, channel, external_id, kind, body, payload, sent_at, shortened_from, skipped, processed_at)
      select i.id, r.channel, r.external_id, r.kind, r.body,
        case when i.flooded then nullif(r.payload - 'nik', '{}'::jsonb) else r.payload end, r.sent_at,
        r.shortened_from, case when i.flooded then 'flood' end, case when i.flooded then now() end
      from input r join identity i on i.channel = r.channel and i.chat_id = r.chat_id
      on conflict (channel, external_id) do nothing
      returning id, identity_id, channel, external_id, skipped
    ), ack as (
      insert into outbox (identity_id, channel, payload)
      select m.identity_id, m.channel, r.ack from message m
        join identity i on i.id = m.identity_id
        join input r on r.channel = m.channel and r.chat_id = i.chat_id and r.external_id = m.external_id
      where r.ack is not null
      returning identity_id
    ), slow as (
      insert into outbox (identity_id, channel, payload)
      select i.id, i.channel, jsonb_build_object('kind', 'text', 'chatId', i.chat_id, 'text', ${slowDown})
      from identity i join message m on m.identity_id = i.id where i.slow_down
      returning identity_id
    )
    select m.id, m.identity_id, m.channel, i.chat_id, m.external_id, m.skipped,
      exists (select 1 from ack a where a.identity_id = m.identity_id) or exists (select 1 from slow s where s.identity_id = m.identity_id) as notices,
      ${notify}
    from message m join identity i on i.id = m.identity_id`;
  return new Map(stored.map((row) => [keyOf(row), row]));
}
