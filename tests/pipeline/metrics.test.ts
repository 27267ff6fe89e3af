/**
 * The pipeline's figures at `/metrics`, as an operator's Prometheus scrapes them: messages stored
 * and redeliveries dropped at the front door, the wait for a step, the stepper's batches, and each
 * send's outcome (taken, tried again after a 502, failed for good on a blocked bot). Counted on a
 * real pipeline (Postgres, Redis, the webhook over HTTP, a fake Bot API), and never with a chat id
 * or a text in a label.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScrape, type Scrape } from '../../bench/pipeline-figures.js';
import type { App } from '../../src/app.js';
import { createMetrics } from '../../src/metrics.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, telegramErrors, type FakeTelegram } from '../support/fake-telegram.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';

let env: TestEnv;
let telegram: FakeTelegram;
let app: App;

async function scrape(): Promise<Scrape> {
  const response = await fetch(`${app.url}/metrics`);
  expect(response.status).toBe(200);
  return parseScrape(await response.text());
}

const value = (s: Scrape, series: string) => s.get(series) ?? 0;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  app = await startTestApp(env, { config: telegramConfig(telegram) });
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await env?.dispose();
});

describe('the pipeline at /metrics', () => {
  it('counts each message stored and each redelivery dropped, the step it waited for, its batch and its replies sent', async () => {
    const before = await scrape();
    const chat = 7_100_001;
    const update = textUpdate(chat, 1, 'halo');
    expect(await postUpdate(app.url!, update)).toBe(200);
    await waitForIdle(app);
    // Telegram delivering the same update again: dropped at the door, counted as such.
    expect(await postUpdate(app.url!, update)).toBe(200);
    const replies = (await telegram.waitForSends(1, { chatId: String(chat) })).length;
    await waitForIdle(app);
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);

    expect(delta('kanal_inbound_messages_total{channel="telegram",outcome="stored"}')).toBe(1);
    expect(delta('kanal_inbound_messages_total{channel="telegram",outcome="redelivered"}')).toBe(1);
    expect(delta('kanal_step_wait_seconds_count{channel="telegram"}')).toBe(1);
    expect(delta('kanal_step_wait_seconds_sum{channel="telegram"}')).toBeGreaterThan(0);
    expect(delta('kanal_step_batch_chats_count')).toBeGreaterThanOrEqual(1);
    expect(delta('kanal_step_batch_chats_sum')).toBe(1);
    expect(delta('kanal_step_batch_seconds_count{part="transaction"}')).toBe(delta('kanal_step_batch_chats_count'));
    expect(delta('kanal_step_batch_seconds_count{part="delivery"}')).toBe(delta('kanal_step_batch_chats_count'));
    expect(replies).toBeGreaterThan(0);
    expect(delta('kanal_outbound_messages_total{channel="telegram",outcome="sent"}')).toBe(telegram.sent(String(chat)).length);
  });

  it('counts a send tried again after a 502 and one that failed for good', async () => {
    const before = await scrape();
    const retried = 7_100_002;
    telegram.failNext('sendMessage', telegramErrors.badGateway(), 1);
    expect(await postUpdate(app.url!, textUpdate(retried, 1, 'halo'))).toBe(200);
    await telegram.waitForSends(1, { chatId: String(retried), timeoutMs: 10_000 });
    await waitForIdle(app);
    const blocked = 7_100_003;
    telegram.failAlwaysFor('sendMessage', String(blocked), telegramErrors.blocked());
    expect(await postUpdate(app.url!, textUpdate(blocked, 1, 'halo'))).toBe(200);
    await waitForIdle(app);
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);

    expect(delta('kanal_outbound_messages_total{channel="telegram",outcome="retry"}')).toBe(1);
    expect(delta('kanal_outbound_messages_total{channel="telegram",outcome="sent"}')).toBe(telegram.sent(String(retried)).length);
    // A blocked bot fails its first reply for good; the chat is then unreachable, so the rest fail unsent.
    expect(delta('kanal_outbound_messages_total{channel="telegram",outcome="failed"}')).toBeGreaterThanOrEqual(1);
    expect(telegram.sent(String(blocked))).toEqual([]);
  });

  it('names no chat, phone or text in any series', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    for (const chat of ['7100001', '7100002', '7100003']) expect(text).not.toContain(chat);
    expect(text).not.toContain('halo');
  });

  it("serves the process's own figures only where asked (a running process, not a test's apps)", async () => {
    expect([...(await scrape()).keys()].some((series) => series.startsWith('nodejs_') || series.startsWith('process_'))).toBe(false);
    const running = createMetrics({ processFigures: true });
    const names = (await running.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'nodejs_gc_duration_seconds', 'nodejs_eventloop_lag_p99_seconds']));
  });
});
