/**
 * The bench's reading of the product's `/metrics` around a window: Prometheus text parsed, the
 * window's differences taken, means of the histograms, several processes summed.
 */
import { describe, expect, it } from 'vitest';
import { parseScrape, pipelineFigures, type Scrape } from '../../bench/pipeline-figures.js';

function scrape(batches: number, chats: number, transactionS: number, deliveryS: number, waits: number, waitS: number, gcS: number): string {
  return [
    '# HELP kanal_step_batch_chats Chats stepped in one of the stepper\'s transactions',
    '# TYPE kanal_step_batch_chats histogram',
    `kanal_step_batch_chats_bucket{le="8"} ${batches}`,
    `kanal_step_batch_chats_sum ${chats}`,
    `kanal_step_batch_chats_count ${batches}`,
    `kanal_step_batch_seconds_sum{part="transaction"} ${transactionS}`,
    `kanal_step_batch_seconds_count{part="transaction"} ${batches}`,
    `kanal_step_batch_seconds_sum{part="delivery"} ${deliveryS}`,
    `kanal_step_batch_seconds_count{part="delivery"} ${batches}`,
    `kanal_step_wait_seconds_sum{channel="telegram"} ${waitS}`,
    `kanal_step_wait_seconds_count{channel="telegram"} ${waits}`,
    `kanal_step_wait_seconds_sum{channel="web"} 0`,
    `kanal_step_wait_seconds_count{channel="web"} 0`,
    `nodejs_gc_duration_seconds_sum{kind="minor"} ${gcS * 0.75}`,
    `nodejs_gc_duration_seconds_sum{kind="major"} ${gcS * 0.25}`,
    '',
  ].join('\n');
}

describe('the product\'s own account of a bench window', () => {
  it('parses series with and without labels, and skips comments', () => {
    const s = parseScrape(scrape(2, 18, 0.05, 0.06, 18, 0.36, 0.1));
    expect(s.get('kanal_step_batch_chats_count')).toBe(2);
    expect(s.get('kanal_step_batch_seconds_sum{part="delivery"}')).toBe(0.06);
    expect([...s.keys()].some((key) => key.startsWith('#'))).toBe(false);
  });

  it("takes the window's differences and their means", () => {
    const before = parseScrape(scrape(10, 90, 0.2, 0.25, 90, 1.8, 0.5));
    const after = parseScrape(scrape(110, 1_090, 2.2, 2.75, 1_090, 16.8, 1.3));
    const figures = pipelineFigures(before, after, 8_000);
    expect(figures.batches).toBe(100);
    expect(figures.chatsPerBatch).toBeCloseTo(10);
    expect(figures.transactionMs).toBeCloseTo(20);
    expect(figures.deliveryMs).toBeCloseTo(25);
    expect(figures.stepWaitMs).toBeCloseTo(15);
    expect(figures.gcShare).toBeCloseTo(0.1);
    // Two processes' scrapes summed: counts add up, the GC share is a process's mean.
    expect(pipelineFigures(before, after, 8_000, 2)).toMatchObject({ batches: 100, chatsPerBatch: 10 });
    expect(pipelineFigures(before, after, 8_000, 2).gcShare).toBeCloseTo(0.05);
  });

  it('has no means for a window without batches', () => {
    const same: Scrape = parseScrape(scrape(5, 40, 0.1, 0.1, 40, 0.4, 0));
    const figures = pipelineFigures(same, same, 1_000);
    expect(figures.batches).toBe(0);
    expect(figures.chatsPerBatch).toBeNaN();
    expect(figures.transactionMs).toBeNaN();
  });
});
