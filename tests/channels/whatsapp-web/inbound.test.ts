import pkg from 'whatsapp-web.js';
import { describe, expect, it } from 'vitest';
import type { WebJsMessageLike } from '../../../src/channels/whatsapp-web/client.js';
import { parseVCard, parseWebJsMessage } from '../../../src/channels/whatsapp-web/inbound.js';
import type { InboundContent } from '../../../src/domain/messages.js';
import { CITIZEN, CITIZEN_PHONE, SENT_AT_SECONDS, libraryMessage } from './fakes.js';

const SITI_VCARD = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Aminah;Siti;;;',
  'FN:Siti Aminah',
  'item1.TEL;waid=6281298765432:+62 812-9876-5432',
  'item1.X-ABLabel:Ponsel',
  'END:VCARD',
].join('\n');

const OFFICE_VCARD = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Kantor Dinsos', 'TEL;type=WORK:(021) 555-0123', 'END:VCARD'].join('\n');
const NO_PHONE_VCARD = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Pak RT', 'END:VCARD'].join('\n');

const LID = '104586228920391@lid';
const GROUP = '120363025246125888@g.us';

type Expected =
  | {
      action: 'message';
      content: InboundContent;
      /** Default: the citizen's `@c.us` chat. */
      chatId?: string;
      /** Default: the citizen's number; `null` when the platform gives none. */
      phone?: string | null;
      displayName?: string;
      withMedia?: boolean;
    }
  | { action: 'ignore'; reason: string };

