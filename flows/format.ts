/** Pure formatting of dates and ticket numbers for chat messages. */
import { formatTicket, normaliseTicket } from '../src/cases/ticket.js';
import type { Copy } from './copy/index.js';
import { normalise } from './text.js';

/**
 * "2026-12-03" or "2026-12-03T08:00:00Z" → "3 Desember 2026". Uses the date part as written, with
 * no time-zone maths in the machine: a time within Indonesian office hours (UTC+7 to +9) has the
 * same date in UTC, so due times the runtime sends in UTC read as the local date.
 */
export function formatDate(iso: string, copy: Copy): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  return copy.date(Number(match[3]), Number(match[2]), Number(match[1]));
}

/**
 * Reads a ticket number as citizens type it ("abcd 2345", "#ABCD-2345", "tiket ABCD2345", with
 * invisible characters pasted along) and returns its 8 characters, or null when it is not a ticket.
 */
export function readTicket(text: string): string | null {
  if (text.length > 40) return null;
  return normaliseTicket(normalise(text).replace(/^(tiket|ticket|nomor|no\.?)\s*/, ''));
}

/** "ABCD2345" → "ABCD-2345", the form printed everywhere so it is easy to read back. */
export function showTicket(ticket: string): string {
  return formatTicket(normaliseTicket(ticket) ?? ticket);
}
