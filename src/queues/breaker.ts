/**
 * A channel whose API fails for everyone is a channel state, not a per-row backoff. Each channel
 * this process sends on has a circuit breaker (cockatiel's, over `ConsecutiveBreaker`): after
 * `afterFailures` retryable failures in a row (5xx, network errors, timeouts: what the adapter
 * calls `retryable`) it opens, the channel's lane in this process pauses, and every
 * `probeIntervalMs` one owed reply (a chat head, the one tried least) is sent as the probe. The probe's
 * success closes the breaker and the lane drains at once; its failure keeps it open for another
 * interval. However long the outage, the owed replies are at most one probe interval away from
 * the API's return: no row's backoff grows with it.
 *
 * A 429 is not an outage: the API answered, and asked this chat (or this bot) to wait exactly
 * `retry_after`, which the row's job honours. It counts as an answer, like a permanent refusal.
 *
 * State is per process: each process trips on its own sends and probes on its own (several
 * processes send several probes per interval, one each). Nothing shared can then go stale when a
 * process dies, and a process that sees the API answer resumes without waiting for the others.
 */
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhenResult, type CircuitBreakerPolicy } from 'cockatiel';
import type { ChannelName, SendResult } from '../domain/messages.js';
import { errorKind } from '../db/errors.js';
import type { Logger } from '../logger.js';

export interface BreakerSettings {
  /** Retryable failures in a row, on one channel, that pause the channel. */
  afterFailures: number;
  /** While paused, one owed reply is sent this often to see whether the API is back. */
  probeIntervalMs: number;
}

/** Sends one owed reply of the channel through its breaker (src/queues/outbound.ts `probeChannel`). */
export type Probe = (channel: ChannelName) => Promise<void>;

/** Whether a result says the channel's API failed for reasons not this message's own. */
const outage = (result: unknown) => {
  const sent = result as SendResult;
  return !sent.ok && sent.failure === 'retryable';
};

/** Timers fire on the monotonic clock, cockatiel reads `Date.now()`: a little slack keeps a probe from coming a millisecond early. */
const PROBE_SLACK_MS = 10;

export class ChannelBreakers {
  private readonly policies = new Map<ChannelName, CircuitBreakerPolicy>();
  private readonly probeTimers = new Map<ChannelName, NodeJS.Timeout>();
  private readonly listeners = new Set<(channel: ChannelName, paused: boolean) => void>();
  private probe: Probe | null = null;
  private stopped = false;

  constructor(
    readonly settings: BreakerSettings,
    private readonly log: Logger,
  ) {}

  /** Who sends the probes; until set (and once stopped), an open breaker waits. */
  probeWith(probe: Probe): void {
    this.probe = probe;
  }

  /** Called with `paused` true when the channel's breaker opens, false when a probe closed it. */
  onChange(listener: (channel: ChannelName, paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Sends go ahead: the breaker is closed (not open, and no probe in flight). */
  closed(channel: ChannelName): boolean {
    return this.policy(channel).state === CircuitState.Closed;
  }

  /**
   * Runs one send through the channel's breaker: its result counts towards opening it (or, as a
   * probe, closes or keeps it open). `paused` when the breaker is open and this send was not let
   * through: nothing was sent.
   */
  async send(channel: ChannelName, attempt: () => Promise<SendResult>): Promise<SendResult | 'paused'> {
    try {
      return await this.policy(channel).execute(attempt);
    } catch (err) {
      if (err instanceof BrokenCircuitError) return 'paused';
      throw err;
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.probeTimers.values()) clearTimeout(timer);
    this.probeTimers.clear();
  }

  private policy(channel: ChannelName): CircuitBreakerPolicy {
    let policy = this.policies.get(channel);
    if (policy) return policy;
    policy = circuitBreaker(handleWhenResult(outage), {
      halfOpenAfter: this.settings.probeIntervalMs,
      breaker: new ConsecutiveBreaker(this.settings.afterFailures),
    });
    let paused = false;
    policy.onBreak(() => {
      // A failed probe opens the breaker again: the spell goes on, logged once.
      if (!paused) {
        paused = true;
        this.log.warn({ channel, probeIntervalMs: this.settings.probeIntervalMs }, 'channel API failing for everyone: sends paused, probing');
        for (const listener of this.listeners) listener(channel, true);
      }
      this.scheduleProbe(channel);
    });
    policy.onReset(() => {
      paused = false;
      this.log.info({ channel }, 'channel API answers again: owed replies drain');
      for (const listener of this.listeners) listener(channel, false);
    });
    this.policies.set(channel, policy);
    return policy;
  }

  private scheduleProbe(channel: ChannelName): void {
    if (this.stopped || this.probeTimers.has(channel)) return;
    const timer = setTimeout(async () => {
      try {
        await this.probe?.(channel);
      } catch (err) {
        this.log.debug({ ...errorKind(err), channel }, 'probe could not run; trying again next interval');
      } finally {
        this.probeTimers.delete(channel);
        // No verdict (nothing owed to probe with, the chat busy, the database away): try again.
        if (this.policy(channel).state === CircuitState.Open) this.scheduleProbe(channel);
      }
    }, this.settings.probeIntervalMs + PROBE_SLACK_MS);
    timer.unref();
    this.probeTimers.set(channel, timer);
  }
}
