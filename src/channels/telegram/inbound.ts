/**
 * Telegram receive side: one raw Bot API `Update` in, one decision out. Pure, so the webhook,
 * the poller and the runtime can all call it, and a test is a table of real payloads.
 */
import { z } from 'zod';
import type { InboundContent, InboundMessage } from '../../domain/messages.js';

/** What to do with one Telegram update. */
export type TelegramInbound =
  /** A citizen message; `callbackQueryId` is set for a pressed inline button, which must be answered. */
  | { action: 'message'; message: InboundMessage; callbackQueryId?: string }
  /** The citizen blocked the bot: stop sending to this chat. */
  | { action: 'blocked'; chatId: string }
  /** Nothing for the conversation (groups, channels, bots, unknown or empty updates). */
  | { action: 'ignore'; reason: string };

// Lenient on purpose: only the fields we read are checked and every object passes unknown
// fields through, so a field Telegram adds tomorrow never turns a citizen's message into "ignore".
const user = z.looseObject({
  id: z.number(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});

const chat = z.looseObject({
  id: z.number(),
  type: z.string(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});

const photoSize = z.looseObject({
  file_id: z.string(),
  width: z.number().optional(),
  height: z.number().optional(),
  file_size: z.number().optional(),
});

const message = z.looseObject({
  message_id: z.number(),
  date: z.number(),
  chat,
  from: user.optional(),
  edit_date: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(photoSize).min(1).optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number() }).optional(),
  venue: z.looseObject({ title: z.string().optional(), address: z.string().optional() }).optional(),
  contact: z
    .looseObject({
      phone_number: z.string(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      user_id: z.number().optional(),
    })
    .optional(),
});
type TelegramMessage = z.infer<typeof message>;

const callbackQuery = z.looseObject({
  id: z.string(),
  from: user,
  // May be an "inaccessible message" (date 0) but it still names the chat.
  message: z.looseObject({ chat }).optional(),
  data: z.string().optional(),
});

const chatMemberUpdated = z.looseObject({
  chat,
  new_chat_member: z.looseObject({ status: z.string() }),
});

const update = z.looseObject({
  update_id: z.number(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: callbackQuery.optional(),
  my_chat_member: chatMemberUpdated.optional(),
});

/**
 * Turns one raw Telegram update into what the conversation should do with it. Never throws:
 * anything it cannot read is `ignore` with a reason for the log.
 *
 * @param receivedAt stands in for the send time where Telegram gives none (callback queries):
 *   the product's clock (`ctx.now()`), never the wall clock read here.
 * @example
 *   const result = parseTelegramUpdate(req.body, ctx.now());
 *   if (result.action === 'message') await inbox.store(result.message);
 */
export function parseTelegramUpdate(raw: unknown, receivedAt: Date): TelegramInbound {
  const parsed = update.safeParse(raw);
  if (!parsed.success) return ignore('not a Telegram update');
  const u = parsed.data;

  if (u.message) return fromMessage(u.message);
  if (u.edited_message) return fromEditedMessage(u.edited_message);
  if (u.callback_query) return fromCallbackQuery(u.callback_query, receivedAt);
  if (u.my_chat_member) return fromMyChatMember(u.my_chat_member);
  if ('channel_post' in u || 'edited_channel_post' in u) return ignore('channel post');
  const keys = Object.keys(u).filter((key) => key !== 'update_id');
  return ignore(keys.length === 0 ? 'empty update' : `unsupported update type ${keys.join(',')}`);
}

function fromMessage(m: TelegramMessage): TelegramInbound {
  const skip = notFromCitizen(m.chat.type, m.from);
  if (skip) return skip;
  const content = contentOf(m);
  const ownPhone = m.contact && m.from && m.contact.user_id === m.from.id ? m.contact.phone_number : undefined;
  return {
    action: 'message',
    message: {
      ...envelope(m.chat, m.from, `m:${m.chat.id}:${m.message_id}`, secondsToDate(m.date)),
      ...(ownPhone ? { phone: ownPhone } : {}),
      content,
    },
  };
}

function fromEditedMessage(m: TelegramMessage): TelegramInbound {
  const skip = notFromCitizen(m.chat.type, m.from);
  if (skip) return skip;
  // A live location sends an edit every few seconds; answering each would spam the citizen.
  if (m.location) return ignore('live location update');
  const editDate = m.edit_date ?? m.date;
  return {
    action: 'message',
    message: {
      ...envelope(m.chat, m.from, `e:${m.chat.id}:${m.message_id}:${editDate}`, secondsToDate(editDate)),
      content: { kind: 'unsupported', what: 'edited' },
    },
  };
}

function fromCallbackQuery(q: z.infer<typeof callbackQuery>, receivedAt: Date): TelegramInbound {
  // Without a message the button sat on an inline-mode message, which belongs to the presser.
  const skip = notFromCitizen(q.message?.chat.type ?? 'private', q.from);
  if (skip) return skip;
  // Game buttons carry game_short_name instead of data; we never send those.
  if (q.data === undefined) return ignore('callback query without data');
  const chatId = q.message?.chat.id ?? q.from.id;
  return {
    action: 'message',
    callbackQueryId: q.id,
    message: {
      ...envelope({ id: chatId }, q.from, `cb:${q.id}`, receivedAt),
      content: { kind: 'text', text: q.data },
    },
  };
}

function fromMyChatMember(m: z.infer<typeof chatMemberUpdated>): TelegramInbound {
  if (m.chat.type !== 'private') return ignore(`${m.chat.type} chat`);
  if (m.new_chat_member.status === 'kicked') return { action: 'blocked', chatId: String(m.chat.id) };
  return ignore(`bot status ${m.new_chat_member.status}`);
}

function contentOf(m: TelegramMessage): InboundContent {
  if (m.text !== undefined) return { kind: 'text', text: m.text };
  if (m.photo) {
    const largest = m.photo.reduce((a, b) => (area(b) > area(a) ? b : a));
    return {
      kind: 'photo',
      mediaRef: `telegram:file:${largest.file_id}`,
      ...(m.caption !== undefined ? { caption: m.caption } : {}),
    };
  }
  if (m.location) {
    const address = [m.venue?.title, m.venue?.address].filter(Boolean).join(', ');
    return {
      kind: 'location',
      latitude: m.location.latitude,
      longitude: m.location.longitude,
      ...(address ? { address } : {}),
    };
  }
  if (m.contact) {
    const name = [m.contact.first_name, m.contact.last_name].filter(Boolean).join(' ');
    return { kind: 'contact', phone: m.contact.phone_number, ...(name ? { name } : {}) };
  }
  if ('sticker' in m) return unsupported('sticker');
  if ('voice' in m || 'audio' in m) return unsupported('voice');
  // A GIF arrives with both `animation` and `document`, so video is checked first.
  if ('video' in m || 'video_note' in m || 'animation' in m) return unsupported('video');
  if ('document' in m) return unsupported('document');
  return unsupported('other');
}

function notFromCitizen(chatType: string, from: { is_bot?: boolean } | undefined): TelegramInbound | undefined {
  if (chatType !== 'private') return ignore(`${chatType} chat`);
  if (from?.is_bot) return ignore('sent by a bot');
  return undefined;
}

function envelope(
  c: { id: number; first_name?: string; last_name?: string },
  from: { first_name?: string; last_name?: string } | undefined,
  externalId: string,
  sentAt: Date,
): Omit<InboundMessage, 'content'> {
  const who = from ?? c;
  const displayName = [who.first_name, who.last_name].filter(Boolean).join(' ');
  return {
    channel: 'telegram',
    chatId: String(c.id),
    externalId,
    ...(displayName ? { displayName } : {}),
    sentAt,
  };
}

function area(p: z.infer<typeof photoSize>): number {
  return p.width !== undefined && p.height !== undefined ? p.width * p.height : (p.file_size ?? 0);
}

function secondsToDate(unixSeconds: number): Date {
  return new Date(unixSeconds * 1000);
}

function unsupported(what: Extract<InboundContent, { kind: 'unsupported' }>['what']): InboundContent {
  return { kind: 'unsupported', what };
}

function ignore(reason: string): TelegramInbound {
  return { action: 'ignore', reason };
}
