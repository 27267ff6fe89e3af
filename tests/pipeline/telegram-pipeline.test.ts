/**
 * The pipeline end to end on real Postgres and Redis: Telegram updates in at the webhook over
 * HTTP, replies out at a local fake Bot API. What is proven here is the promise to citizens:
 * every reply owed is delivered, once, in order, whatever happens to the queue or the channel.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { eventually } from '../support/cases.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, telegramErrors, type FakeTelegram } from '../support/fake-telegram.js';
import { fireScript, NAVIGATION_SCRIPT, postUpdate, recordBaseline, telegramConfig, textUpdate } from '../support/telegram.js';

const SCRIPT = NAVIGATION_SCRIPT;

let env: TestEnv;
let telegram: FakeTelegram;
let app: App;
let baseline: string[];
/** How many replies the lone citizen had after each message of the script. */
let replyCounts: number[];
let nextChat = 5_000_000;

async function runScript(chatId: number, script = SCRIPT) {
  for (let i = 0; i < script.length; i++) expect(await postUpdate(app.url!, textUpdate(chatId, i + 1, script[i]))).toBe(200);
}

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  app = await startTestApp(env, { config: telegramConfig(telegram) });
  // The reply sequence one citizen gets when alone; everything below is compared with it.
  ({ replies: baseline, counts: replyCounts } = await recordBaseline(app, telegram, nextChat++));
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await env?.dispose();
});

