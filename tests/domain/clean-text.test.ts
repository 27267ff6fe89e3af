/** What the front door removes from inbound text, and what it must leave alone. */
import { describe, expect, it } from 'vitest';
import { cleanStrings, cleanText } from '../../src/domain/clean-text.js';
import type { InboundMessage } from '../../src/domain/messages.js';

describe('cleanText', () => {
  it.each([
    ['NUL inside a word', 'halo\u0000dunia', 'halodunia'],
    ['NUL alone', '\u0000', ''],
    ['other C0 controls', '\u0001a\u0007b\u0008c\u000bd\u000ce\u001bf\u001f', 'abcdef'],
    ['tab, newline and carriage return kept', 'jalan\trusak\r\ndi RT 03\n', 'jalan\trusak\r\ndi RT 03\n'],
    ['noncharacters U+FFFE and U+FFFF', 'a\ufffeb\uffffc', 'abc'],
    ['a lone high surrogate', 'halo \ud83d', 'halo \ufffd'],
    ['a lone low surrogate', '\ude00 halo', '\ufffd halo'],
    ['surrogates in the wrong order', '\ude00\ud83d', '\ufffd\ufffd'],
    ['an emoji (a proper pair) kept', 'terima kasih 🙏🏽', 'terima kasih 🙏🏽'],
    ['Indonesian and Javanese script kept', 'Sugeng énjing ꦱꦸꦒꦼꦁ', 'Sugeng énjing ꦱꦸꦒꦼꦁ'],
    ['zero-width joiner and DEL left to the flows', 'a\u200db\u007f', 'a\u200db\u007f'],
  ])('%s', (_name, input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });
});

describe('cleanStrings', () => {
  it('cleans every string of a message and keeps numbers, dates and shape', () => {
    const sentAt = new Date('2026-12-01T08:00:00Z');
    const message: InboundMessage = {
      channel: 'whatsapp-cloud',
      chatId: '6281234567890\u0000',
      externalId: 'wamid.HBgN\u0000x',
      phone: '6281234567890',
      displayName: 'Si\u0000ti',
      content: { kind: 'location', latitude: -6.914744, longitude: 107.60981, address: 'Kantor\u0000 Lurah' },
      sentAt,
    };
    expect(cleanStrings(message)).toEqual({
      channel: 'whatsapp-cloud',
      chatId: '6281234567890',
      externalId: 'wamid.HBgNx',
      phone: '6281234567890',
      displayName: 'Siti',
      content: { kind: 'location', latitude: -6.914744, longitude: 107.60981, address: 'Kantor Lurah' },
      sentAt,
    });
    expect(cleanStrings(message).sentAt).toBe(sentAt);
  });
});
