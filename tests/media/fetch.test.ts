/**
 * Evidence is kept: a photo the lapor flow accepts is fetched from the platform (fake Bot API,
 * fake Graph API, or the copy WhatsApp Web handed over at receipt) into media storage, checked, hashed and thumbnailed, in a job of its own that
 * retries on failure; a photo the flow did not ask for is not fetched at all. Real Postgres and
 * Redis, the product's own workers and relay.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { webJsReceivedKey } from '../../src/media/sources.js';
import { fakeClientFactory, libraryMessage } from '../channels/whatsapp-web/fakes.js';
import { startTestAppWithWhatsAppWeb, waitForChat } from '../support/citizens.js';
import { eventually } from '../support/cases.js';
import { fileClock } from '../support/clock.js';
import { holdConversation } from '../support/conversation-lock.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { graphErrors, startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startFakeTelegram, telegramErrors, type FakeTelegram } from '../support/fake-telegram.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';
import { cloudText, cloudTimestamp, cloudWebhook, nextWamid, postCloudWebhook, whatsappCloudConfig } from '../support/whatsapp-cloud.js';

const MAX_BYTES = 400_000;
const ATTEMPTS = 4;

let env: TestEnv;
let telegram: FakeTelegram;
let graph: FakeGraph;
let app: App;
let dataDir: string;
let jpeg: Buffer;
let png: Buffer;
const webjs = fakeClientFactory();

/** A photo-like picture: noise compresses badly, as real photos do, so the thumbnail's saving is real. */
function picture(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 60 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
}

beforeAll(async () => {
  jpeg = await picture(800, 600).jpeg({ quality: 80 }).toBuffer();
  png = await picture(360, 270).png().toBuffer();
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  graph = await startFakeGraph();
  dataDir = await mkdtemp(join(tmpdir(), 'kanal-media-'));
  app = await startTestAppWithWhatsAppWeb(env, {
    config: {
      ...telegramConfig(telegram),
      ...whatsappCloudConfig(graph),
      WHATSAPP_WEB_ENABLED: 'true',
      WHATSAPP_WEB_PER_MINUTE: '6000',
      DATA_DIR: dataDir,
      MEDIA_MAX_BYTES: String(MAX_BYTES),
      MEDIA_FETCH_ATTEMPTS: String(ATTEMPTS),
    },
    whatsappWebClientFactory: webjs.factory,
  });
  webjs.latest().emit('ready');
}, 60_000);

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await graph?.close();
  await env?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface MediaRow {
  id: string;
  status: string;
  storage_key: string | null;
  thumbnail_key: string | null;
  content_type: string | null;
  bytes: number | null;
  sha256: string | null;
  width: number | null;
  height: number | null;
  attempts: number;
  last_error: string | null;
}

async function mediaRows(ref: string): Promise<MediaRow[]> {
  return app.ctx.db.sql<MediaRow[]>`
    select id, status, storage_key, thumbnail_key, content_type, bytes, sha256, width, height, attempts, last_error
    from media where platform_ref = ${ref}`;
}

/** Polls the media row until its fetch has an outcome (stored or failed). */
async function settled(ref: string, timeoutMs = 20_000): Promise<MediaRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await mediaRows(ref);
    if (row && row.status !== 'pending') return row;
    if (Date.now() > deadline) throw new Error(`media ${ref}: no outcome after ${timeoutMs} ms (${JSON.stringify(row ?? null)})`);
    // Polls a condition in the database; the interval only limits load.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The lapor flow up to the photo question, answered by typing. */
const TO_PHOTOS = ['halo', '1', '1', '1', 'Jembatan di RT 03 rusak parah dan membahayakan anak sekolah.', 'lewati'];
/** After the photos: done, anonymous, send. */
const TO_TICKET = ['selesai', '2', '1'];

let nextMessageId = 1;

