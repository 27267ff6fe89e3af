/**
 * The inbox: `GET /api/v1/cases` (a page of cases in my scope, newest first or by SLA due, filtered
 * and searched; `next` fetches the following page) and `GET /api/v1/cases/counts` (the side bar).
 * Rows carry what the list shows and nothing personal — no names, NIK, phone numbers or the
 * citizen's words — so listing is not an access to personal data and is not audited; the case
 * page is. Scope is the case service's: a petugas of another dinas gets an empty list.
 */
import { z } from 'zod';
import { CASE_STATUSES } from '../../conversation/contract.js';
import { caseListFilters, type CaseListFilters } from '../../cases/service.js';
import type { ConsoleRouteModule } from '../api.js';
import { requirePermission } from '../permissions.js';

/** `status=baru,diproses` (or the key repeated). */
const statusList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).filter(Boolean))
  .pipe(z.array(z.enum(CASE_STATUSES)).min(1).max(CASE_STATUSES.length));
const id = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const filters = caseListFilters.shape;

const narrowing = z.object({
  category: filters.category,
  unitId: id.optional(),
  channel: filters.channel,
});

const listQuery = narrowing.extend({
  q: filters.q,
  status: statusList.optional(),
  /** An officer's staff id, or `me`. */
  assignee: z.union([z.literal('me'), id]).optional(),
  unassigned: flag.optional(),
  sla: filters.sla,
  sort: z.enum(['newest', 'due']).optional(),
  after: filters.after,
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

const listItem = z.object({
  ticket: z.string(),
  kind: z.string(),
  status: z.enum(CASE_STATUSES),
  categoryCode: z.string(),
  dinasId: z.number(),
  unitId: z.number().nullable(),
  assigneeStaffId: z.number().nullable(),
  channel: z.string(),
  anonymous: z.boolean(),
  confidential: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
  slaDueAt: z.date().nullable(),
  sla: z.enum(['due-soon', 'breached']).nullable(),
});

const statusCounts = z.object(Object.fromEntries(CASE_STATUSES.map((s) => [s, z.number()])) as Record<(typeof CASE_STATUSES)[number], z.ZodNumber>);

export const inboxRoutes: ConsoleRouteModule = (api, { cases }) => {
  api.get(
    '/cases',
    {
      preHandler: requirePermission('cases.read'),
      schema: {
        tags: ['inbox'],
        summary: 'Cases in my scope, a page at a time (newest first, or `sort=due`); pass `next` as `after` for the following page',
        querystring: listQuery,
        response: { 200: z.object({ cases: z.array(listItem), next: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { assignee, ...query } = request.query;
      const filters: CaseListFilters = { ...query, assigneeStaffId: assignee === 'me' ? request.staff.id : assignee, limit: query.limit ?? 50 };
      const page = await cases.listCases(request.staff.actor, filters);
      return { cases: page.cases.map(({ regionCode: _region, ...row }) => row), next: page.next };
    },
  );

  api.get(
    '/cases/counts',
    {
      preHandler: requirePermission('cases.read'),
      schema: {
        tags: ['inbox'],
        summary: `How many cases each inbox view holds within my scope and the narrowing filters; counting stops past \`cap\` (a count of cap + 1 means "more")`,
        querystring: narrowing,
        response: {
          200: z.object({
            total: z.number(),
            status: statusCounts,
            dueSoon: z.number(),
            breached: z.number(),
            unassigned: z.number(),
            mine: z.number(),
            cap: z.number(),
          }),
        },
      },
    },
    async (request) => cases.countCases(request.staff.actor, request.query),
  );
};
