/**
 * Postgres hands out the conversation steps: a message's way from the webhook to its reply goes
 * through no queue. Ingest stores the message and wakes the steppers (`StepWake`: this process's
 * at once; a process without a stepper wakes the workers' with a NOTIFY in its statement); each
 * worker process's stepper drains: it locks up to a batch of chats that have a message waiting and
 * that no one else holds (`FOR UPDATE SKIP LOCKED`, oldest waiting first), steps each one's oldest message and commits them together
 * (src/conversation/runtime.ts, `processReadyChats`), then delivers their replies side by side, and
 * looks again until nothing is waiting. A few drains run at once, so one batch's sends overlap the
 * next batch's steps.
 *
 * A batch that fails keeps nothing; its chats are then stepped one by one, each in a transaction of
 * its own, so one poisoned message costs its batch-mates a moment, not an answer. A chat that fails
 * alone goes to what BullMQ is the right tool for: the inbound queue's retries, backoff and
 * set-aside (src/queues/workers.ts) take it from there (`messages.queued_at`, one job per message)
 * while the batches leave it alone. While Redis is down nothing is handed over: the chat is looked
 * at again with the next batch. A wake-up lost (the listening connection reconnecting, a worker
 * starting) costs at most `lookAgainMs`: the stepper also looks on its own every so often.
 */
import type postgres from 'postgres';
import { errorKind, isOutage } from '../db/errors.js';
import type { PipelineContext } from '../conversation/context.js';
import { afterStep, processConversation, processReadyChats, type ClaimAhead, type Deliver, type ReleaseMedia } from '../conversation/runtime.js';
import { inboundJob, STEPS_WAITING } from './jobs.js';

/** Chats stepped in one transaction: a lock, a read and a commit shared by up to this many messages. */
export const STEP_BATCH = 16;
/** Batches under way at once in a process: each holds a connection of the pool for its transaction. */
export const STEP_DRAINS = 4;
/** How often a stepper looks without being woken. */
export const STEP_LOOK_AGAIN_MS = 1_000;

/**
 * Tells this process's steppers at once that a message is waiting. A process without a stepper
 * (the web role) wakes the workers' through the NOTIFY on `STEPS_WAITING` that ingest's statement
 * then sends, once per stored batch (src/conversation/ingest.ts). A process with one steps what it
 * stored itself and notifies nobody: woken on every batch of every process, the steppers of several
 * processes split the waiting chats into smaller batches, and notifying transactions' commits are
 * serialised. Other processes' steppers
 * still find what a process left behind on their own look.
 */
export class StepWake {
  private readonly local = new Set<() => void>();

  /** Whether a stepper of this process listens. */
  get listening(): boolean {
    return this.local.size > 0;
  }

  readonly wake = (): void => {
    for (const listener of this.local) listener();
  };

  /** A stepper of this process, woken directly; returns the unsubscribe. */
  listen(listener: () => void): () => void {
    this.local.add(listener);
    return () => void this.local.delete(listener);
  }
}

export interface StepperOptions {
  deliver: Deliver;
  /** Whose claim a batch's first replies are written under, for `deliver` to send at once (src/conversation/runtime.ts). */
  claimAhead?: ClaimAhead;
  releaseMedia?: ReleaseMedia;
  /** Chats stepped in one transaction. */
  batch: number;
  /** Batches under way at once in this process. */
  drains: number;
  /** How often the stepper looks without being woken. */
  lookAgainMs: number;
}

export interface Stepper {
  /** Look for waiting messages now (a wake-up). */
  wake(): void;
  /** Stops looking and waits for the batches under way; what waits stays in Postgres. */
  close(): Promise<void>;
}

export async function startStepper(ctx: PipelineContext, options: StepperOptions): Promise<Stepper> {
  const log = ctx.log.child({ component: 'stepper' });
  const under = new Set<Promise<void>>();
  let again = false;
  let closed = false;

  /** The chat's waiting messages go to the inbound queue, a job each; the batches skip the chat until they are stepped. */
  async function handOver(identityId: number): Promise<void> {
    const rows = await ctx.db.sql<{ id: string }[]>`
      update messages set queued_at = now()
      where identity_id = ${identityId} and processed_at is null and queued_at is null
      returning id`;
    await ctx.enqueue(rows.map((row) => inboundJob(identityId, Number(row.id))));
  }

  /**
   * A chat of a failed batch, stepped in transactions of its own; handed over if it fails alone.
   * `left`: it failed and still waits (the database or the queue away), for the next look.
   */
  async function stepAlone(identityId: number): Promise<'done' | 'left'> {
    try {
      await processConversation(ctx, identityId, options);
      return 'done';
    } catch (error) {
      if (await isOutage(ctx.db.sql, error)) return 'left';
      if (!ctx.transport.up) {
        log.warn({ ...errorKind(error), identityId }, 'a step failed while the queue is down; looked at again with the next batch');
        return 'left';
      }
      log.warn({ ...errorKind(error), identityId }, 'a step failed; its chat goes to the inbound queue');
      await handOver(identityId);
      return 'done';
    }
  }

  async function drain(): Promise<void> {
    while (!closed) {
      const locked: number[] = [];
      let stepped: Awaited<ReturnType<typeof processReadyChats>>;
      const started = performance.now();
      try {
        stepped = await processReadyChats(ctx, options.batch, locked, options.claimAhead);
      } catch (error) {
        // Nothing locked, or the database away: the next wake-up or look tries again.
        if (locked.length === 0 || (await isOutage(ctx.db.sql, error))) {
          log.debug({ ...errorKind(error) }, 'no batch this time; looking again later');
          return;
        }
        log.warn({ ...errorKind(error), chats: locked.length }, 'a batch of steps failed; its chats are stepped one by one');
        let left = false;
        for (const identityId of locked) {
          const alone = await stepAlone(identityId).catch((err: unknown) => {
            log.warn({ ...errorKind(err), identityId }, 'could not step a chat alone; the relay will');
            return 'left' as const;
          });
          left ||= alone === 'left';
        }
        // A chat still waiting would fail the next batch the same way: it waits for the next look.
        if (left) return;
        continue;
      }
      if (stepped.length === 0) return;
      const committed = performance.now();
      ctx.metrics.stepBatchChats.observe(stepped.length);
      ctx.metrics.stepBatchSeconds.labels('transaction').observe((committed - started) / 1000);
      await Promise.all(
        stepped.map((result) =>
          afterStep(ctx, result.identityId, result, options).catch((err: unknown) =>
            log.warn({ ...errorKind(err), identityId: result.identityId }, 'after a step: the relay picks up what was left'),
          ),
        ),
      );
      ctx.metrics.stepBatchSeconds.labels('delivery').observe((performance.now() - committed) / 1000);
    }
  }

  const wake = () => {
    if (closed) return;
    if (under.size >= options.drains) {
      again = true;
      return;
    }
    const running: Promise<void> = drain().finally(() => {
      under.delete(running);
      if (again) {
        again = false;
        wake();
      }
    });
    under.add(running);
  };

  const unlisten = ctx.wakeSteps.listen(wake);
  // Each (re)connection of the listening connection looks at once: wake-ups sent meanwhile were lost.
  const listening = await ctx.db.sql.listen(STEPS_WAITING, wake, wake);
  const timer = setInterval(wake, options.lookAgainMs);
  timer.unref();
  return {
    wake,
    async close() {
      closed = true;
      unlisten();
      clearInterval(timer);
      await listening.unlisten().catch(() => {});
      await Promise.all(under);
    },
  };
}
