/**
 * Webhook signatures, Stripe style: `X-Kanal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`
 * over `"<t>.<raw body>"` with the endpoint's secret. The timestamp inside the signed text lets a
 * receiver refuse replays of an old request; each attempt is signed afresh.
 *
 * @example
 *   const header = signatureHeader(secret, body, new Date());
 *   verifySignature(secret, header, body, { now: new Date(), toleranceSeconds: 300 }); // true
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-kanal-signature';
export const EVENT_HEADER = 'x-kanal-event';
export const DELIVERY_HEADER = 'x-kanal-delivery';

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, body: string, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/** What a receiver does: recompute over the raw bytes received, compare in constant time, check the age. */
export function verifySignature(secret: string, header: string | undefined, body: string, options: { now: Date; toleranceSeconds: number }): boolean {
  if (!header) return false;
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(options.now.getTime() / 1000 - timestamp) > options.toleranceSeconds) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(hmac(secret, timestamp, body), 'hex'));
}
