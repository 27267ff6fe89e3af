/**
 * The audit log: who saw or changed what. Every view of a case's personal data, every NIK
 * unmasked, every change of settings and accounts is a row, and so is every citizen's request
 * about their own data in the chat (`citizen.data.view`, `citizen.data.erase`: no staff member,
 * the chat's identity id in `details`). `details` names what was touched (ids, field names,
 * counts), never the personal data itself.
 *
 * @example
 *   await recordAudit(ctx.db.db, { staff: request.staff, action: 'case.nik.unmask', ticket, ip: request.ip, at: ctx.now() });
 */
import type { Db, Tx } from '../db/client.js';
import * as t from '../db/schema.js';

export interface AuditEntry {
  /** Who; null before login (a failed login), and for a citizen's own request in the chat. */
  staff: { id: number } | null;
  /** Dotted verb: `case.view`, `case.nik.unmask`, `case.photo`, `auth.login`, `auth.login.failed`, `catalogue.service.update`… */
  action: string;
  ticket?: string | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
  at: Date;
}

export async function recordAudit(db: Db | Tx, entry: AuditEntry): Promise<void> {
  await db.insert(t.auditLog).values({
    staffId: entry.staff?.id ?? null,
    action: entry.action,
    ticket: entry.ticket ?? null,
    details: entry.details ?? null,
    ip: entry.ip ?? null,
    at: entry.at,
  });
}
