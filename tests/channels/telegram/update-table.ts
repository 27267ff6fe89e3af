/**
 * Raw Bot API updates, shaped exactly as Telegram sends them, and what the adapter makes of each:
 * the receive-side table (inbound.test.ts) and the seeds of the fuzz test
 * (tests/pipeline/fuzz-payloads.test.ts). Adding a case means adding a row.
 */
import type { TelegramInbound } from '../../../src/channels/telegram/inbound.js';

export const DATE = 1767225600; // 2026-01-01T00:00:00Z
const SENT_AT = new Date(DATE * 1000);
export const RECEIVED_AT = new Date('2026-01-01T00:05:00Z');

export const siti = {
  id: 5012345678,
  is_bot: false,
  first_name: 'Siti',
  last_name: 'Rahayu',
  username: 'sitirahayu',
  language_code: 'id',
};
export const sitiChat = { id: 5012345678, first_name: 'Siti', last_name: 'Rahayu', username: 'sitirahayu', type: 'private' };
const bot = { id: 7000000001, is_bot: true, first_name: 'Kanal Aduan', username: 'kanal_aduan_bot' };

/** A private message from Siti with the given payload fields. */
export function privateMessage(fields: Record<string, unknown>, messageId = 1021) {
  return { update_id: 734120001, message: { message_id: messageId, from: siti, chat: sitiChat, date: DATE, ...fields } };
}

/** The normalised message we expect for Siti, with the given content. */
export function fromSiti(content: unknown, extra: Record<string, unknown> = {}): TelegramInbound {
  return {
    action: 'message',
    message: {
      channel: 'telegram',
      chatId: '5012345678',
      externalId: 'm:5012345678:1021',
      displayName: 'Siti Rahayu',
      sentAt: SENT_AT,
      content,
      ...extra,
    },
  } as TelegramInbound;
}

const thumbnail = { file_id: 'AAMCBQADGQEAAQ-thumb', file_unique_id: 'AQADthumb', file_size: 4212, width: 320, height: 320 };

