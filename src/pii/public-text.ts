/**
 * Free text a citizen wrote, made fit for a public response (Open311, webhooks). First the case's
 * own known personal values are replaced by a marker: the reporter's name (whole, and each of its
 * words of 3+ letters as a whole word, any case), the typed address (whole, each part between
 * commas, and its own words such as a street's name), a phone number in any common format (+62 812…, 0812-…, (0812) …), the e-mail, the NIK,
 * and any NIK as the door stored it (its first and last four digits shown, "3273••••••••0001":
 * fit for staff's views, not for the public, where the region and the serial narrow a person down).
 * Then any other run of digits long enough to be a NIK, a KK number or a phone number is masked
 * (short numbers — RT 03, a house number — stay readable, and so do sums in rupiah and real
 * dates). Someone else's name the citizen
 * typed cannot be found this way; that is why confidential cases never go public.
 *
 * @example
 *   publicText('Saya Budi, HP 0812 3456 7890.', { names: ['Budi Santoso'], phones: ['6281234567890'], … })
 *   // → 'Saya [disamarkan], HP [disamarkan].'
 */

import { SHOWN_NIK } from './nik-rules.js';

/** What a known personal value becomes in public text. */
export const MASKED = '[disamarkan]';

/** The case's own personal values, as stored (any of them may be missing). */
export interface PersonalValues {
  names: readonly (string | null | undefined)[];
  /** Names masked only as a whole, never word by word: a chat's display name may be any words ("Info Laporan PKH"). */
  wholeNames?: readonly (string | null | undefined)[];
  addresses: readonly (string | null | undefined)[];
  phones: readonly (string | null | undefined)[];
  emails: readonly (string | null | undefined)[];
  /** Whether 16 digits are the reporter's NIK (by keyed hash: nothing is decrypted for this). */
  isNik: (digits: string) => boolean;
}

const LONG_NUMBER = /\+?\d(?:[\s.-]?\d){7,}/g;
/** Thousands' dots, no leading zero, at most a hundred billion: a sum, when rupiah are named beside it. */
const SUM = /^[1-9]\d{0,2}(?:\.\d{3}){1,3}$/;
const RUPIAH_BEFORE = /(?:rp|idr)\.?\s*$/i;
const RUPIAH_AFTER = /^\s*(?:,-|,00|rupiah|ribu|juta|miliar|rb|jt)/i;
const DAY_MONTH_YEAR = /^(\d{1,2})([-./])(\d{1,2})\2((?:19|20)\d{2})$/;
const YEAR_MONTH_DAY = /^(?:19|20)\d{2}([-./])(\d{1,2})\1(\d{1,2})$/;

/** A date ("12-05-2026", "2026-05-12") or a sum in rupiah ("Rp 10.000.000", "250.000 ribu"): nobody's number. A phone or a NIK written in threes is neither. */
function isDateOrSum(run: string, before: string, after: string): boolean {
  const dated = DAY_MONTH_YEAR.exec(run);
  const iso = YEAR_MONTH_DAY.exec(run);
  const [day, month] = dated ? [Number(dated[1]), Number(dated[3])] : iso ? [Number(iso[3]), Number(iso[2])] : [0, 0];
  if (day >= 1 && day <= 31 && month >= 1 && month <= 12) return true;
  return SUM.test(run) && (RUPIAH_BEFORE.test(before) || RUPIAH_AFTER.test(after));
}

function maskLongNumbers(text: string): string {
  return text.replace(LONG_NUMBER, (run: string, at: number) =>
    isDateOrSum(run, text.slice(Math.max(0, at - 8), at), text.slice(at + run.length, at + run.length + 10)) ? run : run.replace(/\d/g, '•'),
  );
}

/**
 * Digits as people write a number: spaces, dots, dashes and slashes between them, an area code in
 * brackets. A bracket that only wraps the number stays outside it: "(0812 …)" keeps its brackets.
 */
const NUMBER_AS_WRITTEN = /\+?(?:\((?=\d{2,5}\)))?\d(?:[\d\s.\-/]|\((?=\d)|\)(?=[\s.\-/]*\d))*\d/g;
const NIK_DIGITS = 16;
/** Shorter than this, a phone's digits could be any number in the text. */
const MIN_PHONE_DIGITS = 7;

/** A phone's digits without the country code or trunk 0, so +62 812…, 62812… and 0812… all match. */
function nationalNumber(phone: string): string | null {
  const digits = phone.replace(/\D/g, '').replace(/^62|^0/, '');
  return digits.length >= MIN_PHONE_DIGITS ? digits : null;
}

function containsNik(digits: string, isNik: (digits: string) => boolean): boolean {
  for (let i = 0; i + NIK_DIGITS <= digits.length; i++) if (isNik(digits.slice(i, i + NIK_DIGITS))) return true;
  return false;
}

// RegExp.escape arrives with Node 24; this project runs on 20.
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A literal phrase where any run of spaces matches any other. */
const phrase = (text: string) => text.trim().split(/\s+/).map(escapeRegExp).join('\\s+');

const present = (values: readonly (string | null | undefined)[]) => values.map((v) => v?.trim()).filter((v): v is string => !!v);

const wordsOf = (text: string) => text.match(/[\p{L}\p{M}'’]+/gu) ?? [];
const letters = (word: string) => word.replace(/['’]/g, '').length;

/**
 * Words every address has, kept readable: "jalan rusak" says nothing of anyone's home. The other
 * words of 4+ letters of the reporter's address (a street, a kampung) are masked even alone.
 */
const ADDRESS_VOCABULARY = new Set(
  ['jalan', 'gang', 'blok', 'nomor', 'kelurahan', 'kecamatan', 'desa', 'dusun', 'kampung', 'kota', 'kabupaten', 'provinsi', 'perumahan', 'komplek', 'kompleks', 'rumah', 'dekat', 'depan', 'belakang', 'samping', 'sebelah'],
);

/** The phrases that give the reporter away, as regex sources: longest first, so a whole name wins over its words. */
function phrasesOf(known: PersonalValues): string[] {
  const names = present(known.names);
  const nameWords = names.flatMap(wordsOf).filter((word) => letters(word) >= 3);
  const addresses = present(known.addresses);
  const addressParts = addresses.flatMap((address) => address.split(/[,;\n]/)).map((part) => part.trim()).filter((part) => part.length >= 5 && /\p{L}/u.test(part));
  const addressWords = addresses.flatMap(wordsOf).filter((word) => letters(word) >= 4 && !ADDRESS_VOCABULARY.has(word.toLowerCase()));
  const all = new Set([...names, ...nameWords, ...present(known.wholeNames ?? []), ...addresses, ...addressParts, ...addressWords, ...present(known.emails)]);
  return [...all].sort((a, b) => b.length - a.length).map(phrase);
}

export function publicText(text: string, known: PersonalValues): string {
  const phones = present(known.phones).map(nationalNumber).filter((n): n is string => n !== null);
  let result = text.replace(SHOWN_NIK, MASKED).replace(NUMBER_AS_WRITTEN, (run) => {
    const digits = run.replace(/\D/g, '');
    return phones.some((phone) => digits.includes(phone)) || containsNik(digits, known.isNik) ? MASKED : run;
  });
  const phrases = phrasesOf(known);
  if (phrases.length > 0) {
    // Whole words only: "Budi" is masked, "budidaya" is not.
    const pattern = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])(?:${phrases.join('|')})(?![\\p{L}\\p{M}\\p{N}])`, 'giu');
    result = result.replace(pattern, MASKED);
  }
  return maskLongNumbers(result);
}
