/** The small readers and formatters the conversation relies on. */
import { describe, expect, it } from 'vitest';
import { id } from '../../flows/copy/id.js';
import { en } from '../../flows/copy/en.js';
import { formatDate, readTicket, showTicket } from '../../flows/format.js';
import { choiceReply } from '../../flows/reply.js';
import { charCount, matchesWord, normalise, truncate, typoDistance } from '../../flows/text.js';

describe('normalise', () => {
  it.each([
    ['  Menu  ', 'menu'],
    ['BATAL!!!', 'batal'],
    ['*batal*', 'batal'],
    ['\u200Bba\u200Ctal\uFEFF', 'batal'],
    ['cek   \n status', 'cek status'],
    ['1️⃣', '1'],
    ['１', '1'],
    ['/start@KanalAduanBot', 'start'],
    ['1.', '1'],
    ['(2)', '2'],
  ])('%j → %j', (raw, expected) => {
    expect(normalise(raw)).toBe(expected);
  });
});

describe('typo tolerance', () => {
  it('forgives one typo in words of four letters or more, and gives up early on long text', () => {
    expect(matchesWord('mneu', ['menu'], true)).toBe(true);
    expect(matchesWord('petgas', ['petugas'], true)).toBe(true);
    expect(matchesWord('indonsia', ['indonesia'], true)).toBe(true);
    expect(matchesWord('ye', ['ya'], true)).toBe(false);
    expect(matchesWord('btal', ['batal'], false)).toBe(false);
    expect(typoDistance('a'.repeat(100_000), 'batal', 1)).toBe(2);
  });
});

describe('tickets', () => {
  it('reads what citizens type and shows XXXX-XXXX', () => {
    expect(readTicket('abcd-2345')).toBe('ABCD2345');
    expect(readTicket(' Tiket #ABCD 2345. ')).toBe('ABCD2345');
    expect(readTicket('ABCD-2340')).toBeNull();
    expect(readTicket('ABCDI345')).toBeNull();
    expect(readTicket('ABCD-23456')).toBeNull();
    expect(showTicket('ABCD2345')).toBe('ABCD-2345');
    expect(showTicket('ABCD-2345')).toBe('ABCD-2345');
  });
});

describe('dates', () => {
  it('writes the date part of an ISO string with month names', () => {
    expect(formatDate('2026-12-03', id)).toBe('3 Desember 2026');
    expect(formatDate('2027-01-15T02:00:00.000Z', id)).toBe('15 Januari 2027');
    expect(formatDate('2026-08-17T10:00:00+07:00', en)).toBe('17 August 2026');
  });
});

describe('text helpers', () => {
  it('counts and truncates emoji as single characters', () => {
    expect(charCount('😢🙏ok')).toBe(4);
    expect(truncate('😢😢😢😢', 2)).toBe('😢😢…');
    expect(truncate('pendek', 10)).toBe('pendek');
  });

  it('builds a reply with the numbered list written into its text and the numbers as keys', () => {
    expect(choiceReply('Pilih:', ['Satu', 'Dua'], 'Ketik 0 untuk kembali.')).toEqual({
      type: 'reply',
      text: 'Pilih:\n\n1. Satu\n2. Dua\n\nKetik 0 untuk kembali.',
      options: [
        { key: '1', label: 'Satu' },
        { key: '2', label: 'Dua' },
      ],
    });
  });
});

describe('long input', () => {
  it('normalises adversarial punctuation in linear time', () => {
    const started = performance.now();
    normalise(`a${'. '.repeat(50_000)}b`);
    normalise(`/${'@'.repeat(50_000)} x`);
    // A backtracking pattern takes seconds here; the bound only has to tell linear from quadratic.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