function telegramChat(chatId: number) {
  let stored = 0;
  const post = async (update: unknown) => {
    expect(await postUpdate(app.url!, update)).toBe(200);
    await waitForChat(app, 'telegram', String(chatId), ++stored);
  };
  return {
    async say(...texts: string[]) {
      for (const text of texts) await post(textUpdate(chatId, nextMessageId++, text));
    },
    /** A photo as Telegram delivers it: sizes smallest first; the product takes the largest. */
    async photo(fileId: string) {
      const messageId = nextMessageId++;
      await post({
        update_id: 900_000_000 + messageId,
        message: {
          message_id: messageId,
          from: { id: chatId, is_bot: false, first_name: 'Siti', language_code: 'id' },
          chat: { id: chatId, first_name: 'Siti', type: 'private' },
          date: Math.floor(fileClock.now().getTime() / 1000),
          photo: [
            { file_id: `${fileId}-small`, file_unique_id: `u-${fileId}-s`, file_size: 1433, width: 90, height: 67 },
            { file_id: fileId, file_unique_id: `u-${fileId}`, file_size: 72110, width: 800, height: 600 },
          ],
        },
      });
    },
  };
}

function cloudChat(waId: string) {
  let stored = 0;
  const post = async (message: Record<string, unknown>) => {
    expect(await postCloudWebhook(app.url!, cloudWebhook({ messages: [message as never] }))).toBe(200);
    await waitForChat(app, 'whatsapp-cloud', waId, ++stored);
  };
  return {
    async say(...texts: string[]) {
      for (const text of texts) await post(cloudText({ from: waId, id: nextWamid(), text }));
    },
    async photo(mediaId: string, mimeType: string) {
      await post({
        from: waId,
        id: nextWamid(),
        timestamp: cloudTimestamp(),
        type: 'image',
        image: { mime_type: mimeType, sha256: 'JmYtT0NnR2FzcmJ0a0hxZnVkWkN5VUhHRUZ3PQ==', id: mediaId },
      });
    },
  };
}

function webJsChat(phone: string) {
  const chatId = `${phone}@c.us`;
  let stored = 0;
  const emit = (fields: Parameters<typeof libraryMessage>[0]) => {
    webjs.latest().emit('message', { ...libraryMessage({ from: chatId, notifyName: 'Siti', ...fields }), timestamp: Math.floor(fileClock.now().getTime() / 1000) });
    stored++;
  };
  const post = async (fields: Parameters<typeof libraryMessage>[0]) => {
    emit(fields);
    await waitForChat(app, 'whatsapp-web', chatId, stored);
  };
  const text = (body: string) => ({ type: 'chat', body, id: `3EB0${String(nextMessageId++).padStart(16, '0')}` });
  const image = (bytes: Buffer) => {
    const id = `3EB0${String(nextMessageId++).padStart(16, '0')}`;
    const photo = { ref: `whatsapp-web:media:false_${chatId}_${id}`, downloads: 0 };
    const fields = {
      type: 'image',
      hasMedia: true,
      id,
      size: bytes.length,
      downloadMedia: async () => {
        photo.downloads++;
        return { mimetype: 'image/jpeg', data: bytes.toString('base64'), filesize: bytes.length };
      },
    };
    return { photo, fields };
  };
  return {
    chatId,
    async say(...texts: string[]) {
      for (const body of texts) await post(text(body));
    },
    /** The photo's media reference, which carries the chat id, and how often its bytes were downloaded. */
    async photo(bytes: Buffer): Promise<{ ref: string; downloads: number }> {
      const { photo, fields } = image(bytes);
      await post(fields);
      return photo;
    },
    /** A text then a photo, sent without waiting for any answer; resolves once both are stored (not yet answered). */
    async textThenPhoto(body: string, bytes: Buffer): Promise<{ ref: string; downloads: number }> {
      const { photo, fields } = image(bytes);
      emit(text(body));
      emit(fields);
      await eventually('both messages stored', async () => {
        const [row] = await app.ctx.db.sql<{ n: number }[]>`
          select count(*)::int as n from messages m join channel_identities i on i.id = m.identity_id
          where i.channel = 'whatsapp-web' and i.chat_id = ${chatId}`;
        return row.n === stored;
      });
      return photo;
    },
    settled: () => waitForChat(app, 'whatsapp-web', chatId, stored),
  };
}

