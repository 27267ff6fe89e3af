/**
 * Fair use at the front door, so one chat cannot slow everyone down. Every rule is decided in
 * Postgres, where every web and worker process sees the same counts, and nothing a citizen sent is
 * ever dropped: a message the rules hold back is stored like any other, marked, and not stepped.
 *
 * - **Messages per minute** (ingest): each chat's minute of messages is counted on its
 *   `channel_identities` row, which the ingest statement upserts (and so locks) anyway. Past
 *   `CHAT_INBOUND_PER_MINUTE`, the rest of the minute is stored with `skipped = 'flood'` and no
 *   conversation step; the first of them writes one slow-down notice. The next minute starts afresh.
 * - **Identical repeats** (the conversation step): a text equal to the chat's previous message,
 *   sent within `CHAT_REPEAT_SECONDS` of it and before any reply to it was written (a double tap, a
 *   resend while the bot is busy, a loop faster than the bot), is marked `skipped = 'repeat'`.
 *   The same text after the bot answered is a new answer (the same "1" for the next question).
 * - **Long texts** (ingest): texts and captions are cut at `INBOUND_TEXT_MAX_CHARS` before they are
 *   stored; the step tells the citizen so, once, in front of its answer to that message.
 * - **Photos** (WhatsApp Web, whose bytes come with the message): downloaded only when the flow
 *   would take them (`photoWanted`); the other channels fetch only what the step kept anyway.
 */
import type postgres from 'postgres';
import type { ChannelName, InboundContent, InboundMessage } from '../domain/messages.js';
import type { Config } from '../config.js';
import type { Lang } from './contract.js';
import type { PipelineContext } from './context.js';
import { wouldKeepPhoto, type PersistedSnapshot } from './step.js';

export interface FairUse {
  /** Messages one chat may send in a minute (the domain clock) before the rest of it is held back. */
  inboundPerMinute: number;
  /** A repeat within this long of the previous message, before any reply to it, is not stepped. */
  repeatWithinMs: number;
  /** Texts and captions are cut to this many characters (UTF-16 code units) before they are stored. */
  textMaxChars: number;
}

export function fairUseFrom(config: Pick<Config, 'CHAT_INBOUND_PER_MINUTE' | 'CHAT_REPEAT_SECONDS' | 'INBOUND_TEXT_MAX_CHARS'>): FairUse {
  return {
    inboundPerMinute: config.CHAT_INBOUND_PER_MINUTE,
    repeatWithinMs: config.CHAT_REPEAT_SECONDS * 1000,
    textMaxChars: config.INBOUND_TEXT_MAX_CHARS,
  };
}

/** The length of a chat's window: the limit is per minute. */
export const INBOUND_WINDOW_MS = 60_000;

/** Cuts at `max` code units, one earlier if that would split a surrogate pair (an emoji). */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return text.slice(0, end);
}

/**
 * The message with its free text (text, caption, a place's address, a contact's name) cut to
 * `maxChars`, and the text's length before, when it was cut.
 *
 * @example
 *   capInbound({ ...message, content: { kind: 'text', text: 'a'.repeat(9_000) } }, 8_000).shortenedFrom; // 9000
 */
