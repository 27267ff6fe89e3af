/**
 * Live chats as the citizen's conversation sees them: asking for a human puts the chat in its
 * dinas's queue, leaving the petugas flow withdraws a request nobody took, and — the one rule the
 * runtime applies before stepping — a message in a chat an officer holds goes to the officer, not
 * to the bot. Everything runs in the conversation step's transaction, under its row lock.
 *
 * The chat's dinas: the one handling the citizen's latest unfinished case, else their latest case,
 * else the default triage dinas (the catch-all routing rule's), so a citizen who reported to Dinas
 * Pendidikan talks to its staff, and a newcomer to the verifikator desk.
 */
import { sql } from 'drizzle-orm';
import { FINISHED_STATUSES, type ResultEvent } from '../conversation/contract.js';
import type { CaseWork } from '../cases/lifecycle.js';
import { localIso } from '../cases/working-days.js';
import { nextStaffHours, staffAvailableNow, type Availability } from '../conversation/availability.js';
import type { Tx } from '../db/client.js';
import { livechatNotice } from './events.js';
import { scheduleLivechatTimers } from './timers.js';

/** The open request of a chat, as the runtime reads it with the conversation's lock. */
export interface OpenHandoff {
  id: number;
  dinasId: number;
  taken: boolean;
}

/**
 * The dinas that runs the desk: the catch-all routing rule's (the default triage), else the first
 * one. An SQL expression, for use inside a query.
 */
export const DEFAULT_DINAS_ID = sql`coalesce(
  (select r.dinas_id from routing_rules r
   where r.category_code is null and r.service_code is null and r.region_prefix is null
   order by r.priority desc, r.id limit 1),
  (select min(id) from dinas))`;

/** The dinas whose staff answer this chat (see the module comment). */
export async function chatDinas(tx: Tx, identityId: number): Promise<number> {
  const finished = sql.join(FINISHED_STATUSES.map((s) => sql`${s}`), sql`, `);
  const [row] = (await tx.execute(sql`
    select coalesce(
      (select k.dinas_id from cases k join channel_identities i on i.citizen_id = k.citizen_id
       where i.id = ${identityId}
       order by (k.status in (${finished})), k.created_at desc, k.id desc limit 1),
      ${DEFAULT_DINAS_ID}
    ) as dinas_id`)) as unknown as { dinas_id: number | null }[];
  if (row?.dinas_id == null) throw new Error('live chat: no dinas configured to answer');
  return Number(row.dinas_id);
}

/**
 * Queues the chat (once: an open request keeps its place) and answers whether staff are at their
 * desks, and if not, when they will be (the dinas's hours, its holidays and cuti bersama).
 */
export async function requestHuman(work: CaseWork, identityId: number, messageId: number | null): Promise<ResultEvent> {
  const { tx, now, ctx } = work;
  const dinasId = await chatDinas(tx, identityId);
  const nextAt = new Date(now.getTime() + ctx.livechat.remindMs);
  const [opened] = (await tx.execute(sql`
    insert into handoff_requests (identity_id, dinas_id, message_id, created_at, queued_at, next_at)
    values (${identityId}, ${dinasId}, ${messageId}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, ${nextAt.toISOString()}::timestamptz)
    on conflict (identity_id) where resolved_at is null do nothing
    returning id, dinas_id`)) as unknown as { id: string; dinas_id: number }[];
  const [open] = opened
    ? [opened]
    : ((await tx.execute(sql`select id, dinas_id from handoff_requests where identity_id = ${identityId} and resolved_at is null`)) as unknown as {
        id: string;
        dinas_id: number;
      }[]);
  if (opened) {
    await livechatNotice(tx, 'queued', { dinasId, handoffId: Number(opened.id) });
    work.after.push(() => scheduleLivechatTimers(ctx, [{ id: Number(opened.id), nextAt }]));
  }
  const [desk] = (await tx.execute(sql`select hours, staff_availability from dinas where id = ${open.dinas_id}`)) as unknown as {
    hours: { id: string; en: string };
    staff_availability: Availability;
  }[];
  const { holidays } = await ctx.caseSettings.within(tx);
  const availableNow = staffAvailableNow(desk.staff_availability, now, holidays);
  const next = availableNow ? null : nextStaffHours(desk.staff_availability, now, holidays);
  return {
    type: 'result.humanRequested',
    staffAvailableNow: availableNow,
    hours: desk.hours,
    answerFrom: next && localIso(next, desk.staff_availability.timeZone),
  };
}

/** The citizen left the petugas flow: a request no officer took leaves the queue. */
export async function withdrawHuman(work: CaseWork, identityId: number): Promise<void> {
  const { tx, now } = work;
  const rows = (await tx.execute(sql`
    update handoff_requests set resolved_at = ${now.toISOString()}::timestamptz, resolution = 'withdrawn', next_at = null
    where identity_id = ${identityId} and resolved_at is null and taken_by_staff_id is null
    returning id, dinas_id`)) as unknown as { id: string; dinas_id: number }[];
  for (const row of rows) await livechatNotice(tx, 'withdrawn', { dinasId: row.dinas_id, handoffId: Number(row.id) });
}

/**
 * A citizen's message in a chat with an open request: staff watching it see it arrive. When an
 * officer holds the chat the message is theirs (the bot stays quiet) and it keeps the chat from
 * counting as idle; an officer who has not answered yet still has only the untouched time.
 */
export async function citizenWrote(work: CaseWork, handoff: OpenHandoff): Promise<void> {
  const { tx, now, ctx } = work;
  if (handoff.taken) {
    const [moved] = (await tx.execute(sql`
      update handoff_requests set activity_at = ${now.toISOString()}::timestamptz,
        next_at = case when officer_at is null then next_at else ${new Date(now.getTime() + ctx.livechat.idleMs).toISOString()}::timestamptz end
      where id = ${handoff.id} and resolved_at is null
      returning id, next_at`)) as unknown as { id: string; next_at: string | null }[];
    if (moved?.next_at) work.after.push(() => scheduleLivechatTimers(ctx, [{ id: handoff.id, nextAt: new Date(moved.next_at!) }]));
  }
  await livechatNotice(tx, 'message', { dinasId: handoff.dinasId, handoffId: handoff.id });
}
