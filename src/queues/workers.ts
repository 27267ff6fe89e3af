/**
 * The worker role: the stepper (src/queues/stepper.ts) and the inbound queue for the chats it hands
 * over, the SLA alarms, one outbound worker per
 * channel this process can send on, the staff notification worker, the media fetch worker, and the
 * relay. Several worker processes may run against the same Postgres and Redis; Postgres locks keep
 * each chat in order.
 */
import { DelayedError, WaitingError, type Job, type Worker } from 'bullmq';
import { TokenBucket } from 'limiter';
import type { StaffChannels } from '../cases/staff-notifications/channels.js';
import type { ChannelName } from '../domain/messages.js';
import type { ChannelSender } from '../channels/types.js';
import type { PipelineContext } from '../conversation/context.js';
import { processConversation, type ClaimAhead, type Deliver, type ReleaseMedia } from '../conversation/runtime.js';
import { countSetAside } from '../conversation/set-aside.js';
import { fireTimer } from '../cases/sla-jobs.js';
import { startBroadcastWorker, type BroadcastSettings } from '../broadcasts/engine.js';
import { errorKind, isOutage } from '../db/errors.js';
import { startWebhookWorker, type WebhookSettings } from '../integrations/webhooks/deliver.js';
import { fetchMedia, type MediaFetcher } from '../media/fetch.js';
import { fireLivechatTimer } from '../livechat/timers.js';
import { runScheduledPurge } from '../retention/schedule.js';
import type { PurgeSettings } from '../retention/purge.js';
import {
  CASE_TIMER_QUEUE,
  INBOUND_QUEUE,
  LIVECHAT_TIMER_QUEUE,
  MEDIA_QUEUE,
  RETENTION_QUEUE,
  RetryLater,
  backoffStrategy,
  outboundQueue,
  type CaseTimerJob,
  type InboundJob,
  type LivechatTimerJob,
  type MediaJob,
  type OutboundJob,
  type RetentionJob,
} from './jobs.js';
import { ChannelBreakers, type BreakerSettings } from './breaker.js';
import { openClaimSession } from './claims.js';
import { SendPacer } from './pacer.js';
import { createClaimer, createSendRecorder, giveBack, probeChannel, queueTurn, sendTurn, settle, type Sending } from './outbound.js';
import { Settler } from './settle.js';
import { PIPELINE_OWED_WORK, startRelay, type OwedWork } from './relay.js';
import { startStaffNotificationWorker } from './staff-notifications.js';
import { startStepper, STEP_BATCH, STEP_DRAINS, STEP_LOOK_AGAIN_MS, type Stepper } from './stepper.js';

/** A job whose chat another worker holds comes back after this long (not counted as an attempt). */
const BUSY_DELAY_MS = 150;

async function comeBackLater(job: Job, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now() + BUSY_DELAY_MS, token);
  throw new DelayedError();
}

/**
 * Whether this process may send one more message on the channel now, and takes it if so: per
 * channel, a token bucket (limiter's) holding a second's worth of sends, refilled continuously. A
 * channel without a limit is always allowed. The buckets start full, so a fresh process sends its
 * first replies directly.
 */
export function sendAllowance(rateLimits: WorkerOptions['rateLimits']): (channel: ChannelName) => boolean {
  const buckets = new Map<ChannelName, TokenBucket>();
  return (channel) => {
    const perSecond = rateLimits[channel];
    if (!perSecond) return true;
    let bucket = buckets.get(channel);
    if (!bucket) {
      bucket = new TokenBucket({ bucketSize: perSecond, tokensPerInterval: perSecond, interval: 'second' });
      // limiter's buckets start empty.
      bucket.content = perSecond;
      buckets.set(channel, bucket);
    }
    return bucket.tryRemoveTokens(1);
  };
}

