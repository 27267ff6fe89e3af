/**
 * A broadcast survives its worker: a worker process is SIGKILLed mid-run, twice, with sends in
 * flight (the Bot API holding them, unanswered); the next worker resumes from Postgres, and every
 * subscriber gets the notice exactly once: 0 duplicates, 0 missing. Real Postgres and Redis, the
 * fake Bot API, worker processes started like production (`src/main.ts worker`).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProduct, type ProductProcess } from '../../bench/processes.js';
import type { App } from '../../src/app.js';
import { eventually } from '../support/cases.js';
import { createTestEnv, startTestApp, TEST_REDIS, testProcessEnv, type TestEnv } from '../support/env.js';
import { startFakeTelegram, telegramErrors, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';
import { seedTelegramSubscribers, staffOf, waitForState } from './support.js';

const SUBSCRIBERS = 300;
const BROADCAST = { title: 'Sosialisasi', text: { id: 'Pendaftaran bantuan dibuka.', en: '' }, segment: { regionPrefix: '9701' } };

let env: TestEnv;
let telegram: FakeTelegram;
let web: App;
const processes: ProductProcess[] = [];
const settings = () => ({
  ...telegramConfig(telegram, { TELEGRAM_MAX_PER_SECOND: '40' }),
  BROADCAST_TICK_MS: '100',
  BROADCAST_PLAN_CHUNK: '50',
});

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  web = await startTestApp(env, { role: 'web', now: () => new Date(), config: settings() });
});

afterAll(async () => {
  for (const p of processes) await p.stop();
  await web?.close();
  await telegram?.close();
  await env?.dispose();
});

function startWorker(label: string): ProductProcess {
  const worker = startProduct(label, 'worker', testProcessEnv({ ...settings(), DATABASE_URL: env.databaseUrl, REDIS_URL: TEST_REDIS, QUEUE_PREFIX: env.redisPrefix, LOG_LEVEL: 'warn' }));
  processes.push(worker);
  return worker;
}

const delivered = () => telegram.sent().filter((m) => m.text === BROADCAST.text.id);

/** Lets `count` notices through, then holds every send unanswered and kills the worker inside them. */
async function killMidRun(worker: ProductProcess, count: number) {
  const died = worker.exited.then((code) => Promise.reject(new Error(`the worker exited with ${code}:\n${worker.outputTail()}`)));
  // A worker process loading through tsx is slow on a busy machine.
  await Promise.race([eventually(`${count} delivered`, async () => delivered().length >= count, 120_000), died]);
  const calls = telegram.callsTo('sendMessage').length;
  telegram.outage(telegramErrors.hang());
  // Killed while the only sends in flight are ones the Bot API holds unanswered. (A send the
  // platform took in the instant before the worker could record it is sent again: no chat
  // platform takes an idempotency key, so that instant is the one duplicate a crash can cause.)
  const inFlightOnlyHeld = async () => {
    const [claimed] = await web.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from outbox where status = 'sending'`;
    const held = telegram.callsTo('sendMessage').slice(calls).filter((call) => call.status === 0).length;
    return claimed.n > 0 && claimed.n === held;
  };
  await Promise.race([eventually('sends held in flight', inFlightOnlyHeld, 30_000), died]);
  process.kill(worker.pid, 'SIGKILL');
  expect(await worker.exited).toBeNull();
  // Nothing is released by hand: the dead worker's claims died with its claim session, and the
  // next worker's relay releases them at its first round.
  telegram.heal();
}

it('resumes after a worker is SIGKILLed twice mid-run: every subscriber gets the notice once, nobody twice, nobody missed', async () => {
  const chats = await seedTelegramSubscribers(web.ctx.db.sql, 8_000_000, SUBSCRIBERS, { region: '9701' });
  const author = await staffOf(web, 'dinsos-bandung');
  const draft = await web.broadcasts.create(author, BROADCAST);
  // Sent before any worker runs: the job waits in Redis, the state in Postgres.
  expect((await web.broadcasts.send(author, draft.id, null)).state).toBe('sending');

  await killMidRun(startWorker('worker-1'), 60);
  const afterFirst = delivered().length;
  expect(afterFirst).toBeLessThan(SUBSCRIBERS);

  await killMidRun(startWorker('worker-2'), afterFirst + 60);
  expect(delivered().length).toBeLessThan(SUBSCRIBERS);

  startWorker('worker-3');
  await waitForState(web, draft.id, 'done', 240_000);

  const perChat = new Map(chats.map((chat) => [chat, 0]));
  for (const message of delivered()) perChat.set(message.chatId, (perChat.get(message.chatId) ?? 0) + 1);
  const duplicates = [...perChat.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const missing = [...perChat.values()].filter((n) => n === 0).length;
  expect({ duplicates, missing, delivered: delivered().length }).toEqual({ duplicates: 0, missing: 0, delivered: SUBSCRIBERS });
  expect(await web.broadcasts.progress(author, draft.id)).toMatchObject({ planned: SUBSCRIBERS, sent: SUBSCRIBERS, queued: 0, failed: 0 });
}, 600_000);
