/**
 * Sends what the outbox owes a chat, oldest first, sharing each channel's lane fairly between chats.
 *
 * Order within a chat: a worker claims the chat's oldest owed row (status `sending`); a partial
 * unique index allows one such row per chat, so replies leave in the order they were written and
 * two workers never send the same row. The claim and the result are two short statements, with the
 * platform call between them and no transaction held open. A failing row goes back to pending,
 * stops the chat's queue (later rows wait behind it) and the job comes back: after the platform's
 * retry-after, or after the channel's probe interval (src/queues/breaker.ts: an API failing for
 * everyone pauses the channel, so no row's wait grows with an outage). A claim carries the key of
 * the claiming process's session, and dies with that process (src/queues/claims.ts): the relay
 * releases it within seconds.
 *
 * Fairness between chats: a chat owing replies has one *turn* in its channel's lane, a job named
 * after the chat's oldest owed row (`out-<row id>`). A turn sends one reply, then queues the chat's
 * next turn at the back of the lane, so the lane serves chats round-robin: a chat owing 300 replies
 * delays another chat's reply by at most one send of its own (plus what is already in flight),
 * and the channel's pace (src/queues/pacer.ts) counts sends, not chats. Whoever writes rows, and whoever sends
 * the last of a turn, looks at the chat's oldest owed row after its own commit and queues that
 * turn: a turn already queued under the same id absorbs it (BullMQ ignores a known job id), and a
 * turn whose row is no longer the chat's oldest is stale and ends without sending.
 */
import DataLoader from 'dataloader';
import { sharedStatement } from './batches.js';
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { cleanStrings } from '../domain/clean-text.js';
import type { ChannelName, DeliveryStatus, OutboundMessage, SendResult } from '../domain/messages.js';
import type { ChannelSender } from '../channels/types.js';
import type { PipelineContext } from '../conversation/context.js';
import { idArray } from '../db/client.js';
import { errorKind } from '../db/errors.js';
import type { ChannelBreakers } from './breaker.js';
import type { ClaimSession } from './claims.js';
import { outboundJobs, RetryLater } from './jobs.js';
import type { SendPacer } from './pacer.js';
import type { Settler, Unsettled } from './settle.js';
import { indexableId } from '../domain/ids.js';

/** What a process sends with: its channels' senders, the session its claims die with, its channels' breakers. */
export interface Sending {
  senders: ReadonlyMap<ChannelName, ChannelSender>;
  session: ClaimSession;
  breakers: ChannelBreakers;
  /** Each channel's shared send pace (src/queues/pacer.ts): every send takes a slot just before it leaves. */
  pacer: SendPacer;
  /** Claims chats' oldest owed rows, many in a statement (`createClaimer`). */
  claims: DataLoader<ClaimAsk, ClaimedRow | undefined>;
  /** Records the sends the platform took, many in a statement (`createSendRecorder`). */
  sent: DataLoader<SentRow, Recorded>;
  /** Writes again, in the background, what became of a row when the first try failed (src/queues/settle.ts). */
  settler: Settler;
}

/**
 * Writes what became of a claimed row (`write`), at once; if that fails, in the background until it
 * is written (src/queues/settle.ts), after which the chat's next turn is queued (after `delayMs`).
 * Undefined when the write was left to the background.
 */
export async function settle<T>(ctx: PipelineContext, sending: Sending, row: Unsettled, write: () => Promise<T>, delayMs = 0): Promise<{ written: T } | undefined> {
  try {
    return { written: await write() };
  } catch (err) {
    ctx.log.warn({ ...errorKind(err), ...row }, 'could not write what became of a sent row; trying again in the background (its chat waits)');
    sending.settler.later(row, write, () => queueTurn(ctx, row.identityId, delayMs));
    return undefined;
  }
}

