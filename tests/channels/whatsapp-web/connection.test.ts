import { describe, expect, it, vi } from 'vitest';
import {
  LOGGED_OUT_HINT,
  WhatsAppWebConnection,
  type InboundHandler,
  type WhatsAppWebConnectionOptions,
} from '../../../src/channels/whatsapp-web/connection.js';
import type { InboundMessage } from '../../../src/domain/messages.js';
import {
  CITIZEN,
  CITIZEN_PHONE,
  ManualTimers,
  capturingLogger,
  deferred,
  fakeClientFactory,
  libraryMessage,
  nextState,
} from './fakes.js';

const QR = '2@Fh3kVq9yQm6b1xYcZ0pL8sT7dW5rN4aJ2eG1uI0oK9=,kT5yR8wQ2nB4vC6xZ1mL3jH7gF9dS0aP=,3vX9yB2nM4kL6jH8gF0dS1aQ==';

function setup(overrides: Partial<WhatsAppWebConnectionOptions> = {}, prepare?: Parameters<typeof fakeClientFactory>[0]) {
  const clients = fakeClientFactory(prepare);
  const timers = new ManualTimers();
  const { logger, lines } = capturingLogger();
  const received: Parameters<InboundHandler>[] = [];
  const printed: string[] = [];
  const saveMedia = vi.fn(async (_ref: string, _mimetype: string, _data: Buffer) => {});
  const connection = new WhatsAppWebConnection({
    clientFactory: clients.factory,
    onMessage: async (...args) => void received.push(args),
    saveMedia,
    logger,
    timers,
    random: () => 0,
    reconnect: { initialDelayMs: 1_000, maxDelayMs: 8_000 },
    output: (text) => void printed.push(text),
    ...overrides,
  });
  return { connection, clients, timers, lines, received, printed, saveMedia };
}

async function readyConnection(overrides: Partial<WhatsAppWebConnectionOptions> = {}) {
  const context = setup(overrides);
  await context.connection.start();
  context.clients.latest().emit('ready');
  return context;
}

