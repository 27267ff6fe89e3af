/**
 * Who a broadcast goes to, as one SQL condition on a chat (`channel_identities i`): subscribed (to
 * the segment's topics, among those the dinas may send on, in its region prefix, since a date),
 * not opted out, reachable, on a channel that may carry bulk sends, and, if asked, a reporter of a
 * category in the last N days. Planning, the audience count and the preview all read this one
 * condition. A WhatsApp Web chat is never sent bulk messages from the linked phone; where the
 * deployment has the Cloud API (`webViaCloud`), one with a phone number is reached on the official
 * number instead, counted as a WhatsApp Cloud chat (src/broadcasts/engine.ts plans it there).
 */
import type postgres from 'postgres';
import { z } from 'zod';
import type { ChannelName } from '../domain/messages.js';
import type { BroadcastSegment } from '../db/schema.js';

/** WhatsApp Web is a linked phone: bans are reported after a few hundred unsolicited sends. */
export const NEVER_BULK: readonly ChannelName[] = ['whatsapp-web'];

export const segmentSchema = z
  .object({
    /** Topic codes; none: any topic the dinas may send on. */
    topics: z.array(z.string().min(1)).max(50).optional(),
    /** Kemendagri region code prefix (2, 4, 6 or 10 digits) of the subscription's region. */
    regionPrefix: z.string().regex(/^\d{2,10}$/).optional(),
    channels: z.array(z.enum(['telegram', 'whatsapp-cloud', 'web'])).min(1).optional(),
    /** Citizens who reported in this category in the last `days` days. */
    reportedCategory: z.object({ code: z.string().min(1), days: z.number().int().min(1).max(3650) }).optional(),
    /** Subscribed on or after this moment. */
    subscribedSince: z.iso.datetime({ offset: true }).optional(),
  })
  .strict() satisfies z.ZodType<BroadcastSegment>;

export interface SegmentScope {
  dinasId: number;
  segment: BroadcastSegment;
  /** Channels this deployment can send on (minus `NEVER_BULK`). */
  channels: readonly ChannelName[];
  /** The Cloud API is configured: WhatsApp Web chats with a phone number count as WhatsApp Cloud chats. */
  webViaCloud: boolean;
  now: Date;
}

export function bulkChannels(available: Iterable<ChannelName>): ChannelName[] {
  return [...available].filter((channel) => !NEVER_BULK.includes(channel));
}

/** A WhatsApp Web chat's WhatsApp id on the Cloud API: its phone number's digits (as `pushTarget` in src/cases/lifecycle.ts). */
export function cloudChatId(sql: postgres.Sql | postgres.TransactionSql, alias: string) {
  return sql`regexp_replace(${sql(alias)}.phone, '\D', '', 'g')`;
}

/** The condition on `channel_identities i`, as a postgres.js fragment. */
export function segmentCondition(sql: postgres.Sql | postgres.TransactionSql, scope: SegmentScope) {
  const { segment, dinasId, now } = scope;
  const channels: ChannelName[] = segment.channels ? scope.channels.filter((c) => (segment.channels as readonly string[]).includes(c)) : [...scope.channels];
  const viaCloud = scope.webViaCloud && channels.includes('whatsapp-cloud');
  const topics = segment.topics ?? null;
  const prefix = segment.regionPrefix ? `${segment.regionPrefix}%` : null;
  const since = segment.subscribedSince ?? null;
  const reported = segment.reportedCategory ?? null;
  return sql`
    i.broadcast_opt_out_at is null and i.unreachable_at is null
    and (i.channel = any(${channels}::text[]) or (${viaCloud}::boolean and i.channel = 'whatsapp-web' and i.phone is not null
      -- …unless the person stopped broadcasts, or cannot be reached, on the official number itself.
      and not exists (select 1 from channel_identities ci where ci.channel = 'whatsapp-cloud' and ci.chat_id = ${cloudChatId(sql, 'i')}
        and (ci.broadcast_opt_out_at is not null or ci.unreachable_at is not null))))
    and exists (
      select 1 from subscriptions s join topics tp on tp.id = s.topic_id
      where s.identity_id = i.id and tp.active and (tp.dinas_id is null or tp.dinas_id = ${dinasId})
        and (${topics}::text[] is null or tp.code = any(${topics}::text[]))
        and (${prefix}::text is null or s.region_code like ${prefix}::text)
        and (${since}::timestamptz is null or s.subscribed_at >= ${since}::timestamptz))
    and (${reported?.code ?? null}::text is null or exists (
      select 1 from cases c where c.identity_id = i.id and c.category_code = ${reported?.code ?? null}::text
        and c.created_at >= ${now.toISOString()}::timestamptz - ${reported?.days ?? 0} * interval '1 day'))`;
}
