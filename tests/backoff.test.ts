/**
 * The one exponential backoff: growth, cap, and the bounds of its jitter, with an injected random.
 */
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.js';

const steady = { initialDelayMs: 1_000, maxDelayMs: 8_000 };
const attempts = (count: number) => Array.from({ length: count }, (_, i) => i + 1);

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    expect(attempts(6).map((attempt) => backoffDelay(steady, attempt))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it('stays at the cap however many attempts have failed (a job retried for days)', () => {
    expect(backoffDelay(steady, 1_000_000)).toBe(8_000);
  });

  it('keeps the jitter within [min, max) of the delay, rounded to whole ms', () => {
    const jittered = (random: number, attempt: number) => backoffDelay({ ...steady, jitter: [0.8, 1.2], random: () => random }, attempt);
    expect(jittered(0, 1)).toBe(800);
    expect(jittered(0.5, 1)).toBe(1_000);
    expect(jittered(0.999, 1)).toBe(1_200);
    // The cap is applied before the jitter, so a crowd at the cap still spreads out.
    expect(jittered(0, 10)).toBe(6_400);
    expect(jittered(0.999, 10)).toBe(9_597);
  });

  it('with Math.random, every delay lands within the jitter bounds', () => {
    const options = { initialDelayMs: 500, maxDelayMs: 60_000, jitter: [0.8, 1.2] as const };
    for (const attempt of attempts(12)) {
      const exact = Math.min(60_000, 500 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(options, attempt);
        expect(delay).toBeGreaterThanOrEqual(Math.round(exact * 0.8));
        expect(delay).toBeLessThanOrEqual(Math.round(exact * 1.2));
      }
    }
  });

  it('jitter only above the delay, as WhatsApp Web reconnects use it', () => {
    expect(backoffDelay({ ...steady, jitter: [1, 1.2], random: () => 0.5 }, 1)).toBe(1_100);
    expect(backoffDelay({ ...steady, jitter: [1, 1.2], random: () => 0 }, 4)).toBe(8_000);
  });
});
