/**
 * The Cloud API channel as the outbox sees it: the raw sender plus Meta's two rules. Free text
 * goes out only inside the 24-hour customer-service window; outside it (or when Meta answers
 * 131047 "re-engagement required" because our clock and theirs disagree) the text goes out as the
 * approved status template. Business-initiated templates are spaced per user (about one per 6 s);
 * replies to a citizen who just wrote are not, so a two-part answer does not take 6 seconds. A
 * template that must wait its turn is answered as rate-limited with the wait: the outbox sends it
 * then, and no worker sleeps on one citizen's spacing while other chats wait for it.
 */
import type { OutboundMessage, SendResult } from '../../domain/messages.js';
import type { ChannelSender, Recipient } from '../types.js';
import { isReengagementFailure } from './errors.js';
import { CloudPacer, toCloudOutbound, type StatusTemplate } from './window.js';

export interface WhatsAppCloudChannelOptions {
  sender: ChannelSender;
  statusTemplate: StatusTemplate;
  /** Spacing of business-initiated messages to one user. */
  perUserIntervalMs?: number;
  messagesPerSecond?: number;
  /** The product's clock (`ctx.now`): the 24-hour window is domain time, as the citizen's message timestamps are. */
  now: () => Date;
}

export function createWhatsAppCloudChannel(options: WhatsAppCloudChannelOptions): ChannelSender {
  const { now } = options;
  const pacer = new CloudPacer({ perUserIntervalMs: options.perUserIntervalMs, messagesPerSecond: options.messagesPerSecond });

  const sendTemplate = async (message: OutboundMessage): Promise<SendResult> => {
    const wait = pacer.reserve(message.chatId);
    if (wait > 0) return { ok: false, failure: 'rate-limited', retryAfterMs: wait, reason: `template paced: next send to this user in ${wait} ms` };
    return options.sender.send(message);
  };

  return {
    channel: 'whatsapp-cloud',
    async send(message: OutboundMessage, recipient?: Recipient) {
      const outbound = toCloudOutbound(message, {
        lastInboundAt: recipient?.lastInboundAt ?? null,
        now: now(),
        statusTemplate: options.statusTemplate,
      });
      if (outbound.kind === 'template') return sendTemplate(outbound);
      const result = await options.sender.send(outbound);
      if (!isReengagementFailure(result)) return result;
      // Meta says the window is closed: the citizen still gets the news, as the template.
      return sendTemplate(toCloudOutbound(message, { lastInboundAt: null, now: now(), statusTemplate: options.statusTemplate }));
    },
  };
}