describe('WhatsAppWebConnection lifecycle', () => {
  it('shows the QR, prints it in the terminal, then becomes ready', async () => {
    const printedQr = deferred<string>();
    const { connection, clients } = setup({ output: printedQr.resolve });
    await connection.start();
    expect(connection.state).toBe('starting');
    expect(clients.latest().initialize).toHaveBeenCalledOnce();

    clients.latest().emit('qr', QR);
    expect(connection.state).toBe('qr');
    expect(connection.qr).toBe(QR);
    const art = await printedQr.promise;
    expect(art).toContain('Linked devices');
    expect(art).toMatch(/[█▀▄]/);

    clients.latest().emit('authenticated');
    expect(connection.state).toBe('authenticated');
    expect(connection.qr).toBeUndefined();
    clients.latest().emit('ready');
    expect(connection.state).toBe('ready');
  });

  it('reconnects with a new client after a disconnect, after a backoff delay', async () => {
    const { connection, clients, timers } = await readyConnection();
    const first = clients.latest();

    first.emit('disconnected', 'CONFLICT');
    expect(connection.state).toBe('disconnected');
    expect(first.destroy).toHaveBeenCalledOnce();
    expect(first.listenerCount('message')).toBe(0);
    expect(timers.delays).toEqual([1_000]);
    expect(clients.factory).toHaveBeenCalledOnce();

    timers.runNext();
    expect(clients.factory).toHaveBeenCalledTimes(2);
    const second = clients.latest();
    expect(second).not.toBe(first);
    expect(second.initialize).toHaveBeenCalledOnce();
    expect(connection.state).toBe('starting');

    second.emit('ready');
    expect(connection.state).toBe('ready');
    // The old client is forgotten: its late events change nothing.
    first.emit('disconnected', 'CONFLICT');
    expect(connection.state).toBe('ready');
  });

  it('backs off exponentially while reconnecting keeps failing, capped, and resets once ready', async () => {
    const { connection, clients, timers } = setup({}, (client, index) => {
      if (index >= 1 && index <= 4) client.initialize.mockRejectedValue(new Error('Failed to launch the browser process!'));
    });
    await connection.start();
    clients.latest().emit('ready');
    clients.latest().emit('disconnected', 'TIMEOUT');

    for (let attempt = 1; attempt <= 4; attempt++) {
      const failed = nextState(connection, 'disconnected');
      timers.runNext();
      await failed;
    }
    expect(timers.delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(clients.clients.slice(1, 5).every((client) => client.destroy.mock.calls.length === 1)).toBe(true);

    timers.runNext();
    clients.latest().emit('ready');
    expect(connection.state).toBe('ready');
    clients.latest().emit('disconnected', 'CONFLICT');
    expect(timers.delays.at(-1)).toBe(1_000);
  });

  it('adds jitter on top of the backoff delay', async () => {
    const { clients, timers } = await readyConnection({ random: () => 0.5, reconnect: { initialDelayMs: 1_000, jitterRatio: 0.2 } });
    clients.latest().emit('disconnected', 'CONFLICT');
    expect(timers.delays).toEqual([1_100]);
  });

  it('reports an auth failure clearly and does not reconnect', async () => {
    const { connection, clients, timers, lines } = await readyConnection();
    clients.latest().emit('auth_failure', 'Unable to log in. Are the session details valid?');
    expect(connection.state).toBe('auth_failure');
    expect(timers.pendingCount).toBe(0);
    expect(clients.factory).toHaveBeenCalledOnce();
    expect(lines.some((line) => line.includes(LOGGED_OUT_HINT))).toBe(true);
  });

  it.each(['LOGOUT', 'UNPAIRED', 'TOS_BLOCK'])('treats a %s disconnect as terminal', async (reason) => {
    const { connection, clients, timers } = await readyConnection();
    clients.latest().emit('disconnected', reason);
    expect(connection.state).toBe('auth_failure');
    expect(timers.pendingCount).toBe(0);
    expect(clients.factory).toHaveBeenCalledOnce();
  });

  it('offers the fresh QR the library shows after a phone-side logout', async () => {
    const { connection, clients } = await readyConnection();
    clients.latest().emit('disconnected', 'LOGOUT');
    clients.latest().emit('qr', QR);
    expect(connection.state).toBe('qr');
    expect(connection.qr).toBe(QR);
  });

  it('stop() cancels a pending reconnect and closes the client', async () => {
    const { connection, clients, timers } = await readyConnection();
    clients.latest().emit('disconnected', 'CONFLICT');
    expect(timers.pendingCount).toBe(1);
    await connection.stop();
    expect(timers.pendingCount).toBe(0);
    expect(connection.state).toBe('stopped');
    expect(clients.factory).toHaveBeenCalledOnce();
  });

  it('stop() while ready destroys the client', async () => {
    const { connection, clients } = await readyConnection();
    await connection.stop();
    expect(clients.latest().destroy).toHaveBeenCalledOnce();
    expect(connection.state).toBe('stopped');
  });

  it('retries later when the client cannot even be created (profile in use)', async () => {
    const { connection, timers } = setup({
      clientFactory: () => {
        throw new Error('WhatsApp Web session is in use by Chromium pid 4242: stop that process first');
      },
    });
    await connection.start();
    expect(connection.state).toBe('disconnected');
    expect(timers.delays).toEqual([1_000]);
  });
});

describe('WhatsAppWebConnection inbound', () => {
  it('hands citizen messages to the runtime and drops ignored ones', async () => {
    const { connection, clients, received } = await readyConnection();
    clients.latest().emit('message', libraryMessage({ type: 'chat', body: 'lapor', id: '3EB0000000000000AA01' }));
    clients.latest().emit('message', libraryMessage({ type: 'chat', body: 'rapat', from: '120363025246125888@g.us', author: CITIZEN }));
    await connection.idle();
    expect(received.map(([message]) => message.content)).toEqual([{ kind: 'text', text: 'lapor' }]);
  });

  it('passes a duplicate delivery on with the same externalId (the runtime de-duplicates)', async () => {
    const { connection, clients, received } = await readyConnection();
    const message = libraryMessage({ type: 'chat', body: 'cek status', id: '3EB0000000000000AA02' });
    clients.latest().emit('message', message);
    clients.latest().emit('message', message);
    await connection.idle();
    expect(received).toHaveLength(2);
    expect(received[0][0].externalId).toBe(`false_${CITIZEN}_3EB0000000000000AA02`);
    expect(received[1][0].externalId).toBe(received[0][0].externalId);
  });

  it('keeps each chat in order while a photo downloads, without holding up other chats', async () => {
    const download = deferred<{ mimetype: string; data: string }>();
    const otherCitizen = '6285600000002@c.us';
    const firstDelivered = deferred<void>();
    const order: string[] = [];
    const onMessage = async (message: InboundMessage) => {
      order.push(`${message.chatId}:${message.content.kind}`);
      firstDelivered.resolve();
    };
    const { connection, clients } = await readyConnection({ onMessage });
    const client = clients.latest();

    const downloadMedia = () => download.promise;
    client.emit('message', libraryMessage({ type: 'image', hasMedia: true, id: '3EB0000000000000AA03', downloadMedia }));
    client.emit('message', libraryMessage({ type: 'chat', body: 'itu fotonya', id: '3EB0000000000000AA04' }));
    client.emit('message', libraryMessage({ type: 'chat', body: 'halo', from: otherCitizen, id: '3EB0000000000000AA05' }));
    await firstDelivered.promise;
    expect(order).toEqual([`${otherCitizen}:text`]);

    download.resolve({ mimetype: 'image/jpeg', data: Buffer.from('jpeg').toString('base64') });
    await connection.idle();
    expect(order).toEqual([`${otherCitizen}:text`, `${CITIZEN}:photo`, `${CITIZEN}:text`]);
  });

  it('logs and carries on when the runtime handler throws, without phone or text in the log', async () => {
    const delivered: string[] = [];
    const onMessage = async (message: InboundMessage) => {
      if (message.content.kind === 'text' && message.content.text.startsWith('Nama saya')) {
        throw new Error(`duplicate key value (chat_id)=(${message.chatId}) body=${message.content.text}`);
      }
      delivered.push(message.externalId);
    };
    const { connection, clients, lines } = await readyConnection({ onMessage });
    const client = clients.latest();
    client.emit('message', libraryMessage({ type: 'chat', body: 'Nama saya Budi, NIK 3201010101010001', id: '3EB0000000000000AA06' }));
    client.emit('message', libraryMessage({ type: 'chat', body: 'halo', id: '3EB0000000000000AA07' }));
    await connection.idle();

    expect(delivered).toEqual([`false_${CITIZEN}_3EB0000000000000AA07`]);
    const failure = lines.find((line) => line.includes('inbound handler failed'));
    expect(failure).toContain('3EB0000000000000AA06');
    const log = lines.join('\n');
    expect(log).not.toContain(CITIZEN_PHONE);
    expect(log).not.toContain('Nama saya');
    expect(log).not.toContain('3201010101010001');
  });

  it('stores a photo within the size limit and reports it stored', async () => {
    const { connection, clients, received, saveMedia } = await readyConnection();
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]);
    clients.latest().emit(
      'message',
      libraryMessage({
        type: 'image',
        hasMedia: true,
        body: 'Jembatan rusak',
        size: jpeg.length,
        id: '3EB0000000000000AA08',
        downloadMedia: async () => ({ mimetype: 'image/jpeg', data: jpeg.toString('base64'), filesize: jpeg.length }),
      }),
    );
    await connection.idle();
    const ref = `whatsapp-web:media:false_${CITIZEN}_3EB0000000000000AA08`;
    expect(saveMedia).toHaveBeenCalledWith(ref, 'image/jpeg', jpeg);
    expect(received[0][1]).toEqual({ stored: true, ref, mimetype: 'image/jpeg', bytes: jpeg.length });
    expect(received[0][0].content).toEqual({ kind: 'photo', mediaRef: ref, caption: 'Jembatan rusak' });
  });

  it('does not download a photo declared larger than the limit, but still delivers the message', async () => {
    const { connection, clients, received, saveMedia } = await readyConnection({ maxMediaBytes: 1_000 });
    const download = vi.fn(async () => ({ mimetype: 'image/jpeg', data: '' }));
    const photo = libraryMessage({ type: 'image', hasMedia: true, size: 1_001, id: '3EB0000000000000AA09', downloadMedia: download });
    clients.latest().emit('message', photo);
    await connection.idle();
    expect(download).not.toHaveBeenCalled();
    expect(saveMedia).not.toHaveBeenCalled();
    expect(received[0][0].content.kind).toBe('photo');
    expect(received[0][1]).toMatchObject({ stored: false, reason: 'too-large' });
  });

  it('does not store a downloaded photo larger than the limit', async () => {
    const { connection, clients, received, saveMedia } = await readyConnection({ maxMediaBytes: 4 });
    const downloadMedia = async () => ({ mimetype: 'image/jpeg', data: Buffer.alloc(5).toString('base64') });
    clients.latest().emit('message', libraryMessage({ type: 'image', hasMedia: true, id: '3EB0000000000000AA10', downloadMedia }));
    await connection.idle();
    expect(saveMedia).not.toHaveBeenCalled();
    expect(received[0][1]).toMatchObject({ stored: false, reason: 'too-large' });
  });

  it('asks whether the conversation wants the photo before downloading it, and downloads nothing when it does not', async () => {
    const wantsMedia = vi.fn(async (_message: InboundMessage) => false);
    const { connection, clients, received, saveMedia } = await readyConnection({ wantsMedia });
    const download = vi.fn(async () => ({ mimetype: 'image/jpeg', data: 'AAAA' }));
    clients.latest().emit('message', libraryMessage({ type: 'image', hasMedia: true, body: 'foto', id: '3EB0000000000000AA13', downloadMedia: download }));
    await connection.idle();
    const ref = `whatsapp-web:media:false_${CITIZEN}_3EB0000000000000AA13`;
    expect(wantsMedia).toHaveBeenCalledOnce();
    expect(wantsMedia.mock.calls[0][0]).toMatchObject({ channel: 'whatsapp-web', chatId: CITIZEN, content: { kind: 'photo', mediaRef: ref } });
    expect(download).not.toHaveBeenCalled();
    expect(saveMedia).not.toHaveBeenCalled();
    // The message itself is delivered as usual: the flow answers it.
    expect(received[0][0].content).toEqual({ kind: 'photo', mediaRef: ref, caption: 'foto' });
    expect(received[0][1]).toEqual({ stored: false, ref, reason: 'not-wanted' });
  });

  it('downloads the photo when the conversation wants it, or when it cannot tell (the answer failed)', async () => {
    const answers = [async () => true, async () => Promise.reject(new Error('connection terminated'))];
    const wantsMedia = vi.fn(async () => answers.shift()!());
    const { connection, clients, received, saveMedia, lines } = await readyConnection({ wantsMedia });
    const downloadMedia = async () => ({ mimetype: 'image/jpeg', data: 'AAAA' });
    clients.latest().emit('message', libraryMessage({ type: 'image', hasMedia: true, id: '3EB0000000000000AA14', downloadMedia }));
    clients.latest().emit('message', libraryMessage({ type: 'image', hasMedia: true, id: '3EB0000000000000AA15', downloadMedia }));
    await connection.idle();
    expect(saveMedia).toHaveBeenCalledTimes(2);
    expect(received.map(([, media]) => media?.stored)).toEqual([true, true]);
    expect(lines.some((line) => line.includes('could not ask whether a photo is wanted'))).toBe(true);
  });

  it('does not ask about messages without media', async () => {
    const wantsMedia = vi.fn(async () => true);
    const { connection, clients } = await readyConnection({ wantsMedia });
    clients.latest().emit('message', libraryMessage({ type: 'chat', body: 'halo', id: '3EB0000000000000AA16' }));
    await connection.idle();
    expect(wantsMedia).not.toHaveBeenCalled();
  });

  it.each([
    { name: 'media no longer on WhatsApp', downloadMedia: async () => undefined, reason: 'unavailable' },
    {
      name: 'download fails',
      downloadMedia: async () => {
        throw new Error('Evaluation failed: Error: media fetch failed');
      },
      reason: 'download-failed',
    },
  ])('delivers the photo message when the $name', async ({ downloadMedia, reason }) => {
    const { connection, clients, received } = await readyConnection();
    clients.latest().emit('message', libraryMessage({ type: 'image', hasMedia: true, id: '3EB0000000000000AA11', downloadMedia }));
    await connection.idle();
    expect(received).toHaveLength(1);
    expect(received[0][1]).toMatchObject({ stored: false, reason });
  });

  it('stop() lets messages already received finish before closing the browser', async () => {
    const download = deferred<{ mimetype: string; data: string }>();
    const { connection, clients, received } = await readyConnection();
    const client = clients.latest();
    const downloadMedia = () => download.promise;
    client.emit('message', libraryMessage({ type: 'image', hasMedia: true, id: '3EB0000000000000AA12', downloadMedia }));
    const stopped = connection.stop();
    expect(client.destroy).not.toHaveBeenCalled();
    download.resolve({ mimetype: 'image/jpeg', data: 'AAAA' });
    await stopped;
    expect(received).toHaveLength(1);
    expect(client.destroy).toHaveBeenCalledOnce();
  });
});