export function capInbound(message: InboundMessage, maxChars: number): { message: InboundMessage; shortenedFrom: number | null } {
  const content = message.content;
  const field: Partial<Record<InboundContent['kind'], string>> = { text: 'text', photo: 'caption', location: 'address', contact: 'name' };
  const key = field[content.kind];
  const value = key ? (content as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string' || value.length <= maxChars) return { message, shortenedFrom: null };
  return { message: { ...message, content: { ...content, [key!]: cut(value, maxChars) } as InboundContent }, shortenedFrom: value.length };
}

type Sql = postgres.Sql;

/**
 * For the ingest statement's `on conflict … do update set` (src/conversation/ingest.ts): counts the
 * message into its chat's current minute, or starts a new minute with it. The statement's messages
 * are in its `input` rows (`channel`, `chat_id`, and `redelivered`: already stored), one per chat,
 * found by the conflicting identity's key. A redelivered message is not counted again. `now` is
 * the domain clock, so a test can let a minute pass.
 */
export function countIntoWindow(sql: Sql, now: string) {
  const redelivered = sql`exists (select 1 from input r where r.channel = excluded.channel and r.chat_id = excluded.chat_id and r.redelivered)`;
  const inWindow = sql`(channel_identities.inbound_window_started_at > ${now}::timestamptz - ${INBOUND_WINDOW_MS} * interval '1 millisecond'
    and channel_identities.inbound_window_started_at <= ${now}::timestamptz)`;
  return sql`
    inbound_window_started_at = case when ${redelivered} or ${inWindow} then channel_identities.inbound_window_started_at else excluded.inbound_window_started_at end,
    inbound_window_count = case when ${redelivered} then channel_identities.inbound_window_count
      when ${inWindow} then channel_identities.inbound_window_count + 1 else 1 end`;
}

/** One text per language, picked in SQL by the language the chat's stored conversation uses (else Indonesian). */
export function inChatLanguage(sql: Sql, identityId: ReturnType<Sql>, texts: Record<Lang, string>) {
  return sql`case (select c.snapshot -> 'context' ->> 'lang' from conversations c where c.identity_id = ${identityId})
    when 'en' then ${texts.en}::text else ${texts.id}::text end`;
}

/**
 * True when the pending message (`m`, in the step's query) repeats the chat's previous message: the
 * same text, within `repeatWithinMs`, with no reply written to the chat in between (Telegram's
 * button acknowledgements do not count: they answer the tap, not the question). Both times are
 * Postgres's (`received_at`, `created_at`), so the domain clock plays no part.
 */
export function repeatOfPrevious(sql: postgres.TransactionSql, repeatWithinMs: number) {
  // The previous message is found through the chat's (identity_id, received_at) index, newest first.
  return sql`(m.kind = 'text' and exists (
    select 1 from (select p.kind, p.body, p.received_at, p.skipped from messages p
                   where p.identity_id = m.identity_id and p.id < m.id
                     and p.received_at >= m.received_at - ${repeatWithinMs} * interval '1 millisecond'
                   order by p.received_at desc, p.id desc limit 1) p
    where p.kind = 'text' and p.body = m.body and p.skipped is distinct from 'flood'
      and not exists (select 1 from outbox o where o.identity_id = m.identity_id
                        and o.created_at > p.received_at and o.created_at < m.received_at
                        and o.payload ->> 'kind' <> 'callback-answer')))`;
}

interface ChatNow {
  snapshot: PersistedSnapshot | null;
  version: number | null;
  updated_at: string | null;
  pending: boolean;
  human: boolean;
  held_back: boolean;
}

/**
 * Whether a photo arriving now in this chat would be kept, asked before WhatsApp Web's bytes are
 * downloaded: the conversation machine itself is stepped (purely, nothing written) with a photo and
 * says whether it would keep it. In doubt it is wanted: while earlier messages of the chat still
 * wait for their step the state is not known yet, and a chat with a live-chat request keeps photos
 * for the officer. Not wanted: a chat over its minute's limit (the photo will not be stepped), a
 * new chat, a conversation that will start over (idle or a new version).
 */
export async function photoWanted(ctx: PipelineContext, channel: ChannelName, chatId: string): Promise<boolean> {
  const now = ctx.now();
  const [chat] = await ctx.db.sql<ChatNow[]>`
    select c.snapshot, c.version, c.updated_at,
      exists (select 1 from messages m where m.identity_id = i.id and m.processed_at is null) as pending,
      exists (select 1 from handoff_requests h where h.identity_id = i.id and h.resolved_at is null) as human,
      (i.inbound_window_count >= ${ctx.fairUse.inboundPerMinute}
        and i.inbound_window_started_at > ${now.toISOString()}::timestamptz - ${INBOUND_WINDOW_MS} * interval '1 millisecond'
        and i.inbound_window_started_at <= ${now.toISOString()}::timestamptz) as held_back
    from channel_identities i left join conversations c on c.identity_id = i.id
    where i.channel = ${channel} and i.chat_id = ${chatId}`;
  if (!chat || chat.held_back) return false;
  if (chat.pending || chat.human) return true;
  if (!chat.snapshot || chat.version !== ctx.machineVersion || !chat.updated_at) return false;
  if (now.getTime() - new Date(chat.updated_at).getTime() > ctx.idleMs) return false;
  return wouldKeepPhoto(ctx.machine, chat.snapshot);
}
