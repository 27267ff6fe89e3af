/**
 * WhatsApp Cloud API send side: one `OutboundMessage` in, Graph API `/messages` requests out,
 * one classified `SendResult` back. Menus become reply buttons or a list when they fit
 * WhatsApp's limits, and stay the numbered text they already are when they do not.
 */
import { request, type Dispatcher } from 'undici';
import type { OutboundMessage, ReplyOption, SendResult } from '../../domain/messages.js';
import { platformAgent } from '../../http/platform-client.js';
import type { ChannelSender } from '../types.js';
import { classifyGraphError, parseRetryAfter, type GraphError } from './errors.js';
import { splitText } from '../split-text.js';

export interface WhatsAppCloudSenderOptions {
  /** Graph API base URL without version, e.g. `https://graph.facebook.com`; a fake server in tests. */
  apiRoot?: string;
  apiVersion?: string;
  /** The business number's id (not the phone number itself) from the app dashboard. */
  phoneNumberId: string;
  accessToken: string;
  /** Per request; a timed-out send is retried, so a rare duplicate beats a lost message. */
  timeoutMs?: number;
  /** Label of the button that opens an interactive list (at most 20 characters). */
  listButtonText?: string;
}

/** WhatsApp's documented limits for what we send. */
export const CLOUD_LIMITS = {
  textBody: 4096,
  /** An image's caption. */
  caption: 1024,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  listRows: 10,
  listRowTitle: 24,
  listRowDescription: 72,
  listButton: 20,
} as const;

/**
 * @example
 *   const sender = createWhatsAppCloudSender({ phoneNumberId: '1234', accessToken: token });
 *   const result = await sender.send({ kind: 'text', chatId: '628123…', text: 'Halo' });
 */
