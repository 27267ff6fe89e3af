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
