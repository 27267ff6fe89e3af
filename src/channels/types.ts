/**
 * The one contract every channel adapter fulfils. An adapter turns a platform update into an
 * `InboundMessage` (receive side) and an `OutboundMessage` into platform requests (send side),
 * classifying every failure once, here at the edge, so the core never reads platform error text.
 * The message shapes themselves are the domain's (`src/domain/messages.ts`).
 */
import type { ChannelName, OutboundMessage, SendResult } from '../domain/messages.js';

/** What the outbox knows about the recipient at send time (WhatsApp Cloud needs it for the 24-hour window). */
export interface Recipient {
  /** When the citizen last wrote to us on this channel. */
  lastInboundAt: Date | null;
}

export interface ChannelSender {
  readonly channel: ChannelName;
  send(message: OutboundMessage, recipient?: Recipient): Promise<SendResult>;
}