export function createWhatsAppCloudSender(options: WhatsAppCloudSenderOptions): ChannelSender {
  const root = (options.apiRoot ?? 'https://graph.facebook.com').replace(/\/+$/, '');
  const url = `${root}/${options.apiVersion ?? 'v21.0'}/${encodeURIComponent(options.phoneNumberId)}/messages`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const listButton = (options.listButtonText ?? 'Pilih').slice(0, CLOUD_LIMITS.listButton);

  async function post(payload: Record<string, unknown>): Promise<SendResult> {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      // The platforms' HTTP client (src/http/platform-client.ts): every reply is one call.
      response = await request(url, {
        dispatcher: platformAgent,
        method: 'POST',
        headers: { authorization: `Bearer ${options.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...payload }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // AbortSignal.timeout rejects with a DOMException named TimeoutError.
      const timedOut = (err as { name?: unknown } | null)?.name === 'TimeoutError';
      return { ok: false, failure: 'retryable', reason: timedOut ? `timeout after ${timeoutMs} ms` : `network: ${networkCause(err)}` };
    }
    const body = await readJson(response.body);
    if (response.statusCode >= 300) {
      const error = (body as { error?: GraphError } | undefined)?.error;
      const retryAfter = response.headers['retry-after'];
      return classifyGraphError(response.statusCode, error, parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : null));
    }
    const id = (body as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
    // A 200 without an id (a proxy page, a changed API) is retried rather than assumed delivered.
    if (typeof id !== 'string') return { ok: false, failure: 'retryable', reason: `HTTP ${response.statusCode} without message id` };
    return { ok: true, externalId: id };
  }

  return {
    channel: 'whatsapp-cloud',
    async send(message: OutboundMessage): Promise<SendResult> {
      switch (message.kind) {
        case 'text': {
          const interactive = message.options?.length ? renderInteractive(message.text, message.options, listButton) : undefined;
          if (interactive) return post({ to: message.chatId, type: 'interactive', interactive });
          return sendParts(message.chatId, splitText(message.text, CLOUD_LIMITS.textBody));
        }
        case 'image': {
          // The caption under the picture when it fits, else the text after it (Meta fetches the link).
          const captioned = message.text.length <= CLOUD_LIMITS.caption;
          const picture = await post({ to: message.chatId, type: 'image', image: { link: message.imageUrl, ...(captioned && message.text !== '' ? { caption: message.text } : {}) } });
          if (!picture.ok || captioned) return picture;
          const rest = await sendParts(message.chatId, splitText(message.text, CLOUD_LIMITS.textBody));
          return rest.ok ? picture : rest;
        }
        case 'template':
          return post({ to: message.chatId, type: 'template', template: renderTemplate(message) });
        case 'callback-answer':
          // Telegram's spinner has no WhatsApp counterpart: nothing to send, nothing to retry.
          return { ok: true, externalId: `noop:${message.callbackQueryId}` };
      }
    },
  };

  /**
   * Sends the parts in order and stops at the first failure. A retry then resends the earlier
   * parts too: a duplicate paragraph is better than a lost one. The first part's id is returned,
   * so its receipts track the message.
   */
  async function sendParts(to: string, parts: string[]): Promise<SendResult> {
    let first: SendResult | undefined;
    for (const body of parts) {
      const result = await post({ to, type: 'text', text: { body, preview_url: false } });
      if (!result.ok) return result;
      first ??= result;
    }
    return first ?? { ok: false, failure: 'permanent', reason: 'empty text', unreachable: false };
  }
}

/**
 * Reply buttons for up to 3 short options, a one-section list for up to 10, `undefined` when the
 * menu or the body does not fit (the numbered text then goes out as it is). Keys and titles must
 * be unique, or WhatsApp rejects the message.
 */
function renderInteractive(body: string, options: ReplyOption[], listButtonText: string): Record<string, unknown> | undefined {
  if (body.length === 0 || body.length > CLOUD_LIMITS.interactiveBody) return undefined;
  if (new Set(options.map((o) => o.key)).size !== options.length) return undefined;
  if (new Set(options.map((o) => o.label)).size !== options.length) return undefined;

  if (options.length <= CLOUD_LIMITS.buttons && options.every((o) => o.label.length <= CLOUD_LIMITS.buttonTitle)) {
    return {
      type: 'button',
      body: { text: body },
      action: { buttons: options.map((o) => ({ type: 'reply', reply: { id: o.key, title: o.label } })) },
    };
  }
  if (options.length > CLOUD_LIMITS.listRows) return undefined;
  if (options.some((o) => o.label.length > CLOUD_LIMITS.listRowDescription)) return undefined;
  return {
    type: 'list',
    body: { text: body },
    action: { button: listButtonText, sections: [{ rows: options.map(listRow) }] },
  };
}

/** A label too long for a row title is shortened there and shown in full as the description. */
function listRow(o: ReplyOption): Record<string, string> {
  if (o.label.length <= CLOUD_LIMITS.listRowTitle) return { id: o.key, title: o.label };
  return { id: o.key, title: `${o.label.slice(0, CLOUD_LIMITS.listRowTitle - 1).trimEnd()}…`, description: o.label };
}

function renderTemplate(m: Extract<OutboundMessage, { kind: 'template' }>): Record<string, unknown> {
  const components = [
    ...(m.headerImageUrl ? [{ type: 'header', parameters: [{ type: 'image', image: { link: m.headerImageUrl } }] }] : []),
    ...(m.parameters.length ? [{ type: 'body', parameters: m.parameters.map((text) => ({ type: 'text', text })) }] : []),
  ];
  return { name: m.name, language: { code: m.language }, ...(components.length ? { components } : {}) };
}

async function readJson(body: Dispatcher.ResponseData['body']): Promise<unknown> {
  try {
    return await body.json();
  } catch {
    return undefined;
  }
}

/** The error's code (ECONNREFUSED, ENOTFOUND…) is what an operator needs, its own or its cause's. */
function networkCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const own = (err as { code?: unknown }).code;
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? (typeof own === 'string' && !own.startsWith('UND_ERR_') ? own : undefined) ?? cause?.message ?? err.message;
}