const table: { name: string; msg: WebJsMessageLike; expected: Expected }[] = [
  {
    name: 'text',
    msg: libraryMessage({ type: 'chat', body: 'lapor', notifyName: 'Budi' }),
    expected: { action: 'message', content: { kind: 'text', text: 'lapor' }, displayName: 'Budi' },
  },
  {
    name: 'image with caption',
    msg: libraryMessage({ type: 'image', body: 'Jalan berlubang depan SDN 3', hasMedia: true, size: 245_731 }),
    expected: {
      action: 'message',
      content: {
        kind: 'photo',
        mediaRef: `whatsapp-web:media:false_${CITIZEN}_3EB0A1B2C3D4E5F60718`,
        caption: 'Jalan berlubang depan SDN 3',
      },
      withMedia: true,
    },
  },
  {
    name: 'image without caption',
    msg: libraryMessage({ type: 'image', hasMedia: true }),
    expected: {
      action: 'message',
      content: { kind: 'photo', mediaRef: `whatsapp-web:media:false_${CITIZEN}_3EB0A1B2C3D4E5F60718` },
      withMedia: true,
    },
  },
  {
    name: 'location with a place name',
    msg: libraryMessage({
      type: 'location',
      location: {
        latitude: -6.2146,
        longitude: 106.8451,
        name: 'Kantor Kelurahan Sukamaju',
        address: 'Jl. Merdeka No. 1',
        description: 'Kantor Kelurahan Sukamaju\nJl. Merdeka No. 1',
      },
    }),
    expected: {
      action: 'message',
      content: { kind: 'location', latitude: -6.2146, longitude: 106.8451, address: 'Kantor Kelurahan Sukamaju, Jl. Merdeka No. 1' },
    },
  },
  {
    name: 'location pin without a name',
    msg: libraryMessage({ type: 'location', location: { latitude: -7.2575, longitude: 112.7521, description: '' } }),
    expected: { action: 'message', content: { kind: 'location', latitude: -7.2575, longitude: 112.7521 } },
  },
  {
    name: 'vcard contact',
    msg: libraryMessage({ type: 'vcard', body: SITI_VCARD, vCards: [SITI_VCARD] }),
    expected: { action: 'message', content: { kind: 'contact', phone: '6281298765432', name: 'Siti Aminah' } },
  },
  {
    name: 'multi_vcard takes the first card with a phone',
    msg: libraryMessage({ type: 'multi_vcard', vCards: [NO_PHONE_VCARD, OFFICE_VCARD, SITI_VCARD] }),
    expected: { action: 'message', content: { kind: 'contact', phone: '0215550123', name: 'Kantor Dinsos' } },
  },
  {
    name: 'vcard without any phone',
    msg: libraryMessage({ type: 'vcard', body: NO_PHONE_VCARD, vCards: [NO_PHONE_VCARD] }),
    expected: { action: 'message', content: { kind: 'unsupported', what: 'other' } },
  },
  {
    name: 'sticker',
    msg: libraryMessage({ type: 'sticker', hasMedia: true }),
    expected: { action: 'message', content: { kind: 'unsupported', what: 'sticker' } },
  },
  {
    name: 'voice note (ptt)',
    msg: libraryMessage({ type: 'ptt', hasMedia: true }),
    expected: { action: 'message', content: { kind: 'unsupported', what: 'voice' } },
  },
  {
    name: 'audio file',
    msg: libraryMessage({ type: 'audio', hasMedia: true }),
    expected: { action: 'message', content: { kind: 'unsupported', what: 'voice' } },
  },
  {
    name: 'video',
    msg: libraryMessage({ type: 'video', body: 'lihat ini', hasMedia: true }),
    expected: { action: 'message', content: { kind: 'unsupported', what: 'video' } },
  },
  {
    name: 'document',
    msg: libraryMessage({ type: 'document', body: 'KK.pdf', hasMedia: true }),
    expected: { action: 'message', content: { kind: 'unsupported', what: 'document' } },
  },
  {
    name: 'poll (any other type)',
    msg: libraryMessage({ type: 'poll_creation', body: 'Pilih' }),
    expected: { action: 'message', content: { kind: 'unsupported', what: 'other' } },
  },
  {
    name: '@lid sender: answered in the same chat, no phone number',
    msg: libraryMessage({ type: 'chat', body: 'halo', from: LID, notifyName: 'Rina' }),
    expected: { action: 'message', content: { kind: 'text', text: 'halo' }, chatId: LID, phone: null, displayName: 'Rina' },
  },
  {
    name: 'group message',
    msg: libraryMessage({ type: 'chat', body: 'lapor', from: GROUP, author: CITIZEN }),
    expected: { action: 'ignore', reason: 'group-chat' },
  },
  {
    name: 'status broadcast',
    msg: libraryMessage({ type: 'image', body: 'Selamat pagi', from: 'status@broadcast', isStatus: true, author: CITIZEN, hasMedia: true }),
    expected: { action: 'ignore', reason: 'status-broadcast' },
  },
  {
    name: 'broadcast list',
    msg: libraryMessage({ type: 'chat', body: 'Promo!', broadcast: true }),
    expected: { action: 'ignore', reason: 'broadcast-list' },
  },
  {
    name: 'newsletter (channel) post',
    msg: libraryMessage({ type: 'chat', body: 'Info', from: '120363144038483540@newsletter' }),
    expected: { action: 'ignore', reason: 'newsletter' },
  },
  {
    name: 'own message',
    msg: libraryMessage({ type: 'chat', body: 'Terima kasih', fromMe: true }),
    expected: { action: 'ignore', reason: 'own-message' },
  },
  {
    name: 'e2e_notification',
    msg: libraryMessage({ type: 'e2e_notification' }),
    expected: { action: 'ignore', reason: 'system-notification' },
  },
  {
    name: 'notification_template',
    msg: libraryMessage({ type: 'notification_template' }),
    expected: { action: 'ignore', reason: 'system-notification' },
  },
  {
    name: 'call_log',
    msg: libraryMessage({ type: 'call_log' }),
    expected: { action: 'ignore', reason: 'system-notification' },
  },
  {
    name: 'revoked ("this message was deleted")',
    msg: libraryMessage({ type: 'revoked' }),
    expected: { action: 'ignore', reason: 'system-notification' },
  },
];

