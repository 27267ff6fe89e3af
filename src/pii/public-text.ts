/**
 * Free text a citizen wrote, made fit for a public response: runs of digits long enough to be a
 * NIK, a KK number or a phone number are masked (short numbers — RT 03, a date, a house number —
 * stay readable). Names cannot be found this way; that is why confidential cases never go public.
 */
const LONG_NUMBER = /\+?\d(?:[\s.-]?\d){7,}/g;

export function maskLongNumbers(text: string): string {
  return text.replace(LONG_NUMBER, (run) => run.replace(/\d/g, '•'));
}
