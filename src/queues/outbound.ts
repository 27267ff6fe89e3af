/**
 * Sends what the outbox owes a chat, oldest first. A worker claims the chat's oldest pending row
 * (status `sending`); a partial unique index allows one such row per chat, so replies leave in
 * the order they were written and two workers never send the same row. The claim and the result
 * are two short statements, with the platform call between them and no transaction held open.
 * A failing row goes back to pending, stops the chat's queue (later rows wait behind it) and the
 * job comes back after a backoff. A claim left by a crashed worker is released by the relay.
 */
import { sql } from 'drizzle-orm';
import { cleanStrings } from '../channels/clean-text.js';
import type { ChannelName, ChannelSender, DeliveryStatus, OutboundMessage, SendResult } from '../channels/types.js';
import type { PipelineContext } from '../conversation/context.js';
import { RetryLater } from './jobs.js';

type Senders = ReadonlyMap<ChannelName, ChannelSender>;

/** Timestamps arrive as Postgres text: drizzle's postgres-js driver turns the client's date parsers into pass-throughs. */
interface ClaimedRow {
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

const UNIQUE_VIOLATION = '23505';

/**
 * Returns how many rows it finished (sent or failed for good), or 'busy' when another worker is
 * sending to this chat (come back shortly: it may have looked just before our row was written).
 * Throws `RetryLater` when the row must wait (a retryable failure, the platform's retry-after).
 */
export async function drainOutbox(ctx: PipelineContext, senders: Senders, identityId: number): Promise<number | 'busy'> {
  const db = ctx.db.sql;
  let finished = 0;
  for (;;) {
    let claimed: ClaimedRow | undefined;
    try {
      // The chat's oldest owed row is claimed only if it is pending: while it is being sent (or
      // failed and waits for a retry) nothing behind it moves, which keeps the order. The row's
      // own `status = 'pending'` is checked on its latest version, so a row another worker claimed
      // after our snapshot was taken is skipped, never claimed twice.
      [claimed] = await db<ClaimedRow[]>`
        update outbox o set status = 'sending', claimed_at = now()
        where o.id = (
            select id from outbox where identity_id = ${identityId} and status in ('pending', 'sending') order by id limit 1)
          and o.status = 'pending'
        returning o.id, o.channel, o.payload,
          (select unreachable_at from channel_identities where id = ${identityId}) as unreachable_at,
          (select last_inbound_at from channel_identities where id = ${identityId}) as last_inbound_at`;
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return finished > 0 ? finished : 'busy';
      throw err;
    }
    if (!claimed) {
      // Nothing claimable: either nothing is owed, or another worker is on this chat right now
      // (it may have looked for more before our row was written, so we must come back).
      const [owed] = await db<{ owed: boolean }[]>`
        select exists (select 1 from outbox where identity_id = ${identityId} and status in ('pending', 'sending')) as owed`;
      return owed.owed ? 'busy' : finished;
    }
    const row = claimed;

    const sender = senders.get(row.channel);
    const result: SendResult = row.unreachable_at
      ? { ok: false, failure: 'permanent', reason: 'recipient unreachable', unreachable: false }
      : sender
        ? await sendSafely(sender, row.payload, row.last_inbound_at === null ? null : new Date(row.last_inbound_at))
        : { ok: false, failure: 'retryable', reason: `no sender for channel ${row.channel} in this process` };

    if (!result.ok && result.failure !== 'permanent') {
      await db`update outbox set status = 'pending', claimed_at = null, attempts = attempts + 1, last_error = ${result.reason} where id = ${row.id}`;
      throw new RetryLater(result.failure === 'rate-limited' ? result.retryAfterMs : null, result.reason);
    }
    // The result, the chat's unreachable mark (a blocked bot), and whether more is owed to this
    // chat, in one statement: nobody sees the row failed while the chat still looks reachable.
    // `sent_at` is on the domain clock, like every date retention counts from: when the platform
    // took the reply, or when it was given up (a failed row is finished too, and ages from then).
    const unreachableReason = !result.ok && result.unreachable ? result.reason : null;
    const [after] = await db<{ more: boolean }[]>`
      with unreachable as (
        update channel_identities set unreachable_at = now(), unreachable_reason = ${unreachableReason}
        where id = ${identityId} and ${unreachableReason}::text is not null
      )
      update outbox set
        status = ${result.ok ? 'sent' : 'failed'},
        claimed_at = null,
        external_id = ${result.ok ? result.externalId : null},
        sent_at = ${ctx.now().toISOString()}::timestamptz,
        last_error = ${result.ok ? null : result.reason},
        attempts = attempts + 1
      where id = ${row.id}
      returning exists (select 1 from outbox where identity_id = ${identityId} and status = 'pending') as more`;
    if (!result.ok) {
      ctx.log.warn({ outboxId: row.id, identityId, reason: result.reason }, 'send failed permanently');
    }
    finished++;
    if (!after.more) return finished;
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
export async function recordDeliveryStatus(ctx: PipelineContext, received: DeliveryStatus): Promise<void> {
  // Meta's error titles reach a text column too; one NUL there would fail the webhook on every redelivery.
  const status = cleanStrings(received);
  const rank = { sent: 1, delivered: 2, read: 3, failed: 4 } as const;
  const error = status.error ? `${status.error.code}: ${status.error.title}` : null;
  await ctx.db.sql`
    update outbox set
      delivery_status = ${status.status},
      last_error = coalesce(${error}, last_error)
    where channel = ${status.channel} and external_id = ${status.externalId}
      and coalesce(case delivery_status when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'failed' then 4 end, 0) < ${rank[status.status]}`;
}
