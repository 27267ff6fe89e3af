/**
 * What each console role may do. Which cases a person sees is not decided here but in the case
 * service's queries (scope by dinas, unit and region prefix); this table says which kinds of
 * action a role may take at all.
 *
 * @example
 *   api.post('/catalogue/services', { preHandler: requirePermission('catalogue.edit') }, handler);
 *   if (can(request.staff, 'cases.unmaskNik')) ...
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StaffRole } from './accounts.js';
import type { StaffUser } from './staff-user.js';

export const PERMISSIONS = [
  /** Read cases in scope (inbox, case page, transcript). */
  'cases.read',
  /** Act on cases in scope: status, notes, replies, assignment. */
  'cases.act',
  /** Triage what comes in: verify, reject, route to another dinas, merge duplicates. */
  'cases.triage',
  /** See a NIK in full (each time logged). */
  'cases.unmaskNik',
  /** Take over live chats. */
  'livechat',
  /** Services, categories, units, routing rules. */
  'catalogue.edit',
  /** SLA policies, holidays, notification targets, webhooks. (Ready answers: admins and verifikators of their dinas, see src/cases/canned-replies.ts.) */
  'settings.edit',
  /** Accounts: create, deactivate, reset passwords. */
  'staff.manage',
  /** Statistics and their CSV (aggregates only). */
  'stats.read',
  /** Queue health, WhatsApp link, webhook delivery log, audit log. */
  'ops',
  /** See the dinas's broadcasts, their audience and progress. */
  'broadcasts.read',
  /** Write broadcasts, send or schedule them, pause, resume, cancel. */
  'broadcasts.write',
  /** Approve a large broadcast someone else wrote (the second person). */
  'broadcasts.approve',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  admin: PERMISSIONS,
  verifikator: ['cases.read', 'cases.act', 'cases.triage', 'cases.unmaskNik', 'livechat', 'stats.read', 'broadcasts.read', 'broadcasts.write'],
  petugas: ['cases.read', 'cases.act', 'livechat', 'stats.read'],
  pimpinan: ['cases.read', 'stats.read', 'broadcasts.read', 'broadcasts.approve'],
};

export function permissionsOf(role: StaffRole): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function can(staff: Pick<StaffUser, 'role'>, permission: Permission): boolean {
  return ROLE_PERMISSIONS[staff.role].includes(permission);
}

/** A preHandler answering 403 unless the logged-in person's role has `permission`. */
export function requirePermission(permission: Permission) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.staff || !can(request.staff, permission)) return reply.code(403).send({ error: 'forbidden' });
  };
}
