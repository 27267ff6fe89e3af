/**
 * Queue names and job payloads. Payloads carry ids only; job ids are derived from the row they
 * stand for, so enqueuing the same work twice (a redelivered webhook, the relay) adds one job.
 * BullMQ job ids must not contain ':' nor be all digits.
 */
import type { JobsOptions } from 'bullmq';
import { backoffDelay, type BackoffOptions } from '../backoff.js';
import type { ChannelName } from '../domain/messages.js';

export const INBOUND_QUEUE = 'inbound';
/** The Postgres NOTIFY channel ingest wakes the steppers on (src/queues/stepper.ts). */
export const STEPS_WAITING = 'kanal_steps_waiting';
export const outboundQueue = (channel: ChannelName) => `outbound-${channel}`;

export interface InboundJob {
  identityId: number;
  messageId: number;
}

/** A chat's turn in its channel's lane (src/queues/outbound.ts). */
export interface OutboundJob {
  identityId: number;
  /** The chat's oldest owed row when the turn was queued: the turn is stale once another row is. */
  outboxId: number;
}

/** Photos the flow accepted, fetched from the platform into media storage. */
export const MEDIA_QUEUE = 'media';

export interface MediaJob {
  mediaId: number;
}

export const inboundJobId = (messageId: number) => `in-${messageId}`;
export const mediaJobId = (mediaId: number) => `media-${mediaId}`;
export const outboundJobId = (outboxId: number) => `out-${outboxId}`;

/** Alarms of SLA clocks (`case_timers`): one delayed job per timer and step. */
export const CASE_TIMER_QUEUE = 'case-timers';

export interface CaseTimerJob {
  timerId: number;
}

export const caseTimerJobId = (timerId: number, step: 'remind' | 'due') => `timer-${timerId}-${step}`;
/** An alarm is tried a few times only: whatever it misses, the relay fires from Postgres. */
export const TIMER_JOB_ATTEMPTS = 5;

/** Clocks of live chats (`handoff_requests.next_at`): a reminder, a return to the queue. */
export const LIVECHAT_TIMER_QUEUE = 'livechat-timers';

export interface LivechatTimerJob {
  handoffId: number;
}

/** One job per request and moment: a clock moved on leaves its old job to find nothing due. */
export const livechatTimerJobId = (handoffId: number, at: Date) => `livechat-${handoffId}-${at.getTime()}`;

/** The daily retention purge (src/retention/): one job per scheduled moment. */
export const RETENTION_QUEUE = 'retention';

export interface RetentionJob {
  /** The moment (ISO) this purge was scheduled for: its `retention_runs` row. */
  dueAt: string;
}

export const retentionJobId = (dueAt: Date) => `retention-${dueAt.getTime()}`;

/** One job to add: which queue, its name and payload, the id that makes adding it twice harmless. */
export interface QueuedJob {
  queue: string;
  name: string;
  data: object;
  jobId: string;
  /** Run no earlier than this many ms from now (a retry's backoff, a timer). */
  delayMs?: number;
  /** Tries before BullMQ gives up (default: practically forever; Postgres decides when to stop). */
  attempts?: number;
}

/** The conversation step for a stored inbound message. */
export const inboundJob = (identityId: number, messageId: number): QueuedJob => ({
  queue: INBOUND_QUEUE,
  name: 'message',
  data: { identityId, messageId } satisfies InboundJob,
  jobId: inboundJobId(messageId),
});

/** Turns in the lanes, one per row given: callers give a chat's oldest owed row (`queueTurn`). */
export const outboundJobs = (identityId: number, rows: readonly { id: number; channel: ChannelName }[], delayMs = 0): QueuedJob[] =>
  rows.map((row) => ({
    queue: outboundQueue(row.channel),
    name: 'send',
    data: { identityId, outboxId: row.id } satisfies OutboundJob,
    jobId: outboundJobId(row.id),
    ...(delayMs > 0 ? { delayMs } : {}),
  }));

/**
 * The turn of a row the relay released from a dead claimer (src/queues/claims.ts). Its
 * `out-<row id>` job may still be active in Redis under the dead worker's lock (BullMQ finds a job
 * stalled only once that lock expires, half a minute later), and would absorb a turn of the same
 * id; the dead session's key makes this one's id new. The old job, once stalled and run, is stale.
 */
export const releasedTurnJob = (identityId: number, row: { id: number; channel: ChannelName }, deadKey: string): QueuedJob => ({
  ...outboundJobs(identityId, [row])[0],
  jobId: `${outboundJobId(row.id)}-${deadKey}`,
});

/** Ask the worker to come back later; the backoff strategy honours `delayMs` (Telegram's retry_after, a channel's probe interval). */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number | null,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryLater';
  }
}

/**
 * Work is retried until it is done: Postgres says what is owed, so a job gives up only by
 * finishing (sent, or failed permanently and recorded).
 */
export const jobOptions = (jobId: string, attempts = 1_000_000): JobsOptions => ({
  jobId,
  attempts,
  backoff: { type: 'kanal' },
  removeOnComplete: true,
  removeOnFail: true,
});

/**
 * BullMQ's custom backoff (`backoff: { type: 'kanal' }`): the project's exponential backoff with
 * ±20% jitter, which spreads a crowd of retries after an outage; a `RetryLater` with a delay is
 * honoured exactly instead.
 */
export function backoffStrategy(baseMs: number, maxMs: number) {
  const backoff: BackoffOptions = { initialDelayMs: baseMs, maxDelayMs: maxMs, jitter: [0.8, 1.2] };
  return (attemptsMade: number, _type?: string, err?: Error): number => {
    if (err instanceof RetryLater && err.delayMs !== null) return err.delayMs;
    return backoffDelay(backoff, attemptsMade);
  };
}

export const STAFF_NOTIFICATION_QUEUE = 'staff-notifications';

export interface StaffNotificationJob {
  notificationId: number;
}

export const staffNotificationJobId = (notificationId: number) => `staff-${notificationId}`;
