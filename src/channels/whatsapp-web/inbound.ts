/**
 * Turns a whatsapp-web.js `Message` into one `InboundMessage`, or says why it is not a
 * citizen's message. Pure: media is not downloaded here, only offered to the caller.
 */
import type { InboundContent, InboundMessage } from '../../domain/messages.js';
import type { WebJsMessageLike } from './client.js';

/** Media the caller may fetch and store; `declaredBytes` lets it skip an oversized download. */
export interface PendingMedia {
  declaredBytes?: number;
  download(): Promise<{ mimetype: string; data: string; filesize?: number | null } | undefined>;
}

export type ParsedWebJsMessage =
  | { action: 'message'; message: InboundMessage; media?: PendingMedia }
  | { action: 'ignore'; reason: IgnoreReason };

export type IgnoreReason =
  | 'own-message'
  | 'status-broadcast'
  | 'broadcast-list'
  | 'group-chat'
  | 'newsletter'
  | 'system-notification'
  | 'unknown-sender';

/** Message types WhatsApp uses for its own events, never something a citizen typed. */
const SYSTEM_TYPES = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'group_notification',
  'gp2',
  'call_log',
  'protocol',
  'revoked',
  'ciphertext',
  'debug',
  'broadcast_notification',
  'reaction',
]);

const MEDIA_REF_PREFIX = 'whatsapp-web:media:';

export function parseWebJsMessage(msg: WebJsMessageLike): ParsedWebJsMessage {
  const ignored = ignoreReason(msg);
  if (ignored) return { action: 'ignore', reason: ignored };

  const externalId = msg.id._serialized;
  const content = contentOf(msg, externalId);
  const message: InboundMessage = {
    channel: 'whatsapp-web',
    chatId: msg.from,
    externalId,
    content,
    sentAt: new Date(msg.timestamp * 1000),
  };
  // A `@lid` id is an opaque WhatsApp identity, not a phone number.
  if (msg.from.endsWith('@c.us')) message.phone = msg.from.slice(0, -'@c.us'.length);
  const displayName = msg._data?.notifyName?.trim();
  if (displayName) message.displayName = displayName;

  if (content.kind === 'photo' && msg.hasMedia) {
    const media: PendingMedia = { download: () => msg.downloadMedia() };
    if (typeof msg._data?.size === 'number') media.declaredBytes = msg._data.size;
    return { action: 'message', message, media };
  }
  return { action: 'message', message };
}

function ignoreReason(msg: WebJsMessageLike): IgnoreReason | undefined {
  if (msg.fromMe || msg.id.fromMe) return 'own-message';
  if (msg.isStatus || msg.from === 'status@broadcast') return 'status-broadcast';
  if (msg.broadcast || msg.from.endsWith('@broadcast')) return 'broadcast-list';
  if (msg.from.endsWith('@g.us')) return 'group-chat';
  if (msg.from.endsWith('@newsletter')) return 'newsletter';
  if (SYSTEM_TYPES.has(msg.type)) return 'system-notification';
  if (!msg.from.endsWith('@c.us') && !msg.from.endsWith('@lid')) return 'unknown-sender';
  return undefined;
}

function contentOf(msg: WebJsMessageLike, externalId: string): InboundContent {
  switch (msg.type) {
    case 'chat':
      return { kind: 'text', text: msg.body };
    case 'image': {
      const photo: InboundContent = { kind: 'photo', mediaRef: `${MEDIA_REF_PREFIX}${externalId}` };
      if (msg.body) photo.caption = msg.body;
      return photo;
    }
    case 'location':
      return locationOf(msg) ?? { kind: 'unsupported', what: 'other' };
    case 'vcard':
    case 'multi_vcard':
      return contactOf(msg.vCards.length > 0 ? msg.vCards : [msg.body]) ?? { kind: 'unsupported', what: 'other' };
    case 'sticker':
      return { kind: 'unsupported', what: 'sticker' };
    case 'ptt':
    case 'audio':
      return { kind: 'unsupported', what: 'voice' };
    case 'video':
      return { kind: 'unsupported', what: 'video' };
    case 'document':
      return { kind: 'unsupported', what: 'document' };
    default:
      return { kind: 'unsupported', what: 'other' };
  }
}

function locationOf(msg: WebJsMessageLike): InboundContent | undefined {
  if (!msg.location) return undefined;
  const latitude = Number(msg.location.latitude);
  const longitude = Number(msg.location.longitude);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
  const location: InboundContent = { kind: 'location', latitude, longitude };
  // The library joins a place's name and address with a newline; one line reads better in a case.
  const address = (msg.location.description || msg.location.address || '').split('\n').filter(Boolean).join(', ');
  if (address) location.address = address;
  return location;
}

/** The first card with a phone number; a shared contact without one tells the agency nothing. */
function contactOf(cards: string[]): InboundContent | undefined {
  for (const card of cards) {
    const parsed = parseVCard(card);
    if (!parsed.phone) continue;
    const contact: InboundContent = { kind: 'contact', phone: parsed.phone };
    if (parsed.name) contact.name = parsed.name;
    return contact;
  }
  return undefined;
}

/**
 * Reads FN and the first TEL from a vCard 3.0 as WhatsApp writes it, e.g.
 * `item1.TEL;waid=6281234567890:+62 812-3456-7890`. The `waid` parameter, when present,
 * is the WhatsApp number in international form, so it is preferred over the displayed one.
 */
export function parseVCard(card: string): { phone?: string; name?: string } {
  // Unfold continuation lines (RFC 6350 §3.2) before splitting into properties.
  const lines = card.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  let phone: string | undefined;
  let name: string | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const [property, ...params] = line.slice(0, colon).split(';');
    const value = line.slice(colon + 1);
    // Apple-style grouping (`item1.TEL`) names the same property.
    const key = property.replace(/^[^.]*\./, '').toUpperCase();
    if (key === 'FN' && name === undefined) {
      name = unescapeVCard(value).trim() || undefined;
    } else if (key === 'TEL' && phone === undefined) {
      const waid = params.find((param) => param.toLowerCase().startsWith('waid='))?.slice('waid='.length);
      phone = waid || value.replace(/[^\d+]/g, '') || undefined;
    }
  }
  return { phone, name };
}

function unescapeVCard(value: string): string {
  return value.replace(/\\([\\,;nN])/g, (_, char: string) => (char === 'n' || char === 'N' ? ' ' : char));
}
