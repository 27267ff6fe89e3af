/**
 * Public free text: the case's own personal values become a marker whatever the case or the
 * format the citizen typed them in; short numbers and words that merely contain a name stay.
 */
import { describe, expect, it } from 'vitest';
import { MASKED, publicText, type PersonalValues } from '../../src/pii/public-text.js';

const NIK = '3273014101900001';
const known: PersonalValues = {
  names: ['Siti Aminah', null],
  addresses: ['Gang Mawar No. 7, Kel. Sukaluyu'],
  phones: ['6281298765432'],
  emails: ['siti@example.id'],
  isNik: (digits) => digits === NIK,
};
const X = MASKED;

describe('publicText', () => {
  it.each([
    ['the whole name, any case', 'Laporan dari SITI AMINAH.', `Laporan dari ${X}.`],
    ['a word of the name alone', 'Bu siti belum menerima.', `Bu ${X} belum menerima.`],
    ['not a word that only contains the name', 'Aminahnya? Sitiawan.', 'Aminahnya? Sitiawan.'],
    ['the address, whole and in parts', 'Di Gang Mawar No. 7, Kel. Sukaluyu; juga Kel. Sukaluyu.', `Di ${X}; juga ${X}.`],
    ['a street named alone, not the word gang', 'Gang Mawar banjir, gang lain tidak.', `Gang ${X} banjir, gang lain tidak.`],
    ['the phone as +62', 'HP +62 812-9876-5432.', `HP ${X}.`],
    ['the phone as 08… with brackets', 'HP (0812) 9876 5432.', `HP ${X}.`],
    ['the phone as +62 (812)…', 'HP +62 (812) 9876-5432.', `HP ${X}.`],
    ['the phone in brackets, keeping them', 'Siti (0812 9876 5432) menunggu.', `${X} (${X}) menunggu.`],
    ['the phone as 62… in one run', 'wa.me/6281298765432', `wa.me/${X}`],
    ['the NIK with odd separators', 'NIK 3273/0141/0190/0001.', `NIK ${X}.`],
    ['the e-mail', 'Surel: Siti@Example.id.', `Surel: ${X}.`],
    ['a NIK as the door stored it (region and serial shown)', 'NIK saya 3204••••••••0001 ya.', `NIK saya ${X} ya.`],
    ['other long numbers masked as before', 'KK 3273012345678901.', 'KK ••••••••••••••••.'],
    ['short numbers readable', 'RT 03/RW 02, tanggal 12 Mei 2026.', 'RT 03/RW 02, tanggal 12 Mei 2026.'],
    ['sums in rupiah and dates readable', 'Dipotong Rp 10.000.000 sejak 12-05-2026 (2026-05-12), lalu 2.500.000,- lagi.', 'Dipotong Rp 10.000.000 sejak 12-05-2026 (2026-05-12), lalu 2.500.000,- lagi.'],
    ['a phone in threes is still a phone', 'HP suami 085.712.345.678, WA 628.123.456.789.', 'HP suami •••.•••.•••.•••, WA •••.•••.•••.•••.'],
    ['a KK as a spreadsheet shows it is no sum', 'KK 3.273.012.345.678.901.', 'KK •.•••.•••.•••.•••.•••.'],
    ['no date that cannot be one', 'Nomor 45-67-2026 dan 31.13.2026.', 'Nomor ••-••-•••• dan ••.••.••••.'],
  ])('takes out %s', (_what, text, expected) => {
    expect(publicText(text, known)).toBe(expected);
  });

  it('needs nothing known: only long numbers are masked', () => {
    const none: PersonalValues = { names: [], addresses: [null], phones: [undefined], emails: [], isNik: () => false };
    expect(publicText('Siti di Gang Mawar, 0812 9876 5432.', none)).toBe('Siti di Gang Mawar, •••• •••• ••••.');
  });

  it('treats regex characters in a value as plain text', () => {
    const odd: PersonalValues = { ...known, names: ['A.(b)+ Cde*'] };
    expect(publicText('Dari A.(b)+ Cde* dan Axbb.', odd)).toBe(`Dari ${X} dan Axbb.`);
  });
});
