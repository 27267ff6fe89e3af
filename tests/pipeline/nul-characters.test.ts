/**
 * A NUL (or another character Postgres or the console cannot hold) in what a citizen sends must
 * neither stop a channel nor cost that citizen their answer. Each row is a real platform payload
 * sent twice, by two fresh chats, one right after the other: once with the characters (`dirty`),
 * once as the platform would send it without them (`clean`). Both chats must be answered, with the
 * same replies, and what was stored for them must be the same.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { ChannelName } from '../../src/domain/messages.js';
import { fakeClientFactory, libraryMessage } from '../channels/whatsapp-web/fakes.js';
import { cloudRequestText, sentTo, startTestAppWithWhatsAppWeb, waitForChat } from '../support/citizens.js';
import { fileClock } from '../support/clock.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { postUpdate, telegramConfig } from '../support/telegram.js';
import { chatIdOfSession, openChatSession, pollChat, postChatMessage } from '../support/webchat.js';
import { cloudStatus, cloudTimestamp, cloudWebhook, nextWamid, postCloudWebhook, whatsappCloudConfig } from '../support/whatsapp-cloud.js';

interface Row<Build> {
  name: string;
  dirty: string;
  clean: string;
  build: Build;
}

type TelegramBuild = (chatId: number, s: string) => Record<string, unknown>;

let nextMessageId = 1;
let nextTelegramChat = 6_300_000;

/** A private-chat Telegram `message` update from citizen `chatId`, with `fields` merged into the message. */
function telegramMessage(chatId: number, fields: Record<string, unknown>, firstName = 'Siti') {
  return {
    message: {
      message_id: nextMessageId++,
      from: { id: chatId, is_bot: false, first_name: firstName, last_name: 'Rahayu', language_code: 'id' },
      chat: { id: chatId, first_name: firstName, last_name: 'Rahayu', type: 'private' },
      date: Math.floor(fileClock.now().getTime() / 1000),
      ...fields,
    },
  };
}

const TELEGRAM_ROWS: Row<TelegramBuild>[] = [
  { name: 'NUL in a text', dirty: 'halo\u0000dunia', clean: 'halodunia', build: (chat, s) => telegramMessage(chat, { text: s }) },
  { name: 'NUL alone', dirty: '\u0000', clean: '', build: (chat, s) => telegramMessage(chat, { text: s }) },
  {
    name: 'other control characters, a lone surrogate and U+FFFF in a text',
    dirty: 'ha\u0007lo\u001b \ud83dmenu\uffff',
    clean: 'halo \ufffdmenu',
    build: (chat, s) => telegramMessage(chat, { text: s }),
  },
  {
    name: 'NUL in a photo caption',
    dirty: 'jalan\u0000 rusak',
    clean: 'jalan rusak',
    build: (chat, s) =>
      telegramMessage(chat, {
        photo: [
          { file_id: 'AgACAgUAAxkBAAIBQ2aSmall', file_unique_id: 'AQADsmall', file_size: 1_204, width: 90, height: 67 },
          { file_id: 'AgACAgUAAxkBAAIBQ2aLarge', file_unique_id: 'AQADlarge', file_size: 98_112, width: 1280, height: 960 },
        ],
        caption: s,
      }),
  },
  {
    name: "NUL in a shared contact's name",
    dirty: 'Bu\u0000di',
    clean: 'Budi',
    build: (chat, s) => telegramMessage(chat, { contact: { phone_number: '+6281234567890', first_name: s, last_name: 'Santoso' } }),
  },
  {
    name: "NUL in a venue's title",
    dirty: 'Kantor\u0000 Kelurahan',
    clean: 'Kantor Kelurahan',
    build: (chat, s) =>
      telegramMessage(chat, {
        location: { latitude: -6.914744, longitude: 107.60981 },
        venue: { location: { latitude: -6.914744, longitude: 107.60981 }, title: s, address: 'Jl. Merdeka No. 1, Bandung' },
      }),
  },
  { name: "NUL in the sender's name", dirty: 'Si\u0000ti', clean: 'Siti', build: (chat, s) => telegramMessage(chat, { text: 'halo' }, s) },
];

/** What was stored for a chat: each message's kind, text and payload, and the chat's display name. */
async function storedFor(app: App, channel: ChannelName, chatId: string) {
  return app.ctx.db.sql`
    select m.kind, m.body, m.payload, i.display_name from messages m join channel_identities i on i.id = m.identity_id
    where i.channel = ${channel} and i.chat_id = ${chatId} order by m.id`;
}

