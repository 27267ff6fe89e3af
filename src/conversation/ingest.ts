/**
 * The front door every channel uses: clean the inbound message of what Postgres or the console
 * cannot hold, mask any NIK-shaped number in it (src/pii/inbound.ts), store it (unique on channel + platform id, so a redelivered webhook is dropped
 * here), and wake the steppers (src/queues/stepper.ts): this process's at once, the others' with a
 * NOTIFY. Postgres hands out the conversation steps; Redis plays no part in a message's way in.
 * Once the row is stored the message is safe: a stepper that missed the wake-up finds it on its
 * next look, and the relay after that. Fair use (src/conversation/fair-use.ts) is applied in the
 * same statement: long texts cut, and a chat over its messages per minute stored without a step.
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

export async function ingest(ctx: PipelineContext, received: InboundMessage, options: IngestOptions = {}): Promise<{ duplicate: boolean }> {
  // Every string, ids included: a NUL in a chat id or a contact's phone is refused as surely as in a text.
  // Masked before it is cut, so a NIK across the cut is masked whole.
  const masked = maskInbound(cleanStrings(received), ctx.nikKeys);
  const { message, shortenedFrom } = capInbound(masked.message, ctx.fairUse.textMaxChars);
  const { typedNik } = masked;
  const callbackQueryId = cleanStrings(options.callbackQueryId);
  const { body, payload } = bodyAndPayload(message, typedNik);
  const sentAt = message.sentAt.toISOString();
  const ack = callbackQueryId ? JSON.stringify({ kind: 'callback-answer', chatId: message.chatId, callbackQueryId }) : null;
  // One statement (atomic on its own, one round trip): the identity, its conversation row, the
  // message, and the button's answer only if the message is new. JSON goes in as text cast to
  // jsonb: drizzle's postgres-js driver makes the client's json serializers pass-throughs.
  // Fair use: past the chat's messages per minute the message is stored as already processed
  // (`skipped = 'flood'`, no step, so no sealed NIK rides along), and the first such message of
  // the minute writes the slow-down notice.
  const now = ctx.now().toISOString();
  const limit = ctx.fairUse.inboundPerMinute;
  const storedPayload = ctx.db.sql`${payload === null ? null : JSON.stringify(payload)}::jsonb`;
  const slowDown = inChatLanguage(ctx.db.sql, ctx.db.sql`identity.id`, { id: copy.id.fairUse.slowDown, en: copy.en.fairUse.slowDown });
  const [stored] = await ctx.db.sql<{ id: string; identity_id: string; skipped: string | null; notices: boolean }[]>`
    with identity as (
      insert into channel_identities (channel, chat_id, phone, display_name, last_inbound_at, inbound_window_started_at, inbound_window_count)
      values (${message.channel}, ${message.chatId}, ${message.phone ?? null}, ${message.displayName ?? null}, ${sentAt}::timestamptz, ${now}::timestamptz, 1)
      on conflict (channel, chat_id) do update set
        last_inbound_at = greatest(channel_identities.last_inbound_at, excluded.last_inbound_at),
        display_name = coalesce(excluded.display_name, channel_identities.display_name),
        phone = coalesce(excluded.phone, channel_identities.phone),
        unreachable_at = null,
        unreachable_reason = null,
        ${countIntoWindow(ctx.db.sql, message, now)}
      returning id, inbound_window_count > ${limit} as flooded, inbound_window_count = ${limit} + 1 as slow_down
    ), conversation as (
      insert into conversations (identity_id, version) select id, ${ctx.machineVersion} from identity
      on conflict (identity_id) do nothing
    ), message as (
      insert into messages (identity_id, channel, external_id, kind, body, payload, sent_at, shortened_from, skipped, processed_at)
      select id, ${message.channel}, ${indexableId(message.externalId)}, ${message.content.kind}, ${body},
        case when flooded then nullif(${storedPayload} - 'nik', '{}'::jsonb) else ${storedPayload} end, ${sentAt}::timestamptz,
        ${shortenedFrom}, case when flooded then 'flood' end, case when flooded then now() end
      from identity
      on conflict (channel, external_id) do nothing
      returning id, identity_id, skipped
    ), ack as (
      insert into outbox (identity_id, channel, payload)
      select identity_id, ${message.channel}, ${ack}::jsonb from message where ${ack}::jsonb is not null
      returning id
    ), slow as (
      insert into outbox (identity_id, channel, payload)
      select identity.id, ${message.channel}, jsonb_build_object('kind', 'text', 'chatId', ${message.chatId}::text, 'text', ${slowDown})
      from identity join message on true where identity.slow_down
      returning id
    )
    select message.id, message.identity_id, message.skipped,
      exists (select 1 from ack) or exists (select 1 from slow) as notices
    from message`;
  if (!stored) {
    ctx.log.debug({ channel: message.channel }, 'duplicate inbound message dropped');
    return { duplicate: true };
  }
  const identityId = Number(stored.identity_id);
  // The button's answer (or the slow-down notice) first: it is owed before whatever the step writes.
  if (stored.notices) await queueTurn(ctx, identityId);
  if (stored.skipped) ctx.log.debug({ channel: message.channel, identityId, skipped: stored.skipped }, 'inbound message stored without a step');
  else ctx.wakeSteps.wake();
  return { duplicate: false };
}
