/**
 * An update the database refuses for good is set aside, and the channel moves on: long polling
 * confirms it and serves the next update, a webhook answers 200, the citizen gets a short apology
 * and every other chat its normal answer. An outage is not a refusal: nothing is set aside, the
 * webhook answers 500 and polling holds the update until the database is back.
 *
 * The test's own database does the refusing: a CHECK constraint on one message text (SQLSTATE
 * 23514, as Postgres answers for bad data), a trigger answering "too many clients" (53300) for
 * another, and a trigger refusing a third text at the end of its conversation step.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copy } from '../../flows/copy/index.js';
import type { App } from '../../src/app.js';
import type { ChannelName } from '../../src/channels/types.js';
import { cloudRequestText, sentTo, waitForChat } from '../support/citizens.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';
import { pollChat, postChatMessage } from '../support/webchat.js';
import { cloudText, cloudWebhook, nextWamid, postCloudWebhook, whatsappCloudConfig } from '../support/whatsapp-cloud.js';

const REFUSED = 'tolak ini';
const OUTAGE = 'sibuk';
const STEP_FAILS = 'racun';

async function makeTheDatabaseRefuse(app: App) {
  await app.ctx.db.sql.unsafe(`
    alter table messages add constraint test_refused_text check (body is distinct from '${REFUSED}');
    create sequence test_outage_attempts;
    create function test_outage() returns trigger language plpgsql as $$
      begin
        -- A sequence is not rolled back with the failing insert, so the test can count attempts.
        perform nextval('test_outage_attempts');
        raise exception 'sorry, too many clients already' using errcode = 'too_many_connections';
      end $$;
    create trigger test_outage before insert on messages for each row when (new.body = '${OUTAGE}') execute function test_outage();
    create function test_step_refused() returns trigger language plpgsql as $$
      begin
        raise exception 'step refused' using errcode = 'check_violation';
      end $$;
    create trigger test_step_refused before update on messages for each row
      when (new.body = '${STEP_FAILS}' and new.processed_at is not null and new.error is null) execute function test_step_refused();`);
}

async function endTheOutage(app: App) {
  await app.ctx.db.sql.unsafe('drop trigger test_outage on messages');
}

async function outageAttempts(app: App): Promise<number> {
  const [row] = await app.ctx.db.sql<{ n: string; called: boolean }[]>`select last_value as n, is_called as called from test_outage_attempts`;
  return row.called ? Number(row.n) : 0;
}

async function setAsideRows(app: App) {
  return app.ctx.db.sql<{ channel: string; stage: string; chat_id: string | null; external_id: string | null; raw: string; error: string; attempts: number }[]>`
    select channel, stage, chat_id, external_id, raw, error, attempts from set_aside_updates order by id`;
}

/** Polls a condition until it holds or the deadline passes. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    // The interval only limits load; the condition decides.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function metric(app: App, channel: ChannelName): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`kanal_set_aside_updates_total{channel="${channel}"}`));
  return Number(line?.split(' ')[1]);
}

const apology = copy.id.notes.setAside;
let nextChat = 6_400_000;

describe('Telegram long polling', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let app: App;

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    app = await startTestApp(env, { config: telegramConfig(telegram, { TELEGRAM_MODE: 'polling' }) });
    await makeTheDatabaseRefuse(app);
  });
  afterAll(async () => {
    await app?.close();
    await telegram?.close();
    await env?.dispose();
  });

  it('sets a refused update aside, confirms it, apologises, and answers the next chat', async () => {
    const [refused, other] = [nextChat++, nextChat++];
    const poison = telegram.queueUpdate(textUpdate(refused, 1, REFUSED));
    telegram.queueUpdate(textUpdate(other, 1, 'halo'));

    await waitForChat(app, 'telegram', String(other), 1);
    expect(telegram.sent(String(other)).length).toBeGreaterThan(0);
    expect((await telegram.waitForSends(1, { chatId: String(refused), timeoutMs: 20_000 })).map((m) => m.text)).toEqual([apology]);
    // The offset moved past both: Telegram will not send them again.
    await until('both updates confirmed', () => telegram.pendingUpdates().length === 0);

    const rows = await setAsideRows(app);
    expect(rows).toEqual([
      {
        channel: 'telegram',
        stage: 'store',
        chat_id: String(refused),
        external_id: `m:${refused}:1`,
        raw: JSON.stringify(poison),
        error: expect.stringMatching(/^23514: .*test_refused_text/),
        attempts: 3,
      },
    ]);
    expect(await metric(app, 'telegram')).toBe(1);
  });

  it('holds an update through a database outage, sets nothing aside, and stores it once the database is back', async () => {
    const chat = nextChat++;
    telegram.queueUpdate(textUpdate(chat, 1, OUTAGE));
    // More attempts than a refusal gets before it is set aside.
    await until('four failed attempts', async () => (await outageAttempts(app)) >= 4, 30_000);
    expect(await setAsideRows(app)).toHaveLength(1);
    expect(telegram.pendingUpdates()).toHaveLength(1);

    await endTheOutage(app);
    await waitForChat(app, 'telegram', String(chat), 1, 30_000);
    expect(telegram.sent(String(chat)).map((m) => m.text)).not.toContain(apology);
    expect(telegram.sent(String(chat)).length).toBeGreaterThan(0);
    expect(await setAsideRows(app)).toHaveLength(1);
  }, 60_000);
});

describe('webhooks and the web chat', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let graph: FakeGraph;
  let app: App;

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    graph = await startFakeGraph();
    app = await startTestApp(env, { config: { ...telegramConfig(telegram), ...whatsappCloudConfig(graph) } });
    await makeTheDatabaseRefuse(app);
  });
  afterAll(async () => {
    await app?.close();
    await telegram?.close();
    await graph?.close();
    await env?.dispose();
  });

  it('telegram: answers 200 to a refused update, apologises once, and answers the next chat', async () => {
    const [refused, other] = [nextChat++, nextChat++];
    const poison = textUpdate(refused, 1, REFUSED);
    expect(await postUpdate(app.url!, poison)).toBe(200);
    expect(await postUpdate(app.url!, textUpdate(other, 1, 'halo'))).toBe(200);
    // Redelivered, as Telegram does after a timeout: not set aside nor apologised for twice.
    expect(await postUpdate(app.url!, poison)).toBe(200);

    await waitForChat(app, 'telegram', String(other), 1);
    expect(telegram.sent(String(other)).length).toBeGreaterThan(0);
    await waitForChat(app, 'telegram', String(refused), 0);
    expect(telegram.sent(String(refused)).map((m) => m.text)).toEqual([apology]);
    const rows = (await setAsideRows(app)).filter((r) => r.chat_id === String(refused));
    expect(rows).toMatchObject([{ channel: 'telegram', stage: 'store', attempts: 1, raw: JSON.stringify(poison) }]);
  });

  it('telegram: answers 500 during a database outage and sets nothing aside', async () => {
    const before = (await setAsideRows(app)).length;
    expect(await postUpdate(app.url!, textUpdate(nextChat++, 1, OUTAGE))).toBe(500);
    expect(await setAsideRows(app)).toHaveLength(before);
  });

  it('whatsapp cloud: answers 200 to a refused message, apologises, and answers the next chat', async () => {
    const [refused, other] = ['6281300200001', '6281300200002'];
    expect(await postCloudWebhook(app.url!, cloudWebhook({ messages: [cloudText({ from: refused, id: nextWamid(), text: REFUSED })] }))).toBe(200);
    expect(await postCloudWebhook(app.url!, cloudWebhook({ messages: [cloudText({ from: other, id: nextWamid(), text: 'halo' })] }))).toBe(200);

    await waitForChat(app, 'whatsapp-cloud', other, 1);
    expect(sentTo(graph, other).length).toBeGreaterThan(0);
    await waitForChat(app, 'whatsapp-cloud', refused, 0);
    expect(sentTo(graph, refused).map(cloudRequestText)).toEqual([apology]);
    expect((await setAsideRows(app)).filter((r) => r.chat_id === refused)).toMatchObject([{ channel: 'whatsapp-cloud', stage: 'store', attempts: 1 }]);
    expect(await metric(app, 'whatsapp-cloud')).toBe(1);
  });

  it('web chat: accepts a refused message, apologises through the poll, and answers the next chat', async () => {
    const [refused, other] = [randomUUID(), randomUUID()];
    expect((await postChatMessage(app.url!, { session: refused, text: REFUSED })).status).toBe(202);
    expect((await postChatMessage(app.url!, { session: other, text: 'halo' })).status).toBe(202);

    await waitForChat(app, 'web', other, 1);
    expect((await pollChat(app.url!, other)).messages.length).toBeGreaterThan(0);
    await waitForChat(app, 'web', refused, 0);
    expect((await pollChat(app.url!, refused)).messages.map((m) => m.text)).toEqual([apology]);
    expect(await metric(app, 'web')).toBe(1);
  });

  it('a message whose step keeps failing is answered with an apology and set aside; the chat goes on', async () => {
    const [chat, other] = [nextChat++, nextChat++];
    expect(await postUpdate(app.url!, textUpdate(chat, 1, STEP_FAILS))).toBe(200);
    expect(await postUpdate(app.url!, textUpdate(chat, 2, 'halo'))).toBe(200);
    expect(await postUpdate(app.url!, textUpdate(other, 1, 'halo'))).toBe(200);

    await waitForChat(app, 'telegram', String(other), 1);
    await waitForChat(app, 'telegram', String(chat), 2);
    const normal = telegram.sent(String(other)).map((m) => m.text);
    expect(normal.length).toBeGreaterThan(0);
    expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual([copy.id.notes.failed, ...normal]);
    expect((await setAsideRows(app)).filter((r) => r.chat_id === String(chat))).toMatchObject([
      { channel: 'telegram', stage: 'step', external_id: `m:${chat}:1`, attempts: 3, error: expect.stringMatching(/^23514: step refused/) },
    ]);
  });
});
