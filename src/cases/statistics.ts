/**
 * A scope's numbers, as a pimpinan reads them: per month and category, how many cases came in
 * and how many of them were handled, how the SLA clocks fared, how long the first response and
 * the resolution took, how citizens rated the handling, and through which channel cases came.
 *
 * Definitions (the README repeats them for staff):
 * - Every number is about the cases **received** in the range (by `created_at`), grouped by the
 *   month they were received in, in Asia/Jakarta time: a cohort, as LAPOR! reports "tindak
 *   lanjut" (45,832 received in 2018, 57% of them followed up).
 * - **Handled** (*ditindaklanjuti*): the case's status now is `selesai` or `ditutup` (resolved),
 *   `ditolak` (rejected with a reason) or `duplikat` (merged into another): the dinas has
 *   answered it and nothing more is owed. A reopened case counts as open again.
 * - **SLA compliance**: the verify and follow-up clocks (`case_timers`) of those cases: *met* =
 *   stopped at or before their due moment, *breached* = stopped after it or still running past
 *   it, *running* = still within time; compliance = met / (met + breached).
 * - **First response**: from receipt to the first thing the dinas (staff or its own system) did
 *   that moves the case or speaks to the citizen — a status change, re-route, merge, reply or
 *   public note; internal notes, assignments and the system's own reminders do not count.
 * - **Resolution**: from receipt to the first `selesai`; rejected and duplicate cases have none.
 * - **Ratings**: the citizen's latest rating (1–5) of each case.
 *
 * Scope is the case service's own (`scopeOf`, as an aggregate): the numbers never include a case
 * of another dinas, unit or region; a confidential case counts for its whole dinas, though only
 * its unit may open it. The results are aggregates only; nothing here lists cases or people.
 *
 * @example
 *   const stats = await caseStatistics(ctx, staff.actor, { from: '2026-01-01', to: '2026-12-31' });
 *   stats.months.map((m) => [m.month, m.received, m.handled]);
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { PipelineContext } from '../conversation/context.js';
import * as t from '../db/schema.js';
import type { Actor } from './events.js';
import { scopeOf } from './service.js';

/** Months and date ranges are read in Western Indonesia Time, as the national reports are. */
export const STATISTICS_TIME_ZONE = 'Asia/Jakarta';
/** The longest range one request may ask for: five years of months. */
export const MAX_RANGE_DAYS = 5 * 366;

const DAY_MS = 86_400_000;

/** A range of local dates (inclusive), optionally narrowed to one dinas within the staff member's scope. */
export const statisticsRange = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    dinasId: z.coerce.number().int().positive().optional(),
  })
  .refine((r) => r.from <= r.to, { message: '`from` must not be after `to`', path: ['to'] })
  .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / DAY_MS < MAX_RANGE_DAYS, { message: `at most ${MAX_RANGE_DAYS} days`, path: ['to'] });
export type StatisticsRange = z.infer<typeof statisticsRange>;

const count = z.number().int().nonnegative();
const seconds = z.number().int().nonnegative().nullable();

export const slaCountsSchema = z.object({
  met: count,
  breached: count,
  running: count,
  compliance: z.number().nullable().describe('met / (met + breached); null when no clock has an outcome yet'),
});
export type SlaCounts = z.infer<typeof slaCountsSchema>;

export const aggregateSchema = z.object({
  received: count,
  handled: count.describe('resolved + rejected + duplicate'),
  handledShare: z.number().nullable().describe('handled / received; null without cases'),
  resolved: count.describe('selesai or ditutup now'),
  rejected: count,
  duplicate: count,
  open: count.describe('received and not handled (yet)'),
  medianFirstResponseSeconds: seconds,
  responded: count.describe('cases with a first response: the median’s sample'),
  medianResolutionSeconds: seconds,
  resolvedOnce: count.describe('cases that reached selesai at least once'),
  ratings: z.object({
    count,
    mean: z.number().nullable(),
    distribution: z.tuple([count, count, count, count, count]).describe('counts of 1 to 5 stars'),
  }),
  sla: z.object({ verify: slaCountsSchema, followUp: slaCountsSchema }),
});
export type Aggregate = z.infer<typeof aggregateSchema>;

