import { describe, expect, it } from 'vitest';
import { maskNik, maskNikShaped, nikShapedNumbers, validateNik, type NikProblem } from '../../src/pii/nik-rules.js';

describe('validateNik', () => {
  it.each([
    ['3273010101900001', '3273010101900001', 'man born 1 January 1990, Kota Bandung'],
    ['3273014101900001', '3273014101900001', 'woman: day + 40'],
    ['3273017112900001', '3273017112900001', 'woman born 31 December'],
    ['3273.0101.0190.0001', '3273010101900001', 'dots as printed on some forms'],
    ['3273-010101-900001', '3273010101900001', 'dashes'],
    [' 3273 0101 0190 0001 ', '3273010101900001', 'spaces'],
    ['3273012902000001', '3273012902000001', '29 February 2000, a leap year'],
    ['3273016902960001', '3273016902960001', '29 February 1996, woman'],
    ['9501010101900001', '9501010101900001', 'Papua Pegunungan, a 2022 province'],
    ['1101010101900001', '1101010101900001', 'Aceh'],
  ])('accepts %s (%s: %s)', (raw, digits) => {
    expect(validateNik(raw)).toEqual({ ok: true, nik: digits });
  });

  it.each<[string, NikProblem, string]>([
    ['', 'digits', 'empty'],
    ['327301010190000', 'length', '15 digits'],
    ['32730101019000012', 'length', '17 digits'],
    ['3'.repeat(100_000), 'length', 'a huge paste'],
    ['3273O10101900001', 'digits', 'letter O for zero'],
    ['3273010101900001a', 'digits', 'trailing letter'],
    ['٣٢٧٣٠١٠١٠١٩٠٠٠٠١', 'digits', 'Arabic-Indic digits'],
    ['0073010101900001', 'region', 'province 00'],
    ['1073010101900001', 'region', 'province 10 does not exist'],
    ['9773010101900001', 'region', 'province 97 does not exist'],
    ['3200010101900001', 'region', 'regency 00'],
    ['3273000101900001', 'region', 'district 00'],
    ['3273010001900001', 'birthdate', 'day 00'],
    ['3273013201900001', 'birthdate', 'day 32'],
    ['3273014001900001', 'birthdate', 'day 40'],
    ['3273017201900001', 'birthdate', 'day 72 (woman 32)'],
    ['3273010100900001', 'birthdate', 'month 00'],
    ['3273010113900001', 'birthdate', 'month 13'],
    ['3273013102900001', 'birthdate', '31 February'],
    ['3273013104900001', 'birthdate', '31 April'],
    ['3273012902010001', 'birthdate', '29 February 2001'],
    ['3273010101900000', 'serial', 'serial 0000'],
  ])('rejects %s as %s (%s)', (raw, reason) => {
    expect(validateNik(raw)).toEqual({ ok: false, reason });
  });
});

describe('maskNik', () => {
  it('keeps the region and serial and hides the birth date', () => {
    expect(maskNik('3273010101900001')).toBe('3273••••••••0001');
  });
});

describe('NIK-shaped numbers in free text', () => {
  it.each([
    ['NIK saya 3273014101900001', ['3273014101900001'], 'NIK saya 3273••••••••0001'],
    ['nik:3273 0141 0190 0001.', ['3273014101900001'], 'nik:3273••••••••0001.'],
    ['3273.01.41.01.90.0001 dan 3273-0101-0190-0001', ['3273014101900001', '3273010101900001'], '3273••••••••0001 dan 3273••••••••0001'],
    ['3273  -  0141\u200B0190 0001', ['3273014101900001'], '3273••••••••0001'],
    ['nik3273014101900001', ['3273014101900001'], 'nik3273••••••••0001'],
    ['３２７３０１４１０１９００００１', ['3273014101900001'], '3273••••••••0001'],
    ['NIK 3273014101900001 HP 081234567890', ['3273014101900001'], 'NIK 3273••••••••0001 HP 081234567890'],
    ['3273 0141 0190 0001 0812 3456 7890', ['3273014101900001'], '3273••••••••0001 0812 3456 7890'],
    ['KK 3273 0101 0190 0000', ['3273010101900000'], 'KK •••• •••• •••• ••••'],
  ])('finds and masks %s', (text, digits, masked) => {
    expect(nikShapedNumbers(text).map((n) => n.digits)).toEqual(digits);
    expect(maskNikShaped(text)).toBe(masked);
  });

  it.each([
    ['a phone number', 'HP 0812-3456-7890'],
    ['17 digits in one number', '32730141019000012'],
    ['15 digits', '3273 0141 0190 001'],
    ['a date and an RT', 'tgl 12-03-2026, RT 03 RW 05'],
  ])('leaves %s alone', (_what, text) => {
    expect(nikShapedNumbers(text)).toEqual([]);
    expect(maskNikShaped(text)).toBe(text);
  });

  it('reads 200,000 characters of digits and spaces in linear time', () => {
    const text = '0 '.repeat(100_000);
    expect(nikShapedNumbers(text)).toHaveLength(6_250);
    const masked = maskNikShaped(text);
    expect(masked.length).toBe(text.length);
    expect(/\d/.test(masked)).toBe(false);
  });
});
