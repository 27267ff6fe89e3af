/**
 * What became of a claimed outbox row after its send (recorded sent or failed, given back) is
 * written while the claim is still this process's (src/queues/outbound.ts). When that statement
 * fails and the process lives on (a pool connection cut while the claim session's stays, a
 * statement timeout, a trigger's error), nothing else would ever write it: the row stays
 * `sending` under a live claim, which the relay rightly leaves alone, and the chat's replies wait
 * behind it until the process ends. So the write is tried again in the background, on the one
 * backoff, until it is written; then the chat's next turn is queued. Meanwhile nobody sends the row
 * again: after a send the platform took, a second one would be a duplicate.
 *
 * Kept in memory: if the process ends first, its claims die with it and the relay releases the
 * row (sent again, as after a crash mid-send). If the claim session took a new key meanwhile (its
 * lock connection lost), the relay releases the row too; the write still lands while the row waits
 * unclaimed (the statements accept a pending row), and a row another worker claimed since is its.
 *
 * @example
 *   const settler = new Settler(log);
 *   settler.later({ identityId, rowId }, () => giveBack(ctx, rowId, claim), () => queueTurn(ctx, identityId));
 */
import { backoffDelay, type BackoffOptions } from '../backoff.js';
import { errorKind } from '../db/errors.js';
import type { Logger } from '../logger.js';

/** From a fifth of a second to ten seconds between attempts: a blip costs the chat little, an outage little load. */
export const SETTLE_BACKOFF: BackoffOptions = { initialDelayMs: 200, maxDelayMs: 10_000, jitter: [0.8, 1.2] };

/** The row whose fate waits to be written, for the logs. */
export interface Unsettled {
  identityId: number;
  rowId: number;
}

export class Settler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly log: Logger,
    private readonly backoff: BackoffOptions = SETTLE_BACKOFF,
  ) {}

  /** Tries `write` again after the backoff until it succeeds, then runs `then` (which may fail: logged). */
  later(row: Unsettled, write: () => Promise<unknown>, then: () => Promise<void>, attempt = 1): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      write().then(
        () => then().catch((err: unknown) => this.log.warn({ ...errorKind(err), ...row }, 'a sent row settled, but the chat\'s next turn could not be queued; the relay will')),
        (err: unknown) => {
          this.log.warn({ ...errorKind(err), ...row, attempt }, 'still cannot write what became of a sent row; trying again (its chat waits)');
          this.later(row, write, then, attempt + 1);
        },
      );
    }, backoffDelay(this.backoff, attempt));
    this.timers.add(timer);
  }

  /** Stops trying (the process is closing: its claims end with its session). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