/** Timestamps arrive as Postgres text: drizzle's postgres-js driver turns the client's date parsers into pass-throughs. */
export interface ClaimedRow {
  id: string;
  channel: ChannelName;
  payload: OutboundMessage;
  unreachable_at: string | null;
  last_inbound_at: string | null;
  /** A broadcast's notice to a chat that has since opted out of broadcasts: not sent. */
  opted_out_notice: boolean;
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

interface Head {
  id: number;
  channel: ChannelName;
  sending: boolean;
}

/** The chat's oldest owed row (its head), read in a statement of its own: after the caller's commit. */
async function headOf(ctx: PipelineContext, identityId: number): Promise<Head | null> {
  const [row] = await ctx.db.sql<{ id: string; channel: ChannelName; status: string }[]>`
    select id, channel, status from outbox where identity_id = ${identityId} and status in ('pending', 'sending') order by id limit 1`;
  return row ? { id: Number(row.id), channel: row.channel, sending: row.status === 'sending' } : null;
}

/**
 * Queues the chat's turn in its channel's lane, for rows just committed (or a turn just taken):
 * the job is named after the chat's oldest owed row, so a turn already waiting absorbs it. Like
 * `ctx.enqueue` it never fails its caller: what it could not queue the relay finds.
 */
export async function queueTurn(ctx: PipelineContext, identityId: number, delayMs = 0): Promise<void> {
  let head: Head | null;
  try {
    head = await headOf(ctx, identityId);
  } catch (err) {
    ctx.log.warn({ ...errorKind(err), identityId }, 'could not look up the chat owed replies; the relay will queue them');
    return;
  }
  if (head) await ctx.enqueue(outboundJobs(identityId, [head], delayMs));
}

export interface TurnOptions {
  /** The lane's job: the row it was named after. Stale (ends without sending) once that row is not the chat's head. */
  turn?: number;
  /** The chat's head, written claimed by this process's session (a step's first reply): sent first, with no claim of its own. */
  claimed?: ClaimedRow & { claim: string };
  /** Most rows to send in this call (the lane: one; a step sending its own replies: those, and one owed before them). */
  max: number;
  /** Send no row after this one: a step sending its own replies leaves later rows to the lane. */
  upTo?: number;
}

/**
 * - `sent`: rows finished (sent, or failed for good); the chat's next turn is queued if it owes more.
 * - `busy`: another worker is sending to this chat right now (come back shortly).
 * - `stale`: the lane job's row is no longer the chat's oldest; another turn covers the chat.
 * Throws `RetryLater` when the row must wait (a retryable failure, the platform's retry-after).
 */
export type TurnOutcome = { sent: number } | 'busy' | 'stale';

export async function sendTurn(ctx: PipelineContext, sending: Sending, identityId: number, options: TurnOptions): Promise<TurnOutcome> {
  const db = ctx.db.sql;
  const { breakers } = sending;
  let sent = 0;
  for (;;) {
    const turn = sent === 0 ? (options.turn ?? null) : null;
    const upTo = options.upTo ?? null;
    const ahead = sent === 0 ? options.claimed : undefined;
    // The key as of the claim: the session takes a new one if its lock connection is lost.
    const key = ahead?.claim ?? sending.session.key;
    const claimed = ahead ?? (await sending.claims.load({ identityId, turn, upTo, claim: key }));
    if (!claimed) {
      if (sent > 0) break;
      // Nothing claimable: nothing owed, a row being sent by another worker (which queues the
      // chat's next turn once it is done), this turn's row no longer the chat's oldest (whoever
      // moved the head on queued the next turn; queued again here, in case that was a step
      // sending its own replies), or only rows past `upTo`.
      const head = await headOf(ctx, identityId);
      if (!head) return { sent: 0 };
      if (options.turn !== undefined && head.id !== options.turn) {
        await ctx.enqueue(outboundJobs(identityId, [head]));
        return 'stale';
      }
      if (head.sending) return 'busy';
      break;
    }
    const row = claimed;
    const unsettled = { identityId, rowId: Number(row.id) };

    const sender = sending.senders.get(row.channel);
    const lastInboundAt = row.last_inbound_at === null ? null : new Date(row.last_inbound_at);
    let result: SendResult | 'paused';
    try {
      result = row.unreachable_at
        ? { ok: false, failure: 'permanent', reason: 'recipient unreachable', unreachable: false }
        : row.opted_out_notice
          ? { ok: false, failure: 'permanent', reason: 'opted out of broadcasts', unreachable: false }
          : sender
            ? await breakers.send(row.channel, async () => {
                await sending.pacer.slot(row.channel);
                return sendSafely(sender, row.payload, lastInboundAt);
              })
            : { ok: false, failure: 'retryable', reason: `no sender for channel ${row.channel} in this process` };
    } catch (err) {
      // Nothing left (the send itself never throws): the pace's statement failed, say. The claim is
      // given back, not kept until this live process ends, which would hold the chat's replies.
      await settle(ctx, sending, unsettled, () => giveBack(ctx, unsettled.rowId, key));
      throw err;
    }

    // Each write below happens while the claim is ours, so a failure to write it would strand the
    // row under this live process: `settle` writes it again in the background until it is written.
    // A claim is given back only by its own session: a row the relay released meanwhile (this
    // session's lock connection was lost) may be another worker's by now.
    if (result === 'paused') {
      await settle(ctx, sending, unsettled, () => giveBack(ctx, unsettled.rowId, key));
      throw new RetryLater(breakers.settings.probeIntervalMs, `${row.channel} paused`);
    }
    if (!result.ok && result.failure !== 'permanent') {
      // The platform's retry-after exactly; anything else waits no longer than the channel's probe.
      const waitMs = result.failure === 'rate-limited' ? result.retryAfterMs : breakers.settings.probeIntervalMs;
      const { reason, failure } = result;
      ctx.metrics.outboundMessages.labels(row.channel, 'retry').inc();
      await settle(ctx, sending, unsettled, () => db`
        update outbox set status = 'pending', claimed_at = null, claimed_by = null, attempts = attempts + 1, last_error = ${reason},
          not_before = ${failure === 'rate-limited' ? db`now() + ${waitMs} * interval '1 millisecond'` : null}
        where id = ${row.id} and claimed_by = ${key}::bigint`, waitMs);
      throw new RetryLater(waitMs, result.reason);
    }
    // `sent_at` is on the domain clock, like every date retention counts from: when the platform
    // took the reply, or when it was given up (a failed row is finished too, and ages from then).
    const sentAt = ctx.now().toISOString();
    // A row for a chat known unreachable (or a notice to one that opted out) was never offered to the platform.
    ctx.metrics.outboundMessages.labels(row.channel, result.ok ? 'sent' : row.unreachable_at || row.opted_out_notice ? 'skipped' : 'failed').inc();
    // A send the platform took (nearly every one) is recorded in one statement with the others
    // finishing about now (`sending.sent`); a failure for good in one of its own. Not written now,
    // the turn ends here: the background's write queues the chat's next turn.
    const taken = result;
    const recorded = await settle(ctx, sending, unsettled, () =>
      taken.ok
        ? sending.sent.load({ id: unsettled.rowId, externalId: indexableId(taken.externalId), sentAt, claim: key })
        : recordFailure(ctx, { identityId, rowId: unsettled.rowId, claim: key, sentAt }, taken),
    );
    if (!recorded) return { sent };
    const after = recorded.written;
    if (!after) {
      ctx.log.warn({ outboxId: row.id, identityId }, 'claim lost during the send (the claim session reconnected); another worker sends the row again');
      return { sent };
    }
    if (!result.ok) {
      ctx.log.warn({ outboxId: row.id, identityId, reason: result.reason }, 'send failed permanently');
    }
    sent++;
    const next = after.next === null ? null : Number(after.next);
    if (next === null) {
      // A lane turn looks again after its commit: a step may have written rows just now and, seeing
      // this row still in flight, left the chat's next turn to us. (A step sending its own replies
      // needs no second look: such a writer queues a turn named after this row, which finds it sent,
      // is stale, and queues the chat's next turn itself.)
      if (options.turn !== undefined) await queueTurn(ctx, identityId);
      return { sent };
    }
    if (sent >= options.max || (upTo !== null && next > upTo)) break;
  }
  // The chat's next turn, at the back of the lane.
  await queueTurn(ctx, identityId);
  return { sent };
}

/** Gives a claimed row back (pending, unclaimed), if the claim is still `claim`'s: a row the relay released meanwhile may be another worker's by now. */
export async function giveBack(ctx: PipelineContext, rowId: number, claim: string): Promise<void> {
  await ctx.db.sql`update outbox set status = 'pending', claimed_at = null, claimed_by = null where id = ${rowId} and claimed_by = ${claim}::bigint`;
}

/** What a claim asks for: the chat's oldest owed row, if it is `turn` (when given) and no later than `upTo`. */
export interface ClaimAsk {
  identityId: number;
  turn: number | null;
  upTo: number | null;
  claim: string;
}

/**
 * Claims the chats' oldest owed rows, every claim asked within the same tick in one statement
 * (the replies of a batch of steps leave side by side). A chat's oldest owed row is claimed only
 * if it is pending: while it is being sent (or failed and waits for a retry) nothing behind it
 * moves, which keeps the order. The row's own `status = 'pending'` is checked on its latest
 * version, so a row another worker claimed after the statement's snapshot was taken is skipped,
 * never claimed twice. Undefined: nothing claimable.
 */
export function createClaimer(db: postgres.Sql): DataLoader<ClaimAsk, ClaimedRow | undefined> {
  return new DataLoader<ClaimAsk, ClaimedRow | undefined>(async (asks) => {
    // A chat asked for twice (a lane's turn and a step's replies) is asked again in a round of its
    // own, after the first: one statement must not claim one chat's head for two askers.
    const claimed = new Map<ClaimAsk, ClaimedRow>();
    for (let round = [...asks]; round.length > 0; ) {
      const chats = new Set<number>();
      const thisRound = round.filter((ask) => !chats.has(ask.identityId) && chats.add(ask.identityId));
      round = round.filter((ask) => !thisRound.includes(ask));
      try {
        const rows = await claimRows(db, thisRound);
        for (const ask of thisRound) {
          const row = rows.find((r) => Number(r.identity_id) === ask.identityId);
          if (row) claimed.set(ask, row);
        }
      } catch (err) {
        // Two rows of one chat being sent at once would break the one-per-chat index: one chat's
        // claim lost a race. Each is claimed alone, so only that one comes back empty.
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
        for (const ask of thisRound) {
          const [row] = await claimRows(db, [ask]).catch((again: unknown) => {
            if ((again as { code?: string }).code !== UNIQUE_VIOLATION) throw again;
            return [];
          });
          if (row) claimed.set(ask, row);
        }
      }
    }
    return asks.map((ask) => claimed.get(ask));
  }, sharedStatement());
}

function claimRows(db: postgres.Sql, asks: ClaimAsk[]): Promise<(ClaimedRow & { identity_id: string })[]> {
  const input = JSON.stringify(asks.map((ask) => ({ identity_id: ask.identityId, turn: ask.turn, up_to: ask.upTo, claim: ask.claim })));
  return db<(ClaimedRow & { identity_id: string })[]>`
    update outbox o set status = 'sending', claimed_at = now(), claimed_by = r.claim
    from jsonb_to_recordset(${input}::text::jsonb) as r(identity_id bigint, turn bigint, up_to bigint, claim bigint)
    where o.id = (
        select id from outbox where identity_id = r.identity_id and status in ('pending', 'sending') order by id limit 1)
      and o.status = 'pending'
      and (r.turn is null or o.id = r.turn)
      and (r.up_to is null or o.id <= r.up_to)
    returning o.identity_id, o.id, o.channel, o.payload,
      (select unreachable_at from channel_identities where id = o.identity_id) as unreachable_at,
      (select last_inbound_at from channel_identities where id = o.identity_id) as last_inbound_at,
      o.broadcast_id is not null and (select broadcast_opt_out_at is not null from channel_identities where id = o.identity_id) as opted_out_notice`;
}

/** A send the platform took: its row, the platform's id for it, when, and the claim it was sent under. */
export interface SentRow {
  id: number;
  externalId: string;
  sentAt: string;
  claim: string;
}

/** After a row is recorded: the chat's next owed row, if any; null when the claim was lost meanwhile. */
type Recorded = { next: string | null } | null;

/**
 * Records sends the platform took, every one that finishes within the same tick in one statement
 * (DataLoader's batching, without its cache): each row marked sent, and the chat's next owed row
 * read for its caller. The result is written while the claim is ours, or after the relay released
 * it and before anyone claimed it again (the platform's answer still stands). One row per chat at
 * most is being sent at a time, so no two rows of a statement are one chat's.
 */
export function createSendRecorder(db: postgres.Sql): DataLoader<SentRow, Recorded> {
  return new DataLoader<SentRow, Recorded>(async (rows) => {
    try {
      return await recordSent(db, rows);
    } catch (err) {
      if (rows.length === 1) throw err;
      // One bad row must not leave its batch-mates' sends unrecorded: each is tried alone.
      return Promise.all(rows.map((row) => recordSent(db, [row]).then(([one]) => one, (alone: unknown) => (alone instanceof Error ? alone : new Error(String(alone))))));
    }
  }, sharedStatement());
}

/**
 * The ids' array sits in a sub-select, hidden from the planner: shown its length, Postgres planned
 * the statement anew on every call instead of keeping the generic plan (see the README's bench notes).
 */
async function recordSent(db: postgres.Sql, rows: readonly SentRow[]): Promise<Recorded[]> {
  const recorded = await db<{ id: string; next: string | null }[]>`
    update outbox o set status = 'sent', claimed_at = null, claimed_by = null, external_id = r.external_id,
      sent_at = r.sent_at, last_error = null, attempts = o.attempts + 1
    from jsonb_to_recordset(${JSON.stringify(rows.map((row) => ({ id: row.id, external_id: row.externalId, sent_at: row.sentAt, claim: row.claim })))}::text::jsonb)
      as r(id bigint, external_id text, sent_at timestamptz, claim bigint)
    where o.id = r.id and o.id = any((select ${idArray(rows.map((row) => row.id))}::bigint[])::bigint[]) and (o.claimed_by = r.claim or o.status = 'pending')
    returning o.id, (select min(n.id) from outbox n where n.identity_id = o.identity_id and n.status = 'pending' and n.id <> o.id) as next`;
  const byId = new Map(recorded.map((row) => [Number(row.id), { next: row.next }]));
  return rows.map((row) => byId.get(row.id) ?? null);
}

/**
 * A send failed for good: the row, the chat's unreachable mark (a blocked bot) and its broadcasts
 * stopped, in one statement, so nobody sees the row failed while the chat still looks reachable. A
 * chat the platform says we cannot reach, or whose citizen stopped business messages there, gets
 * no more broadcasts (until the citizen subscribes again or says *mulai*). Written while the claim
 * is ours, or after the relay released it and before anyone claimed it again.
 */
async function recordFailure(
  ctx: PipelineContext,
  row: { identityId: number; rowId: number; claim: string; sentAt: string },
  result: Extract<SendResult, { failure: 'permanent' }>,
): Promise<Recorded> {
  const unreachableReason = result.unreachable ? result.reason : null;
  const optOutReason = result.unreachable || result.optedOut ? result.reason : null;
  const [after] = await ctx.db.sql<{ next: string | null }[]>`
    with unreachable as (
      update channel_identities set
        unreachable_at = case when ${unreachableReason}::text is null then unreachable_at else now() end,
        unreachable_reason = coalesce(${unreachableReason}::text, unreachable_reason),
        broadcast_opt_out_at = coalesce(broadcast_opt_out_at, now()),
        broadcast_opt_out_reason = coalesce(broadcast_opt_out_reason, ${optOutReason}::text)
      where id = ${row.identityId} and ${optOutReason}::text is not null
    )
    update outbox set status = 'failed', claimed_at = null, claimed_by = null, external_id = null,
      sent_at = ${row.sentAt}::timestamptz, last_error = ${result.reason}, attempts = attempts + 1
    where id = ${row.rowId} and (claimed_by = ${row.claim}::bigint or status = 'pending')
    returning (select min(id) from outbox where identity_id = ${row.identityId} and status = 'pending' and id <> ${row.rowId}) as next`;
  return after ?? null;
}

/**
 * The probe of a paused channel (src/queues/breaker.ts): an owed reply that is its chat's head and
 * not waiting out a 429's retry-after, sent as a turn of its own. Heads take turns: the one tried
 * least first, the oldest of those, so one reply the platform fails on for reasons of its own
 * (every time) cannot keep the channel paused for everyone: the next probe is another chat's.
 * Nothing owed (or that chat busy): no probe this time. Read from the owed rows' partial index,
 * so an outage's backlog, not the outbox's history, is scanned.
 */
export async function probeChannel(ctx: PipelineContext, sending: Sending, channel: ChannelName): Promise<void> {
  const [head] = await ctx.db.sql<{ identity_id: string }[]>`
    select o.identity_id from (
      select identity_id, min(id) as id from outbox where status in ('pending', 'sending') group by identity_id
    ) h join outbox o on o.id = h.id
    where o.channel = ${channel} and o.status = 'pending' and (o.not_before is null or o.not_before <= now())
    order by o.attempts, o.id limit 1`;
  if (!head) return;
  try {
    await sendTurn(ctx, sending, Number(head.identity_id), { max: 1 });
  } catch (err) {
    // A failed probe is the breaker's business (it stays open); the row waits for the lane.
    if (!(err instanceof RetryLater)) throw err;
  }
}

/** Marks a chat unreachable when the platform tells us outside a send (Telegram `my_chat_member` kicked). */
export async function markUnreachable(ctx: PipelineContext, channel: ChannelName, chatId: string, reason: string) {
  await ctx.db.db.execute(
    sql`update channel_identities set unreachable_at = now(), unreachable_reason = ${reason},
          broadcast_opt_out_at = coalesce(broadcast_opt_out_at, now()), broadcast_opt_out_reason = coalesce(broadcast_opt_out_reason, ${reason})
        where channel = ${channel} and chat_id = ${chatId}`,
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
  if (status.optedOut) {
    await ctx.db.sql`
      update channel_identities set broadcast_opt_out_at = coalesce(broadcast_opt_out_at, now()), broadcast_opt_out_reason = coalesce(broadcast_opt_out_reason, ${error})
      where id = (select identity_id from outbox where channel = ${status.channel} and external_id = ${indexableId(status.externalId)} limit 1)`;
  }
  await ctx.db.sql`
    update outbox set
      delivery_status = ${status.status},
      last_error = coalesce(${error}, last_error)
    where channel = ${status.channel} and external_id = ${indexableId(status.externalId)}
      and coalesce(case delivery_status when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'failed' then 4 end, 0) < ${rank[status.status]}`;
}
