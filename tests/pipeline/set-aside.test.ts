/**
 * An update that keeps failing while the database answers is set aside, whatever the failure, and
 * the channel moves on: long polling confirms it and serves the next update, a webhook answers
 * 200, the citizen gets a short apology and every other chat its normal answer; a log line and a
 * counter say so, without the citizen's words or number. An outage is not the update's failure:
 * nothing is set aside, the webhook answers 500 and polling holds the update until the database is
 * back.
 *
 * The test's own database does the failing: a CHECK constraint on one message text (SQLSTATE
 * 23514, as Postgres answers for bad data), a trigger raising an internal error (XX000) for
 * another, the kind of failure nobody classified, and triggers failing two texts at the end of
 * their conversation step. The outage is real: every connection to the test's database is cut and
 * new ones refused (tests/support/postgres-outage.ts).
 */
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copy } from '../../flows/copy/index.js';
import type { App } from '../../src/app.js';
import type { ChannelName } from '../../src/domain/messages.js';
import { fakeClientFactory, libraryMessage } from '../channels/whatsapp-web/fakes.js';
import { cloudRequestText, sentTo, startTestAppWithWhatsAppWeb, waitForChat } from '../support/citizens.js';
import { fileClock } from '../support/clock.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { captureLog } from '../support/log.js';
import { postgresOutage, type PostgresOutage } from '../support/postgres-outage.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';
import { chatIdOfSession, openChatSession, pollChat, postChatMessage } from '../support/webchat.js';
import { cloudText, cloudWebhook, nextWamid, postCloudWebhook, whatsappCloudConfig } from '../support/whatsapp-cloud.js';
import { until } from '../support/until.js';

const REFUSED = 'tolak ini';
const UNFORESEEN = 'galat internal';
const STEP_FAILS = 'racun';
const STEP_UNFORESEEN = 'racun lain';

async function makeTheDatabaseFail(sql: postgres.Sql) {
  await sql.unsafe(`
    alter table messages add constraint test_refused_text check (body is distinct from '${REFUSED}');
    create sequence test_unforeseen_attempts;
    create function test_unforeseen() returns trigger language plpgsql as $$
      begin
        -- A sequence is not rolled back with the failing insert, so the test can count attempts.
        perform nextval('test_unforeseen_attempts');
        raise exception 'something nobody foresaw' using errcode = 'internal_error';
      end $$;
    create trigger test_unforeseen before insert on messages for each row when (new.body = '${UNFORESEEN}') execute function test_unforeseen();
    create function test_step_refused() returns trigger language plpgsql as $$
      begin
        if new.body = '${STEP_FAILS}' then raise exception 'step refused' using errcode = 'check_violation'; end if;
        raise exception 'step failed unforeseen' using errcode = 'internal_error';
      end $$;
    create trigger test_step_refused before update on messages for each row
      when (new.body in ('${STEP_FAILS}', '${STEP_UNFORESEEN}') and new.processed_at is not null and new.error is null)
      execute function test_step_refused();`);
}

async function unforeseenAttempts(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: string; called: boolean }[]>`select last_value as n, is_called as called from test_unforeseen_attempts`;
  return row.called ? Number(row.n) : 0;
}

async function setAsideRows(sql: postgres.Sql) {
  return sql<{ channel: string; stage: string; chat_id: string | null; external_id: string | null; raw: string; error: string; attempts: number }[]>`
    select channel, stage, chat_id, external_id, raw, error, attempts from set_aside_updates order by id`;
}

/**
 * Reads through the outage's own connection: right after an outage the product's pool may still
 * hand a query the failure of a connection attempt begun during it (the product retries; a test's
 * read would fail).
 */
const observed = (outage: PostgresOutage) => ({ ctx: { db: { sql: outage.observer } } });

async function metric(app: App, channel: ChannelName): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`kanal_set_aside_updates_total{channel="${channel}"}`));
  return Number(line?.split(' ')[1]);
}

const apology = copy.id.notes.setAside;
const SET_ASIDE_LINE = 'update set aside; the channel moves on';
const NOT_STORED_LINE = 'telegram polling: update not stored, will retry';
let nextChat = 6_400_000;

