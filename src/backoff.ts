/**
 * The one exponential backoff behind every retry: BullMQ jobs, webhook deliveries, Telegram
 * polling's store retries and WhatsApp Web's reconnects. The curve is cockatiel's exponential
 * generator (the library of our circuit breaker): `initialDelayMs`, doubling, capped at
 * `maxDelayMs`. The jitter is ours, because each caller needs its own range and some inject the
 * random source in tests; cockatiel's generators jitter only below the delay or in a way that
 * depends on the delays before.
 *
 * Callers know only how many attempts have failed (BullMQ's `attemptsMade`, a row's `attempts`),
 * so the delay is read from the generator at that attempt rather than by stepping a backoff.
 *
 * @example
 *   const delayMs = backoffDelay({ initialDelayMs: 1_000, maxDelayMs: 60_000, jitter: [0.8, 1.2] }, attemptsMade);
 */
import { noJitterGenerator } from 'cockatiel';

export interface BackoffOptions {
  /** The delay after the first failure. */
  initialDelayMs: number;
  /** The doubling stops here (jitter may still take a delay a little above it). */
  maxDelayMs: number;
  /**
   * The delay is multiplied by a random factor in [min, max): `[0.8, 1.2]` spreads a crowd of
   * retries after an outage around the delay. Absent: no jitter.
   */
  jitter?: readonly [min: number, max: number];
  /** Source of jitter in [0, 1); Math.random by default. */
  random?: () => number;
}

/** The delay before trying again after failed attempt number `attempt` (1 for the first failure), rounded to whole ms. */
export function backoffDelay(options: BackoffOptions, attempt: number): number {
  const [delayMs] = noJitterGenerator(Math.max(0, attempt - 1), {
    generator: noJitterGenerator,
    initialDelay: options.initialDelayMs,
    maxDelay: options.maxDelayMs,
    exponent: 2,
  });
  if (!options.jitter) return delayMs;
  const [min, max] = options.jitter;
  const random = options.random ?? Math.random;
  return Math.round(delayMs * (min + random() * (max - min)));
}
