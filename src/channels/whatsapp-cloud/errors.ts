/**
 * Graph API failures classified once, here, so the queue never reads Meta's error text.
 * The raw code stays at the start of every reason (`131047: Re-engagement message`) for operators.
 */
import type { SendResult } from '../../domain/messages.js';

type Failure = Extract<SendResult, { ok: false }>;

/**
 * Reason prefix of a send refused because the 24-hour customer-service window is closed
 * (131047). The runtime resends such a message as the configured template.
 * @example if (isReengagementFailure(result)) await sender.send(asTemplate(message));
 */
export const REENGAGEMENT_PREFIX = 'reengagement:';
/** Reason prefix of a send refused for the access token or app permissions: an operator must act. */
export const AUTH_PREFIX = 'auth:';

export function isReengagementFailure(result: SendResult): boolean {
  return !result.ok && result.failure === 'permanent' && result.reason.startsWith(REENGAGEMENT_PREFIX);
}

/** The Graph error object (`{ error: {...} }`), as far as we read it. */
export interface GraphError {
  code?: number;
  message?: string;
  error_subcode?: number;
}

// Default waits when Meta sends no Retry-After: throughput limits are per second, the
// business-to-user pair limit is about one message per 6 s, app/account call limits are hourly
// windows that reopen gradually, so a minute is a polite first wait.
const rateLimitWaitMs = new Map<number, number>([
  [130429, 1_000],
  [131056, 6_000],
  [80007, 60_000],
  [4, 60_000],
  [613, 60_000],
]);
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

/** The recipient cannot get WhatsApp messages from us: not on WhatsApp, outdated app, not allow-listed (test numbers). */
const recipientUnreachable = new Set([131026, 131030]);
/** The user stopped marketing messages from businesses in WhatsApp (131050): broadcasts to them stop. */
export const MARKETING_STOPPED = 131050;
/** Meta's side is down or overloaded for a moment. */
const temporary = new Set([1, 2, 131000, 131016]);
/** Token expired/invalid (190, 0) or permission missing (10, 200–299). */
const isAuthCode = (code: number) => code === 190 || code === 0 || code === 10 || (code >= 200 && code <= 299);

/**
 * Classifies an HTTP error answer from the Graph API.
 *
 * 133010 (business number not registered) and 131051 (message type not supported) are about our
 * side, not the citizen, so they are permanent but never mark the recipient unreachable: doing so
 * would cut off every citizen while the operator fixes the number or the code.
 */
export function classifyGraphError(httpStatus: number, error: GraphError | undefined, retryAfterMs?: number): Failure {
  const code = error?.code;
  const reason = describe(httpStatus, error);

  if (code === 131047) return { ok: false, failure: 'permanent', reason: `${REENGAGEMENT_PREFIX} ${reason}`, unreachable: false };
  if (httpStatus === 429 || (code !== undefined && rateLimitWaitMs.has(code))) {
    const wait = retryAfterMs ?? (code !== undefined ? rateLimitWaitMs.get(code) : undefined) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return { ok: false, failure: 'rate-limited', retryAfterMs: wait, reason };
  }
  if (code !== undefined && recipientUnreachable.has(code)) return { ok: false, failure: 'permanent', reason, unreachable: true };
  if (code === MARKETING_STOPPED) return { ok: false, failure: 'permanent', reason, unreachable: false, optedOut: true };
  if (httpStatus === 401 || (code !== undefined && isAuthCode(code))) {
    return { ok: false, failure: 'permanent', reason: `${AUTH_PREFIX} ${reason}`, unreachable: false };
  }
  if (httpStatus >= 500 || (code !== undefined && temporary.has(code))) return { ok: false, failure: 'retryable', reason };
  return { ok: false, failure: 'permanent', reason, unreachable: false };
}

/** `131047: Re-engagement message`; Graph repeats the code as `(#131047)` in the message, dropped here. */
function describe(httpStatus: number, error: GraphError | undefined): string {
  const title = error?.message?.replace(/^\(#\d+\)\s*/, '').trim();
  if (error?.code === undefined) return `HTTP ${httpStatus}${title ? `: ${title}` : ''}`;
  return `${error.code}: ${title || `HTTP ${httpStatus}`}`;
}

/** Retry-After as delta seconds or an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
