/**
 * Ticket numbers citizens type on a phone: 8 characters from an alphabet without look-alikes
 * (no 0/O, 1/I/L), shown as XXXX-XXXX. 31^8 ≈ 8.5·10^11 values drawn from a CSPRNG, so a
 * ticket cannot be guessed from another one.
 */
import { randomInt } from 'node:crypto';

export const TICKET_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const TICKET_LENGTH = 8;

export function newTicket(): string {
  let ticket = '';
  for (let i = 0; i < TICKET_LENGTH; i++) ticket += TICKET_ALPHABET[randomInt(TICKET_ALPHABET.length)];
  return ticket;
}

/** Accepts what a citizen types ("abcd-efgh", "ABCD EFGH") and returns the stored form, or null. */
export function normaliseTicket(typed: string): string | null {
  const compact = typed.toUpperCase().replace(/[\s\-_.#]/g, '');
  if (compact.length !== TICKET_LENGTH) return null;
  for (const ch of compact) if (!TICKET_ALPHABET.includes(ch)) return null;
  return compact;
}

export function formatTicket(ticket: string): string {
  return `${ticket.slice(0, 4)}-${ticket.slice(4)}`;
}
