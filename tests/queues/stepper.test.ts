/**
 * Postgres hands out the conversation steps (src/queues/stepper.ts): a message whose wake-up was
 * lost is found by the stepper's own look (the relay is set far off here, so it cannot be what
 * finds it); a batch that fails on one poisoned message keeps nothing, its chats are stepped one
 * by one, and only the poisoned one goes to the inbound queue, whose retries end in its apology —
 * with Redis down it waits, and is handed over once Redis is back; a message is answered with
 * Redis gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copy } from '../../flows/copy/index.js';
import type { App } from '../../src/app.js';
import { STEP_LOOK_AGAIN_MS } from '../../src/queues/stepper.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';

const POISON = 'racun untuk batch';

let env: TestEnv;
let telegram: FakeTelegram;
let redis: PrivateRedis;
let app: App;
let nextChat = 7_100_000;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  redis = await startPrivateRedis();
  // The relay only after ten minutes: whatever is answered here, the stepper answered.
  app = await startTestApp(env, { redisUrl: redis.url, config: telegramConfig(telegram, { RELAY_AFTER_MS: '600000' }) });
  await app.ctx.db.sql.unsafe(`
    create function test_poisoned_step() returns trigger language plpgsql as $$
      begin raise exception 'poisoned step' using errcode = 'internal_error'; end $$;
    create trigger test_poisoned_step before update on messages for each row
      when (new.body = '${POISON}' and new.processed_at is not null and new.error is null)
      execute function test_poisoned_step();`);
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await redis?.stop();
  await env?.dispose();
});

const textsTo = (chatId: number) => telegram.sent(String(chatId)).map((m) => m.text);

async function storedPoison(chat: number) {
  const [stored] = await app.ctx.db.sql<{ queued: boolean; processed: boolean; error: string | null }[]>`
    select m.queued_at is not null as queued, m.processed_at is not null as processed, m.error
    from messages m join channel_identities i on i.id = m.identity_id where i.chat_id = ${String(chat)} and m.body = ${POISON}`;
  return stored;
}

async function queuedIn(chats: number[]): Promise<number> {
  const [row] = await app.ctx.db.sql<{ n: string }[]>`
    select count(*) as n from messages m join channel_identities i on i.id = m.identity_id
    where i.chat_id in ${app.ctx.db.sql(chats.map(String))} and m.queued_at is not null`;
  return Number(row.n);
}

/** Chats arriving together share batches; the poisoned one fails every time it is stepped. */
async function arriveTogether(innocent: number[], poisoned: number) {
  const posted = await Promise.all([
    ...innocent.map((chat) => postUpdate(app.url!, textUpdate(chat, 1, 'menu'))),
    postUpdate(app.url!, textUpdate(poisoned, 1, POISON)),
  ]);
  expect(posted.every((status) => status === 200)).toBe(true);
}

async function answeredWithTheMenu(chats: number[]) {
  for (const chat of chats) {
    await telegram.waitForSends(1, { chatId: String(chat), timeoutMs: 15_000 });
    expect(textsTo(chat)).toHaveLength(1);
    expect(textsTo(chat)[0]).toMatch(/Silakan pilih layanan/);
  }
}

describe('the stepper', () => {
  it('finds a message whose wake-up was lost at its next look', async () => {
    const chat = nextChat++;
    expect(await postUpdate(app.url!, textUpdate(chat, 1, 'menu'))).toBe(200);
    await telegram.waitForSends(1, { chatId: String(chat) });
    // Stored as ingest would store it, but nobody told: as if the listening connection had been down.
    await app.ctx.db.sql`
      insert into messages (identity_id, channel, external_id, kind, body, sent_at)
      select id, 'telegram', ${`lost-${chat}`}, 'text', 'bantuan', now() from channel_identities where channel = 'telegram' and chat_id = ${String(chat)}`;
    const started = performance.now();
    await telegram.waitForSends(2, { chatId: String(chat), timeoutMs: 10_000 });
    // Within a look or two (a busy machine may take longer): not the relay's ten minutes.
    expect(performance.now() - started).toBeLessThan(STEP_LOOK_AGAIN_MS * 8);
    const [message] = await app.ctx.db.sql<{ processed: boolean }[]>`select processed_at is not null as processed from messages where external_id = ${`lost-${chat}`}`;
    expect(message.processed).toBe(true);
  });

  it('steps the chats of a failed batch one by one: the others answered, the poisoned one handed to the queue and apologised to', async () => {
    const innocent = Array.from({ length: 6 }, () => nextChat++);
    const poisoned = nextChat++;
    await arriveTogether(innocent, poisoned);
    await answeredWithTheMenu(innocent);
    // Its batch-mates were stepped alone, never handed over.
    expect(await queuedIn(innocent)).toBe(0);
    // The queue's attempts (SET_ASIDE_AFTER_ATTEMPTS), then the apology and the message set aside.
    await telegram.waitForSends(1, { chatId: String(poisoned), timeoutMs: 15_000 });
    expect(textsTo(poisoned)).toEqual([copy.id.notes.failed]);
    expect(await storedPoison(poisoned)).toEqual({ queued: true, processed: true, error: 'gave up after repeated failures' });
    const [aside] = await app.ctx.db.sql<{ stage: string; attempts: number }[]>`
      select stage, attempts from set_aside_updates where chat_id = ${String(poisoned)}`;
    expect(aside).toEqual({ stage: 'step', attempts: 3 });

    // The chat's next message is the batches' again, answered as any other.
    expect(await postUpdate(app.url!, textUpdate(poisoned, 2, 'menu'))).toBe(200);
    await telegram.waitForSends(2, { chatId: String(poisoned), timeoutMs: 10_000 });
    expect(textsTo(poisoned)[1]).toMatch(/Silakan pilih layanan/);
    await waitForIdle(app);
  });

  it('answers a citizen while Redis is down: a message on its way in goes through no queue', async () => {
    const chat = nextChat++;
    await redis.kill();
    try {
      expect(await postUpdate(app.url!, textUpdate(chat, 1, 'menu'))).toBe(200);
      const [reply] = await telegram.waitForSends(1, { chatId: String(chat), timeoutMs: 10_000 });
      expect(reply.text).toMatch(/Silakan pilih layanan/);
    } finally {
      await redis.restart();
    }
  });

  it('with Redis down, answers the batch-mates of a poisoned chat and keeps the poisoned one waiting, then apologises to it once Redis is back', async () => {
    const innocent = Array.from({ length: 4 }, () => nextChat++);
    const poisoned = nextChat++;
    await redis.kill();
    try {
      await arriveTogether(innocent, poisoned);
      await answeredWithTheMenu(innocent);
      expect(await queuedIn([...innocent, poisoned])).toBe(0);
      expect(await storedPoison(poisoned)).toEqual({ queued: false, processed: false, error: null });
    } finally {
      await redis.restart();
    }
    // Handed over by the stepper, or enqueued by the relay's catch-up as Redis came back empty:
    // either way the queue's attempts end in the apology.
    await telegram.waitForSends(1, { chatId: String(poisoned), timeoutMs: 15_000 });
    expect(textsTo(poisoned)).toEqual([copy.id.notes.failed]);
    expect(await storedPoison(poisoned)).toMatchObject({ processed: true, error: 'gave up after repeated failures' });
  });
});
