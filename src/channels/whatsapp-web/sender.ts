/**
 * Sends replies through the linked number, paced conservatively: numbers driven through
 * WhatsApp Web are banned after bursts of sends, so every message waits its turn, per chat
 * and across all chats, with a little jitter so the rhythm does not look scripted.
 */
import { imageAsText, type OutboundMessage, type SendResult } from '../../domain/messages.js';
import type { ChannelSender } from '../types.js';
import type { WhatsAppWebConnection } from './connection.js';

export interface PacingOptions {
  /** Minimum gap between two messages to the same chat. */
  perChatIntervalMs: number;
  /** Messages per minute across all chats, spread evenly rather than in bursts. */
  globalPerMinute: number;
  /** Up to this much random delay is added to every send. */
  jitterMs: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface WhatsAppWebSenderOptions {
  connection: Pick<WhatsAppWebConnection, 'state' | 'sendText'>;
  pacing?: Partial<PacingOptions>;
  clock?: Clock;
  /** Source of jitter in [0, 1). */
  random?: () => number;
}

export const DEFAULT_PACING: PacingOptions = { perChatIntervalMs: 1_000, globalPerMinute: 30, jitterMs: 300 };

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const NOT_CONNECTED: SendResult = { ok: false, failure: 'retryable', reason: 'whatsapp-web not connected' };

export function createWhatsAppWebSender(options: WhatsAppWebSenderOptions): ChannelSender {
  const { connection } = options;
  const clock = options.clock ?? realClock;
  const pacer = new Pacer({ ...DEFAULT_PACING, ...options.pacing }, clock, options.random ?? Math.random);

  return {
    channel: 'whatsapp-web',
    async send(message: OutboundMessage): Promise<SendResult> {
      // Telegram's button spinner has no WhatsApp counterpart: nothing to send, nothing failed.
      if (message.kind === 'callback-answer') return { ok: true, externalId: '' };
      // Templates exist only on the Cloud API; the runtime routes pushes outside the window there.
      if (message.kind === 'template') {
        return { ok: false, failure: 'permanent', reason: 'template-unsupported', unreachable: false };
      }
      if (connection.state !== 'ready') return NOT_CONNECTED;
      await clock.sleep(pacer.reserve(message.chatId));
      // The session may have dropped while this message waited its turn.
      if (connection.state !== 'ready') return NOT_CONNECTED;
      try {
        // Options are already written into the text as a numbered list; WhatsApp Web has no buttons.
        // Pictures by link only: a text with the link (WhatsApp Web never carries broadcasts anyway).
        const text = message.kind === 'image' ? imageAsText(message) : message.text;
        const sent = await connection.sendText(message.chatId, text);
        if (!sent) return { ok: false, failure: 'retryable', reason: 'whatsapp-web returned no message' };
        return { ok: true, externalId: sent.id._serialized };
      } catch (error) {
        return classifySendError(error);
      }
    },
  };
}

/**
 * Hands out send times: each at least `perChatIntervalMs` after the chat's previous one and
 * `60 000 / globalPerMinute` after the previous one overall. Slots are reserved synchronously,
 * so concurrent sends queue up instead of all firing at once.
 */
class Pacer {
  private lastSlot = Number.NEGATIVE_INFINITY;
  private readonly lastSlotByChat = new Map<string, number>();
  private readonly globalIntervalMs: number;

  constructor(
    private readonly pacing: PacingOptions,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly random: () => number,
  ) {
    this.globalIntervalMs = 60_000 / pacing.globalPerMinute;
  }

  /** Reserves the next slot for `chatId` and returns how long to wait for it. */
  reserve(chatId: string): number {
    const now = this.clock.now();
    this.forgetIdleChats(now);
    const chatFree = (this.lastSlotByChat.get(chatId) ?? Number.NEGATIVE_INFINITY) + this.pacing.perChatIntervalMs;
    const jitter = Math.round(this.pacing.jitterMs * this.random());
    const slot = Math.max(now, this.lastSlot + this.globalIntervalMs, chatFree) + jitter;
    this.lastSlot = slot;
    this.lastSlotByChat.set(chatId, slot);
    return slot - now;
  }

  /** A chat whose last slot is a full interval in the past no longer constrains anything. */
  private forgetIdleChats(now: number): void {
    for (const [chatId, slot] of this.lastSlotByChat) {
      if (slot + this.pacing.perChatIntervalMs <= now) this.lastSlotByChat.delete(chatId);
    }
  }
}

/** The number does not exist on WhatsApp or the id is malformed: no retry will reach it. */
const UNREACHABLE = [/invalid wid/i, /wid error/i, /not (?:registered|a user) on whatsapp/i, /not on whatsapp/i];

/**
 * Classifies a send error once, here, keeping the raw text as the reason. The library wraps
 * page errors in "Evaluation failed: …", so the specific patterns are looked for inside it.
 * Everything else ("Protocol error", "Session closed", "Target closed", timeouts, unknown
 * errors) is retried: the queue gives up after its attempts, whereas a wrong "permanent"
 * silently drops a citizen's reply.
 */
export function classifySendError(error: unknown): SendResult {
  const reason = error instanceof Error ? error.message : String(error);
  if (UNREACHABLE.some((pattern) => pattern.test(reason))) {
    return { ok: false, failure: 'permanent', reason, unreachable: true };
  }
  // WhatsApp Web lacks the chat's LID mapping: a known library fault for some existing chats,
  // so retrying will not help, but the citizen is not proven unreachable either.
  if (/no lid for user/i.test(reason)) {
    return { ok: false, failure: 'permanent', reason, unreachable: false };
  }
  return { ok: false, failure: 'retryable', reason };
}
