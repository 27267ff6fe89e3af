/**
 * Sends what the outbox owes a chat, oldest first, one row per transaction under a per-chat
 * advisory lock: replies arrive in the order they were written, a row is marked sent in the
 * same transaction that sent it, and two workers never send the same row. A failing row stops
 * the chat's queue (later rows wait behind it) and the job comes back after a backoff.
 */
import { sql } from 'drizzle-orm';
import type { ChannelName, ChannelSender, DeliveryStatus, OutboundMessage, SendResult } from '../channels/types.js';
import type { PipelineContext } from '../conversation/context.js';
import { RetryLater } from './jobs.js';

type Senders = ReadonlyMap<ChannelName, ChannelSender>;

/** Timestamps arrive as Postgres text: drizzle's postgres-js driver turns the client's date parsers into pass-throughs. */
interface PendingRow {
  id: string;
  channel: ChannelName;
  payload: OutboundMessage;
  unreachable_at: string | null;
  last_inbound_at: string | null;
}

/** Adapters classify platform failures; anything they did not foresee counts as retryable, and is recorded. */
async function sendSafely(sender: ChannelSender, message: OutboundMessage, lastInboundAt: Date | null): Promise<SendResult> {
  try {
    return await sender.send(message, { lastInboundAt });
  } catch (err) {
    return { ok: false, failure: 'retryable', reason: `unexpected: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Returns how many rows it finished (sent or failed for good), or 'busy' when another worker is
 * sending to this chat (come back shortly: it may have looked just before our row was written).
 * Throws `RetryLater` when the platform asks us to.
 */
export async function drainOutbox(ctx: PipelineContext, senders: Senders, identityId: number): Promise<number | 'busy'> {
  let finished = 0;
  for (;;) {
    const outcome = await ctx.db.sql.begin(async (tx) => {
      // Lock first, read after, in two statements: a read in the same statement as the lock would
      // use a snapshot taken before the lock, and could see a row the previous holder just sent.
      const [lock] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(2, ${identityId % 2_147_483_647}) as locked`;
      if (!lock.locked) return 'busy' as const;
      // The next two rows: a second one tells us to come round again.
      const rows = await tx<PendingRow[]>`
        select o.id, o.channel, o.payload, i.unreachable_at, i.last_inbound_at
        from outbox o join channel_identities i on i.id = o.identity_id
        where o.identity_id = ${identityId} and o.status = 'pending'
        order by o.id limit 2`;
      const row = rows[0];
      if (!row) return 'empty' as const;
      const finished = rows.length > 1 ? ('finished' as const) : ('last' as const);
      if (row.unreachable_at) {
        await tx`update outbox set status = 'failed', last_error = 'recipient unreachable' where id = ${row.id}`;
        return finished;
      }
      const sender = senders.get(row.channel);
      if (!sender) return new RetryLater(null, `no sender for channel ${row.channel} in this process`);
      const result = await sendSafely(sender, row.payload, row.last_inbound_at === null ? null : new Date(row.last_inbound_at));
      if (result.ok) {
        await tx`update outbox set status = 'sent', external_id = ${result.externalId}, sent_at = now(), attempts = attempts + 1 where id = ${row.id}`;
        return finished;
      }
      if (result.failure === 'permanent') {
        await tx`update outbox set status = 'failed', last_error = ${result.reason}, attempts = attempts + 1 where id = ${row.id}`;
        if (result.unreachable) {
          await tx`update channel_identities set unreachable_at = now(), unreachable_reason = ${result.reason} where id = ${identityId}`;
        }
        ctx.log.warn({ outboxId: row.id, identityId, reason: result.reason }, 'send failed permanently');
        return finished;
      }
      await tx`update outbox set attempts = attempts + 1, last_error = ${result.reason} where id = ${row.id}`;
      return new RetryLater(result.failure === 'rate-limited' ? result.retryAfterMs : null, result.reason);
    });
    if (outcome === 'empty') return finished;
    if (outcome === 'busy') return finished > 0 ? finished : 'busy';
    if (outcome instanceof RetryLater) throw outcome;
    finished++;
    if (outcome === 'last') return finished;
  }
}

/** Marks a chat unreachable when the platform tells us outside a send (Telegram `my_chat_member` kicked). */
export async function markUnreachable(ctx: PipelineContext, channel: ChannelName, chatId: string, reason: string) {
  await ctx.db.db.execute(
    sql`update channel_identities set unreachable_at = now(), unreachable_reason = ${reason} where channel = ${channel} and chat_id = ${chatId}`,
  );
}

/**
 * Records a delivery receipt on the outbox row it belongs to. Receipts arrive out of order (and
 * `read` without `delivered`), so a receipt only ever moves the state forward; `failed` wins.
 */
export async function recordDeliveryStatus(ctx: PipelineContext, status: DeliveryStatus): Promise<void> {
  const rank = { sent: 1, delivered: 2, read: 3, failed: 4 } as const;
  const error = status.error ? `${status.error.code}: ${status.error.title}` : null;
  await ctx.db.sql`
    update outbox set
      delivery_status = ${status.status},
      last_error = coalesce(${error}, last_error)
    where channel = ${status.channel} and external_id = ${status.externalId}
      and coalesce(case delivery_status when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'failed' then 4 end, 0) < ${rank[status.status]}`;
}
