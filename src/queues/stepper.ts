/**
 * Postgres hands out the conversation steps: a message's way from the webhook to its reply goes
 * through no queue. Ingest stores the message and sends a NOTIFY with its commit
 * (`STEPS_WAITING`); every worker process listens, and its stepper drains: it locks up to a batch
 * of chats that have a message waiting and that no one else holds (`FOR UPDATE SKIP LOCKED`),
 * steps each one's oldest message and commits them together (src/conversation/runtime.ts,
 * `processReadyChats`), then delivers their replies side by side, and looks again until nothing is
 * waiting. A few drains run at once, so one batch's sends overlap the next batch's steps.
 *
 * What is rare stays with BullMQ, which is the right tool for it: a batch that fails hands each of
 * its chats to the inbound queue (`messages.queued_at`), whose retries, backoff and give-up
 * (src/queues/workers.ts) take that chat from there while the batches leave it alone. A wake-up
 * lost (the listening connection reconnecting, a worker starting) costs at most `lookAgainMs`:
 * the stepper also looks on its own every so often, and the relay enqueues whatever waits longer.
 */
import { errorKind, isOutage } from '../db/errors.js';
import type { PipelineContext } from '../conversation/context.js';
import { afterStep, processReadyChats, type Deliver, type ReleaseMedia } from '../conversation/runtime.js';
import { inboundJob, STEPS_WAITING } from './jobs.js';

/** Chats stepped in one transaction: a lock, a read and a commit shared by up to this many messages. */
export const STEP_BATCH = 16;
/** Batches under way at once in a process: each holds a connection of the pool for its transaction. */
export const STEP_DRAINS = 4;
/** How often a stepper looks without being woken. */
export const STEP_LOOK_AGAIN_MS = 1_000;

export interface StepperOptions {
  deliver: Deliver;
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

  /**
   * A failed batch kept nothing; its chats go to the inbound queue, one job each for its oldest
   * message, and the batches skip them until the queue has stepped that message. An outage is
   * not the chats' fault: they wait for the next look.
   */
  async function handOver(locked: number[], error: unknown): Promise<boolean> {
    if (locked.length === 0 || (await isOutage(ctx.db.sql, error))) {
      log.debug({ ...errorKind(error) }, 'no batch this time; looking again later');
      return false;
    }
    log.warn({ ...errorKind(error), chats: locked.length }, 'a batch of steps failed; its chats go to the inbound queue');
    const rows = await ctx.db.sql<{ identity_id: string; id: string }[]>`
      update messages set queued_at = now()
      where identity_id = any(${`{${locked.join(',')}}`}::bigint[]) and processed_at is null and queued_at is null
      returning identity_id, id`;
    const oldest = new Map<number, number>();
    for (const row of rows) {
      const chat = Number(row.identity_id);
      oldest.set(chat, Math.min(oldest.get(chat) ?? Infinity, Number(row.id)));
    }
    await ctx.enqueue([...oldest].map(([chat, message]) => inboundJob(chat, message)));
    return true;
  }

  async function drain(): Promise<void> {
    while (!closed) {
      const locked: number[] = [];
      let stepped: Awaited<ReturnType<typeof processReadyChats>>;
      try {
        stepped = await processReadyChats(ctx, options.batch, locked);
      } catch (error) {
        // Handed over, the other waiting chats are looked at now; otherwise at the next look.
        const handed = await handOver(locked, error).catch((err: unknown) => {
          log.warn({ ...errorKind(err) }, 'could not hand a failed batch to the queue; the relay will');
          return false;
        });
        if (!handed) return;
        continue;
      }
      if (stepped.length === 0) return;
      await Promise.all(
        stepped.map((result) =>
          afterStep(ctx, result.identityId, result, options).catch((err: unknown) =>
            log.warn({ ...errorKind(err), identityId: result.identityId }, 'after a step: the relay picks up what was left'),
          ),
        ),
      );
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

  // Each (re)connection of the listening connection looks at once: wake-ups sent meanwhile were lost.
  const listening = await ctx.db.sql.listen(STEPS_WAITING, wake, wake);
  const timer = setInterval(wake, options.lookAgainMs);
  timer.unref();
  return {
    wake,
    async close() {
      closed = true;
      clearInterval(timer);
      await listening.unlisten().catch(() => {});
      await Promise.all(under);
    },
  };
}
