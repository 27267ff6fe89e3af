/**
 * Statistics of the logged-in person's scope (`stats.read`: every role). The scope is the case
 * service's own — a petugas counts their unit's cases, a verifikator or pimpinan their dinas's, an
 * admin without a dinas every dinas (or the one asked for) — so nobody counts a case they could
 * not open. Aggregates only: no route here returns a ticket, a name or a case.
 */
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { caseStatistics, caseStatisticsSchema, statisticsCsv, statisticsRange } from '../../cases/statistics.js';
import * as t from '../../db/schema.js';
import type { ConsoleRouteModule } from '../api.js';
import { recordAudit } from '../audit.js';
import { requirePermission } from '../permissions.js';

const response = caseStatisticsSchema.extend({
  /** The dinas this person may narrow the numbers to (one, unless they stand above every dinas). */
  dinasOptions: z.array(z.object({ id: z.number().int(), name: z.string() })),
  /** Names of the categories by code, in both languages, for the tables. */
  categoryNames: z.record(z.string(), z.object({ id: z.string(), en: z.string() })),
});

export const statisticsRoutes: ConsoleRouteModule = (api, { ctx }) => {
  const db = ctx.db.db;
  const guard = { preHandler: requirePermission('stats.read') };

  api.get(
    '/statistics',
    {
      ...guard,
      schema: {
        tags: ['statistics'],
        summary: 'Received vs handled per month and category, SLA compliance, medians, ratings and channels of my scope',
        description:
          'Cases received between `from` and `to` (local dates in Asia/Jakarta, inclusive). Handled = selesai, ditutup, ditolak or duplikat now. `dinasId` narrows within the scope; it never widens it.',
        querystring: statisticsRange,
        response: { 200: response },
      },
    },
    async (request) => {
      const staff = request.staff;
      const stats = await caseStatistics(ctx, staff.actor, request.query);
      const dinasOptions = await db
        .select({ id: t.dinas.id, name: t.dinas.name })
        .from(t.dinas)
        .where(staff.dinasId === null ? undefined : eq(t.dinas.id, staff.dinasId))
        .orderBy(asc(t.dinas.name));
      const categories = await db.select({ code: t.categories.code, name: t.categories.name }).from(t.categories);
      return {
        ...stats,
        dinasOptions: staff.role === 'admin' || staff.dinasId !== null ? dinasOptions : [],
        categoryNames: Object.fromEntries(categories.map((c) => [c.code, c.name])),
      };
    },
  );

  api.get(
    '/statistics.csv',
    {
      ...guard,
      schema: {
        tags: ['statistics'],
        summary: 'The same statistics as CSV: one row per total, month, category, month × category and channel',
        querystring: statisticsRange,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const stats = await caseStatistics(ctx, request.staff.actor, request.query);
      await recordAudit(db, { staff: request.staff, action: 'stats.export', details: { ...stats.range }, ip: request.ip, at: ctx.now() });
      const dinas = stats.range.dinasId === null ? '' : `-dinas${stats.range.dinasId}`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="statistik-${stats.range.from}-${stats.range.to}${dinas}.csv"`)
        .header('cache-control', 'no-store')
        .send(statisticsCsv(stats));
    },
  );
};
