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
import { queueTurn } from '../../src/queues/outbound.js';
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

  it('counts a send tried again after a 502, one that failed for good, and those not offered to a blocked chat', async () => {
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
    // Something owed to the chat after that (a status update, say): not offered to the platform.
    const [chat] = await app.ctx.db.sql<{ id: string }[]>`
      insert into outbox (identity_id, channel, payload)
      select id, channel, jsonb_build_object('kind', 'text', 'chatId', chat_id, 'text', 'Status laporan Anda berubah.')
      from channel_identities where chat_id = ${String(blocked)} and unreachable_at is not null
      returning identity_id as id`;
    await queueTurn(app.ctx, Number(chat.id));
    await waitForIdle(app);
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);

    expect(delta('kanal_outbound_messages_total{channel="telegram",outcome="retry"}')).toBe(1);
    expect(delta('kanal_outbound_messages_total{channel="telegram",outcome="sent"}')).toBe(telegram.sent(String(retried)).length);
    // The blocked bot's reply fails for good and marks the chat unreachable; what it is owed later is not offered.
    expect(delta('kanal_outbound_messages_total{channel="telegram",outcome="failed"}')).toBe(1);
    expect(delta('kanal_outbound_messages_total{channel="telegram",outcome="skipped"}')).toBe(1);
    expect(telegram.sent(String(blocked))).toEqual([]);
  });

  it('notes the wait of a message once, when its step commits, however often the step was tried', async () => {
    // The first write of this message's step fails (a trigger, as Postgres refusing it would), so
    // its batch rolls back and its chat is stepped again alone.
    await app.ctx.db.sql.unsafe(`
      create sequence test_fail_once;
      create function test_fail_once() returns trigger language plpgsql as $$
        begin
          if nextval('test_fail_once') = 1 then raise exception 'fails once' using errcode = 'internal_error'; end if;
          return new;
        end $$;
      create trigger test_fail_once before update on messages for each row
        when (new.body = 'gagal sekali' and new.processed_at is not null) execute function test_fail_once();`);
    const before = await scrape();
    const [failing, other] = [7_100_004, 7_100_005];
    const posted = await Promise.all([postUpdate(app.url!, textUpdate(failing, 1, 'gagal sekali')), postUpdate(app.url!, textUpdate(other, 1, 'halo'))]);
    expect(posted).toEqual([200, 200]);
    await telegram.waitForSends(1, { chatId: String(failing), timeoutMs: 10_000 });
    await waitForIdle(app);
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);
    const [tried] = await app.ctx.db.sql<{ n: string }[]>`select last_value as n from test_fail_once`;
    expect(Number(tried.n)).toBeGreaterThanOrEqual(2);
    expect(delta('kanal_inbound_messages_total{channel="telegram",outcome="stored"}')).toBe(2);
    expect(delta('kanal_step_wait_seconds_count{channel="telegram"}')).toBe(2);
  });

  it('labels its series by channel, outcome and part only: never a chat, a phone number or a text', async () => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const series = text.split('\n').filter((line) => line.startsWith('kanal_'));
    const names = new Set(series.map((line) => line.replace(/[{ ].*$/, '').replace(/_(bucket|sum|count)$/, '')));
    expect([...names].sort()).toEqual([
      'kanal_inbound_messages_total',
      'kanal_outbound_messages_total',
      'kanal_set_aside_updates_total',
      'kanal_step_batch_chats',
      'kanal_step_batch_seconds',
      'kanal_step_wait_seconds',
    ]);
    for (const line of series) {
      const labels = [...(line.match(/\{(.*)\}/)?.[1] ?? '').matchAll(/(\w+)="/g)].map((m) => m[1]);
      for (const label of labels) expect(['channel', 'outcome', 'part', 'le']).toContain(label);
    }
  });

  it("serves a worker's figures on METRICS_PORT, and nothing when it is not set", async () => {
    const workerEnv = await createTestEnv();
    try {
      const worker = await startTestApp(workerEnv, { role: 'worker', config: { ...telegramConfig(telegram), METRICS_PORT: '0' } });
      const quiet = await startTestApp(workerEnv, { role: 'worker', config: telegramConfig(telegram) });
      try {
        expect(worker.url).toBeNull();
        expect(quiet.probesUrl).toBeNull();
        const metrics = await fetch(`${worker.probesUrl}/metrics`);
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toContain('kanal_step_batch_chats_count 0');
        expect((await fetch(`${worker.probesUrl}/healthz`)).status).toBe(200);
        expect((await fetch(`${worker.probesUrl}/readyz`)).status).toBe(200);
        // Only the probes: no webhook, chat or console there.
        expect((await fetch(`${worker.probesUrl}/chat`)).status).toBe(404);
      } finally {
        await quiet.close();
        await worker.close();
      }
    } finally {
      await workerEnv.dispose();
    }
  });

  it("serves the process's own figures only where asked (a running process, not a test's apps)", async () => {
    expect([...(await scrape()).keys()].some((series) => series.startsWith('nodejs_') || series.startsWith('process_'))).toBe(false);
    const running = createMetrics({ processFigures: true });
    const names = (await running.registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'nodejs_gc_duration_seconds', 'nodejs_eventloop_lag_p99_seconds']));
  });
});
