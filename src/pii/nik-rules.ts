/**
 * Structure checks for a NIK (Nomor Induk Kependudukan), the 16-digit national identity number:
 *
 *   PP KK CC DDMMYY SSSS
 *   │  │  │  │      └ serial, never 0000
 *   │  │  │  └ birth date; women add 40 to the day (41–71)
 *   │  │  └ district (kecamatan), never 00
 *   │  └ regency/city, never 00
 *   └ province (Kemendagri code)
 *
 * Only the structure can be checked offline: a plausible NIK may still not exist. Pure, no I/O.
 */

export type NikProblem = 'length' | 'digits' | 'region' | 'birthdate' | 'serial';
export type NikCheck = { ok: true; nik: string } | { ok: false; reason: NikProblem };

/**
 * Kemendagri province codes. 93–96 are the Papua provinces formed in 2022; NIKs issued before
 * then still start with 91/92, so all six are accepted.
 */
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15', '16', '17', '18', '19', '21',
  '31', '32', '33', '34', '35', '36',
  '51', '52', '53',
  '61', '62', '63', '64', '65',
  '71', '72', '73', '74', '75', '76',
  '81', '82',
  '91', '92', '93', '94', '95', '96',
]);

/** People type NIKs the way they are printed or grouped: "3273 0101 …", "3273.01…", "3273-01…". */
const SEPARATORS = /[\s.\-]/g;

/** Checks a NIK as typed; on success returns the 16 digits without separators. */
export function validateNik(raw: string): NikCheck {
  const nik = raw.replace(SEPARATORS, '');
  if (!/^\d+$/.test(nik)) return { ok: false, reason: 'digits' };
  if (nik.length !== 16) return { ok: false, reason: 'length' };
  if (!PROVINCE_CODES.has(nik.slice(0, 2)) || nik.slice(2, 4) === '00' || nik.slice(4, 6) === '00') {
    return { ok: false, reason: 'region' };
  }
  if (!isBirthDate(Number(nik.slice(6, 8)), Number(nik.slice(8, 10)), Number(nik.slice(10, 12)))) {
    return { ok: false, reason: 'birthdate' };
  }
  if (nik.slice(12) === '0000') return { ok: false, reason: 'serial' };
  return { ok: true, nik };
}

function isBirthDate(encodedDay: number, month: number, twoDigitYear: number): boolean {
  const day = encodedDay > 40 ? encodedDay - 40 : encodedDay;
  if (day < 1 || day > 31 || month < 1 || month > 12) return false;
  // The century is not encoded; "00" is 2000 (a leap year), so divisibility by 4 decides 29 February.
  const daysInMonth = [31, twoDigitYear % 4 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= daysInMonth[month - 1];
}

/** Shows a NIK without revealing it: province+regency and the serial stay, e.g. "3273••••••••0001". */
export function maskNik(nik: string): string {
  return `${nik.slice(0, 4)}${'•'.repeat(nik.length - 8)}${nik.slice(-4)}`;
}

/** A NIK as `maskNik` shows it, wherever the door stored it that way (src/pii/inbound.ts) or a summary echoed it. */
export const SHOWN_NIK = /(?<!\d)\d{4}•{8}\d{4}(?!\d)/g;

/** Spaces, dots and dashes people type between groups, and invisible characters pasted with them. */
const GROUP_SEPARATOR = /[\s.\-\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/;

/** ASCII, full-width and Arabic-Indic digits: a NIK typed on any keyboard is still a NIK. */
function digitOf(code: number): string | null {
  for (const zero of [0x30, 0xff10, 0x0660, 0x06f0]) {
    if (code >= zero && code <= zero + 9) return String(code - zero);
  }
  return null;
}

/** A NIK-shaped number found in free text: where it stands, and its 16 digits (ASCII). */
export interface NikShaped {
  start: number;
  end: number;
  digits: string;
}

/**
 * The NIK-shaped numbers in free text: 16 digits, as people type them (spaces, dots or dashes
 * between any of them), on their own or as whole groups at the start of a longer run ("3273…0001
 * 0812…"). One 17-digit number is not one. Linear in the length of the text.
 *
 * @example
 *   nikShapedNumbers('NIK saya 3273 0141 0190 0001.'); // [{ start: 9, end: 28, digits: '3273014101900001' }]
 */
export function nikShapedNumbers(text: string): NikShaped[] {
  const found: NikShaped[] = [];
  let at = 0;
  while (at < text.length) {
    if (digitOf(text.charCodeAt(at)) === null) {
      at++;
      continue;
    }
    // A run: groups of digits with nothing but separators between them.
    const groups: NikShaped[] = [];
    let cursor = at;
    for (;;) {
      const start = cursor;
      let digits = '';
      for (let d = digitOf(text.charCodeAt(cursor)); d !== null; d = digitOf(text.charCodeAt(cursor))) {
        digits += d;
        cursor++;
      }
      groups.push({ start, end: cursor, digits });
      let next = cursor;
      while (next < text.length && GROUP_SEPARATOR.test(text[next])) next++;
      if (next === cursor || digitOf(text.charCodeAt(next)) === null) break;
      cursor = next;
    }
    // Whole groups that add up to 16 digits, left to right.
    for (let first = 0; first < groups.length; ) {
      let count = 0;
      let last = first;
      while (last < groups.length && count < 16) count += groups[last++].digits.length;
      if (count !== 16) {
        first++;
        continue;
      }
      const taken = groups.slice(first, last);
      found.push({ start: taken[0].start, end: taken[taken.length - 1].end, digits: taken.map((g) => g.digits).join('') });
      first = last;
    }
    at = groups[groups.length - 1].end;
  }
  return found;
}

/**
 * Free text with every NIK-shaped number masked: a valid NIK as `maskNik` shows it
 * ("3273••••••••0001"), any other 16-digit number with all its digits hidden and its spacing kept.
 */
export function maskNikShaped(text: string, found: readonly NikShaped[] = nikShapedNumbers(text)): string {
  if (found.length === 0) return text;
  let masked = '';
  let from = 0;
  for (const number of found) {
    const typed = text.slice(number.start, number.end);
    const shown = validateNik(number.digits).ok ? maskNik(number.digits) : [...typed].map((c) => (digitOf(c.charCodeAt(0)) === null ? c : '•')).join('');
    masked += text.slice(from, number.start) + shown;
    from = number.end;
  }
  return masked + text.slice(from);
}
