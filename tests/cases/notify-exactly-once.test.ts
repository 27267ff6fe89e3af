/**
 * Every public case event reaches its citizen exactly once, in order, in their language: also when
 * no worker was alive between the commit and the send and Redis lost the jobs the commit enqueued,
 * when the worker is stopped in the middle of sending, and when a worker process is SIGKILLed
 * after the commit with its sends in flight (then within 10 s of a worker's restart: the dead
 * process's claims die with it). Staff act through the web process's case service; a
 * separate worker sends. Real Postgres and Redis, fake Bot API.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProduct, type ProductProcess } from '../../bench/processes.js';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/cases/events.js';
import { openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, startTestApp, TEST_REDIS, testSettings, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, telegramErrors, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';

const officer: Actor = { kind: 'staff', staffId: 1, role: 'admin', dinasId: null, unitId: null, regionPrefix: null };

let env: TestEnv;
let telegram: FakeTelegram;
let web: App;
const workers: App[] = [];
/** Worker processes started by this file (stopped at the end if a test left one running). */
const processes: ProductProcess[] = [];
let nextChat = 9_500_000;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  web = await startTestApp(env, { role: 'web', config: telegramConfig(telegram) });
});

afterAll(async () => {
  for (const p of processes) await p.stop();
  for (const app of [...workers, web]) await app?.close();
  await telegram?.close();
  await env?.dispose();
});

/** `n` citizens with a case each; every third one chose English. */
async function citizensWithCases(n: number) {
  const citizens: { chat: string; ticket: string; lang: 'id' | 'en' }[] = [];
  for (let i = 0; i < n; i++) {
    const chat = String(nextChat++);
    const lang = i % 3 === 0 ? 'en' : 'id';
    citizens.push({ chat, lang, ticket: await openTestCase(web, await seedIdentity(web, 'telegram', chat, { lang })) });
  }
  return citizens;
}

/** What a citizen should read, in order, after `moveAlong`. */
const expected = {
  id: ['Kabar laporan', 'Sudah diverifikasi', 'Diteruskan ke unit yang menangani', 'Balasan petugas', 'Sedang ditindaklanjuti'],
  en: ['Update on report', 'Verified', 'Forwarded to the responsible unit', 'Staff reply', 'Being followed up'],
};

async function moveAlong(ticket: string) {
  await web.cases.transition(officer, ticket, 'diverifikasi');
  await web.cases.transition(officer, ticket, 'diteruskan', { note: 'Bidang Linjamsos.' });
  await web.cases.addNote(officer, ticket, 'Internal: cek DTKS.', true);
  await web.cases.replyToCitizen(officer, ticket, 'Mohon ditunggu, kami cek datanya.');
  await web.cases.transition(officer, ticket, 'diproses');
}

function expectEachToldOnce(citizens: { chat: string; lang: 'id' | 'en' }[]) {
  for (const { chat, lang } of citizens) {
    const texts = telegram.sent(chat).map((m) => m.text);
    const [update, verified, forwarded, reply, processing] = expected[lang];
    expect(texts).toHaveLength(4);
    expect(texts[0]).toContain(update);
    expect(texts[0]).toContain(verified);
    expect(texts[1]).toContain(forwarded);
    expect(texts[2]).toContain(reply);
    expect(texts[3]).toContain(processing);
    expect(texts.join('\n')).not.toContain('DTKS');
  }
}

