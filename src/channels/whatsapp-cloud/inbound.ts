/**
 * WhatsApp Cloud API receive side: one webhook body in, the citizen messages and delivery
 * receipts it carries out. Pure and never throwing, so the webhook, a replay tool and a test
 * table can all call it.
 */
import { z } from 'zod';
import type { DeliveryStatus, InboundContent, InboundMessage } from '../../domain/messages.js';
import { MARKETING_STOPPED } from './errors.js';

/**
 * A citizen message plus the business number it was sent to (`value.metadata.phone_number_id`),
 * so one deployment can answer from the right number once it serves several.
 */
export type CloudInbound = InboundMessage & { phoneNumberId?: string };

export interface CloudWebhookBatch {
  messages: CloudInbound[];
  /** Receipts for what we sent; a wamid is unique across numbers, so no phone number id is needed. */
  statuses: DeliveryStatus[];
  /** Anything skipped, with a reason for the log (types and codes only, never content). */
  ignored: { reason: string }[];
}

// Lenient on purpose: each layer is checked on its own and every object passes unknown fields
// through, so one odd message never hides its neighbours and a field Meta adds tomorrow is harmless.
const envelope = z.looseObject({ entry: z.array(z.unknown()).optional() });
const entry = z.looseObject({ changes: z.array(z.unknown()).optional() });
const change = z.looseObject({ field: z.string().optional(), value: z.unknown().optional() });
const value = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string().optional() }).optional(),
  contacts: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});
const profile = z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string().optional() }).optional() });
const seconds = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);
const codeOnly = z.looseObject({ code: z.number().optional() });

const messageBase = z.looseObject({ from: z.string().min(1), id: z.string().min(1), timestamp: seconds, type: z.string() });
const media = z.looseObject({ id: z.string().min(1), caption: z.string().optional() });
const text = z.looseObject({ text: z.looseObject({ body: z.string() }) });
const interactive = z.looseObject({
  interactive: z.looseObject({
    type: z.string(),
    button_reply: z.looseObject({ id: z.string() }).optional(),
    list_reply: z.looseObject({ id: z.string() }).optional(),
  }),
});
const button = z.looseObject({ button: z.looseObject({ payload: z.string().optional(), text: z.string().optional() }) });
const image = z.looseObject({ image: media });
const location = z.looseObject({
  location: z.looseObject({
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
});
const contacts = z.looseObject({
  contacts: z.array(
    z.looseObject({
      name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
      phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
    }),
  ),
});

const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  timestamp: seconds,
  errors: z
    .array(z.looseObject({ code: z.number(), title: z.string().optional(), message: z.string().optional() }))
    .optional(),
});
const knownStatuses = new Set<string>(['sent', 'delivered', 'read', 'failed']);

/**
 * Message types that are not something a citizen said to us, so answering them would only be
 * noise: a reaction (a 👍 on our reply, or its removal), `system` notices (the user changed
 * number) and `request_welcome` (the chat was opened, nothing typed yet).
 */
const notACitizenMessage = new Set(['reaction', 'system', 'request_welcome']);

/**
 * Reads one Cloud API webhook body (`object: whatsapp_business_account`). Never throws: what it
 * cannot read lands in `ignored`, so the webhook still answers 200 and Meta does not redeliver
 * a body that will never parse.
 *
 * @example
 *   const { messages, statuses } = parseCloudWebhook(JSON.parse(raw));
 *   for (const m of messages) await inbox.store(m);
 */
export function parseCloudWebhook(body: unknown): CloudWebhookBatch {
  const batch: CloudWebhookBatch = { messages: [], statuses: [], ignored: [] };
  const parsed = envelope.safeParse(body);
  if (!parsed.success) {
    batch.ignored.push({ reason: 'not a webhook object' });
    return batch;
  }
  for (const rawEntry of parsed.data.entry ?? []) {
    const e = entry.safeParse(rawEntry);
    if (!e.success) {
      batch.ignored.push({ reason: 'malformed entry' });
      continue;
    }
    for (const rawChange of e.data.changes ?? []) readChange(rawChange, batch);
  }
  return batch;
}

function readChange(rawChange: unknown, batch: CloudWebhookBatch): void {
  const c = change.safeParse(rawChange);
  if (!c.success) {
    batch.ignored.push({ reason: 'malformed change' });
    return;
  }
  // Template reviews, quality and account updates share the webhook but are no conversation.
  if (c.data.field !== undefined && c.data.field !== 'messages') {
    batch.ignored.push({ reason: `field ${c.data.field}` });
    return;
  }
  const v = value.safeParse(c.data.value);
  if (!v.success) {
    batch.ignored.push({ reason: 'malformed value' });
    return;
  }

  const phoneNumberId = v.data.metadata?.phone_number_id;
  const names = new Map<string, string>();
  for (const rawContact of v.data.contacts ?? []) {
    const p = profile.safeParse(rawContact);
    if (p.success && p.data.profile?.name) names.set(p.data.wa_id, p.data.profile.name);
  }
  for (const rawMessage of v.data.messages ?? []) {
    const result = readMessage(rawMessage, names, phoneNumberId);
    if ('reason' in result) batch.ignored.push(result);
    else batch.messages.push(result);
  }
  for (const rawStatus of v.data.statuses ?? []) {
    const result = readStatus(rawStatus);
    if ('reason' in result) batch.ignored.push(result);
    else batch.statuses.push(result);
  }
  // Errors not tied to one message (e.g. the app is misconfigured): kept for the operator's log.
  for (const rawError of v.data.errors ?? []) {
    const code = codeOnly.safeParse(rawError);
    batch.ignored.push({ reason: `webhook error ${code.success ? (code.data.code ?? 'unknown') : 'unknown'}` });
  }
}

