/**
 * Sending webhook deliveries. A case's events reach an endpoint in order: under a transaction
 * advisory lock on the (endpoint, case) pair, only the oldest pending delivery of the pair is
 * sent; a later one waits until it is delivered or given up. The lock dies with the process that
 * holds it, so a crash mid-send leaves the delivery pending, to be sent again (receivers
 * de-duplicate on `X-Kanal-Delivery`).
 *
 * 2xx = delivered. 410 Gone = the receiver says this endpoint no longer exists: the endpoint is
 * switched off (its pending deliveries wait, and go out if it is switched on again). Anything
 * else — another status, a refused connection, a timeout — is retried with exponential backoff
 * until the retry window closes; then the delivery is `failed` and the next one of the case goes.
 */
import { DelayedError } from 'bullmq';
import { and, asc, eq, sql } from 'drizzle-orm';
import { backoffDelay } from '../../backoff.js';
import type { PipelineContext } from '../../conversation/context.js';
import * as t from '../../db/schema.js';
import { RELAY_BATCH, stalledBefore, type OwedWork, type RelayRound } from '../../queues/relay.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { enqueueWebhookDeliveries, WEBHOOK_QUEUE, type WebhookJob } from './queue.js';

export interface WebhookSettings {
  retryBaseMs: number;
  retryMaxMs: number;
  retryForMs: number;
  timeoutMs: number;
}

/** A job whose pair another worker is sending comes back after this long. */
const BUSY_DELAY_MS = 200;

type PairOutcome = 'done' | 'busy' | { retryInMs: number };
type AttemptResult = { statusCode: number | null; durationMs: number; error: string | null };

