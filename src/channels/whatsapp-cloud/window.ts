/**
 * The two rules Meta enforces on what a business sends: free text only inside the 24-hour
 * customer-service window (a template outside it), and throughput (messages per second for the
 * number, about one message per 6 s to the same user). Pure helpers the runtime calls before sending.
 */
import type { OutboundMessage } from '../../domain/messages.js';

export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A body parameter may be longer only when the body is the template's only component; 1024 is always safe. */
export const TEMPLATE_PARAMETER_MAX = 1024;

/**
 * True while the citizen's last message is less than 24 hours old. Exactly 24 hours is already
 * outside: Meta closes the window at that instant, and a template is never wrong.
 */
export function isWithinServiceWindow(lastInboundAt: Date | null, now: Date): boolean {
  if (!lastInboundAt) return false;
  return now.getTime() - lastInboundAt.getTime() < SERVICE_WINDOW_MS;
}

export interface StatusTemplate {
  /** An approved template whose body has exactly one text variable, e.g. "Kabar laporan Anda: {{1}}". */
  name: string;
  /** Template language code, e.g. `id`. */
  language: string;
  maxParameterLength?: number;
}

/**
 * What may actually go to this citizen now: the message itself inside the window; outside it, a
 * text (or a picture's words and link) becomes the configured template carrying the text as its single body parameter (menu
 * buttons are dropped; the numbered list stays in the text, and a reply reopens the window).
 *
 * @example
 *   const outbound = toCloudOutbound(reply, { lastInboundAt, now: new Date(), statusTemplate });
 */
export function toCloudOutbound(
  message: OutboundMessage,
  context: { lastInboundAt: Date | null; now: Date; statusTemplate: StatusTemplate },
): OutboundMessage {
  if ((message.kind !== 'text' && message.kind !== 'image') || isWithinServiceWindow(context.lastInboundAt, context.now)) return message;
  const { name, language, maxParameterLength = TEMPLATE_PARAMETER_MAX } = context.statusTemplate;
  return { kind: 'template', chatId: message.chatId, name, language, parameters: [templateText(message, maxParameterLength)] };
}

/** A text's or a picture's words as one template parameter; a picture's link is kept whole, after its words. */
export function templateText(message: Extract<OutboundMessage, { kind: 'text' | 'image' }>, max: number = TEMPLATE_PARAMETER_MAX): string {
  if (message.kind === 'text') return toTemplateParameter(message.text, max);
  return `${toTemplateParameter(message.text, max - message.imageUrl.length - 1)} ${message.imageUrl}`.trim();
}

/**
 * Meta rejects template parameters with newlines, tabs or more than four consecutive spaces:
 * lines are joined with a space, whitespace runs collapsed, and the result cut to `max` with "…".
 */
export function toTemplateParameter(text: string, max: number = TEMPLATE_PARAMETER_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  return `${flat.slice(0, max - 1).trimEnd()}…`;
}

export interface CloudPacerOptions {
  /** The number's throughput tier; 80 messages a second by default. */
  messagesPerSecond?: number;
  /** Spacing to one user; Meta answers 131056 when a business writes to the same user too often. */
  perUserIntervalMs?: number;
  /** Injectable clock for `reserve` calls that do not pass `now`. */
  clock?: () => number;
}

/**
 * Answers "may a send to X go now" and books it when it may; otherwise says how long until it may,
 * booking nothing, so the caller can come back then instead of waiting (a worker that sleeps on a
 * user's 6 s holds everyone else's work). State is in memory: one pacer per sending process; with
 * several processes, give each its share of `messagesPerSecond` (per-user spacing already holds
 * when the outbox sends one row per chat at a time).
 *
 * @example
 *   const wait = pacer.reserve(message.chatId);
 *   if (wait > 0) return { ok: false, failure: 'rate-limited', retryAfterMs: wait, reason: 'paced' };
 */
export class CloudPacer {
  private readonly perSecond: number;
  private readonly perUserMs: number;
  private readonly clock: () => number;
  /** Booked sends per whole second (epoch second → count). */
  private readonly secondCounts = new Map<number, number>();
  /** Earliest next send per user. */
  private readonly userNextAt = new Map<string, number>();
  private lastPruneAt = -Infinity;

  constructor(options: CloudPacerOptions = {}) {
    this.perSecond = Math.max(1, Math.floor(options.messagesPerSecond ?? 80));
    this.perUserMs = options.perUserIntervalMs ?? 6_000;
    this.clock = options.clock ?? Date.now;
  }

  /** 0 when a send to `chatId` may go now (and it is booked); else the ms until it may, nothing booked. */
  reserve(chatId: string, now: number | Date = this.clock()): number {
    const t0 = typeof now === 'number' ? now : now.getTime();
    this.prune(t0);
    const userAt = this.userNextAt.get(chatId) ?? t0;
    if (userAt > t0) return userAt - t0;
    const second = Math.floor(t0 / 1000);
    const booked = this.secondCounts.get(second) ?? 0;
    if (booked >= this.perSecond) return (second + 1) * 1000 - t0;
    this.secondCounts.set(second, booked + 1);
    this.userNextAt.set(chatId, t0 + this.perUserMs);
    return 0;
  }

  /** Forgets past seconds and users whose spacing has run out, at most once per user interval. */
  private prune(now: number): void {
    if (now - this.lastPruneAt < this.perUserMs) return;
    this.lastPruneAt = now;
    const currentSecond = Math.floor(now / 1000);
    for (const second of this.secondCounts.keys()) if (second < currentSecond) this.secondCounts.delete(second);
    for (const [chatId, nextAt] of this.userNextAt) if (nextAt <= now) this.userNextAt.delete(chatId);
  }
}
