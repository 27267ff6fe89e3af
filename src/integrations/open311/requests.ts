/**
 * Cases as Open311 service requests. What a public response may say: the ticket, the service,
 * the status and the last public note (never a reply into the citizen's chat, which may name
 * people), the dinas, the times, the description, and the place to about 100 m. The note and the
 * description are free text: the case's own personal values (name, address, phone, e-mail, NIK)
 * are taken out of them and long numbers masked (`publicTextOf`). What it never says: anything about the reporter (name,
 * phone, NIK, e-mail), and the typed address — the lapor flow asks for "jalan, RT/RW,
 * kelurahan", which for a social-assistance case is usually somebody's home. Confidential
 * (rahasia) cases are never listed nor found.
 */
import { and, desc, eq, gte, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { FINISHED_STATUSES, type CaseStatus } from '../../conversation/contract.js';
import type { Db } from '../../db/client.js';
import * as t from '../../db/schema.js';
import type { NikKeys } from '../../pii/nik.js';
import { personalColumns, publicTextOf, reporterChat, reporterCitizen, reporterRequest } from '../personal-values.js';
import { CATEGORY_PREFIX } from './services.js';

/** The spec's default window, and our ceiling on one answer. */
export const DEFAULT_DAYS = 90;
export const MAX_REQUESTS = 1_000;

export interface RequestFilter {
  tickets?: string[];
  serviceCodes?: string[];
  start?: Date;
  end?: Date;
  status?: ('open' | 'closed')[];
  dinasId?: number;
}

/** About 100 m: enough to map the problem, not to point at one house. */
const coarse = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 1000) / 1000);

const columns = {
  ticket: t.cases.ticket,
  status: t.cases.status,
  serviceCode: t.cases.serviceCode,
  categoryCode: t.cases.categoryCode,
  serviceName: t.services.name,
  categoryName: t.categories.name,
  description: t.cases.description,
  dinasName: t.dinas.name,
  createdAt: t.cases.createdAt,
  updatedAt: t.cases.updatedAt,
  slaDueAt: t.cases.slaDueAt,
  note: sql<string | null>`(select e.note from case_events e where e.case_id = ${t.cases.id} and e.public and e.type <> 'reply' and e.note is not null order by e.id desc limit 1)`,
  ...personalColumns,
};

function selectRequests(db: Db) {
  return db
    .select(columns)
    .from(t.cases)
    .innerJoin(t.dinas, eq(t.dinas.id, t.cases.dinasId))
    .leftJoin(t.services, eq(t.services.code, t.cases.serviceCode))
    .leftJoin(t.categories, eq(t.categories.code, t.cases.categoryCode))
    .leftJoin(t.citizens, reporterCitizen)
    .leftJoin(t.channelIdentities, reporterChat)
    .leftJoin(t.open311Requests, reporterRequest)
    .$dynamic();
}

type Row = Awaited<ReturnType<typeof selectRequests>>[number];

function toServiceRequest(row: Row, keys: NikKeys) {
  const open = !FINISHED_STATUSES.includes(row.status as CaseStatus);
  return {
    service_request_id: row.ticket,
    status: open ? 'open' : 'closed',
    status_notes: row.note === null ? null : publicTextOf(row.note, row, keys),
    service_name: row.serviceName?.id ?? row.categoryName?.id ?? row.categoryCode,
    service_code: row.serviceCode ?? `${CATEGORY_PREFIX}${row.categoryCode}`,
    description: publicTextOf(row.description, row, keys),
    agency_responsible: row.dinasName,
    requested_datetime: row.createdAt.toISOString(),
    updated_datetime: row.updatedAt.toISOString(),
    expected_datetime: open && row.slaDueAt ? row.slaDueAt.toISOString() : null,
    lat: coarse(row.location?.latitude) ?? null,
    long: coarse(row.location?.longitude) ?? null,
  };
}

export type ServiceRequest = ReturnType<typeof toServiceRequest>;

function serviceCodeCondition(codes: string[]): SQL | undefined {
  const categories = codes.filter((c) => c.startsWith(CATEGORY_PREFIX)).map((c) => c.slice(CATEGORY_PREFIX.length));
  const services = codes.filter((c) => !c.startsWith(CATEGORY_PREFIX));
  return or(
    services.length ? inArray(t.cases.serviceCode, services) : undefined,
    categories.length ? and(isNull(t.cases.serviceCode), inArray(t.cases.categoryCode, categories)) : undefined,
  );
}

/** GET requests.json: with ticket ids every other filter is ignored, as the spec says. `keys` recognise the reporter's NIK in free text. */
export async function findServiceRequests(db: Db, filter: RequestFilter, now: Date, keys: NikKeys): Promise<ServiceRequest[]> {
  const conditions: (SQL | undefined)[] = [eq(t.cases.confidential, false)];
  if (filter.dinasId !== undefined) conditions.push(eq(t.cases.dinasId, filter.dinasId));
  if (filter.tickets?.length) {
    conditions.push(inArray(t.cases.ticket, filter.tickets));
  } else {
    const end = filter.end ?? now;
    const start = filter.start ?? new Date((filter.end ?? now).getTime() - DEFAULT_DAYS * 86_400_000);
    conditions.push(gte(t.cases.createdAt, start), lte(t.cases.createdAt, end));
    if (filter.serviceCodes?.length) conditions.push(serviceCodeCondition(filter.serviceCodes));
    if (filter.status?.length === 1) {
      const closed = inArray(t.cases.status, [...FINISHED_STATUSES]);
      conditions.push(filter.status[0] === 'closed' ? closed : sql`not ${closed}`);
    }
  }
  const rows = await selectRequests(db)
    .where(and(...conditions))
    .orderBy(desc(t.cases.createdAt), desc(t.cases.id))
    .limit(MAX_REQUESTS);
  return rows.map((row) => toServiceRequest(row, keys));
}
