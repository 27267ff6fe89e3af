/**
 * The front door every channel uses: store the inbound message (unique on channel + platform id,
 * so a redelivered webhook is dropped here), then enqueue its conversation step. Once this
 * returns, the message is safe: if the enqueue is lost, the relay finds the unprocessed row.
 */
import type { InboundMessage } from '../channels/types.js';
import { INBOUND_QUEUE, inboundJobId, jobOptions, outboundJobId, outboundQueue, type InboundJob, type OutboundJob } from '../queues/jobs.js';
import type { PipelineContext } from './context.js';

export interface IngestOptions {
  /** Telegram: answer the pressed button so the client stops its spinner. */
  callbackQueryId?: string;
}

function bodyAndPayload(message: InboundMessage): { body: string | null; payload: Record<string, unknown> | null } {
  const c = message.content;
  switch (c.kind) {
    case 'text':
      return { body: c.text, payload: null };
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

export async function ingest(ctx: PipelineContext, message: InboundMessage, options: IngestOptions = {}): Promise<{ duplicate: boolean }> {
  const { body, payload } = bodyAndPayload(message);
  const sentAt = message.sentAt.toISOString();
  // JSON goes in as text cast to jsonb: drizzle's postgres-js driver turns the client's json
  // serializers into pass-throughs, so `sql.json(object)` would reach the wire as an object and throw.
  const stored = await ctx.db.sql.begin(async (sql) => {
    const rows = await sql<{ id: string; identity_id: string }[]>`
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
      )
      insert into messages (identity_id, channel, external_id, kind, body, payload, sent_at)
      select id, ${message.channel}, ${message.externalId}, ${message.content.kind}, ${body}, ${payload === null ? null : JSON.stringify(payload)}::jsonb, ${sentAt}::timestamptz
      from identity
      on conflict (channel, external_id) do nothing
      returning id, identity_id`;
    if (rows.length === 0) return null;
    const identityId = Number(rows[0].identity_id);
    let ackId: number | null = null;
    if (options.callbackQueryId) {
      const ack = { kind: 'callback-answer', chatId: message.chatId, callbackQueryId: options.callbackQueryId };
      const [row] = await sql<{ id: string }[]>`
        insert into outbox (identity_id, channel, payload) values (${identityId}, ${message.channel}, ${JSON.stringify(ack)}::jsonb)
        returning id`;
      ackId = Number(row.id);
    }
    return { messageId: Number(rows[0].id), identityId, ackId };
  });
  if (!stored) {
    ctx.log.debug({ channel: message.channel }, 'duplicate inbound message dropped');
    return { duplicate: true };
  }
  try {
    if (stored.ackId !== null) {
      await ctx.transport
        .queue<OutboundJob>(outboundQueue(message.channel))
        .add('send', { identityId: stored.identityId, outboxId: stored.ackId }, jobOptions(outboundJobId(stored.ackId)));
    }
    await ctx.transport
      .queue<InboundJob>(INBOUND_QUEUE)
      .add('message', { identityId: stored.identityId, messageId: stored.messageId }, jobOptions(inboundJobId(stored.messageId)));
  } catch (err) {
    // Stored is what matters; the relay enqueues what the queue did not take.
    ctx.log.warn({ err, messageId: stored.messageId }, 'enqueue failed; the relay will pick the message up');
  }
  return { duplicate: false };
}