describe('Telegram long polling', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let app: App;
  const captured = captureLog();

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    app = await startTestApp(env, { config: telegramConfig(telegram, { TELEGRAM_MODE: 'polling' }), log: captured.log });
    await makeTheDatabaseFail(app.ctx.db.sql);
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

    const rows = await setAsideRows(app.ctx.db.sql);
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

  it('sets aside an update that fails for a reason nobody classified while the database answers, and answers the next chat', async () => {
    const [failing, other] = [nextChat++, nextChat++];
    const poison = telegram.queueUpdate(textUpdate(failing, 1, UNFORESEEN));
    telegram.queueUpdate(textUpdate(other, 1, 'halo'));

    await waitForChat(app, 'telegram', String(other), 1);
    expect(telegram.sent(String(other)).length).toBeGreaterThan(0);
    expect((await telegram.waitForSends(1, { chatId: String(failing), timeoutMs: 20_000 })).map((m) => m.text)).toEqual([apology]);
    await until('both updates confirmed', () => telegram.pendingUpdates().length === 0);

    expect(await unforeseenAttempts(app.ctx.db.sql)).toBe(3);
    expect((await setAsideRows(app.ctx.db.sql)).filter((r) => r.chat_id === String(failing))).toEqual([
      expect.objectContaining({ stage: 'store', raw: JSON.stringify(poison), error: expect.stringMatching(/^XX000: something nobody foresaw/), attempts: 3 }),
    ]);
    expect(await metric(app, 'telegram')).toBe(2);
  });

  it('logs each set-aside update once, with ids and the error code but not the words', async () => {
    const lines = captured.said(SET_ASIDE_LINE);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, channel: 'telegram', stage: 'store', attempts: 3, errorCode: '23514', setAsideId: expect.any(Number) }),
      expect.objectContaining({ level: 40, channel: 'telegram', stage: 'store', attempts: 3, errorCode: 'XX000', setAsideId: expect.any(Number) }),
    ]);
    expect(captured.text()).not.toContain(REFUSED);
    expect(captured.text()).not.toContain(UNFORESEEN);
  });
});

describe('Telegram long polling through a database outage', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let app: App;
  let outage: PostgresOutage;
  const captured = captureLog();

  // An app of its own: during an outage the driver serves its queue one query per reconnect
  // attempt (10-20 s apart per connection), so work left queued by other tests would slow it.
  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    app = await startTestApp(env, { config: telegramConfig(telegram, { TELEGRAM_MODE: 'polling' }), log: captured.log });
    outage = await postgresOutage(env);
  });
  afterAll(async () => {
    await outage?.close();
    await app?.close();
    await telegram?.close();
    await env?.dispose();
  });

  it('holds an update through a real database outage, sets nothing aside, and stores it once the database is back', async () => {
    const chat = nextChat++;
    const setAsideBefore = (await setAsideRows(outage.observer)).length;
    const failedBefore = captured.said(NOT_STORED_LINE).length;
    await outage.begin();
    try {
      telegram.queueUpdate(textUpdate(chat, 1, 'halo'));
      // More failed attempts than an update gets before it is set aside. The driver's reconnect
      // backoff grows during an outage (up to 20 s an attempt), hence the generous wait.
      await until('four failed attempts', () => captured.said(NOT_STORED_LINE).length - failedBefore >= 4, 150_000);
      expect(await setAsideRows(outage.observer)).toHaveLength(setAsideBefore);
      expect(telegram.pendingUpdates()).toHaveLength(1);
    } finally {
      await outage.end();
    }

    await waitForChat(observed(outage), 'telegram', String(chat), 1, 90_000);
    expect(telegram.sent(String(chat)).map((m) => m.text)).not.toContain(apology);
    expect(telegram.sent(String(chat)).length).toBeGreaterThan(0);
    expect(await setAsideRows(outage.observer)).toHaveLength(setAsideBefore);
  }, 300_000);
});