/** Real updates and what the adapter makes of each; the fuzz test mutates the same updates. */
export const TELEGRAM_UPDATES: Array<{ name: string; update: unknown; expected: TelegramInbound }> = [
  {
    name: 'text',
    update: privateMessage({ text: 'Jalan di depan SDN 3 rusak parah' }),
    expected: fromSiti({ kind: 'text', text: 'Jalan di depan SDN 3 rusak parah' }),
  },
  {
    name: '/start with bot_command entity',
    update: privateMessage({ text: '/start', entities: [{ offset: 0, length: 6, type: 'bot_command' }] }),
    expected: fromSiti({ kind: 'text', text: '/start' }),
  },
  {
    name: 'photo in several sizes with caption: largest file_id',
    update: privateMessage({
      photo: [
        { file_id: 'AgACAgUAAxkBAAIBQ2X-90', file_unique_id: 'AQADq7sxG1-90', file_size: 1433, width: 90, height: 67 },
        { file_id: 'AgACAgUAAxkBAAIBQ2X-320', file_unique_id: 'AQADq7sxG1-320', file_size: 19754, width: 320, height: 240 },
        { file_id: 'AgACAgUAAxkBAAIBQ2X-1280', file_unique_id: 'AQADq7sxG1-1280', file_size: 141201, width: 1280, height: 960 },
        { file_id: 'AgACAgUAAxkBAAIBQ2X-800', file_unique_id: 'AQADq7sxG1-800', file_size: 72110, width: 800, height: 600 },
      ],
      caption: 'Lubang di Jl. Merdeka',
    }),
    expected: fromSiti({ kind: 'photo', mediaRef: 'telegram:file:AgACAgUAAxkBAAIBQ2X-1280', caption: 'Lubang di Jl. Merdeka' }),
  },
  {
    name: 'photo without caption',
    update: privateMessage({
      photo: [{ file_id: 'AgACAgUAAxkBAAIBRGX-90', file_unique_id: 'AQADr7sxG1-90', file_size: 1201, width: 90, height: 90 }],
    }),
    expected: fromSiti({ kind: 'photo', mediaRef: 'telegram:file:AgACAgUAAxkBAAIBRGX-90' }),
  },
  {
    name: 'location',
    update: privateMessage({ location: { latitude: -6.914744, longitude: 107.60981 } }),
    expected: fromSiti({ kind: 'location', latitude: -6.914744, longitude: 107.60981 }),
  },
  {
    name: 'venue: location with its title and address',
    update: privateMessage({
      location: { latitude: -6.917464, longitude: 107.619123 },
      venue: {
        location: { latitude: -6.917464, longitude: 107.619123 },
        title: 'Kantor Kelurahan Braga',
        address: 'Jl. Braga No. 10, Bandung',
      },
    }),
    expected: fromSiti({
      kind: 'location',
      latitude: -6.917464,
      longitude: 107.619123,
      address: 'Kantor Kelurahan Braga, Jl. Braga No. 10, Bandung',
    }),
  },
  {
    name: 'own contact (shared with the phone button): phone also on the message',
    update: privateMessage({
      contact: { phone_number: '6281234567890', first_name: 'Siti', last_name: 'Rahayu', user_id: 5012345678 },
    }),
    expected: fromSiti({ kind: 'contact', phone: '6281234567890', name: 'Siti Rahayu' }, { phone: '6281234567890' }),
  },
  {
    name: "someone else's contact: not the sender's phone",
    update: privateMessage({ contact: { phone_number: '+62 812-9876-5432', first_name: 'Pak RT' } }),
    expected: fromSiti({ kind: 'contact', phone: '+62 812-9876-5432', name: 'Pak RT' }),
  },
  {
    name: 'sticker',
    update: privateMessage({
      sticker: {
        width: 512,
        height: 512,
        emoji: '🙏',
        set_name: 'HaloIndonesia',
        is_animated: false,
        is_video: false,
        type: 'regular',
        thumbnail,
        file_id: 'CAACAgIAAxkBAAIBRWX-sticker',
        file_unique_id: 'AgADsticker',
        file_size: 24610,
      },
    }),
    expected: fromSiti({ kind: 'unsupported', what: 'sticker' }),
  },
  {
    name: 'voice note',
    update: privateMessage({
      voice: { duration: 7, mime_type: 'audio/ogg', file_id: 'AwACAgUAAxkBAAIBRmX-voice', file_unique_id: 'AgADvoice', file_size: 27450 },
    }),
    expected: fromSiti({ kind: 'unsupported', what: 'voice' }),
  },
  {
    name: 'audio file',
    update: privateMessage({
      audio: {
        duration: 184,
        file_name: 'rekaman.mp3',
        mime_type: 'audio/mpeg',
        file_id: 'CQACAgUAAxkBAAIBR2X-audio',
        file_unique_id: 'AgADaudio',
        file_size: 2944012,
      },
    }),
    expected: fromSiti({ kind: 'unsupported', what: 'voice' }),
  },
  {
    name: 'video',
    update: privateMessage({
      video: {
        duration: 12,
        width: 720,
        height: 1280,
        file_name: 'banjir.mp4',
        mime_type: 'video/mp4',
        thumbnail,
        file_id: 'BAACAgUAAxkBAAIBSGX-video',
        file_unique_id: 'AgADvideo',
        file_size: 3481290,
      },
      caption: 'Banjir di RW 04',
    }),
    expected: fromSiti({ kind: 'unsupported', what: 'video' }),
  },
  {
    name: 'video note (round video)',
    update: privateMessage({
      video_note: { duration: 5, length: 384, thumbnail, file_id: 'DQACAgUAAxkBAAIBSWX-note', file_unique_id: 'AgADnote', file_size: 401223 },
    }),
    expected: fromSiti({ kind: 'unsupported', what: 'video' }),
  },
  {
    name: 'GIF: animation arrives with a document too, still video',
    update: privateMessage({
      animation: {
        file_name: 'terima-kasih.mp4',
        mime_type: 'video/mp4',
        duration: 3,
        width: 320,
        height: 240,
        thumbnail,
        file_id: 'CgACAgQAAxkBAAIBSmX-gif',
        file_unique_id: 'AgADgif',
        file_size: 98110,
      },
      document: {
        file_name: 'terima-kasih.mp4',
        mime_type: 'video/mp4',
        thumbnail,
        file_id: 'CgACAgQAAxkBAAIBSmX-gif',
        file_unique_id: 'AgADgif',
        file_size: 98110,
      },
    }),
    expected: fromSiti({ kind: 'unsupported', what: 'video' }),
  },
  {
    name: 'document',
    update: privateMessage({
      document: {
        file_name: 'KK-Siti.pdf',
        mime_type: 'application/pdf',
        file_id: 'BQACAgUAAxkBAAIBS2X-doc',
        file_unique_id: 'AgADdoc',
        file_size: 312004,
      },
    }),
    expected: fromSiti({ kind: 'unsupported', what: 'document' }),
  },
  {
    name: 'poll in a private chat: other',
    update: privateMessage({
      poll: {
        id: '5312345678901234567',
        question: 'Setuju?',
        options: [
          { text: 'Ya', voter_count: 0 },
          { text: 'Tidak', voter_count: 0 },
        ],
        total_voter_count: 0,
        is_closed: false,
        is_anonymous: true,
        type: 'regular',
        allows_multiple_answers: false,
      },
    }),
    expected: fromSiti({ kind: 'unsupported', what: 'other' }),
  },
  {
    name: 'dice: other',
    update: privateMessage({ dice: { emoji: '🎲', value: 4 } }),
    expected: fromSiti({ kind: 'unsupported', what: 'other' }),
  },
  {
    name: 'edited message: its own externalId, dated by edit_date',
    update: {
      update_id: 734120002,
      edited_message: {
        message_id: 1021,
        from: siti,
        chat: sitiChat,
        date: DATE,
        edit_date: DATE + 42,
        text: 'Jalan di depan SDN 3 rusak parah sekali',
      },
    },
    expected: {
      action: 'message',
      message: {
        channel: 'telegram',
        chatId: '5012345678',
        externalId: `e:5012345678:1021:${DATE + 42}`,
        displayName: 'Siti Rahayu',
        sentAt: new Date((DATE + 42) * 1000),
        content: { kind: 'unsupported', what: 'edited' },
      },
    },
  },
  {
    name: 'live location moving (edited location): ignored, not answered every few seconds',
    update: {
      update_id: 734120003,
      edited_message: {
        message_id: 1023,
        from: siti,
        chat: sitiChat,
        date: DATE,
        edit_date: DATE + 30,
        location: { latitude: -6.91475, longitude: 107.60982, live_period: 900, horizontal_accuracy: 12.5 },
      },
    },
    expected: { action: 'ignore', reason: 'live location update' },
  },
  {
    name: 'callback query (inline button): text with the data, query id to answer',
    update: {
      update_id: 734120004,
      callback_query: {
        id: '2153846287501212345',
        from: siti,
        message: {
          message_id: 1022,
          from: bot,
          chat: sitiChat,
          date: DATE,
          text: 'Silakan pilih:\n1. Lapor\n2. Cek status',
          reply_markup: { inline_keyboard: [[{ text: '1. Lapor', callback_data: '1' }, { text: '2. Cek status', callback_data: '2' }]] },
        },
        chat_instance: '-3141592653589793238',
        data: '1',
      },
    },
    expected: {
      action: 'message',
      callbackQueryId: '2153846287501212345',
      message: {
        channel: 'telegram',
        chatId: '5012345678',
        externalId: 'cb:2153846287501212345',
        displayName: 'Siti Rahayu',
        sentAt: RECEIVED_AT,
        content: { kind: 'text', text: '1' },
      },
    },
  },
  {
    name: 'callback query on an inaccessible (old) message: chat still known',
    update: {
      update_id: 734120005,
      callback_query: {
        id: '2153846287501212399',
        from: siti,
        message: { chat: sitiChat, message_id: 17, date: 0 },
        chat_instance: '-3141592653589793238',
        data: '2',
      },
    },
    expected: {
      action: 'message',
      callbackQueryId: '2153846287501212399',
      message: {
        channel: 'telegram',
        chatId: '5012345678',
        externalId: 'cb:2153846287501212399',
        displayName: 'Siti Rahayu',
        sentAt: RECEIVED_AT,
        content: { kind: 'text', text: '2' },
      },
    },
  },
  {
    name: 'callback query without message: chat is the presser',
    update: {
      update_id: 734120006,
      callback_query: { id: '2153846287501212400', from: siti, inline_message_id: 'AgAAAJ8xAQAsomething', chat_instance: '42', data: '0' },
    },
    expected: {
      action: 'message',
      callbackQueryId: '2153846287501212400',
      message: {
        channel: 'telegram',
        chatId: '5012345678',
        externalId: 'cb:2153846287501212400',
        displayName: 'Siti Rahayu',
        sentAt: RECEIVED_AT,
        content: { kind: 'text', text: '0' },
      },
    },
  },
  {
    name: 'callback query for a game (no data)',
    update: {
      update_id: 734120007,
      callback_query: { id: '2153846287501212401', from: siti, chat_instance: '42', game_short_name: 'tebak' },
    },
    expected: { action: 'ignore', reason: 'callback query without data' },
  },
  {
    name: 'group message',
    update: {
      update_id: 734120008,
      message: {
        message_id: 88,
        from: siti,
        chat: { id: -4012345678, title: 'Warga RT 05', type: 'group', all_members_are_administrators: true },
        date: DATE,
        text: 'Ada info bansos?',
      },
    },
    expected: { action: 'ignore', reason: 'group chat' },
  },
  {
    name: 'supergroup message',
    update: {
      update_id: 734120009,
      message: {
        message_id: 4410,
        from: siti,
        chat: { id: -1001234567890, title: 'Forum Warga Kelurahan Braga', username: 'wargabraga', type: 'supergroup' },
        date: DATE,
        text: '/start@kanal_aduan_bot',
        entities: [{ offset: 0, length: 22, type: 'bot_command' }],
      },
    },
    expected: { action: 'ignore', reason: 'supergroup chat' },
  },
  {
    name: 'callback query from a button in a group',
    update: {
      update_id: 734120010,
      callback_query: {
        id: '2153846287501212402',
        from: siti,
        message: { message_id: 89, from: bot, chat: { id: -4012345678, title: 'Warga RT 05', type: 'group' }, date: DATE, text: 'Pilih' },
        chat_instance: '42',
        data: '1',
      },
    },
    expected: { action: 'ignore', reason: 'group chat' },
  },
  {
    name: 'channel post',
    update: {
      update_id: 734120011,
      channel_post: {
        message_id: 55,
        sender_chat: { id: -1001987654321, title: 'Info Dinsos Kota', username: 'infodinsos', type: 'channel' },
        chat: { id: -1001987654321, title: 'Info Dinsos Kota', username: 'infodinsos', type: 'channel' },
        date: DATE,
        text: 'Pendaftaran DTKS dibuka.',
      },
    },
    expected: { action: 'ignore', reason: 'channel post' },
  },
  {
    name: 'my_chat_member kicked: the citizen blocked the bot',
    update: {
      update_id: 734120012,
      my_chat_member: {
        chat: sitiChat,
        from: siti,
        date: DATE,
        old_chat_member: { user: bot, status: 'member' },
        new_chat_member: { user: bot, status: 'kicked', until_date: 0 },
      },
    },
    expected: { action: 'blocked', chatId: '5012345678' },
  },
  {
    name: 'my_chat_member member again (unblocked)',
    update: {
      update_id: 734120013,
      my_chat_member: {
        chat: sitiChat,
        from: siti,
        date: DATE,
        old_chat_member: { user: bot, status: 'kicked', until_date: 0 },
        new_chat_member: { user: bot, status: 'member' },
      },
    },
    expected: { action: 'ignore', reason: 'bot status member' },
  },
  {
    name: 'my_chat_member: bot removed from a group',
    update: {
      update_id: 734120014,
      my_chat_member: {
        chat: { id: -4012345678, title: 'Warga RT 05', type: 'group', all_members_are_administrators: true },
        from: siti,
        date: DATE,
        old_chat_member: { user: bot, status: 'member' },
        new_chat_member: { user: bot, status: 'left' },
      },
    },
    expected: { action: 'ignore', reason: 'group chat' },
  },
  {
    name: 'message from a bot',
    update: {
      update_id: 734120015,
      message: {
        message_id: 1030,
        from: { id: 6111111111, is_bot: true, first_name: 'Spam', username: 'promo_bot' },
        chat: sitiChat,
        date: DATE,
        text: 'Promo!',
      },
    },
    expected: { action: 'ignore', reason: 'sent by a bot' },
  },
  {
    name: 'unknown update type (message_reaction)',
    update: {
      update_id: 734120016,
      message_reaction: {
        chat: sitiChat,
        message_id: 1022,
        user: siti,
        date: DATE,
        old_reaction: [],
        new_reaction: [{ type: 'emoji', emoji: '👍' }],
      },
    },
    expected: { action: 'ignore', reason: 'unsupported update type message_reaction' },
  },
  {
    name: 'empty update (only update_id)',
    update: { update_id: 734120017 },
    expected: { action: 'ignore', reason: 'empty update' },
  },
  {
    name: 'message without chat',
    update: { update_id: 734120018, message: { message_id: 1, date: DATE, text: 'halo' } },
    expected: { action: 'ignore', reason: 'not a Telegram update' },
  },
  { name: 'no update_id', update: { message: privateMessage({ text: 'x' }).message }, expected: { action: 'ignore', reason: 'not a Telegram update' } },
  { name: 'null', update: null, expected: { action: 'ignore', reason: 'not a Telegram update' } },
  { name: 'a string', update: 'update', expected: { action: 'ignore', reason: 'not a Telegram update' } },
  { name: 'an array', update: [{ update_id: 1 }], expected: { action: 'ignore', reason: 'not a Telegram update' } },
];