function readMessage(
  raw: unknown,
  names: Map<string, string>,
  phoneNumberId: string | undefined,
): CloudInbound | { reason: string } {
  const base = messageBase.safeParse(raw);
  if (!base.success) return { reason: 'message without from, id, timestamp or type' };
  const { from, id, timestamp, type } = base.data;
  if (notACitizenMessage.has(type)) return { reason: type };
  const content = contentOf(type, raw);
  if (!content) return { reason: `malformed ${type} message` };
  const displayName = names.get(from);
  return {
    channel: 'whatsapp-cloud',
    chatId: from,
    externalId: id,
    phone: from,
    ...(displayName ? { displayName } : {}),
    content,
    sentAt: new Date(timestamp * 1000),
    ...(phoneNumberId ? { phoneNumberId } : {}),
  };
}

/** `undefined` when the type is known but its payload is not what Meta documents. */
function contentOf(type: string, raw: unknown): InboundContent | undefined {
  switch (type) {
    case 'text': {
      const m = text.safeParse(raw);
      return m.success ? { kind: 'text', text: m.data.text.body } : undefined;
    }
    case 'interactive': {
      const m = interactive.safeParse(raw);
      if (!m.success) return undefined;
      // The reply id is the option key we sent, so the flow sees the same text as a typed choice.
      const reply = m.data.interactive.button_reply ?? m.data.interactive.list_reply;
      // Other interactive replies (Flows `nfm_reply`) are not something we ever send.
      return reply ? { kind: 'text', text: reply.id } : unsupported('other');
    }
    case 'button': {
      // A quick-reply button on a template: `payload` is what the template author set.
      const m = button.safeParse(raw);
      const reply = m.success ? (m.data.button.payload ?? m.data.button.text) : undefined;
      return reply === undefined ? undefined : { kind: 'text', text: reply };
    }
    case 'image': {
      const m = image.safeParse(raw);
      if (!m.success) return undefined;
      const { id, caption } = m.data.image;
      return { kind: 'photo', mediaRef: `whatsapp-cloud:media:${id}`, ...(caption !== undefined ? { caption } : {}) };
    }
    case 'location': {
      const m = location.safeParse(raw);
      if (!m.success) return undefined;
      const { latitude, longitude, name, address } = m.data.location;
      const place = [name, address].filter(Boolean).join(', ');
      return { kind: 'location', latitude, longitude, ...(place ? { address: place } : {}) };
    }
    case 'contacts': {
      const m = contacts.safeParse(raw);
      if (!m.success) return undefined;
      for (const card of m.data.contacts) {
        const phone = card.phones?.map((p) => p.phone ?? p.wa_id).find(Boolean);
        if (!phone) continue;
        const name = card.name?.formatted_name;
        return { kind: 'contact', phone, ...(name ? { name } : {}) };
      }
      // A card with no number gives the flow nothing to use: answered like any unreadable message.
      return unsupported('other');
    }
    case 'sticker':
      return unsupported('sticker');
    // Voice notes arrive as `audio` with `voice: true`; plain audio files are no more readable.
    case 'audio':
    case 'voice':
      return unsupported('voice');
    case 'video':
      return unsupported('video');
    case 'document':
      return unsupported('document');
    default:
      // `unsupported`/`unknown` (polls, view-once, edits…) and types Meta adds later: the citizen
      // did send something and waits for an answer, so the flow replies politely instead of silence.
      return unsupported('other');
  }
}

function readStatus(raw: unknown): DeliveryStatus | { reason: string } {
  const s = statusSchema.safeParse(raw);
  if (!s.success) return { reason: 'malformed status' };
  const { id, status, timestamp, errors } = s.data;
  // `deleted`, `warning` and future states do not change what we owe the citizen.
  if (!knownStatuses.has(status)) return { reason: `status ${status}` };
  const first = errors?.[0];
  return {
    channel: 'whatsapp-cloud',
    externalId: id,
    status: status as DeliveryStatus['status'],
    at: new Date(timestamp * 1000),
    ...(status === 'failed' && first ? { error: { code: first.code, title: first.title ?? first.message ?? '' } } : {}),
    ...(status === 'failed' && first?.code === MARKETING_STOPPED ? { optedOut: true } : {}),
  };
}

function unsupported(what: Extract<InboundContent, { kind: 'unsupported' }>['what']): InboundContent {
  return { kind: 'unsupported', what };
}