describe('telegram pipeline', () => {
  it('answers every message at the front door with a reply at the Bot API', () => {
    // Every message of the script got at least one reply, and the replies differ step by step.
    for (let i = 1; i < replyCounts.length; i++) expect(replyCounts[i]).toBeGreaterThan(replyCounts[i - 1]);
    expect(replyCounts[0]).toBeGreaterThan(0);
    expect(new Set(baseline).size).toBeGreaterThan(3);
  });

  it('processes an update delivered twice only once', async () => {
    const chat = nextChat++;
    const update = textUpdate(chat, 1, 'halo');
    expect(await postUpdate(app.url!, update)).toBe(200);
    expect(await postUpdate(app.url!, update)).toBe(200);
    await waitForIdle(app);
    const [row] = await app.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from messages m join channel_identities i on i.id = m.identity_id where i.chat_id = ${String(chat)}`;
    expect(row.n).toBe(1);
    expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual(baseline.slice(0, replyCounts[0]));
  });

  it('takes a button press whose callback id is kilobytes long (a forged update; found by the fuzz test), once, redelivery included', async () => {
    const chat = nextChat++;
    expect(await postUpdate(app.url!, textUpdate(chat, 1, 'halo'))).toBe(200);
    const press = {
      update_id: 790_000_001,
      callback_query: {
        // Random, so that Postgres cannot compress it into an index row.
        id: randomBytes(3_750).toString('base64url'),
        from: { id: chat, is_bot: false, first_name: 'Siti', language_code: 'id' },
        message: { message_id: 2, date: 1_764_000_002, chat: { id: chat, type: 'private' }, text: 'Menu' },
        chat_instance: '-712834',
        data: '1',
      },
    };
    // Postgres indexes no row over about 2.7 kB: stored as it was, this answered 500 for ever.
    expect(await postUpdate(app.url!, press)).toBe(200);
    expect(await postUpdate(app.url!, press)).toBe(200);
    await waitForIdle(app);
    const rows = await app.ctx.db.sql<{ external_id: string }[]>`
      select m.external_id from messages m join channel_identities i on i.id = m.identity_id where i.chat_id = ${String(chat)} order by m.id`;
    expect(rows).toHaveLength(2);
    expect(rows[1].external_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [aside] = await app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from set_aside_updates`;
    expect(aside.n).toBe(0);
  });

  // 200 messages and their replies can take minutes on a busy shared machine: waitForIdle waits on progress.
  it('keeps each chat in order when many chats write at once, several messages at a time', async () => {
    const chats = Array.from({ length: 25 }, () => nextChat++);
    // Each citizen fires the whole script without waiting for replies; chats interleave.
    const statuses = await Promise.all(chats.map((chat) => fireScript(app.url!, chat)));
    expect(statuses.flat().every((s) => s === 200)).toBe(true);
    await waitForIdle(app);
    for (const chat of chats) expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual(baseline);
  }, 180_000);

  it('gives a claimed reply back when its send fails before leaving (the pace could not be taken), and delivers it once the pace is back', async () => {
    const chat = nextChat++;
    const owed = () => app.ctx.db.sql<{ status: string }[]>`
      select o.status from outbox o join channel_identities i on i.id = o.identity_id where i.channel = 'telegram' and i.chat_id = ${String(chat)}`;
    await app.ctx.db.sql`alter table send_pace rename to send_pace_away`;
    try {
      expect(await postUpdate(app.url!, textUpdate(chat, 1, 'halo'))).toBe(200);
      // Written claimed for the send at once; the send fails on the pace and gives the claim back.
      // Kept by this live process instead, the reply would wait for its end.
      await eventually('the reply given back', async () => {
        const rows = await owed();
        return rows.length > 0 && rows.every((row) => row.status === 'pending');
      });
      expect(telegram.sent(String(chat))).toEqual([]);
    } finally {
      await app.ctx.db.sql`alter table send_pace_away rename to send_pace`;
    }
    await eventually('the reply', async () => telegram.sent(String(chat)).length > 0);
    await waitForIdle(app);
    const texts = telegram.sent(String(chat)).map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect((await owed()).every((row) => row.status === 'sent')).toBe(true);
  });

  it('keeps a reply the platform took claimed while its record fails, records it once the database takes it, and the chat goes on', async () => {
    const chat = nextChat++;
    const owed = () => app.ctx.db.sql<{ status: string; claimed_by: string | null }[]>`
      select o.status, o.claimed_by from outbox o join channel_identities i on i.id = o.identity_id
      where i.channel = 'telegram' and i.chat_id = ${String(chat)} order by o.id`;
    // Every record of a send refused, counted by a sequence (which a failed statement does not roll back).
    await app.ctx.db.sql.unsafe(`
      create sequence refused_records;
      create function refuse_record() returns trigger language plpgsql as $$
        begin perform nextval('refused_records'); raise exception 'record refused'; end $$;
      create trigger refuse_record before update on outbox for each row when (new.status = 'sent') execute function refuse_record()`);
    try {
      expect(await postUpdate(app.url!, textUpdate(chat, 1, SCRIPT[0]))).toBe(200);
      await eventually('a record refused', async () => {
        const [sequence] = await app.ctx.db.sql<{ is_called: boolean }[]>`select is_called from refused_records`;
        return sequence.is_called;
      });
      // The platform took the reply: it stays claimed by this live process (sent again, it would be
      // a duplicate), and the chat's later replies wait behind it.
      expect(telegram.sent(String(chat))).toHaveLength(1);
      const [first] = await owed();
      expect(first.status).toBe('sending');
      expect(first.claimed_by).not.toBeNull();
    } finally {
      await app.ctx.db.sql.unsafe(`drop trigger refuse_record on outbox; drop function refuse_record(); drop sequence refused_records`);
    }
    // Recorded in the background once the database takes it, without a restart: kept as it was,
    // the row would hold the chat's replies until this process ended.
    expect(await postUpdate(app.url!, textUpdate(chat, 2, SCRIPT[1]))).toBe(200);
    await waitForIdle(app);
    expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual(baseline.slice(0, replyCounts[1]));
    expect((await owed()).every((row) => row.status === 'sent')).toBe(true);
  });

  it('honours retry_after on 429 and still delivers once, in order', async () => {
    const chat = nextChat++;
    telegram.failNext('sendMessage', telegramErrors.tooManyRequests(1), 1);
    await runScript(chat, SCRIPT.slice(0, 2));
    await waitForIdle(app);
    expect(telegram.sent(String(chat)).map((m) => m.text)).toEqual(baseline.slice(0, replyCounts[1]));
    const failed = telegram.callsTo('sendMessage').filter((c) => c.status === 429);
    expect(failed.length).toBe(1);
  });

  it('stops sending to a citizen who blocked the bot and marks the chat unreachable', async () => {
    const chat = nextChat++;
    telegram.failNext('sendMessage', telegramErrors.blocked(), 100);
    await runScript(chat, ['halo']);
    await waitForIdle(app);
    telegram.heal();
    const attempts = telegram.callsTo('sendMessage').filter((c) => String(c.body.chat_id) === String(chat));
    expect(attempts.length).toBe(1);
    const [identity] = await app.ctx.db.sql<{ unreachable_reason: string | null }[]>`
      select unreachable_reason from channel_identities where channel = 'telegram' and chat_id = ${String(chat)}`;
    expect(identity.unreachable_reason).toMatch(/blocked/);
    const [owed] = await app.ctx.db.sql<{ failed: number }[]>`
      select count(*)::int as failed from outbox o join channel_identities i on i.id = o.identity_id
      where i.chat_id = ${String(chat)} and o.status = 'failed'`;
    expect(owed.failed).toBeGreaterThan(0);
  });
});