describe('webhooks and the web chat', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let graph: FakeGraph;
  let app: App;
  let outage: PostgresOutage;

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    graph = await startFakeGraph();
    app = await startTestApp(env, { config: { ...telegramConfig(telegram), ...whatsappCloudConfig(graph) } });
    await makeTheDatabaseFail(app.ctx.db.sql);
    outage = await postgresOutage(env);
  });
  afterAll(async () => {
    await outage?.close();
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
    const rows = (await setAsideRows(app.ctx.db.sql)).filter((r) => r.chat_id === String(refused));
    expect(rows).toMatchObject([{ channel: 'telegram', stage: 'store', attempts: 1, raw: JSON.stringify(poison) }]);
  });

  it('telegram: answers 200 to an update that fails for a reason nobody classified, after a few attempts, and answers the next chat', async () => {
    const [failing, other] = [nextChat++, nextChat++];
    const poison = textUpdate(failing, 1, UNFORESEEN);
    const attemptsBefore = await unforeseenAttempts(app.ctx.db.sql);
    expect(await postUpdate(app.url!, poison)).toBe(200);
    expect(await unforeseenAttempts(app.ctx.db.sql)).toBe(attemptsBefore + 3);
    expect(await postUpdate(app.url!, textUpdate(other, 1, 'halo'))).toBe(200);
    // A redelivery fails the same way and is answered 200 again, without a second apology.
    expect(await postUpdate(app.url!, poison)).toBe(200);

    await waitForChat(app, 'telegram', String(other), 1);
    expect(telegram.sent(String(other)).length).toBeGreaterThan(0);
    await waitForChat(app, 'telegram', String(failing), 0);
    expect(telegram.sent(String(failing)).map((m) => m.text)).toEqual([apology]);
    expect((await setAsideRows(app.ctx.db.sql)).filter((r) => r.chat_id === String(failing))).toMatchObject([
      { channel: 'telegram', stage: 'store', attempts: 3, raw: JSON.stringify(poison), error: expect.stringMatching(/^XX000: /) },
    ]);
  });

  it('whatsapp cloud: answers 200 to a refused message, apologises, and answers the next chat', async () => {
    const [refused, other] = ['6281300200001', '6281300200002'];
    expect(await postCloudWebhook(app.url!, cloudWebhook({ messages: [cloudText({ from: refused, id: nextWamid(), text: REFUSED })] }))).toBe(200);
    expect(await postCloudWebhook(app.url!, cloudWebhook({ messages: [cloudText({ from: other, id: nextWamid(), text: 'halo' })] }))).toBe(200);

    await waitForChat(app, 'whatsapp-cloud', other, 1);
    expect(sentTo(graph, other).length).toBeGreaterThan(0);
    await waitForChat(app, 'whatsapp-cloud', refused, 0);
    expect(sentTo(graph, refused).map(cloudRequestText)).toEqual([apology]);
    expect((await setAsideRows(app.ctx.db.sql)).filter((r) => r.chat_id === refused)).toMatchObject([{ channel: 'whatsapp-cloud', stage: 'store', attempts: 1 }]);
    expect(await metric(app, 'whatsapp-cloud')).toBe(1);
  });

  it('web chat: accepts a refused message, apologises through the poll, and answers the next chat', async () => {
    const [refused, other] = [await openChatSession(app.url!), await openChatSession(app.url!)];
    expect((await postChatMessage(app.url!, { session: refused, text: REFUSED })).status).toBe(202);
    expect((await postChatMessage(app.url!, { session: other, text: 'halo' })).status).toBe(202);

    await waitForChat(app, 'web', chatIdOfSession(other), 1);
    expect((await pollChat(app.url!, other)).messages.length).toBeGreaterThan(0);
    await waitForChat(app, 'web', chatIdOfSession(refused), 0);
    expect((await pollChat(app.url!, refused)).messages.map((m) => m.text)).toEqual([apology]);
    expect(await metric(app, 'web')).toBe(1);
  });

  it.each([
    { failure: 'refused (23514)', text: STEP_FAILS, error: /^23514: step refused/ },
    { failure: 'unforeseen (XX000)', text: STEP_UNFORESEEN, error: /^XX000: step failed unforeseen/ },
  ])('a message whose step keeps failing, $failure, is answered with an apology and set aside; the chat goes on', async ({ text, error }) => {
    const [chat, other] = [nextChat++, nextChat++];
    expect(await postUpdate(app.url!, textUpdate(chat, 1, text))).toBe(200);
    expect(await postUpdate(app.url!, textUpdate(chat, 2, 'halo'))).toBe(200);
    expect(await postUpdate(app.url!, textUpdate(other, 1, 'halo'))).toBe(200);

    await waitForChat(app, 'telegram', String(other), 1);
    await waitForChat(app, 'telegram', String(chat), 2);
    const normal = telegram.sent(String(other)).map((m) => m.text);
    expect(normal.length).toBeGreaterThan(0);
    expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual([copy.id.notes.failed, ...normal]);
    expect((await setAsideRows(app.ctx.db.sql)).filter((r) => r.chat_id === String(chat))).toMatchObject([
      { channel: 'telegram', stage: 'step', external_id: `m:${chat}:1`, attempts: 3, error: expect.stringMatching(error) },
    ]);
  });

  it('telegram: answers 500 during a real database outage, sets nothing aside, and stores the redelivery once the database is back', async () => {
    const chat = nextChat++;
    const update = textUpdate(chat, 1, 'halo');
    const before = (await setAsideRows(outage.observer)).length;
    await outage.begin();
    try {
      expect(await postUpdate(app.url!, update)).toBe(500);
      expect(await setAsideRows(outage.observer)).toHaveLength(before);
    } finally {
      await outage.end();
    }

    // Telegram redelivers until it is answered 200; by then the database answers again.
    await until('the webhook to store the redelivery', async () => (await postUpdate(app.url!, update)) === 200, 90_000);
    await waitForChat(observed(outage), 'telegram', String(chat), 1, 90_000);
    expect(telegram.sent(String(chat)).map((m) => m.text)).not.toContain(apology);
    expect(await setAsideRows(outage.observer)).toHaveLength(before);
  }, 300_000);
});

