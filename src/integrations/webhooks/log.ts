/**
 * The webhook delivery log as operators read it (the console's operations page and the admin-token
 * routes): deliveries newest first with every attempt, a page at a time. Payloads stay out: they
 * carry the case's content, and the log is about whether the dinas's system got it.
 *
 * @example
 *   const { deliveries, next } = await deliveryLog(ctx.db.db, { status: 'failed', dinasId: 1 });
 *   await redeliverWebhook(ctx, deliveries[0].id);
 */
import { and, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import * as t from '../../db/schema.js';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export interface DeliveryLogFilter {
  /** Only this dinas's endpoints (a dinas admin's scope); absent: every dinas. */
  dinasId?: number;
  endpointId?: number;
  status?: (typeof DELIVERY_STATUSES)[number];
  /** The `next` of the previous page. */
  before?: number;
  limit?: number;
}

export interface DeliveryAttempt {
  at: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export interface DeliveryLogEntry {
  id: number;
  endpointId: number;
  url: string;
  dinasId: number;
  caseId: number;
  ticket: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  log: DeliveryAttempt[];
}

export async function deliveryLog(db: Db, filter: DeliveryLogFilter = {}): Promise<{ deliveries: DeliveryLogEntry[]; next: number | null }> {
  const limit = filter.limit ?? 50;
  const conditions: (SQL | undefined)[] = [
    filter.dinasId === undefined ? undefined : eq(t.webhookEndpoints.dinasId, filter.dinasId),
    filter.endpointId === undefined ? undefined : eq(t.webhookDeliveries.endpointId, filter.endpointId),
    filter.status === undefined ? undefined : eq(t.webhookDeliveries.status, filter.status),
    filter.before === undefined ? undefined : lt(t.webhookDeliveries.id, filter.before),
  ];
  const rows = await db
    .select({
      id: t.webhookDeliveries.id,
      endpointId: t.webhookDeliveries.endpointId,
      url: t.webhookEndpoints.url,
      dinasId: t.webhookEndpoints.dinasId,
      caseId: t.webhookDeliveries.caseId,
      ticket: t.cases.ticket,
      eventType: t.webhookDeliveries.eventType,
      status: t.webhookDeliveries.status,
      attempts: t.webhookDeliveries.attempts,
      nextAttemptAt: t.webhookDeliveries.nextAttemptAt,
      lastStatusCode: t.webhookDeliveries.lastStatusCode,
      lastError: t.webhookDeliveries.lastError,
      createdAt: t.webhookDeliveries.createdAt,
      deliveredAt: t.webhookDeliveries.deliveredAt,
    })
    .from(t.webhookDeliveries)
    .innerJoin(t.webhookEndpoints, eq(t.webhookEndpoints.id, t.webhookDeliveries.endpointId))
    .innerJoin(t.cases, eq(t.cases.id, t.webhookDeliveries.caseId))
    .where(and(...conditions))
    .orderBy(desc(t.webhookDeliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const attempts = page.length
    ? await db.select().from(t.webhookAttempts).where(inArray(t.webhookAttempts.deliveryId, page.map((d) => d.id))).orderBy(t.webhookAttempts.id)
    : [];
  return {
    deliveries: page.map((d) => ({
      ...d,
      log: attempts.filter((a) => a.deliveryId === d.id).map(({ at, statusCode, durationMs, error }) => ({ at, statusCode, durationMs, error })),
    })),
    next: rows.length > limit ? page[page.length - 1].id : null,
  };
}

/** The dinas whose endpoint a delivery goes to, or null when there is no such delivery. */
export async function deliveryDinas(db: Db, deliveryId: number): Promise<number | null> {
  const [row] = await db
    .select({ dinasId: t.webhookEndpoints.dinasId })
    .from(t.webhookDeliveries)
    .innerJoin(t.webhookEndpoints, eq(t.webhookEndpoints.id, t.webhookDeliveries.endpointId))
    .where(eq(t.webhookDeliveries.id, deliveryId));
  return row?.dinasId ?? null;
}
