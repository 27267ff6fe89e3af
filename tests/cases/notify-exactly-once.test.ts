/**
 * Every public case event reaches its citizen exactly once, in order, in their language: also when
 * no worker was alive between the commit and the send and Redis lost the jobs the commit enqueued,
 * and when the worker is stopped in the middle of sending. Staff act through the web process's
 * case service; a separate worker process sends. Real Postgres and Redis, fake Bot API.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/cases/events.js';
import { openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';

const officer: Actor = { kind: 'staff', staffId: 1, role: 'admin', dinasId: null, unitId: null, regionPrefix: null };

let env: TestEnv;
let telegram: FakeTelegram;
let web: App;
const workers: App[] = [];
let nextChat = 9_500_000;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  web = await startTestApp(env, { role: 'web', config: telegramConfig(telegram) });
});

afterAll(async () => {
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
