/**
 * The per-process allowance that decides whether a step's replies go out directly or through the
 * channel's outbound queue.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { sendAllowance } from '../../src/queues/workers.js';

const take = (allowed: (channel: 'telegram') => boolean, count: number) => Array.from({ length: count }, () => allowed('telegram'));

describe('sendAllowance', () => {
  it("starts with a second's worth of sends, then refuses", () => {
    const allowed = sendAllowance({ telegram: 5 });
    expect(take(allowed, 6)).toEqual([true, true, true, true, true, false]);
  });

  it("refills continuously, never above a second's worth", async () => {
    const allowed = sendAllowance({ telegram: 20 });
    take(allowed, 20);
    expect(allowed('telegram')).toBe(false);
    // 20 a second is one every 50 ms.
    await sleep(120);
    expect(take(allowed, 2)).toEqual([true, true]);
    await sleep(1_200);
    expect(take(allowed, 21).filter(Boolean)).toHaveLength(20);
  });

  it('keeps each channel to its own limit, and a channel without one is never refused', () => {
    const allowed = sendAllowance({ telegram: 1, 'whatsapp-cloud': 2 });
    expect(allowed('telegram')).toBe(true);
    expect(allowed('telegram')).toBe(false);
    expect([allowed('whatsapp-cloud'), allowed('whatsapp-cloud'), allowed('whatsapp-cloud')]).toEqual([true, true, false]);
    expect(Array.from({ length: 100 }, () => allowed('web')).every(Boolean)).toBe(true);
  });
});
