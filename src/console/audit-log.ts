/**
 * Reading the audit log (operations page): newest first, filtered by staff member, action (a
 * dotted prefix: `case` matches `case.view` and `case.nik.unmask`) and ticket, a page at a time.
 * A dinas admin reads the rows of their own dinas's staff; an admin above every dinas reads all,
 * including failed logins (which have no staff member).
 */
import { and, desc, eq, like, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import * as t from '../db/schema.js';
import { normaliseTicket } from '../cases/ticket.js';

export interface AuditFilter {
  /** Only rows of this dinas's staff; null: every row. */
  dinasId: number | null;
  staffId?: number;
  action?: string;
  ticket?: string;
  /** The `next` of the previous page. */
  before?: string;
  limit?: number;
}

/** `<at ISO>_<id>`: rows are ordered by time, then id. */
export const AUDIT_CURSOR = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z_\d+$/;

export async function listAudit(db: Db, filter: AuditFilter) {
  const limit = filter.limit ?? 50;
  const conditions: (SQL | undefined)[] = [];
  if (filter.dinasId !== null) conditions.push(eq(t.staff.dinasId, filter.dinasId));
  if (filter.staffId !== undefined) conditions.push(eq(t.auditLog.staffId, filter.staffId));
  if (filter.action) conditions.push(or(eq(t.auditLog.action, filter.action), like(t.auditLog.action, `${filter.action.replace(/[\\%_]/g, '')}.%`)));
  if (filter.ticket) conditions.push(eq(t.auditLog.ticket, normaliseTicket(filter.ticket) ?? filter.ticket));
  if (filter.before) {
    const [at, id] = filter.before.split('_');
    conditions.push(sql`(${t.auditLog.at}, ${t.auditLog.id}) < (${at}::timestamptz, ${Number(id)})`);
  }
  const rows = await db
    .select({
      id: t.auditLog.id,
      at: t.auditLog.at,
      action: t.auditLog.action,
      ticket: t.auditLog.ticket,
      details: t.auditLog.details,
      ip: t.auditLog.ip,
      staffId: t.auditLog.staffId,
      staffName: t.staff.name,
      staffEmail: t.staff.email,
    })
    .from(t.auditLog)
    .leftJoin(t.staff, eq(t.staff.id, t.auditLog.staffId))
    .where(and(...conditions))
    .orderBy(desc(t.auditLog.at), desc(t.auditLog.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  const last = entries[entries.length - 1];
  return { entries, next: rows.length > limit ? `${last.at.toISOString()}_${last.id}` : null };
}
