/**
 * Live chats end to end on real Postgres and Redis, with the workers running: Telegram updates in
 * at the webhook, replies out at the fake Bot API. The officer's messages reach the citizen once
 * each and in order, the bot stays quiet while the chat is taken and speaks again after the hand
 * back, and the live-chat clocks fire from delayed jobs, or from Postgres after a Redis flush.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id } from '../../flows/copy/id.js';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/cases/events.js';
import * as t from '../../src/db/schema.js';
import { handBack, sendAsOfficer, takeLivechat } from '../../src/livechat/service.js';
import { eventually } from '../support/cases.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';

let env: TestEnv;
let telegram: FakeTelegram;
let nextChat = 7_100_000;
let staffCount = 0;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
});

afterAll(async () => {
  await telegram?.close();
  await env?.dispose();
});

/** Starts the product for one describe block; its workers must not outlive it into the next. */
function useApp(config: Record<string, string> = {}) {
  const holder: { app: App } = {} as { app: App };
  beforeAll(async () => {
    holder.app = await startTestApp(env, { config: telegramConfig(telegram, config) });
  });
  afterAll(async () => {
    await holder.app?.close();
  });
  return holder;
}

async function officerOf(app: App): Promise<Actor> {
  const { db } = app.ctx.db;
  const [desk] = await db.select().from(t.dinas).orderBy(t.dinas.id).limit(1);
  const [row] = await db
    .insert(t.staff)
    .values({ name: `Petugas ${++staffCount}`, email: `pipeline-livechat-${staffCount}@example.go.id`, role: 'petugas', dinasId: desk.id })
    .returning();
  return { kind: 'staff', staffId: row.id, role: 'petugas', dinasId: desk.id, unitId: null, regionPrefix: null };
}

/** A citizen on Telegram: each message goes in at the webhook and the pipeline is waited out. */
function citizen(app: App) {
  const chatId = nextChat++;
  let messageId = 0;
  return {
    chatId: String(chatId),
    async say(text: string) {
      expect(await postUpdate(app.url!, textUpdate(chatId, ++messageId, text))).toBe(200);
      await waitForIdle(app);
    },
    received: () => telegram.sent(String(chatId)).map((m) => m.text),
    async request() {
      const [row] = await app.ctx.db.sql<{ id: string; taken_by_staff_id: number | null; reminded_at: Date | null; returns: number }[]>`
        select h.id, h.taken_by_staff_id, h.reminded_at, h.returns from handoff_requests h
        join channel_identities i on i.id = h.identity_id where i.channel = 'telegram' and i.chat_id = ${String(chatId)}
        order by h.id desc limit 1`;
      return { ...row, id: Number(row.id) };
    },
  };
}

describe('a live chat over Telegram', () => {
  const product = useApp();

  it('goes quiet while an officer holds it, delivers the officer once each in order, and answers again after the hand back', async () => {
    const { app } = product;
    const officer = await officerOf(app);
    const siti = citizen(app);
    await siti.say('halo');
    await siti.say('petugas');
    expect(siti.received().at(-1)).toContain(id.petugas.recorded);
    const { id: handoffId } = await siti.request();

    await takeLivechat(app.ctx, officer, handoffId);
    await waitForIdle(app);
    expect(siti.received().at(-1)).toBe(id.petugas.joined);

    const before = siti.received().length;
    await siti.say('Bantuan PKH saya belum cair.');
    await siti.say('menu');
    expect(siti.received()).toHaveLength(before);

    const lines = ['Selamat siang, Bu.', 'Kami cek datanya.', 'Sudah kami teruskan ke bidang Linjamsos.', 'Ada lagi?'];
    // The page sends as the officer types; a retry of the same send (same key) must not repeat it.
    for (const [i, line] of lines.entries()) {
      await sendAsOfficer(app.ctx, officer, handoffId, line, `k${i}`);
      if (i === 1) await sendAsOfficer(app.ctx, officer, handoffId, line, `k${i}`);
    }
    await waitForIdle(app);
    expect(siti.received().slice(before)).toEqual(lines);

    await handBack(app.ctx, officer, handoffId);
    await waitForIdle(app);
    const back = siti.received().at(-1)!;
    expect(back.startsWith(id.notes.handedBack)).toBe(true);
    expect(back).toContain(id.menu.prompt);
    const afterBack = siti.received().length;
    await siti.say('3');
    expect(siti.received().length).toBeGreaterThan(afterBack);
  });
});

describe('live-chat clocks', () => {
  // A second and a half to remind or return, a few seconds of idleness.
  const product = useApp({ LIVECHAT_REMIND_MINUTES: '0.025', LIVECHAT_IDLE_MINUTES: '0.05' });

  it('reminds staff of an untaken request from its delayed job, and from Postgres after Redis lost the job', async () => {
    const { app } = product;
    const first = citizen(app);
    await first.say('petugas');
    await eventually('the reminder', async () => (await first.request()).reminded_at);

    const second = citizen(app);
    await second.say('petugas');
    await env.flushQueues();
    await eventually('the reminder after the flush', async () => (await second.request()).reminded_at);
  });

  it('returns a taken chat the officer never answers to the queue', async () => {
    const { app } = product;
    const officer = await officerOf(app);
    const siti = citizen(app);
    await siti.say('petugas');
    const request = await siti.request();
    await takeLivechat(app.ctx, officer, request.id);
    const returned = await eventually('the return to the queue', async () => {
      const row = await siti.request();
      return row.returns > 0 && row;
    });
    expect(returned.taken_by_staff_id).toBeNull();
    const [row] = await app.ctx.db.db.select().from(t.handoffRequests).where(eq(t.handoffRequests.id, request.id));
    expect(row.resolvedAt).toBeNull();
  });
});
