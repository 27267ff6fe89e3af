import { describe, expect, it } from 'vitest';
import { WhatsAppWebConnection } from '../../../src/channels/whatsapp-web/connection.js';
import { createWhatsAppWebSender, type PacingOptions } from '../../../src/channels/whatsapp-web/sender.js';
import type { OutboundMessage, SendResult } from '../../../src/domain/messages.js';
import { CITIZEN, FakeClock, ManualTimers, capturingLogger, fakeClientFactory } from './fakes.js';

const OTHER_CITIZEN = '6285600000002@c.us';

function text(chatId: string, body = 'Terima kasih, laporan Anda kami terima.'): OutboundMessage {
  return { kind: 'text', chatId, text: body };
}

async function setup(pacing: Partial<PacingOptions> = {}, random = () => 0) {
  const clients = fakeClientFactory();
  const connection = new WhatsAppWebConnection({
    clientFactory: clients.factory,
    onMessage: async () => {},
    saveMedia: async () => {},
    logger: capturingLogger().logger,
    timers: new ManualTimers(),
  });
  await connection.start();
  const client = clients.latest();
  client.emit('ready');
  const clock = new FakeClock(1_000_000);
  const sentAt: number[] = [];
  client.sendMessage.mockImplementation(async (chatId: string) => {
    sentAt.push(clock.now() - 1_000_000);
    return { id: { _serialized: `true_${chatId}_3EB0${sentAt.length}` } };
  });
  const sender = createWhatsAppWebSender({ connection, pacing, clock, random });
  return { sender, client, clock, sentAt, connection };
}

