/**
 * The message vocabulary every part of the product speaks: what a citizen sent, what we send back,
 * the channels it travels on and how a send or a delivery ended. It imports nothing, so flows,
 * cases, the schema, queues and the console depend on it rather than on the channel adapters,
 * which translate between these shapes and each platform (see `src/channels/types.ts`).
 */

export type ChannelName = 'telegram' | 'web' | 'whatsapp-web' | 'whatsapp-cloud';

/** What the citizen sent, normalised. Exactly one of the payload kinds is set. */
export type InboundContent =
  | { kind: 'text'; text: string }
  | { kind: 'photo'; mediaRef: string; caption?: string }
  | { kind: 'location'; latitude: number; longitude: number; address?: string }
  | { kind: 'contact'; phone: string; name?: string }
  /** Something we accept but cannot read (sticker, voice note, video, an edited message…): answered politely. */
  | { kind: 'unsupported'; what: 'sticker' | 'voice' | 'video' | 'document' | 'edited' | 'other' };

export interface InboundMessage {
  channel: ChannelName;
  /** The chat to answer in: Telegram chat id, WhatsApp wa_id / `…@c.us`, web chat session id. */
  chatId: string;
  /** The platform's own id for this message; (channel, externalId) is unique, so redeliveries drop. */
  externalId: string;
  /** Phone number when the platform tells it (WhatsApp); never logged. */
  phone?: string;
  /** Display name the platform gives, if any. */
  displayName?: string;
  content: InboundContent;
  /** When the platform says the message was sent. */
  sentAt: Date;
}

/** One numbered choice offered with a reply. `key` is what comes back when the citizen picks it. */
export interface ReplyOption {
  key: string;
  label: string;
}

export type OutboundMessage =
  | {
      kind: 'text';
      chatId: string;
      /** Full text, options already written into it as a numbered list, so every channel can show it as is. */
      text: string;
      /** Choices a channel may also render as buttons (Telegram inline keyboard, WhatsApp interactive list). */
      options?: ReplyOption[];
    }
  /**
   * A picture with its words (a broadcast's image): the platform fetches `imageUrl` itself. `text`
   * is the caption, under the picture where it fits the platform's caption limit and in a message
   * of its own after the picture where it does not. Channels without pictures send the text and
   * the link.
   */
  | { kind: 'image'; chatId: string; imageUrl: string; text: string }
  /** Telegram: stop the spinner on a pressed inline button. */
  | { kind: 'callback-answer'; chatId: string; callbackQueryId: string }
  /**
   * WhatsApp Cloud API: an approved template, the only thing a business may send outside the
   * 24-hour customer-service window (status updates the agency pushes, later broadcasts).
   */
  | {
      kind: 'template';
      chatId: string;
      name: string;
      language: string;
      parameters: string[];
      /** For a template approved with an IMAGE header: the picture it shows. */
      headerImageUrl?: string;
    };

/** An outbox row's payload: the message, or the marker left once retention removed it after sending. */
export type StoredOutbound = OutboundMessage | { kind: 'removed' };

/** How a send ended, classified once so the queue knows what to do next. */
export type SendResult =
  | { ok: true; externalId: string }
  | { ok: false; failure: 'retryable'; reason: string }
  | { ok: false; failure: 'rate-limited'; retryAfterMs: number; reason: string }
  /**
   * Will never succeed (blocked by the user, chat gone, malformed request): stop and record why.
   * `optedOut`: the citizen told the platform to stop business messages to them (WhatsApp's "stopped
   * marketing messages"): broadcasts stop, like *berhenti*.
   */
  | { ok: false; failure: 'permanent'; reason: string; unreachable: boolean; optedOut?: boolean };

/** A delivery receipt a platform reports later (WhatsApp Cloud `statuses[]`). */
export interface DeliveryStatus {
  channel: ChannelName;
  /** The platform id the send returned (`SendResult.externalId`). */
  externalId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  /** Raw provider code and title when failed, kept for operators. */
  error?: { code: number; title: string };
  /** The failure says the citizen stopped business messages (see `SendResult`): broadcasts stop. */
  optedOut?: boolean;
}

/** A picture where a channel shows text only: its words, then its link. */
export function imageAsText(message: { text: string; imageUrl: string }): string {
  return message.text === '' ? message.imageUrl : `${message.text}\n\n${message.imageUrl}`;
}