it('delivers what was committed while no worker lived and Redis then lost its jobs', async () => {
  const citizens = await citizensWithCases(12);
  await Promise.all(citizens.map((c) => moveAlong(c.ticket)));
  const [owed] = await web.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from outbox where status = 'pending'`;
  expect(owed.n).toBe(48);
  expect(telegram.sent()).toEqual([]);

  // The enqueues after commit are gone too: only Postgres knows what is owed.
  await env.flushQueues();
  workers.push(await startTestApp(env, { role: 'worker', config: telegramConfig(telegram) }));
  await waitForIdle(web, 30_000);
  expectEachToldOnce(citizens);
});

it('loses and repeats nothing when the worker is stopped mid-send and another takes over', async () => {
  const citizens = await citizensWithCases(12);
  const sentBefore = telegram.sent().length;
  // Sends fail for a while (retries pile up in backoff), then some get through, then the worker stops.
  telegram.outage();
  const failedBefore = telegram.callsTo('sendMessage').length;
  await Promise.all(citizens.map((c) => moveAlong(c.ticket)));
  await telegram.waitForCalls('sendMessage', failedBefore + 12, { timeoutMs: 20_000 });
  telegram.heal();
  await telegram.waitForSends(sentBefore + 10, { timeoutMs: 20_000 });
  telegram.outage();
  await workers.pop()!.close();
  const [owed] = await web.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from outbox where status in ('pending', 'sending')`;
  expect(owed.n).toBeGreaterThan(0);

  telegram.heal();
  workers.push(await startTestApp(env, { role: 'worker', config: telegramConfig(telegram) }));
  await waitForIdle(web, 60_000);
  expectEachToldOnce(citizens);
});

/** From a worker's restart to every owed reply at the Bot API (issue 8). */
const RESTART_BOUND_MS = 10_000;

it('loses and repeats nothing when a worker process is SIGKILLed after the commit, its sends in flight, and delivers within 10 s of a restart', async () => {
  // Only the worker process below sends until it is killed.
  for (const app of workers.splice(0)) await app.close();
  const settings = testSettings({
    ...telegramConfig(telegram),
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: TEST_REDIS,
    QUEUE_PREFIX: env.redisPrefix,
    LOG_LEVEL: 'warn',
  });
  const worker = startProduct('worker', 'worker', Object.fromEntries(Object.entries(settings).filter((e): e is [string, string] => e[1] !== undefined)));
  processes.push(worker);

  const citizens = await citizensWithCases(6);
  const chats = citizens.map((c) => c.chat);
  // The Bot API takes each send and never answers: the worker is inside the send when it dies.
  telegram.outage(telegramErrors.hang());
  const callsBefore = telegram.callsTo('sendMessage').length;
  await Promise.all(citizens.map((c) => moveAlong(c.ticket)));
  const died = worker.exited.then((code) => Promise.reject(new Error(`the worker exited with ${code}:\n${worker.outputTail()}`)));
  // A worker process loading through tsx is slow on a busy machine.
  await Promise.race([telegram.waitForCalls('sendMessage', callsBefore + citizens.length, { timeoutMs: 90_000 }), died]);
  process.kill(worker.pid, 'SIGKILL');
  expect(await worker.exited).toBeNull();

  const states = await web.ctx.db.sql<{ status: string; n: number }[]>`
    select o.status, count(*)::int as n from outbox o join channel_identities i on i.id = o.identity_id
    where i.chat_id in ${web.ctx.db.sql(chats)} group by o.status`;
  const count = (status: string) => states.find((r) => r.status === status)?.n ?? 0;
  // Each chat's first update was being sent (claimed, the request at the Bot API), the rest waited behind it.
  expect(count('sending')).toBeGreaterThanOrEqual(1);
  expect(count('sending') + count('pending')).toBe(citizens.length * 4);
  expect(chats.flatMap((chat) => telegram.sent(chat))).toEqual([]);

  // Nothing is aged or released by hand: the claims died with the process's claim session, and the
  // new worker's relay releases them at its first round. (The killed worker's BullMQ jobs are still
  // active in Redis until their locks expire, about 30 s; the released rows' turns do not wait for them.)
  telegram.heal();
  const restarted = performance.now();
  workers.push(await startTestApp(env, { role: 'worker', config: telegramConfig(telegram) }));
  const timeoutMs = RESTART_BOUND_MS - (performance.now() - restarted);
  await Promise.all(chats.map((chatId) => telegram.waitForSends(4, { chatId, timeoutMs })));
  expect(performance.now() - restarted).toBeLessThan(RESTART_BOUND_MS);
  await waitForIdle(web, 120_000);
  expectEachToldOnce(citizens);
}, 300_000);
