/**
 * A channel's send pace, shared by every process that sends on it: Telegram takes about 30
 * messages a second from a bot, a WhatsApp Cloud number what its tier allows. Each send takes the
 * channel's next free slot just before it leaves, and slots are `1 / perSecond` apart (plus 0.5 %
 * headroom), so the rate never goes above the cap, whichever process sends and however their jobs
 * were fetched, and no second holds more than a few sends over it (a send leaving a few
 * milliseconds late). A queue limiter counting fixed windows cannot promise that: the end of one
 * window and the start of the next let twice the cap through in one second.
 *
 * A send that wakes too late for its slot takes another (`slot`), so a stalled event loop does not
 * let its waiting sends leave all at once.
 *
 * The slot is taken in Postgres, on its clock (`clock_timestamp()`), in an unlogged one-row-per-
 * channel table: one short statement for the sends of a process asking within the same turn of
 * the event loop (each gets its own slot, one after another), the same on both queue backends, and
 * nothing to go stale when a process dies (a slot it took and never used is one gap of a few
 * milliseconds).
 * A send waits at most (sends in flight on the channel) × interval: the lanes' concurrency bounds
 * how many slots are taken ahead.
 */
import DataLoader from 'dataloader';
import { sharedStatement } from './batches.js';
import type postgres from 'postgres';
import type { ChannelName } from '../domain/messages.js';

/** Slots this much further apart than the cap asks: the rate stays under the cap, by less than the 2 % a broadcast may lose. */
export const PACE_HEADROOM = 0.005;
/**
 * A send this late for its slot takes a new one: sends whose timers fire together after a stall
 * are spread out again. Each retake leaves a slot unused, so the tolerance is not smaller.
 */
const LATE_TOLERANCE_MS = 8;
/**
 * Slots left unused for a moment (no send ready just then) may be taken up to this many late, so
 * short gaps between sends do not pull the rate below the cap; the long-run rate still never
 * exceeds one slot per interval.
 */
const CATCH_UP_SLOTS = 3;
/** A process too busy to keep any slot still sends, after this many. */
const MAX_RETAKES = 10;

export class SendPacer {
  private readonly intervalUs = new Map<ChannelName, number>();
  /**
   * Sends asking for a slot within the same tick (a batch's replies leaving side by side) take
   * their slots in one statement, one after another on the schedule, as if each had asked alone.
   */
  private readonly slots: DataLoader<ChannelName, { atMs: number; waitMs: number }>;

  constructor(
    private readonly sql: postgres.Sql,
    perSecond: Partial<Record<ChannelName, number>>,
  ) {
    for (const [channel, rate] of Object.entries(perSecond) as [ChannelName, number | undefined][]) {
      if (rate && rate > 0) this.intervalUs.set(channel, Math.ceil(1e6 / (rate * (1 - PACE_HEADROOM))));
    }
    this.slots = new DataLoader(
      async (channels) => {
        const taken: ({ atMs: number; waitMs: number } | Error)[] = [];
        const asking = new Map<ChannelName, number[]>();
        channels.forEach((channel, i) => asking.set(channel, [...(asking.get(channel) ?? []), i]));
        // Each channel's slots in a statement of its own: one channel's failure is its senders' alone.
        await Promise.all(
          [...asking].map(async ([channel, askers]) => {
            const us = this.intervalUs.get(channel)!;
            try {
              const first = await this.takeSlots(channel, askers.length);
              askers.forEach((asker, n) => (taken[asker] = { atMs: first.atMs + (n * us) / 1000, waitMs: first.waitMs + (n * us) / 1000 }));
            } catch (err) {
              for (const asker of askers) taken[asker] = err instanceof Error ? err : new Error(String(err));
            }
          }),
        );
        return taken;
      },
      sharedStatement(),
    );
  }

  /**
   * Resolves at the channel's next free slot (at once for a channel without a pace). A send that
   * wakes late (a busy event loop, a stalled process) has lost its slot: going then would bunch it
   * with the sends whose slots come next, and a second could hold more than the cap. It takes a new
   * slot instead, up to a few times.
   */
  async slot(channel: ChannelName): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const taken = await this.take(channel);
      if (!taken) return;
      const wakeAt = Date.now() + Math.max(0, taken.waitMs);
      if (taken.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(taken.waitMs)));
      if (Date.now() - wakeAt <= LATE_TOLERANCE_MS || attempt >= MAX_RETAKES) return;
    }
  }

  /**
   * Takes the channel's next free slot: when it is (milliseconds since the epoch, Postgres's clock)
   * and how long from now. Null for a channel without a pace.
   */
  async take(channel: ChannelName): Promise<{ atMs: number; waitMs: number } | null> {
    if (!this.intervalUs.has(channel)) return null;
    return this.slots.load(channel);
  }

  /** The first of `count` consecutive slots, taken in one statement. */
  private async takeSlots(channel: ChannelName, count: number): Promise<{ atMs: number; waitMs: number }> {
    const us = this.intervalUs.get(channel)!;
    const [row] = await this.sql<{ at_ms: string; wait_ms: string }[]>`
      insert into send_pace as p (channel, next_at) values (${channel}, clock_timestamp() + ${count * us} * interval '1 microsecond')
      on conflict (channel) do update set next_at = greatest(clock_timestamp() - ${CATCH_UP_SLOTS * us} * interval '1 microsecond', p.next_at) + ${count * us} * interval '1 microsecond'
      returning extract(epoch from p.next_at) * 1000 - ${(count * us) / 1000} as at_ms,
        extract(epoch from (p.next_at - clock_timestamp())) * 1000 - ${(count * us) / 1000} as wait_ms`;
    return { atMs: Number(row.at_ms), waitMs: Number(row.wait_ms) };
  }

  /** The slots' spacing for a channel, in microseconds (undefined: not paced). */
  intervalOf(channel: ChannelName): number | undefined {
    return this.intervalUs.get(channel);
  }
}