export const caseStatisticsSchema = z.object({
  range: z.object({ from: z.string(), to: z.string(), dinasId: z.number().int().nullable(), timeZone: z.string() }),
  total: aggregateSchema,
  months: z.array(aggregateSchema.extend({ month: z.string() })).describe('every month of the range, oldest first, months without cases included'),
  categories: z.array(aggregateSchema.extend({ category: z.string() })).describe('categories with cases, most received first'),
  monthCategories: z.array(aggregateSchema.extend({ month: z.string(), category: z.string() })),
  channels: z.array(aggregateSchema.extend({ channel: z.string() })),
});
export type CaseStatistics = z.infer<typeof caseStatisticsSchema>;

/** The months ('YYYY-MM') a range of local dates touches. */
export function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let [year, month] = from.slice(0, 7).split('-').map(Number);
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
}

const emptySla = (): SlaCounts => ({ met: 0, breached: 0, running: 0, compliance: null });

function emptyAggregate(): Aggregate {
  return {
    received: 0,
    handled: 0,
    handledShare: null,
    resolved: 0,
    rejected: 0,
    duplicate: 0,
    open: 0,
    medianFirstResponseSeconds: null,
    responded: 0,
    medianResolutionSeconds: null,
    resolvedOnce: 0,
    ratings: { count: 0, mean: null, distribution: [0, 0, 0, 0, 0] },
    sla: { verify: emptySla(), followUp: emptySla() },
  };
}

/** Which grouping a result row belongs to, from Postgres's `grouping()` bits (1 = rolled up). */
type GroupKey = 'monthCategory' | 'month' | 'category' | 'channel' | 'total';
function groupOf(row: GroupColumns): GroupKey {
  const bits = `${row.g_month}${row.g_category}${row.g_channel}`;
  const groups: Record<string, GroupKey> = { '001': 'monthCategory', '011': 'month', '101': 'category', '110': 'channel', '111': 'total' };
  return groups[bits];
}

/** Which group a result row is, and its keys (null where rolled up). */
interface GroupColumns {
  g_month: number;
  g_category: number;
  g_channel: number;
  month: string | null;
  category: string | null;
  channel: string | null;
}

interface CaseRowOut extends GroupColumns {
  received: number;
  resolved: number;
  rejected: number;
  duplicate: number;
  median_response: number | null;
  responded: number;
  median_resolution: number | null;
  resolved_once: number;
  rated: number;
  mean_rating: number | null;
  r1: number;
  r2: number;
  r3: number;
  r4: number;
  r5: number;
  v_met: number;
  v_breached: number;
  v_running: number;
  f_met: number;
  f_breached: number;
  f_running: number;
}

/** Written as the partial indexes' predicates (unqualified: they run inside `from case_events`), so the planner matches them. */
const RESPONSE = sql.raw(t.CASE_RESPONSE_EVENT);
const RESOLUTION = sql.raw(t.CASE_RESOLUTION_EVENT);

/**
 * The scope's cases received in the range: one pass over `cases` (by `cases_dinas_created` for a
 * dinas's staff). The channel is the one copied onto the case at opening: an erased reporter's
 * cases move to a chat-less identity, and still count for the channel they came in by.
 */