async function setAsideCount(app: App): Promise<number> {
  const [row] = await app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from set_aside_updates`;
  return row.n;
}

/** Sends the dirty payload, then at once the clean one from another chat; both must be handled. */
async function expectSameTreatment(
  app: App,
  channel: ChannelName,
  chats: { dirty: string; clean: string },
  replies: (chatId: string) => string[] | Promise<string[]>,
) {
  await Promise.all([waitForChat(app, channel, chats.dirty, 1), waitForChat(app, channel, chats.clean, 1)]);
  const dirtyReplies = await replies(chats.dirty);
  expect(dirtyReplies.length).toBeGreaterThan(0);
  expect(dirtyReplies).toEqual(await replies(chats.clean));
  expect(await storedFor(app, channel, chats.dirty)).toEqual(await storedFor(app, channel, chats.clean));
}

describe('Telegram webhook, WhatsApp Cloud API, WhatsApp Web and web chat', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let graph: FakeGraph;
  let app: App;
  const webjs = fakeClientFactory();

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    graph = await startFakeGraph();
    app = await startTestAppWithWhatsAppWeb(env, {
      config: { ...telegramConfig(telegram), ...whatsappCloudConfig(graph), WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_PER_MINUTE: '6000' },
      whatsappWebClientFactory: webjs.factory,
    });
    webjs.latest().emit('ready');
  });
  afterAll(async () => {
    await app?.close();
    await telegram?.close();
    await graph?.close();
    await env?.dispose();
  });

  it.each(TELEGRAM_ROWS)('telegram webhook: $name', async ({ dirty, clean, build }) => {
    const chats = { dirty: nextTelegramChat++, clean: nextTelegramChat++ };
    expect(await postUpdate(app.url!, { update_id: nextMessageId++, ...build(chats.dirty, dirty) })).toBe(200);
    expect(await postUpdate(app.url!, { update_id: nextMessageId++, ...build(chats.clean, clean) })).toBe(200);
    await expectSameTreatment(app, 'telegram', { dirty: String(chats.dirty), clean: String(chats.clean) }, (chat) =>
      telegram.sent(chat).map((m) => m.text),
    );
    expect(await setAsideCount(app)).toBe(0);
  });

  type CloudBuild = (from: string, s: string) => Parameters<typeof cloudWebhook>[0];
  const cloudMessage = (from: string, type: string, fields: Record<string, unknown>) => ({ from, id: nextWamid(), timestamp: cloudTimestamp(), type, ...fields });
  const CLOUD_ROWS: Row<CloudBuild>[] = [
    { name: 'NUL in a text', dirty: 'halo\u0000dunia', clean: 'halodunia', build: (from, s) => ({ messages: [cloudMessage(from, 'text', { text: { body: s } })] }) },
    {
      name: 'NUL in an image caption',
      dirty: 'jalan\u0000 rusak',
      clean: 'jalan rusak',
      build: (from, s) => ({
        messages: [
          cloudMessage(from, 'image', {
            image: { caption: s, mime_type: 'image/jpeg', sha256: 'HgkYPPtBGe9ptBaJk1I0yPcqUmV0WwG2tpMC6pO6kKk=', id: '1479537139650973' },
          }),
        ],
      }),
    },
    {
      name: "NUL in a shared contact's name",
      dirty: 'Bu\u0000di Santoso',
      clean: 'Budi Santoso',
      build: (from, s) => ({
        messages: [
          cloudMessage(from, 'contacts', {
            contacts: [{ name: { formatted_name: s, first_name: 'Budi', last_name: 'Santoso' }, phones: [{ phone: '+62 812-3456-7890', wa_id: '6281234567890', type: 'CELL' }] }],
          }),
        ],
      }),
    },
    {
      name: "NUL in a location's name",
      dirty: 'Kantor\u0000 Kelurahan',
      clean: 'Kantor Kelurahan',
      build: (from, s) => ({
        messages: [cloudMessage(from, 'location', { location: { latitude: -6.914744, longitude: 107.60981, name: s, address: 'Jl. Merdeka No. 1, Bandung' } })],
      }),
    },
    {
      name: "NUL in the sender's profile name",
      dirty: 'Si\u0000ti',
      clean: 'Siti',
      build: (from, s) => ({ messages: [cloudMessage(from, 'text', { text: { body: 'halo' } })], profileName: s }),
    },
  ];
  let nextWaId = 6_281_300_000_000;

  it.each(CLOUD_ROWS)('whatsapp cloud webhook: $name', async ({ dirty, clean, build }) => {
    const chats = { dirty: String(nextWaId++), clean: String(nextWaId++) };
    expect(await postCloudWebhook(app.url!, cloudWebhook(build(chats.dirty, dirty)))).toBe(200);
    expect(await postCloudWebhook(app.url!, cloudWebhook(build(chats.clean, clean)))).toBe(200);
    await expectSameTreatment(app, 'whatsapp-cloud', chats, (chat) => sentTo(graph, chat).map(cloudRequestText));
    expect(await setAsideCount(app)).toBe(0);
  });

  it("whatsapp cloud webhook: NUL in a failed receipt's error title is recorded, not refused", async () => {
    const chat = String(nextWaId++);
    expect(await postCloudWebhook(app.url!, cloudWebhook({ messages: [cloudMessage(chat, 'text', { text: { body: 'halo' } })] }))).toBe(200);
    await waitForChat(app, 'whatsapp-cloud', chat, 1);
    const wamid = (sentTo(graph, chat)[0].response as { messages: { id: string }[] }).messages[0].id;
    const failed = { ...cloudStatus({ id: wamid, status: 'sent', recipient: chat }), status: 'failed', errors: [{ code: 131026, title: 'Message\u0000 Undeliverable' }] };
    expect(await postCloudWebhook(app.url!, cloudWebhook({ statuses: [failed] }))).toBe(200);
    const [row] = await app.ctx.db.sql<{ delivery_status: string; last_error: string }[]>`
      select delivery_status, last_error from outbox where channel = 'whatsapp-cloud' and external_id = ${wamid}`;
    expect(row).toEqual({ delivery_status: 'failed', last_error: '131026: Message Undeliverable' });
  });

  it.each([
    { name: 'NUL in a text', dirty: 'halo\u0000dunia', clean: 'halodunia' },
    { name: 'control characters and a lone surrogate', dirty: '\u0001ha\u0000lo\udc00', clean: 'halo\ufffd' },
  ])('web chat: $name', async ({ dirty, clean }) => {
    const sessions = { dirty: await openChatSession(app.url!), clean: await openChatSession(app.url!) };
    const chats = { dirty: chatIdOfSession(sessions.dirty), clean: chatIdOfSession(sessions.clean) };
    expect((await postChatMessage(app.url!, { session: sessions.dirty, text: dirty })).status).toBe(202);
    expect((await postChatMessage(app.url!, { session: sessions.clean, text: clean })).status).toBe(202);
    await expectSameTreatment(app, 'web', chats, async (chat) =>
      (await pollChat(app.url!, chat === chats.dirty ? sessions.dirty : sessions.clean)).messages.map((m) => m.text),
    );
    expect(await setAsideCount(app)).toBe(0);
  });

  let nextPhone = 6_281_300_100_000;
  it.each([
    { name: 'NUL in a text', dirty: 'halo\u0000dunia', clean: 'halodunia', fields: (s: string) => ({ type: 'chat', body: s }) },
    {
      name: "NUL in a shared contact's name",
      dirty: 'Bu\u0000di',
      clean: 'Budi',
      fields: (s: string) => ({ type: 'vcard', body: `BEGIN:VCARD\nVERSION:3.0\nFN:${s}\nitem1.TEL;waid=6281234567890:+62 812-3456-7890\nEND:VCARD` }),
    },
    { name: "NUL in the sender's name", dirty: 'Si\u0000ti', clean: 'Siti', fields: (s: string) => ({ type: 'chat', body: 'halo', notifyName: s }) },
  ])('whatsapp web: $name', async ({ dirty, clean, fields }) => {
    const chats = { dirty: `${nextPhone++}@c.us`, clean: `${nextPhone++}@c.us` };
    for (const [chat, s] of [
      [chats.dirty, dirty],
      [chats.clean, clean],
    ]) {
      const shortId = `3EB0${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
      webjs.latest().emit('message', libraryMessage({ from: chat, id: shortId, ...fields(s) }));
    }
    await expectSameTreatment(app, 'whatsapp-web', chats, (chat) =>
      webjs
        .latest()
        .sendMessage.mock.calls.filter(([to]) => to === chat)
        .map(([, content]) => content),
    );
    expect(await setAsideCount(app)).toBe(0);
  });
});

describe('Telegram long polling', () => {
  let env: TestEnv;
  let telegram: FakeTelegram;
  let app: App;

  beforeAll(async () => {
    env = await createTestEnv();
    telegram = await startFakeTelegram();
    app = await startTestApp(env, { config: telegramConfig(telegram, { TELEGRAM_MODE: 'polling' }) });
  });
  afterAll(async () => {
    await app?.close();
    await telegram?.close();
    await env?.dispose();
  });

  it.each(TELEGRAM_ROWS)('$name', async ({ dirty, clean, build }) => {
    const chats = { dirty: nextTelegramChat++, clean: nextTelegramChat++ };
    telegram.queueUpdate(build(chats.dirty, dirty));
    telegram.queueUpdate(build(chats.clean, clean));
    await expectSameTreatment(app, 'telegram', { dirty: String(chats.dirty), clean: String(chats.clean) }, (chat) =>
      telegram.sent(chat).map((m) => m.text),
    );
    expect(await setAsideCount(app)).toBe(0);
  });
});
