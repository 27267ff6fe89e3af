/**
 * Receive-side table (update-table.ts): raw Bot API updates, shaped exactly as Telegram sends them, and what the
 * adapter makes of each. Adding a case means adding a row.
 */
import { describe, expect, it } from 'vitest';
import { parseTelegramUpdate } from '../../../src/channels/telegram/inbound.js';
import { DATE, fromSiti, privateMessage, RECEIVED_AT, siti, sitiChat, TELEGRAM_UPDATES as table } from './update-table.js';

describe('parseTelegramUpdate', () => {
  it.each(table)('$name', ({ update, expected }) => {
    expect(parseTelegramUpdate(update, RECEIVED_AT)).toEqual(expected);
  });

  it('keeps a message and its edit apart: different externalIds, so the edit is not dropped as a redelivery', () => {
    const original = parseTelegramUpdate(privateMessage({ text: 'a' }), RECEIVED_AT);
    const edit = { update_id: 2, edited_message: { ...privateMessage({ text: 'b' }).message, edit_date: DATE + 1 } };
    const edited = parseTelegramUpdate(edit, RECEIVED_AT);
    const ids = [original, edited].map((result) => (result.action === 'message' ? result.message.externalId : result.action));
    expect(ids).toEqual(['m:5012345678:1021', `e:5012345678:1021:${DATE + 1}`]);
  });

  it('tolerates fields Telegram may add later', () => {
    const update = {
      update_id: 734120019,
      future_top_level_field: 1,
      message: {
        message_id: 1021,
        from: { ...siti, is_premium: true },
        chat: { ...sitiChat, is_direct_messages: false },
        date: DATE,
        text: 'halo',
        some_future_field: { nested: true },
      },
    };
    expect(parseTelegramUpdate(update, RECEIVED_AT)).toEqual(fromSiti({ kind: 'text', text: 'halo' }));
  });
});