async function post(url: string, secret: string, deliveryId: number, eventType: string, body: string, at: Date, timeoutMs: number): Promise<AttemptResult> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'kanal-aduan-webhooks',
        [SIGNATURE_HEADER]: signatureHeader(secret, body, at),
        [EVENT_HEADER]: eventType,
        [DELIVERY_HEADER]: String(deliveryId),
      },
      body,
    });
    const text = await res.text();
    const durationMs = Math.round(performance.now() - started);
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, durationMs, error: ok ? null : `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause ?? (err as Error).message);
    return { statusCode: null, durationMs: Math.round(performance.now() - started), error: reason };
  }
}

/** Sends the pair's pending deliveries oldest first until one has to wait. */
export async function drivePair(ctx: PipelineContext, settings: WebhookSettings, endpointId: number, caseId: number): Promise<PairOutcome> {
  for (;;) {
    const outcome = await ctx.db.db.transaction(async (tx): Promise<PairOutcome | 'next'> => {
      const [{ locked }] = (await tx.execute(
        sql`select pg_try_advisory_xact_lock(hashtextextended(${`webhook:${endpointId}:${caseId}`}, 0)) as locked`,
      )) as unknown as { locked: boolean }[];
      if (!locked) return 'busy';
      const [found] = await tx
        .select({ delivery: t.webhookDeliveries, endpoint: t.webhookEndpoints })
        .from(t.webhookDeliveries)
        .innerJoin(t.webhookEndpoints, eq(t.webhookEndpoints.id, t.webhookDeliveries.endpointId))
        .where(and(eq(t.webhookDeliveries.endpointId, endpointId), eq(t.webhookDeliveries.caseId, caseId), eq(t.webhookDeliveries.status, 'pending')))
        .orderBy(asc(t.webhookDeliveries.caseEventId))
        .limit(1);
      if (!found || !found.endpoint.active) return 'done';
      const { delivery, endpoint } = found;
      const now = ctx.now();
      const wait = delivery.nextAttemptAt.getTime() - now.getTime();
      if (wait > 0) return { retryInMs: wait };

      // The signature's timestamp is the wall clock: the receiver checks it against its own clock to
      // refuse replays, whatever the product's domain clock says.
      const result = await post(endpoint.url, endpoint.secret, delivery.id, delivery.eventType, JSON.stringify(delivery.payload), new Date(), settings.timeoutMs);
      const attempts = delivery.attempts + 1;
      await tx.insert(t.webhookAttempts).values({ deliveryId: delivery.id, at: now, ...result });
      const last = { attempts, lastStatusCode: result.statusCode, lastDurationMs: result.durationMs, lastError: result.error };
      const done = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
      if (done) {
        await tx.update(t.webhookDeliveries).set({ ...last, status: 'delivered', deliveredAt: now }).where(eq(t.webhookDeliveries.id, delivery.id));
        return 'next';
      }
      if (result.statusCode === 410) {
        await tx.update(t.webhookDeliveries).set(last).where(eq(t.webhookDeliveries.id, delivery.id));
        await tx
          .update(t.webhookEndpoints)
          .set({ active: false, disabledReason: `the receiver answered 410 Gone at ${now.toISOString()}` })
          .where(eq(t.webhookEndpoints.id, endpoint.id));
        ctx.log.warn({ endpointId, deliveryId: delivery.id }, 'webhook endpoint answered 410 Gone; switched off');
        return 'done';
      }
      // Jitter spreads the retries of many deliveries after a receiver's outage.
      const retryInMs = backoffDelay({ initialDelayMs: settings.retryBaseMs, maxDelayMs: settings.retryMaxMs, jitter: [0.8, 1.2] }, attempts);
      const nextAttemptAt = new Date(now.getTime() + retryInMs);
      if (nextAttemptAt.getTime() > delivery.pendingSince.getTime() + settings.retryForMs) {
        await tx.update(t.webhookDeliveries).set({ ...last, status: 'failed' }).where(eq(t.webhookDeliveries.id, delivery.id));
        ctx.log.warn({ endpointId, deliveryId: delivery.id, attempts }, 'webhook delivery given up after its retry window');
        return 'next';
      }
      await tx.update(t.webhookDeliveries).set({ ...last, nextAttemptAt }).where(eq(t.webhookDeliveries.id, delivery.id));
      return { retryInMs: nextAttemptAt.getTime() - now.getTime() };
    });
    if (outcome !== 'next') return outcome;
  }
}

/**
 * The webhook worker. A job that has to wait (a retry later, or the pair busy in another worker)
 * moves itself to the delayed set rather than failing, so waiting is not counted as an attempt.
 * Each running job holds a database connection while it sends, hence its own small concurrency.
 * Started by `startWorkers`, which logs its errors as every worker's (Redis outages quietly).
 */
export function startWebhookWorker(ctx: PipelineContext, settings: WebhookSettings, concurrency: number) {
  const worker = ctx.transport.worker<WebhookJob>(
    WEBHOOK_QUEUE,
    async (job, token) => {
      const outcome = await drivePair(ctx, settings, job.data.endpointId, job.data.caseId);
      if (outcome === 'done') return;
      await job.moveToDelayed(Date.now() + (outcome === 'busy' ? BUSY_DELAY_MS : outcome.retryInMs), token);
      throw new DelayedError();
    },
    { concurrency },
  );
  return worker;
}

/**
 * Re-enqueues what Postgres says is owed (after a Redis flush, or an enqueue lost after a
 * commit): the oldest pending delivery of every (endpoint, case) pair of an active endpoint, due
 * when its next attempt is. Job ids are delivery ids, so jobs that still exist are not duplicated.
 * One page of pairs in an interval round, every page in a catch-up.
 */
export async function rebuildWebhookDeliveries(ctx: PipelineContext, round: RelayRound, endpointId: number | null = null): Promise<number> {
  const sql = ctx.db.sql;
  let offered = 0;
  let after = { endpointId: 0, caseId: '0' };
  for (;;) {
    const rows = await sql<{ id: string; endpoint_id: number; case_id: string; next_attempt_at: string }[]>`
      select distinct on (d.endpoint_id, d.case_id) d.id, d.endpoint_id, d.case_id, d.next_attempt_at
      from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
      where d.status = 'pending' and e.active and d.created_at <= ${stalledBefore(ctx, round)}
        and (d.endpoint_id, d.case_id) > (${after.endpointId}, ${after.caseId}::bigint)
        ${endpointId === null ? sql`` : sql`and d.endpoint_id = ${endpointId}`}
      order by d.endpoint_id, d.case_id, d.case_event_id
      limit ${RELAY_BATCH}`;
    const now = ctx.now().getTime();
    await enqueueWebhookDeliveries(
      ctx,
      rows.map((r) => ({ id: Number(r.id), endpointId: r.endpoint_id, caseId: Number(r.case_id), delayMs: Math.max(0, new Date(r.next_attempt_at).getTime() - now) })),
    );
    offered += rows.length;
    if (round.kind === 'interval' || rows.length < RELAY_BATCH) return offered;
    const last = rows[rows.length - 1];
    after = { endpointId: last.endpoint_id, caseId: last.case_id };
  }
}

/**
 * Sends a delivery again now (the console's "redeliver"), whatever became of it, with a fresh
 * retry window. It goes before any later pending event of the same case. False if there is none.
 */
export async function redeliverWebhook(ctx: PipelineContext, deliveryId: number): Promise<boolean> {
  const now = ctx.now();
  const [row] = await ctx.db.db
    .update(t.webhookDeliveries)
    .set({ status: 'pending', nextAttemptAt: now, pendingSince: now, deliveredAt: null })
    .where(eq(t.webhookDeliveries.id, deliveryId))
    .returning({ id: t.webhookDeliveries.id, endpointId: t.webhookDeliveries.endpointId, caseId: t.webhookDeliveries.caseId });
  if (!row) return false;
  await enqueueWebhookDeliveries(ctx, [row], `-r${now.getTime()}`);
  return true;
}

/** Switches an endpoint back on (after a 410, or by staff) and sends what waited for it. */
export async function reactivateWebhookEndpoint(ctx: PipelineContext, endpointId: number): Promise<void> {
  await ctx.db.db.update(t.webhookEndpoints).set({ active: true, disabledReason: null }).where(eq(t.webhookEndpoints.id, endpointId));
  await rebuildWebhookDeliveries(ctx, { kind: 'catch-up', olderThanMs: 0 }, endpointId);
}

/** The relay's step for webhook deliveries not delivered yet. */
export const webhookDeliveries: OwedWork = {
  name: 'webhooks',
  rebuild: (ctx, round) => rebuildWebhookDeliveries(ctx, round),
};