/** Polls media storage until the copy WhatsApp Web handed over at receipt is gone. */
async function receivedCopyDropped(ref: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await app.mediaStorage.get(webJsReceivedKey(ref))) !== null) {
    if (Date.now() > deadline) throw new Error(`the received copy of ${ref} is still there after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function expectStored(ref: string, original: Buffer, contentType: string, size: { width: number; height: number }) {
  const row = await settled(ref);
  expect(row).toMatchObject({ status: 'stored', content_type: contentType, bytes: original.length, ...size, last_error: null });
  expect(row.sha256).toBe(createHash('sha256').update(original).digest('hex'));
  const kept = await app.mediaStorage.get(row.storage_key!);
  expect(kept?.equals(original)).toBe(true);
  const thumb = await app.mediaStorage.get(row.thumbnail_key!);
  expect(thumb).not.toBeNull();
  expect(thumb!.length).toBeLessThan(original.length);
  const thumbInfo = await sharp(thumb!).metadata();
  expect(thumbInfo.format).toBe('webp');
  expect(thumbInfo.width).toBeLessThanOrEqual(320);
  return row;
}

describe('photos accepted by the lapor flow', () => {
  it('are fetched over the Bot API (getFile, then the file route) and kept with a thumbnail', async () => {
    const chat = telegramChat(5_100_001);
    telegram.addFile('AgACAgUAAxkBAAIBQ2X-tg1', jpeg);
    await chat.say(...TO_PHOTOS);
    await chat.photo('AgACAgUAAxkBAAIBQ2X-tg1');
    await chat.say(...TO_TICKET);

    const ref = 'telegram:file:AgACAgUAAxkBAAIBQ2X-tg1';
    await expectStored(ref, jpeg, 'image/jpeg', { width: 800, height: 600 });
    const [getFile] = telegram.callsTo('getFile').filter((c) => c.body.file_id === 'AgACAgUAAxkBAAIBQ2X-tg1');
    expect(getFile.status).toBe(200);
    expect(telegram.callsTo('file').some((c) => c.status === 200 && c.token === telegram.token)).toBe(true);

    const [kase] = await app.ctx.db.sql<{ photos: string[] }[]>`
      select c.photos from cases c join channel_identities i on i.id = c.identity_id where i.chat_id = '5100001'`;
    expect(kase.photos).toEqual([ref]);
  });

  it('are fetched over the Cloud API (media URL, then the file, both with the token) and kept with a thumbnail', async () => {
    const chat = cloudChat('6281298761001');
    graph.addMedia('1410129866512893', png, 'image/png');
    await chat.say(...TO_PHOTOS);
    await chat.photo('1410129866512893', 'image/png');
    await chat.say(...TO_TICKET);

    await expectStored('whatsapp-cloud:media:1410129866512893', png, 'image/png', { width: 360, height: 270 });
    const info = graph.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/1410129866512893'));
    expect(info).toHaveLength(1);
    expect(info[0].authorization).toBe(`Bearer ${whatsappCloudConfig(graph).WHATSAPP_CLOUD_ACCESS_TOKEN}`);
    const url = new URL((info[0].response as { url: string }).url);
    const download = graph.requests.find((r) => r.path === url.pathname);
    expect(download).toMatchObject({ method: 'GET', status: 200, authorization: info[0].authorization });
  });

  it('are not fetched when sent where the flow does not ask for photos (the main menu)', async () => {
    const chat = telegramChat(5_100_002);
    telegram.addFile('AgACAgUAAxkBAAIBQ2X-stray', jpeg);
    telegram.addFile('AgACAgUAAxkBAAIBQ2X-wanted', jpeg);
    await chat.say('halo');
    await chat.photo('AgACAgUAAxkBAAIBQ2X-stray');
    await chat.say(...TO_PHOTOS.slice(1));
    await chat.photo('AgACAgUAAxkBAAIBQ2X-wanted');
    // The wanted one went through the whole fetch, so the stray one would have had every chance.
    await settled('telegram:file:AgACAgUAAxkBAAIBQ2X-wanted');

    expect(await mediaRows('telegram:file:AgACAgUAAxkBAAIBQ2X-stray')).toEqual([]);
    expect(telegram.callsTo('getFile').map((c) => c.body.file_id)).not.toContain('AgACAgUAAxkBAAIBQ2X-stray');
  });
});

describe('photos over WhatsApp Web, whose bytes come with the message', () => {
  it('are downloaded and kept when the flow accepts them, and the copy made at receipt is dropped', async () => {
    const chat = webJsChat('6281298762001');
    await chat.say(...TO_PHOTOS);
    const { ref, downloads } = await chat.photo(jpeg);
    expect(downloads).toBe(1);
    await expectStored(ref, jpeg, 'image/jpeg', { width: 800, height: 600 });
    expect(await app.mediaStorage.get(webJsReceivedKey(ref))).toBeNull();
  });

  it('are never downloaded when the flow would not take them (the main menu, a full set of photos)', async () => {
    const chat = webJsChat('6281298762002');
    await chat.say('halo');
    const stray = await chat.photo(jpeg);
    expect(stray.downloads).toBe(0);
    expect(await app.mediaStorage.get(webJsReceivedKey(stray.ref))).toBeNull();
    expect(await mediaRows(stray.ref)).toEqual([]);

    // At the photo question the flow takes three; the fourth is refused, so it is not downloaded either.
    await chat.say(...TO_PHOTOS.slice(1));
    const taken = [await chat.photo(jpeg), await chat.photo(jpeg), await chat.photo(jpeg)];
    expect(taken.map((p) => p.downloads)).toEqual([1, 1, 1]);
    const fourth = await chat.photo(jpeg);
    expect(fourth.downloads).toBe(0);
    expect(await mediaRows(fourth.ref)).toEqual([]);
  });

  it('are downloaded while an earlier message still waits for its step, and dropped when the flow then does not take them', async () => {
    const chat = webJsChat('6281298762003');
    await chat.say('halo');
    // Where the chat will be when the photo is stepped is not known while "2" (cek status) waits.
    const release = await holdConversation(app.ctx.db.sql, 'whatsapp-web', chat.chatId);
    const photo = await chat.textThenPhoto('2', jpeg);
    expect(photo.downloads).toBe(1);
    await release();
    await chat.settled();
    await receivedCopyDropped(photo.ref);
    expect(await mediaRows(photo.ref)).toEqual([]);
  });
});

describe('a failing fetch', () => {
  it('is retried after the Bot API fails twice, without holding up the conversation', async () => {
    const chat = telegramChat(5_100_003);
    telegram.addFile('AgACAgUAAxkBAAIBQ2X-retry', jpeg);
    await chat.say(...TO_PHOTOS);
    telegram.failNext('getFile', telegramErrors.badGateway(), 2);
    await chat.photo('AgACAgUAAxkBAAIBQ2X-retry');
    // The citizen carries on while the fetch is still failing.
    await chat.say(...TO_TICKET);

    const row = await expectStored('telegram:file:AgACAgUAAxkBAAIBQ2X-retry', jpeg, 'image/jpeg', { width: 800, height: 600 });
    expect(row.attempts).toBe(3);
    expect(telegram.callsTo('getFile').filter((c) => c.body.file_id === 'AgACAgUAAxkBAAIBQ2X-retry').map((c) => c.status)).toEqual([502, 502, 200]);
  });

  it('asks the Cloud API for a fresh media URL on every attempt after the download fails twice', async () => {
    const chat = cloudChat('6281298761002');
    graph.addMedia('2210129866512001', jpeg, 'image/jpeg');
    await chat.say(...TO_PHOTOS);
    graph.failNext(graphErrors.internal(), 2, (r) => r.path.startsWith('/whatsapp_business/attachments/'));
    await chat.photo('2210129866512001', 'image/jpeg');

    const row = await expectStored('whatsapp-cloud:media:2210129866512001', jpeg, 'image/jpeg', { width: 800, height: 600 });
    expect(row.attempts).toBe(3);
    const urls = graph.requests
      .filter((r) => r.path.endsWith('/2210129866512001'))
      .map((r) => (r.response as { url: string }).url);
    expect(urls).toHaveLength(3);
    expect(new Set(urls).size).toBe(3);
  });

  it.each([
    { name: 'a PDF sent as a photo', file: () => Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'), error: 'not an image' },
    { name: 'a GIF', file: () => picture(40, 30).gif().toBuffer(), error: 'not a JPEG, PNG or WebP image (gif)' },
    { name: 'a photo over MEDIA_MAX_BYTES', file: () => picture(1600, 1200).jpeg({ quality: 100 }).toBuffer(), error: /^too large: \d+ bytes, limit 400000$/ },
  ])('is refused for good, without retries: $name', async ({ file, error }) => {
    const chatId = 5_100_100 + nextMessageId;
    const fileId = `AgACAgUAAxkBAAIBQ2X-refused-${chatId}`;
    const bytes = await file();
    telegram.addFile(fileId, bytes);
    const chat = telegramChat(chatId);
    await chat.say(...TO_PHOTOS);
    await chat.photo(fileId);

    const row = await settled(`telegram:file:${fileId}`);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, storage_key: null, thumbnail_key: null });
    expect(row.last_error).toMatch(error);
  });

  it(`is recorded as failed after ${ATTEMPTS} attempts when the Bot API keeps failing`, async () => {
    const chat = telegramChat(5_100_006);
    telegram.addFile('AgACAgUAAxkBAAIBQ2X-down', jpeg);
    await chat.say(...TO_PHOTOS);
    telegram.failNext('getFile', telegramErrors.badGateway(), 1_000);
    await chat.photo('AgACAgUAAxkBAAIBQ2X-down');
    const row = await settled('telegram:file:AgACAgUAAxkBAAIBQ2X-down');
    telegram.heal();
    expect(row).toMatchObject({ status: 'failed', attempts: ATTEMPTS, last_error: 'getFile: 502', storage_key: null });
    expect(telegram.callsTo('getFile').filter((c) => c.body.file_id === 'AgACAgUAAxkBAAIBQ2X-down')).toHaveLength(ATTEMPTS);
  });

  it('is recorded as failed for good when Telegram no longer has the file', async () => {
    const chat = telegramChat(5_100_004);
    await chat.say(...TO_PHOTOS);
    await chat.photo('AgACAgUAAxkBAAIBQ2X-unknown');
    expect(await settled('telegram:file:AgACAgUAAxkBAAIBQ2X-unknown')).toMatchObject({ status: 'failed', attempts: 1, last_error: 'getFile: 400' });
  });

  it('is picked up again by the relay when the queue lost it', async () => {
    const chat = telegramChat(5_100_005);
    telegram.addFile('AgACAgUAAxkBAAIBQ2X-lost', jpeg);
    await chat.say(...TO_PHOTOS);
    const before = telegram.callsTo('getFile').length;
    telegram.failNext('getFile', telegramErrors.badGateway(), 1_000);
    await chat.photo('AgACAgUAAxkBAAIBQ2X-lost');
    await telegram.waitForCalls('getFile', before + 1);
    // Flush once the failed job sits in the delayed set: flushing while the worker still holds it
    // lets BullMQ write parts of it back, a half job the relay's add would then be ignored against.
    await eventually('the fetch waiting for its retry', async () => (await env.redis.zcard(`${env.redisPrefix}:media:delayed`)) > 0);
    // What FLUSHALL does to this test's queues: the job waiting for its retry is gone, so from
    // here only the relay, reading the pending row in Postgres, can bring the fetch back.
    await env.flushQueues();
    telegram.heal();

    await expectStored('telegram:file:AgACAgUAAxkBAAIBQ2X-lost', jpeg, 'image/jpeg', { width: 800, height: 600 });
  });
});