describe('parseWebJsMessage', () => {
  it.each(table)('$name', ({ msg, expected }) => {
    const parsed = parseWebJsMessage(msg);
    if (expected.action === 'ignore') {
      expect(parsed).toEqual({ action: 'ignore', reason: expected.reason });
      return;
    }
    expect(parsed.action).toBe('message');
    if (parsed.action !== 'message') return;
    const message: Record<string, unknown> = {
      channel: 'whatsapp-web',
      chatId: expected.chatId ?? CITIZEN,
      externalId: msg.id._serialized,
      content: expected.content,
      sentAt: new Date(SENT_AT_SECONDS * 1000),
    };
    if (expected.phone !== null) message.phone = expected.phone ?? CITIZEN_PHONE;
    if (expected.displayName) message.displayName = expected.displayName;
    expect(parsed.message).toEqual(message);
    expect(parsed.media !== undefined).toBe(expected.withMedia ?? false);
  });

  it('offers the photo download with the size WhatsApp declared', async () => {
    const msg = libraryMessage({
      type: 'image',
      hasMedia: true,
      size: 245_731,
      downloadMedia: async () => ({ mimetype: 'image/jpeg', data: 'AAEC', filesize: 245_731 }),
    });
    const parsed = parseWebJsMessage(msg);
    if (parsed.action !== 'message' || !parsed.media) throw new Error('expected a photo with media');
    expect(parsed.media.declaredBytes).toBe(245_731);
    await expect(parsed.media.download()).resolves.toEqual({ mimetype: 'image/jpeg', data: 'AAEC', filesize: 245_731 });
  });
});

/**
 * The table's objects are written by hand; these rows check them against the library itself:
 * a real `Message` built from WhatsApp Web's raw model must parse to the same result.
 */
describe('fixtures match the library Message', () => {
  const LibraryMessage = (pkg as unknown as { Message: new (client: unknown, data: object) => WebJsMessageLike }).Message;
  const rawId = { fromMe: false, remote: CITIZEN, id: '3EB0A1B2C3D4E5F60718', _serialized: `false_${CITIZEN}_3EB0A1B2C3D4E5F60718` };
  const raw = { id: rawId, from: CITIZEN, to: '6281100000000@c.us', t: SENT_AT_SECONDS, notifyName: 'Budi', ack: 1 };

  it.each([
    {
      name: 'text',
      data: { ...raw, type: 'chat', body: 'lapor' },
      fixture: libraryMessage({ type: 'chat', body: 'lapor', notifyName: 'Budi' }),
    },
    {
      name: 'image with caption',
      // A media message's raw body is the thumbnail; the library shows the caption instead.
      data: { ...raw, type: 'image', body: '/9j/4AAQSkZJRg', caption: 'Jalan rusak', directPath: '/v/t62.7118-24/1_n.enc', size: 245_731 },
      fixture: libraryMessage({ type: 'image', body: 'Jalan rusak', hasMedia: true, notifyName: 'Budi', size: 245_731 }),
    },
    {
      name: 'location',
      data: { ...raw, type: 'location', body: '', lat: -6.2146, lng: 106.8451, loc: 'Kantor Kelurahan Sukamaju\nJl. Merdeka No. 1' },
      fixture: libraryMessage({
        type: 'location',
        notifyName: 'Budi',
        location: { latitude: -6.2146, longitude: 106.8451, description: 'Kantor Kelurahan Sukamaju\nJl. Merdeka No. 1' },
      }),
    },
    {
      name: 'vcard',
      data: { ...raw, type: 'vcard', body: SITI_VCARD },
      fixture: libraryMessage({ type: 'vcard', body: SITI_VCARD, vCards: [SITI_VCARD], notifyName: 'Budi' }),
    },
    {
      name: 'own message',
      data: { ...raw, id: { ...rawId, fromMe: true }, type: 'chat', body: 'Terima kasih' },
      fixture: libraryMessage({ type: 'chat', body: 'Terima kasih', fromMe: true }),
    },
  ])('$name', ({ data, fixture }) => {
    const real = new LibraryMessage(null, data);
    const strip = (parsed: ReturnType<typeof parseWebJsMessage>) =>
      parsed.action === 'message' ? { ...parsed, media: parsed.media ? { declaredBytes: parsed.media.declaredBytes } : undefined } : parsed;
    expect(strip(parseWebJsMessage(real))).toEqual(strip(parseWebJsMessage(fixture)));
  });
});

describe('parseVCard', () => {
  it('unfolds continuation lines and unescapes values', () => {
    const card = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dinas Sosial\\, Kota\r\n  Sukamaju\r\nTEL:+62 21 555 0123\r\nEND:VCARD';
    expect(parseVCard(card)).toEqual({ name: 'Dinas Sosial, Kota Sukamaju', phone: '+62215550123' });
  });
});
