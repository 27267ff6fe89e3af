/**
 * BullMQ's custom backoff for the project's queues: exponential with ±20% jitter, and a
 * `RetryLater`'s own delay honoured exactly.
 */
import { describe, expect, it } from 'vitest';
import { backoffStrategy, RetryLater } from '../../src/queues/jobs.js';

describe('backoffStrategy', () => {
  const strategy = backoffStrategy(1_000, 60_000);

  it('grows by doubling per attempt, each within ±20%', () => {
    for (const [attemptsMade, exact] of [[1, 1_000], [2, 2_000], [3, 4_000], [6, 32_000]] as const) {
      const delay = strategy(attemptsMade, 'kanal', new Error('HTTP 502'));
      expect(delay).toBeGreaterThanOrEqual(exact * 0.8);
      expect(delay).toBeLessThanOrEqual(exact * 1.2);
    }
  });

  it('is capped, with the jitter around the cap', () => {
    for (const attemptsMade of [7, 30, 999_999]) {
      const delay = strategy(attemptsMade);
      expect(delay).toBeGreaterThanOrEqual(48_000);
      expect(delay).toBeLessThanOrEqual(72_000);
    }
  });

  it("honours a RetryLater's delay exactly, whatever the attempt", () => {
    expect(strategy(1, 'kanal', new RetryLater(1_234, 'retry_after'))).toBe(1_234);
    expect(strategy(50, 'kanal', new RetryLater(0, 'probe now'))).toBe(0);
  });

  it('a RetryLater without a delay backs off like any failure', () => {
    const delay = strategy(2, 'kanal', new RetryLater(null, 'HTTP 503'));
    expect(delay).toBeGreaterThanOrEqual(1_600);
    expect(delay).toBeLessThanOrEqual(2_400);
  });
});
