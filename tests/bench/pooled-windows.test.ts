/**
 * The reference comparison's windows, the bots in turn, pooled into one row per chat count:
 * counts add up, rates and cores are the windows' mean, and the percentiles are of every answer.
 */
import { describe, expect, it } from 'vitest';
import type { PhaseResult } from '../../bench/load.js';
import type { CpuUse } from '../../bench/processes.js';
import { percentile } from '../../bench/figures.js';
import { pooled, type Measured } from '../../bench/reference.js';

function window(perSecond: number, latencies: number[], cores: number, extra: Partial<PhaseResult> = {}): Measured {
  const result: PhaseResult = {
    name: '40 chats',
    offeredRate: null,
    sent: latencies.length,
    answered: latencies.length,
    answeredPerSecond: perSecond,
    repliesPerSecond: perSecond,
    latencies: Float64Array.from(latencies).sort(),
    skipped: 0,
    unanswered: 0,
    unansweredExamples: [],
    httpErrors: 0,
    mismatches: 0,
    mismatchExample: null,
    strays: 0,
    inFlightAtEnd: 1,
    ...extra,
  };
  const cpu: CpuUse = { product: [cores], bench: 0.2, postgres: cores / 2, redis: 0, machine: 0.8, other: 0.01, stolen: 0 };
  return { result, cpu, ownFaults: 0 };
}

describe('pooled windows', () => {
  it('adds the counts, averages the rates and cores, and takes the percentiles of every answer', () => {
    const a = window(600, [10, 20, 30], 0.8, { unanswered: 1, mismatchExample: null });
    const b = window(800, [40, 50, 60, 70], 1.0, { httpErrors: 2, mismatches: 1, mismatchExample: 'menu?' });
    const p = pooled([a, b]);
    expect(p.result.answered).toBe(7);
    expect(p.result.unanswered).toBe(1);
    expect(p.result.httpErrors).toBe(2);
    expect(p.result.mismatchExample).toBe('menu?');
    expect(p.result.answeredPerSecond).toBe(700);
    expect([...p.result.latencies]).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(percentile(p.result.latencies, 1)).toBe(70);
    expect(p.cpu.product[0]).toBeCloseTo(0.9);
    expect(p.cpu.postgres).toBeCloseTo(0.45);
    // The windows themselves are left as they were.
    expect([...a.result.latencies]).toEqual([10, 20, 30]);
  });

  it('returns a single window as it is, and refuses none', () => {
    const only = window(600, [10], 0.8);
    expect(pooled([only])).toBe(only);
    expect(() => pooled([])).toThrow('no window to pool');
  });
});