/**
 * After a step commits, its replies are sent right there when this process can (a sender for the
 * channel, and the channel's per-second allowance not used up): two queue hops fewer per message.
 * Only the step's own replies go this way (and one row owed just before them, such as a button's
 * acknowledgement): a chat's older backlog is the lane's, shared fairly with other chats.
 * Anything else — no sender here, the channel paused (src/queues/breaker.ts), over the allowance,
 * another worker sending to the chat, a failure — takes the chat's turn in the outbound queue,
 * which tries again after the channel's probe interval or the platform's retry-after. WhatsApp
 * Web is always queued: its sender paces itself and would hold the conversation worker.
 *
 * A chat that owes nothing older has the first reply of its step written claimed by this
 * process's session (`claimAhead`, src/conversation/runtime.ts), so that send takes no claim
 * statement; a reply declined after all (the channel paused meanwhile, over the allowance) is
 * given back before its turn is queued.
 */
function deliverDirectly(ctx: PipelineContext, sending: Sending, rateLimits: WorkerOptions['rateLimits']): { deliver: Deliver; claimAhead: ClaimAhead } {
  const allowed = sendAllowance(rateLimits);
  const direct = (channel: ChannelName) => channel !== 'whatsapp-web' && sending.senders.has(channel) && sending.breakers.closed(channel);
  const deliver: Deliver = async (identityId, rows) => {
    const channel = rows[0].channel;
    const ahead = rows[0].claimed;
    // A paused channel (its API failing for everyone) waits in the lane for the probe's verdict.
    if (!direct(channel) || !allowed(channel)) {
      // A reply written claimed by us (the channel paused since, or over the allowance) is given back first.
      if (ahead) await settle(ctx, sending, { identityId, rowId: rows[0].id }, () => giveBack(ctx, rows[0].id, ahead.claim));
      return queueTurn(ctx, identityId);
    }
    try {
      const claimed = ahead && { id: String(rows[0].id), channel, payload: ahead.payload, unreachable_at: null, last_inbound_at: ahead.lastInboundAt, opted_out_notice: false, claim: ahead.claim };
      const outcome = await sendTurn(ctx, sending, identityId, { max: rows.length + 1, upTo: rows[rows.length - 1].id, ...(claimed ? { claimed } : {}) });
      // Another worker is sending to this chat; it may be another step sending its own replies,
      // which does not look again after its commit. A turn named after its row does, once that row is sent.
      if (outcome === 'busy') await queueTurn(ctx, identityId);
    } catch (err) {
      const delayMs = err instanceof RetryLater && err.delayMs !== null ? err.delayMs : 0;
      await queueTurn(ctx, identityId, delayMs);
    }
  };
  // Claimed ahead only where `deliver` sends at once; the allowance is asked when the send is.
  const claimAhead: ClaimAhead = (channel) => (direct(channel) ? sending.session.key : null);
  return { deliver, claimAhead };
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** BullMQ's words for a job Redis no longer has: its key, or the lock of a job a worker was running. */
const LOST_JOB = /^Missing (key|lock) for job /;

/**
 * Errors a Redis outage causes in every worker at once: a dropped connection (logged once, by the
 * transport), or a job Redis lost by coming back empty, found missing when the worker finishes or
 * retries it (Postgres still has the work; the relay enqueues it again). Logged per job they would
 * bury the one line that says what happened.
 */
function isTransportLoss(err: Error): boolean {
  return CONNECTION_ERRORS.has((err as { code?: string }).code ?? '') || LOST_JOB.test(err.message);
}

export interface WorkerOptions {
  /** The claim session's own connection (src/queues/claims.ts) goes here. */
  databaseUrl: string;
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  relayIntervalMs: number;
  relayAfterMs: number;
  /** When a channel counts as down for everyone, and how often it is probed then (src/queues/breaker.ts). */
  breaker: BreakerSettings;
  /** Messages per second a channel accepts across chats: its pace, shared by every process (src/queues/pacer.ts). */
  rateLimits: Partial<Record<ChannelName, number>>;
  /** Run the conversation (inbound) worker in this process. */
  inbound: boolean;
  /** Run the relay in this process (one per deployment is enough; more are harmless). */
  relay: boolean;
  /** Send staff notifications through these channels in this process; null: not here. */
  staff: StaffChannels | null;
  /** Fetch accepted photos into media storage in this process. */
  media?: { fetcher: MediaFetcher; concurrency: number };
  /** Deliver the dinas's outgoing webhooks in this process. */
  webhooks?: { settings: WebhookSettings; concurrency: number };
  /** Run the daily retention purge when its alarm goes off in this process (src/retention/). */
  retention?: PurgeSettings;
  /** Send broadcasts in this process (src/broadcasts/engine.ts). */
  broadcasts?: BroadcastSettings;
  /** Owed work the relay rebuilds besides the pipeline's own (SLA timers, webhook deliveries, broadcasts…). */
  owedWork?: readonly OwedWork[];
}

/** A staff send holds its row's lock, and so a database connection, for the length of the send. */
const STAFF_CONCURRENCY = 4;

export async function startWorkers(ctx: PipelineContext, senders: ReadonlyMap<ChannelName, ChannelSender>, options: WorkerOptions) {
  const settings = { backoffStrategy: backoffStrategy(options.retryBaseMs, options.retryMaxMs) };
  const workers: Worker[] = [];
  const sending: Sending = {
    senders,
    session: await openClaimSession(options.databaseUrl, ctx.log.child({ component: 'claims' })),
    breakers: new ChannelBreakers(options.breaker, ctx.log.child({ component: 'breaker' })),
    pacer: new SendPacer(ctx.db.sql, options.rateLimits),
    claims: createClaimer(ctx.db.sql),
    sent: createSendRecorder(ctx.db.sql),
    settler: new Settler(ctx.log.child({ component: 'settle' })),
  };
  sending.breakers.probeWith((channel) => probeChannel(ctx, sending, channel));
  let stepper: Stepper | null = null;

  if (options.inbound) {
    const { deliver, claimAhead } = deliverDirectly(ctx, sending, options.rateLimits);
    const sources = options.media?.fetcher.sources ?? {};
    const releaseMedia: ReleaseMedia = async (channel, ref) => sources[channel]?.release?.(ref);
    stepper = await startStepper(ctx, { deliver, claimAhead, releaseMedia, batch: STEP_BATCH, drains: STEP_DRAINS, lookAgainMs: STEP_LOOK_AGAIN_MS });
    // A chat handed over by a failed batch (or found by the relay) is stepped here, with retries and a give-up.
    const inbound = ctx.transport.worker<InboundJob>(
      INBOUND_QUEUE,
      async (job, token) => {
        let outcome: Awaited<ReturnType<typeof processConversation>>;
        try {
          outcome = await processConversation(ctx, job.data.identityId, { deliver, releaseMedia });
        } catch (error) {
          const attempts = job.attemptsMade + 1;
          // After `setAsideAfter` failed attempts (about 3 s with the default backoff) the message is
          // answered with an apology and set aside instead of blocking its chat, whatever the error,
          // unless the database is out: an outage is waited out however long it lasts, or every
          // message would be apologised for.
          if (attempts < ctx.setAsideAfter || (await isOutage(ctx.db.sql, error))) throw error;
          outcome = await processConversation(ctx, job.data.identityId, { giveUpOnFirst: { error, attempts }, deliver, releaseMedia });
          const gaveUp = outcome !== 'busy' ? outcome.gaveUp : undefined;
          if (gaveUp?.setAsideId) countSetAside(ctx, { channel: gaveUp.channel, stage: 'step', setAsideId: gaveUp.setAsideId, attempts, error });
        }
        if (outcome === 'busy') await comeBackLater(job, token);
      },
      { concurrency: options.concurrency, settings },
    );
    workers.push(inbound as Worker);

    // SLA and live-chat alarms ride with the conversation worker: every worker process takes them.
    const alarms = [
      ctx.transport.worker<CaseTimerJob>(CASE_TIMER_QUEUE, async (job) => void (await fireTimer(ctx, job.data.timerId)), { concurrency: options.concurrency, settings }),
      ctx.transport.worker<LivechatTimerJob>(LIVECHAT_TIMER_QUEUE, async (job) => void (await fireLivechatTimer(ctx, job.data.handoffId)), {
        concurrency: options.concurrency,
        settings,
      }),
    ];
    workers.push(...(alarms as Worker[]));
  }

  if (options.retention) {
    const purge = options.retention;
    // One purge at a time is enough (and a lock makes sure of it across processes).
    const retention = ctx.transport.worker<RetentionJob>(RETENTION_QUEUE, async (job) => void (await runScheduledPurge(ctx, purge, new Date(job.data.dueAt))), {
      concurrency: 1,
      settings,
    });
    workers.push(retention as Worker);
  }

  if (options.media) {
    const { fetcher, concurrency } = options.media;
    const media = ctx.transport.worker<MediaJob>(MEDIA_QUEUE, (job) => fetchMedia(ctx, fetcher, job.data.mediaId), { concurrency, settings });
    workers.push(media as Worker);
  }

  const lanes = new Map<ChannelName, Worker>();
  for (const [channel] of senders) {
    const worker = ctx.transport.worker<OutboundJob>(
      outboundQueue(channel),
      async (job, token) => {
        // Fetched as the channel paused: back to the waiting turns, which the lane takes up the
        // moment a probe gets through (no delay to sit out, no attempt counted).
        if (!sending.breakers.closed(channel)) {
          await job.moveToWait(token);
          throw new WaitingError();
        }
        // One reply per turn; the chat's next turn goes to the back of the lane (src/queues/outbound.ts).
        const outcome = await sendTurn(ctx, sending, job.data.identityId, { turn: job.data.outboxId, max: 1 });
        if (outcome === 'busy') await comeBackLater(job, token);
      },
      {
        concurrency: options.concurrency,
        settings,
      },
    );
    workers.push(worker as Worker);
    lanes.set(channel, worker as Worker);
  }
  // A paused channel's lane takes no turns in this process until a probe gets through.
  sending.breakers.onChange((channel, paused) => {
    const lane = lanes.get(channel);
    if (paused) void lane?.pause(true);
    else void lane?.resume();
  });

  if (options.staff) {
    const staff = startStaffNotificationWorker(ctx, options.staff, {
      concurrency: Math.min(STAFF_CONCURRENCY, options.concurrency),
      retryBaseMs: options.retryBaseMs,
      retryMaxMs: options.retryMaxMs,
    });
    workers.push(staff as Worker);
  }

  if (options.broadcasts) {
    workers.push(startBroadcastWorker(ctx, options.broadcasts, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs }));
  }

  if (options.webhooks) {
    workers.push(startWebhookWorker(ctx, options.webhooks.settings, options.webhooks.concurrency) as Worker);
  }

  for (const worker of workers) {
    worker.on('error', (err) => {
      if (isTransportLoss(err) || !ctx.transport.up) ctx.log.debug({ err, queue: worker.name }, 'worker error from a Redis outage');
      else ctx.log.warn({ err, queue: worker.name }, 'worker error');
    });
    worker.on('failed', (job, err) => {
      // Codes only: drizzle's error messages quote the query's parameters, message texts among them.
      if (err?.name !== 'RetryLater') ctx.log.warn({ ...errorKind(err), queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade }, 'job failed; will retry');
    });
  }
  const relay = options.relay
    ? startRelay(ctx, { intervalMs: options.relayIntervalMs, olderThanMs: options.relayAfterMs, owed: [...PIPELINE_OWED_WORK, ...(options.owedWork ?? [])] })
    : null;

  return {
    workers,
    /** Stops taking jobs and waits for the active ones to finish; what is left stays in Postgres. */
    async close() {
      relay?.stop();
      await stepper?.close();
      sending.breakers.stop();
      await Promise.all(workers.map((w) => w.close()));
      sending.settler.stop();
      await sending.session.close();
    },
  };
}
