/**
 * The one way work is enqueued after the rows it stands for are committed: ingest, replies, status
 * pushes, the relay. Postgres already holds the work, so the queue only saves time: the caller
 * waits at most `timeoutMs`, never on ioredis's offline queue, and never sees an error. While the
 * transport is unreachable the add is skipped outright: this process offers the skipped jobs again
 * when it reconnects, and the relay (which asks Postgres) enqueues whatever is still owed.
 */
import type { Logger } from '../logger.js';
import { jobOptions, type QueuedJob } from './jobs.js';
import type { Transport } from './transport.js';
import { within } from './within.js';

/** Resolves true when the queue took every job, false when the relay will have to. Never rejects. */
export type Enqueue = (jobs: readonly QueuedJob[]) => Promise<boolean>;

/**
 * Jobs skipped while the transport was down are offered again the moment it is back in this
 * process: the relay's catch-up may run in a worker process that reconnected a moment earlier.
 * Past this many, the relay's regular rounds find the rest.
 */
const REMEMBERED_WHILE_DOWN = 10_000;

export function createEnqueue(transport: Transport, options: { log: Logger; timeoutMs: number }): Enqueue {
  // One warning per spell of failures, not one per job; the transport logs its own downs and ups.
  let warned = false;
  let skipped: QueuedJob[] = [];
  transport.onChange((up) => {
    if (!up || skipped.length === 0) return;
    const again = skipped;
    skipped = [];
    void enqueue(again);
  });
  const enqueue: Enqueue = async (jobs) => {
    if (jobs.length === 0) return true;
    if (!transport.up) {
      if (skipped.length < REMEMBERED_WHILE_DOWN) skipped.push(...jobs.slice(0, REMEMBERED_WHILE_DOWN - skipped.length));
      return false;
    }
    const byQueue = new Map<string, QueuedJob[]>();
    for (const job of jobs) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job]);
    const adds = Promise.all(
      [...byQueue].map(([name, group]) =>
        transport.queue(name).addBulk(
          group.map((job) => ({ name: job.name, data: job.data, opts: { ...jobOptions(job.jobId, job.attempts), ...(job.delayMs ? { delay: job.delayMs } : {}) } })),
        ),
      ),
    );
    const result = await within(adds, options.timeoutMs);
    if (result.outcome === 'done') {
      warned = false;
      return true;
    }
    if (!warned) {
      warned = true;
      const err = result.outcome === 'failed' ? result.error : undefined;
      options.log.warn({ err, timeoutMs: options.timeoutMs }, 'enqueue did not complete in time; the relay will pick the work up');
    }
    return false;
  };
  return enqueue;
}
