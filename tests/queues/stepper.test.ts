/**
 * Postgres hands out the conversation steps (src/queues/stepper.ts): a message is answered with
 * Redis gone, a message whose wake-up was lost is found by the stepper's own look (the relay is
 * set far off here, so it cannot be what finds it), and a batch that fails on one poisoned message
 * keeps nothing, hands its chats to the inbound queue, whose retries answer the innocent ones and
 * give the poisoned one its apology, and the chat is the batches' again afterwards.
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

describe('the stepper', () => {
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

  it('finds a message whose wake-up was lost at its next look', async () => {
    const chat = nextChat++;
    expect(await postUpdate(app.url!, textUpdate(chat, 1, 'menu'))).toBe(200);
    await telegram.waitForSends(1, { chatId: String(chat) });
    // Stored as ingest would store it, but with no NOTIFY: as if the listening connection had been down.
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

  it('hands the chats of a failed batch to the queue: the others answered, the poisoned one apologised to, then the chat is stepped again', async () => {
    const innocent = Array.from({ length: 6 }, () => nextChat++);
    const poisoned = nextChat++;
    // Arriving together, they share batches; one of them fails every time it is stepped.
    const posted = await Promise.all([
      ...innocent.map((chat) => postUpdate(app.url!, textUpdate(chat, 1, 'menu'))),
      postUpdate(app.url!, textUpdate(poisoned, 1, POISON)),
    ]);
    expect(posted.every((status) => status === 200)).toBe(true);
    for (const chat of innocent) {
      await telegram.waitForSends(1, { chatId: String(chat), timeoutMs: 15_000 });
      expect(textsTo(chat)).toHaveLength(1);
      expect(textsTo(chat)[0]).toMatch(/Silakan pilih layanan/);
    }
    // The queue's attempts (SET_ASIDE_AFTER_ATTEMPTS), then the apology and the message set aside.
    await telegram.waitForSends(1, { chatId: String(poisoned), timeoutMs: 15_000 });
    expect(textsTo(poisoned)).toEqual([copy.id.notes.failed]);
    const [stored] = await app.ctx.db.sql<{ queued: boolean; processed: boolean; error: string | null }[]>`
      select m.queued_at is not null as queued, m.processed_at is not null as processed, m.error
      from messages m join channel_identities i on i.id = m.identity_id where i.chat_id = ${String(poisoned)}`;
    expect(stored).toEqual({ queued: true, processed: true, error: 'gave up after repeated failures' });
    const [aside] = await app.ctx.db.sql<{ stage: string; attempts: number }[]>`
      select stage, attempts from set_aside_updates where chat_id = ${String(poisoned)}`;
    expect(aside).toEqual({ stage: 'step', attempts: 3 });

    // The chat's next message is the batches' again, answered as any other.
    expect(await postUpdate(app.url!, textUpdate(poisoned, 2, 'menu'))).toBe(200);
    await telegram.waitForSends(2, { chatId: String(poisoned), timeoutMs: 10_000 });
    expect(textsTo(poisoned)[1]).toMatch(/Silakan pilih layanan/);
    await waitForIdle(app);
  });
});
