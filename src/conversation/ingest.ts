/**
 * The front door every channel uses: clean the inbound message of what Postgres or the console
 * cannot hold, mask any NIK-shaped number in it (src/pii/inbound.ts), store it (unique on channel + platform id, so a redelivered webhook is dropped
 * here), then enqueue its conversation step. Once the row is stored the message is safe: the
 * enqueue waits a bounded time at most, whatever Redis is doing, and what the queue did not take
 * the relay finds as an unprocessed row.
 */
import { cleanStrings } from '../channels/clean-text.js';
import type { InboundMessage } from '../channels/types.js';
import { maskInbound } from '../pii/inbound.js';
import { inboundJob, outboundJobs } from '../queues/jobs.js';
import type { TypedNik } from './contract.js';
import type { PipelineContext } from './context.js';

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
  const { message, typedNik } = maskInbound(cleanStrings(received), ctx.nikKeys);
  const callbackQueryId = cleanStrings(options.callbackQueryId);
  const { body, payload } = bodyAndPayload(message, typedNik);
  const sentAt = message.sentAt.toISOString();
  const ack = callbackQueryId ? JSON.stringify({ kind: 'callback-answer', chatId: message.chatId, callbackQueryId }) : null;
  // One statement (atomic on its own, one round trip): the identity, its conversation row, the
  // message, and the button's answer only if the message is new. JSON goes in as text cast to
  // jsonb: drizzle's postgres-js driver makes the client's json serializers pass-throughs.
  const [stored] = await ctx.db.sql<{ id: string; identity_id: string; ack_id: string | null }[]>`
    with identity as (
      insert into channel_identities (channel, chat_id, phone, display_name, last_inbound_at)
      values (${message.channel}, ${message.chatId}, ${message.phone ?? null}, ${message.displayName ?? null}, ${sentAt}::timestamptz)
      on conflict (channel, chat_id) do update set
        last_inbound_at = greatest(channel_identities.last_inbound_at, excluded.last_inbound_at),
        display_name = coalesce(excluded.display_name, channel_identities.display_name),
        phone = coalesce(excluded.phone, channel_identities.phone),
        unreachable_at = null,
        unreachable_reason = null
      returning id
    ), conversation as (
      insert into conversations (identity_id, version) select id, ${ctx.machineVersion} from identity
      on conflict (identity_id) do nothing
    ), message as (
      insert into messages (identity_id, channel, external_id, kind, body, payload, sent_at)
      select id, ${message.channel}, ${message.externalId}, ${message.content.kind}, ${body}, ${payload === null ? null : JSON.stringify(payload)}::jsonb, ${sentAt}::timestamptz
      from identity
      on conflict (channel, external_id) do nothing
      returning id, identity_id
    ), ack as (
      insert into outbox (identity_id, channel, payload)
      select identity_id, ${message.channel}, ${ack}::jsonb from message where ${ack}::jsonb is not null
      returning id
    )
    select message.id, message.identity_id, (select id from ack) as ack_id from message`;
  if (!stored) {
    ctx.log.debug({ channel: message.channel }, 'duplicate inbound message dropped');
    return { duplicate: true };
  }
  const identityId = Number(stored.identity_id);
  const answerButton = stored.ack_id === null ? [] : outboundJobs(identityId, [{ id: Number(stored.ack_id), channel: message.channel }]);
  await ctx.enqueue([...answerButton, inboundJob(identityId, Number(stored.id))]);
  return { duplicate: false };
}