describe('WhatsApp Web sender', () => {
  it('sends the text (options already numbered in it) and returns the message id', async () => {
    const { sender, client } = await setup();
    const menu = 'Silakan pilih:\n1. Lapor\n2. Cek status\n3. Persyaratan\n4. Petugas\nKetik 0 untuk kembali.';
    const result = await sender.send({
      kind: 'text',
      chatId: CITIZEN,
      text: menu,
      options: [
        { key: 'lapor', label: 'Lapor' },
        { key: 'status', label: 'Cek status' },
      ],
    });
    expect(client.sendMessage).toHaveBeenCalledWith(CITIZEN, menu);
    expect(result).toEqual({ ok: true, externalId: `true_${CITIZEN}_3EB01` });
    expect(sender.channel).toBe('whatsapp-web');
  });

  it('does not send while the connection is not ready', async () => {
    const { sender, client } = await setup();
    client.emit('disconnected', 'CONFLICT');
    expect(await sender.send(text(CITIZEN))).toEqual({ ok: false, failure: 'retryable', reason: 'whatsapp-web not connected' });
    expect(client.sendMessage).not.toHaveBeenCalled();
  });

  it('does not send when the session drops while the message waits its turn', async () => {
    const { sender, client, clock } = await setup();
    await sender.send(text(CITIZEN));
    const sleep = clock.sleep.bind(clock);
    clock.sleep = async (ms) => {
      await sleep(ms);
      client.emit('disconnected', 'TIMEOUT');
    };
    expect(await sender.send(text(CITIZEN))).toMatchObject({ ok: false, failure: 'retryable' });
    expect(client.sendMessage).toHaveBeenCalledOnce();
  });

  it('cannot send templates and has no button spinner to stop', async () => {
    const { sender, client } = await setup();
    const template: OutboundMessage = { kind: 'template', chatId: CITIZEN, name: 'status_update', language: 'id', parameters: ['KA-7Q2M'] };
    expect(await sender.send(template)).toEqual({ ok: false, failure: 'permanent', reason: 'template-unsupported', unreachable: false });
    expect(await sender.send({ kind: 'callback-answer', chatId: CITIZEN, callbackQueryId: '4382bfdwdsb323b2d9' })).toEqual({
      ok: true,
      externalId: '',
    });
    expect(client.sendMessage).not.toHaveBeenCalled();
  });

  describe('pacing', () => {
    it('keeps two messages to the same chat at least a second apart', async () => {
      const { sender, sentAt } = await setup({ globalPerMinute: 600 });
      await sender.send(text(CITIZEN));
      await sender.send(text(CITIZEN));
      expect(sentAt).toEqual([0, 1_000]);
    });

    it('lets another chat go sooner, within the global rate', async () => {
      const { sender, sentAt } = await setup({ globalPerMinute: 600 });
      await sender.send(text(CITIZEN));
      await sender.send(text(OTHER_CITIZEN));
      await sender.send(text(CITIZEN));
      expect(sentAt).toEqual([0, 100, 1_000]);
    });

    it('spreads sends across chats evenly at the global rate', async () => {
      const { sender, sentAt } = await setup({ globalPerMinute: 30 });
      for (const chat of ['6281100000011@c.us', '6281100000012@c.us', '6281100000013@c.us', '6281100000014@c.us']) {
        await sender.send(text(chat));
      }
      expect(sentAt).toEqual([0, 2_000, 4_000, 6_000]);
    });

    it('queues concurrent sends instead of firing them together', async () => {
      const { sender, clock } = await setup({ globalPerMinute: 600 });
      // Time stands still, as for three sends arriving in the same instant.
      clock.sleep = async (ms) => void clock.sleeps.push(ms);
      await Promise.all([sender.send(text(CITIZEN)), sender.send(text(CITIZEN)), sender.send(text(OTHER_CITIZEN))]);
      expect(clock.sleeps).toEqual([0, 1_000, 1_100]);
    });

    it('adds up to jitterMs of random delay', async () => {
      const { sender, sentAt } = await setup({ globalPerMinute: 600, jitterMs: 300 }, () => 0.5);
      await sender.send(text(CITIZEN));
      await sender.send(text(CITIZEN));
      expect(sentAt).toEqual([150, 150 + 1_000 + 150]);
    });

    it('does not hold a chat back once its last message is long past', async () => {
      const { sender, sentAt, clock } = await setup({ globalPerMinute: 600 });
      await sender.send(text(CITIZEN));
      await clock.sleep(5_000);
      await sender.send(text(CITIZEN));
      expect(sentAt).toEqual([0, 5_000]);
    });
  });

  describe('error classification', () => {
    /** What the page threw → how it is classified; the raw text is always kept as the reason. */
    const table: { thrown: unknown; failure: 'permanent' | 'retryable'; unreachable?: boolean }[] = [
      { thrown: new Error('Evaluation failed: Error: wid error: invalid wid'), failure: 'permanent', unreachable: true },
      { thrown: new Error('Evaluation failed: Error: No LID for user'), failure: 'permanent', unreachable: false },
      {
        thrown: new Error("Evaluation failed: TypeError: Cannot read properties of undefined (reading 'serialize')"),
        failure: 'retryable',
      },
      {
        thrown: new Error('Protocol error (Runtime.callFunctionOn): Session closed. Most likely the page has been closed.'),
        failure: 'retryable',
      },
      { thrown: new Error('Protocol error (Runtime.callFunctionOn): Target closed.'), failure: 'retryable' },
      {
        thrown: Object.assign(new Error('Runtime.callFunctionOn timed out. Increase the protocolTimeout setting.'), {
          name: 'ProtocolError',
        }),
        failure: 'retryable',
      },
      { thrown: new Error('Execution context was destroyed, most likely because of a navigation.'), failure: 'retryable' },
      { thrown: 'Something the page threw that is not an Error', failure: 'retryable' },
    ];

    it.each(table)('$failure: $thrown', async ({ thrown, failure, unreachable }) => {
      const { sender, client } = await setup();
      client.sendMessage.mockRejectedValueOnce(thrown);
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      const expected: SendResult =
        failure === 'permanent' ? { ok: false, failure, reason, unreachable: unreachable ?? false } : { ok: false, failure, reason };
      expect(await sender.send(text(CITIZEN))).toEqual(expected);
    });

    it('retries when the library returns no message (the chat could not be opened)', async () => {
      const { sender, client } = await setup();
      client.sendMessage.mockResolvedValueOnce(undefined as never);
      expect(await sender.send(text(CITIZEN))).toMatchObject({ ok: false, failure: 'retryable' });
    });
  });
});
