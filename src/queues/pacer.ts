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
 * channel table: one short statement per send, the same on both queue backends, and nothing to
 * go stale when a process dies (a slot it took and never used is one gap of a few milliseconds).
 * A send waits at most (sends in flight on the channel) × interval: the lanes' concurrency bounds
 * how many slots are taken ahead.
 */
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

/**
 * Slots a process takes in one statement: as many as the cap allows in this long, at least one.
 * Below a thousand a second (Telegram's 30, a Cloud number's 80, a broadcast's cap) that is one
 * slot per send; at a cap of thousands (a high tier, a bench against a fake API) one statement
 * serves several sends instead of costing each a round trip. Slots a process took and did not use
 * in time are lost, never used late, so the cap still holds across processes.
 */
const BLOCK_MS = 1;

interface Slot {
  /** On Postgres's clock. */
  atMs: number;
  /** The same moment on this process's clock. */
  localMs: number;
}

export class SendPacer {
  private readonly intervalUs = new Map<ChannelName, number>();
  private readonly blocks = new Map<ChannelName, number>();
  /** Slots this process took ahead and has not used yet, oldest first. */
  private readonly ahead = new Map<ChannelName, Slot[]>();

  constructor(
    private readonly sql: postgres.Sql,
    perSecond: Partial<Record<ChannelName, number>>,
  ) {
    for (const [channel, rate] of Object.entries(perSecond) as [ChannelName, number | undefined][]) {
      if (rate && rate > 0) {
        this.intervalUs.set(channel, Math.ceil(1e6 / (rate * (1 - PACE_HEADROOM))));
        this.blocks.set(channel, Math.max(1, Math.floor((rate * BLOCK_MS) / 1000)));
      }
    }
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
   * and how long from now. Null for a channel without a pace. A slot taken ahead in this process
   * comes first, unless its moment has passed.
   */
  async take(channel: ChannelName): Promise<{ atMs: number; waitMs: number } | null> {
    const us = this.intervalUs.get(channel);
    if (us === undefined) return null;
    const ahead = this.ahead.get(channel) ?? [];
    this.ahead.set(channel, ahead);
    const now = Date.now();
    while (ahead.length > 0 && ahead[0].localMs < now - LATE_TOLERANCE_MS) ahead.shift();
    const kept = ahead.shift();
    if (kept) return { atMs: kept.atMs, waitMs: kept.localMs - now };

    const count = this.blocks.get(channel) ?? 1;
    const [row] = await this.sql<{ at_ms: string; wait_ms: string }[]>`
      insert into send_pace as p (channel, next_at) values (${channel}, clock_timestamp() + ${count * us} * interval '1 microsecond')
      on conflict (channel) do update set next_at = greatest(clock_timestamp() - ${CATCH_UP_SLOTS * us} * interval '1 microsecond', p.next_at) + ${count * us} * interval '1 microsecond'
      returning extract(epoch from p.next_at) * 1000 - ${(count * us) / 1000} as at_ms,
        extract(epoch from (p.next_at - clock_timestamp())) * 1000 - ${(count * us) / 1000} as wait_ms`;
    const first = { atMs: Number(row.at_ms), localMs: Date.now() + Number(row.wait_ms) };
    for (let i = 1; i < count; i++) ahead.push({ atMs: first.atMs + (i * us) / 1000, localMs: first.localMs + (i * us) / 1000 });
    // Blocks taken side by side may come back in any order.
    if (count > 1) ahead.sort((a, b) => a.atMs - b.atMs);
    return { atMs: first.atMs, waitMs: first.localMs - Date.now() };
  }

  /** The slots' spacing for a channel, in microseconds (undefined: not paced). */
  intervalOf(channel: ChannelName): number | undefined {
    return this.intervalUs.get(channel);
  }
}