function scopedCases(actor: Actor, range: StatisticsRange): SQL {
  const conditions: SQL[] = [
    sql`${t.cases.createdAt} >= (${range.from}::date)::timestamp at time zone ${STATISTICS_TIME_ZONE}`,
    sql`${t.cases.createdAt} < (${range.to}::date + 1)::timestamp at time zone ${STATISTICS_TIME_ZONE}`,
  ];
  const scope = scopeOf(actor, { aggregate: true });
  if (scope) conditions.push(scope);
  if (range.dinasId !== undefined) conditions.push(eq(t.cases.dinasId, range.dinasId));
  return sql`
    select ${t.cases.id} as id, ${t.cases.createdAt} as created_at, ${t.cases.status} as status, ${t.cases.rating} as rating,
           ${t.cases.categoryCode} as category, ${t.cases.channel} as channel,
           to_char(${t.cases.createdAt} at time zone ${STATISTICS_TIME_ZONE}, 'YYYY-MM') as month
    from ${t.cases}
    where ${sql.join(conditions, sql` and `)}`;
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Statistics of the cases in `actor`'s scope received in `range` (see the module comment for the definitions). */
export async function caseStatistics(ctx: PipelineContext, actor: Extract<Actor, { kind: 'staff' }>, input: z.input<typeof statisticsRange>): Promise<CaseStatistics> {
  const range = statisticsRange.parse(input);
  const now = ctx.now().toISOString();
  const scoped = scopedCases(actor, range);

  // The plan is index lookups per case: compiling it with JIT cost seconds and bought nothing (the
  // app's connections run without JIT, src/db/client.ts).
  const rows = await ctx.db.db.execute<CaseRowOut & Record<string, unknown>>(sql`
      with s as (${scoped})
      select grouping(s.month) as g_month, grouping(s.category) as g_category, grouping(s.channel) as g_channel,
             s.month, s.category, s.channel,
             count(*)::int as received,
             count(*) filter (where s.status in ('selesai', 'ditutup'))::int as resolved,
             count(*) filter (where s.status = 'ditolak')::int as rejected,
             count(*) filter (where s.status = 'duplikat')::int as duplicate,
             percentile_cont(0.5) within group (order by extract(epoch from f.responded_at - s.created_at)) as median_response,
             count(f.responded_at)::int as responded,
             percentile_cont(0.5) within group (order by extract(epoch from z.resolved_at - s.created_at)) as median_resolution,
             count(z.resolved_at)::int as resolved_once,
             count(s.rating)::int as rated,
             avg(s.rating)::float8 as mean_rating,
             count(*) filter (where s.rating = 1)::int as r1,
             count(*) filter (where s.rating = 2)::int as r2,
             count(*) filter (where s.rating = 3)::int as r3,
             count(*) filter (where s.rating = 4)::int as r4,
             count(*) filter (where s.rating = 5)::int as r5,
             coalesce(sum(k.v_met), 0)::int as v_met, coalesce(sum(k.v_breached), 0)::int as v_breached, coalesce(sum(k.v_running), 0)::int as v_running,
             coalesce(sum(k.f_met), 0)::int as f_met, coalesce(sum(k.f_breached), 0)::int as f_breached, coalesce(sum(k.f_running), 0)::int as f_running
      from s
      -- Per case, through indexes: the work grows with the scope's cases, not with the tables.
      left join lateral (
        select created_at as responded_at from case_events where case_id = s.id and ${RESPONSE} order by created_at limit 1
      ) f on true
      left join lateral (
        select created_at as resolved_at from case_events where case_id = s.id and ${RESOLUTION} order by created_at limit 1
      ) z on true
      cross join lateral (
        select count(*) filter (where kind = 'verify' and done_at <= due_at) as v_met,
               count(*) filter (where kind = 'verify' and coalesce(done_at, ${now}::timestamptz) > due_at) as v_breached,
               count(*) filter (where kind = 'verify' and done_at is null and due_at >= ${now}::timestamptz) as v_running,
               count(*) filter (where kind = 'follow_up' and done_at <= due_at) as f_met,
               count(*) filter (where kind = 'follow_up' and coalesce(done_at, ${now}::timestamptz) > due_at) as f_breached,
               count(*) filter (where kind = 'follow_up' and done_at is null and due_at >= ${now}::timestamptz) as f_running
        from case_timers where case_id = s.id and kind in ('verify', 'follow_up')
      ) k
      group by grouping sets ((s.month, s.category), (s.month), (s.category), (s.channel), ())`);

  const sla = (met: number, breached: number, running: number): SlaCounts => ({ met, breached, running, compliance: share(met, met + breached) });
  const groups = new Map<string, Aggregate & { month: string | null; category: string | null; channel: string | null; group: GroupKey }>();
  for (const row of rows) {
    const group = groupOf(row);
    const done = row.resolved + row.rejected + row.duplicate;
    groups.set(`${group}|${row.month}|${row.category}|${row.channel}`, {
      group,
      month: row.month,
      category: row.category,
      channel: row.channel,
      received: row.received,
      handled: done,
      handledShare: share(done, row.received),
      resolved: row.resolved,
      rejected: row.rejected,
      duplicate: row.duplicate,
      open: row.received - done,
      medianFirstResponseSeconds: row.median_response === null ? null : Math.round(row.median_response),
      responded: row.responded,
      medianResolutionSeconds: row.median_resolution === null ? null : Math.round(row.median_resolution),
      resolvedOnce: row.resolved_once,
      ratings: { count: row.rated, mean: row.mean_rating, distribution: [row.r1, row.r2, row.r3, row.r4, row.r5] },
      sla: { verify: sla(row.v_met, row.v_breached, row.v_running), followUp: sla(row.f_met, row.f_breached, row.f_running) },
    });
  }

  const of = (group: GroupKey) => [...groups.values()].filter((g) => g.group === group);
  const strip = <T extends { group: GroupKey; month: string | null; category: string | null; channel: string | null }>(g: T) => {
    const { group: _g, month: _m, category: _c, channel: _ch, ...aggregate } = g;
    return aggregate;
  };
  const byMonth = new Map(of('month').map((g) => [g.month!, strip(g)]));
  return {
    range: { from: range.from, to: range.to, dinasId: range.dinasId ?? null, timeZone: STATISTICS_TIME_ZONE },
    total: of('total').map(strip)[0] ?? emptyAggregate(),
    months: monthsOf(range.from, range.to).map((month) => ({ month, ...(byMonth.get(month) ?? emptyAggregate()) })),
    categories: of('category')
      .map((g) => ({ category: g.category!, ...strip(g) }))
      .sort((a, b) => b.received - a.received || a.category.localeCompare(b.category)),
    monthCategories: of('monthCategory')
      .map((g) => ({ month: g.month!, category: g.category!, ...strip(g) }))
      .sort((a, b) => a.month.localeCompare(b.month) || a.category.localeCompare(b.category)),
    channels: of('channel')
      .map((g) => ({ channel: g.channel!, ...strip(g) }))
      .sort((a, b) => b.received - a.received || a.channel.localeCompare(b.channel)),
  };
}

const CSV_COLUMNS = [
  'group', 'month', 'category', 'channel', 'received', 'handled', 'handled_pct', 'resolved', 'rejected', 'duplicate', 'open',
  'median_first_response_hours', 'responded', 'median_resolution_hours', 'resolved_once',
  'ratings', 'rating_mean', 'rating_1', 'rating_2', 'rating_3', 'rating_4', 'rating_5',
  'sla_verify_met', 'sla_verify_breached', 'sla_verify_running', 'sla_verify_compliance_pct',
  'sla_follow_up_met', 'sla_follow_up_breached', 'sla_follow_up_running', 'sla_follow_up_compliance_pct',
] as const;

/** A cell as text: quoted when needed, and never read as a formula by a spreadsheet. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const round = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)));
const pct = (value: number | null) => round(value === null ? null : value * 100, 1);
const hours = (seconds: number | null) => round(seconds === null ? null : seconds / 3600, 1);

function csvRow(group: string, key: { month?: string; category?: string; channel?: string }, a: Aggregate): string {
  const sla = (c: SlaCounts) => [c.met, c.breached, c.running, pct(c.compliance)];
  return [
    group, key.month ?? null, key.category ?? null, key.channel ?? null,
    a.received, a.handled, pct(a.handledShare), a.resolved, a.rejected, a.duplicate, a.open,
    hours(a.medianFirstResponseSeconds), a.responded, hours(a.medianResolutionSeconds), a.resolvedOnce,
    a.ratings.count, round(a.ratings.mean, 2), ...a.ratings.distribution,
    ...sla(a.sla.verify), ...sla(a.sla.followUp),
  ].map(csvCell).join(',');
}

/**
 * The statistics as one CSV table (UTF-8, CRLF): a row per group — total, month, category,
 * month × category, channel — with the same columns. Aggregates only: no ticket, name or case
 * appears, by construction (the input holds none).
 */
export function statisticsCsv(stats: CaseStatistics): string {
  const lines = [
    CSV_COLUMNS.join(','),
    csvRow('total', {}, stats.total),
    ...stats.months.map(({ month, ...a }) => csvRow('month', { month }, a)),
    ...stats.categories.map(({ category, ...a }) => csvRow('category', { category }, a)),
    ...stats.monthCategories.map(({ month, category, ...a }) => csvRow('month-category', { month, category }, a)),
    ...stats.channels.map(({ channel, ...a }) => csvRow('channel', { channel }, a)),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