describe('WhatsApp Web', () => {
  let env: TestEnv;
  let app: App;
  const webjs = fakeClientFactory();
  const captured = captureLog();
  let nextPhone = 6281300300001;
  let nextId = 1;

  beforeAll(async () => {
    env = await createTestEnv();
    app = await startTestAppWithWhatsAppWeb(env, {
      config: { WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_PER_MINUTE: '6000' },
      whatsappWebClientFactory: webjs.factory,
      log: captured.log,
    });
    webjs.latest().emit('ready');
    await makeTheDatabaseFail(app.ctx.db.sql);
  });
  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  /** What the linked phone's fake client was asked to send to `chat`. */
  const webJsSent = (chat: string) =>
    webjs
      .latest()
      .sendMessage.mock.calls.filter(([to]) => to === chat)
      .map(([, content]) => content);
  const say = (chat: string, body: string) =>
    webjs.latest().emit('message', {
      ...libraryMessage({ type: 'chat', from: chat, body, notifyName: 'Siti', id: `3EB0${String(nextId++).padStart(16, '0')}` }),
      timestamp: Math.floor(fileClock.now().getTime() / 1000),
    });

  it.each([
    { failure: 'refused (23514)', text: REFUSED, attempts: 1, code: '23514' },
    { failure: 'unforeseen (XX000)', text: UNFORESEEN, attempts: 3, code: 'XX000' },
  ])('sets a message that fails, $failure, aside, apologises, answers the next chat, and logs it without the words or the number', async ({ text, attempts, code }) => {
    const phone = String(nextPhone++);
    const [failing, other] = [`${phone}@c.us`, `${nextPhone++}@c.us`];
    say(failing, text);
    say(other, 'halo');

    await waitForChat(app, 'whatsapp-web', other, 1);
    expect(webJsSent(other).length).toBeGreaterThan(0);
    await until('the apology', () => webJsSent(failing).length > 0);
    await waitForChat(app, 'whatsapp-web', failing, 0);
    expect(webJsSent(failing)).toEqual([apology]);

    const rows = (await setAsideRows(app.ctx.db.sql)).filter((r) => r.chat_id === failing);
    expect(rows).toMatchObject([{ channel: 'whatsapp-web', stage: 'store', attempts }]);
    expect(JSON.parse(rows[0].raw)).toMatchObject({ channel: 'whatsapp-web', chatId: failing, content: { kind: 'text', text } });
    expect(captured.said(SET_ASIDE_LINE).filter((l) => l.errorCode === code)).toEqual([
      expect.objectContaining({ level: 40, channel: 'whatsapp-web', stage: 'store', attempts }),
    ]);
    expect(captured.text()).not.toContain(phone);
    expect(captured.text()).not.toContain(text);
  });
});
