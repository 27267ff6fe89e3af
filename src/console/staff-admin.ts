/**
 * Accounts as admins manage them (`staff.manage`): create with a one-time password (the person
 * chooses their own at the first login), change role and scope, switch off, reset a password, lift
 * a lockout, remove a lost TOTP phone. An admin of the whole installation manages everyone; an
 * admin of one dinas manages that dinas's accounts only and cannot make accounts outside it. Nobody
 * changes their own role, scope or active flag here (no locking oneself out by accident).
 * Accounts are never deleted: cases, events and the audit log name them.
 */
import { asc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { SettingsRefused, notFound, changedFields, parseInput } from '../catalogue/edit/change.js';
import type { PipelineContext } from '../conversation/context.js';
import type { Tx } from '../db/client.js';
import * as t from '../db/schema.js';
import { createStaffAccount, passwordSchema, resolveScope, setPassword, STAFF_ROLES } from './accounts.js';
import { recordAudit } from './audit.js';
import type { StaffUser } from './staff-user.js';

const id = z.number().int().positive();
const regionPrefix = z.string().regex(/^\d{2,10}$/, 'Kemendagri region code digits');

export const staffCreate = z.object({
  name: z.string().trim().min(1).max(120),
  email: z.email().transform((v) => v.toLowerCase()),
  role: z.enum(STAFF_ROLES),
  dinasId: id.nullable().default(null),
  unitId: id.nullable().default(null),
  regionPrefix: regionPrefix.nullable().default(null),
  supervisor: z.boolean().default(false),
  lang: z.enum(['id', 'en']).default('id'),
  /** A one-time password the admin hands over; it must be changed at the first login. */
  password: passwordSchema,
});

export const staffUpdate = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  role: z.enum(STAFF_ROLES).optional(),
  dinasId: id.nullable().optional(),
  unitId: id.nullable().optional(),
  regionPrefix: regionPrefix.nullable().optional(),
  supervisor: z.boolean().optional(),
  active: z.boolean().optional(),
  lang: z.enum(['id', 'en']).optional(),
});

export const passwordReset = z.object({ password: passwordSchema });

/** What the staff page lists: never the password hash or the TOTP secret. */
const listed = {
  id: t.staff.id,
  name: t.staff.name,
  email: t.staff.email,
  role: t.staff.role,
  dinasId: t.staff.dinasId,
  unitId: t.staff.unitId,
  regionPrefix: t.staff.regionPrefix,
  supervisor: t.staff.supervisor,
  active: t.staff.active,
  lang: t.staff.lang,
  mustChangePassword: t.staff.mustChangePassword,
  lockedUntil: t.staff.lockedUntil,
  lastLoginAt: t.staff.lastLoginAt,
  createdAt: t.staff.createdAt,
};

type Ctx = Pick<PipelineContext, 'db' | 'now'>;
export interface Manager {
  staff: StaffUser;
  ip?: string;
}

function assertManages(manager: Manager, dinasId: number | null): void {
  if (manager.staff.dinasId !== null && manager.staff.dinasId !== dinasId) throw notFound('account');
}

async function audited<T>(ctx: Ctx, manager: Manager, action: string, work: (tx: Tx) => Promise<{ result: T; details: Record<string, unknown> }>): Promise<T> {
  return ctx.db.db.transaction(async (tx) => {
    const { result, details } = await work(tx);
    await recordAudit(tx, { staff: manager.staff, action, details, ip: manager.ip ?? null, at: ctx.now() });
    return result;
  });
}

async function lockAccount(tx: Tx, manager: Manager, staffId: number) {
  const [row] = await tx.select().from(t.staff).where(eq(t.staff.id, staffId)).for('update');
  if (!row) throw notFound('account');
  assertManages(manager, row.dinasId);
  return row;
}

async function showAccount(tx: Tx, staffId: number) {
  const [row] = await tx
    .select({ ...listed, totpEnabled: t.staff.totpSecret })
    .from(t.staff)
    .where(eq(t.staff.id, staffId));
  return { ...row, totpEnabled: row.totpEnabled !== null };
}

export async function listAccounts(ctx: Ctx, manager: Manager) {
  const where: SQL | undefined = manager.staff.dinasId === null ? undefined : eq(t.staff.dinasId, manager.staff.dinasId);
  const rows = await ctx.db.db
    .select({ ...listed, totpSecret: t.staff.totpSecret })
    .from(t.staff)
    .where(where)
    .orderBy(asc(t.staff.active), asc(t.staff.name));
  return rows.map(({ totpSecret, ...row }) => ({ ...row, totpEnabled: totpSecret !== null })).sort((a, b) => Number(b.active) - Number(a.active));
}

/** The dinas and units an account may be given, by name, for the staff page. */
export async function scopeChoices(ctx: Ctx, manager: Manager) {
  const own = manager.staff.dinasId;
  const [dinas, units] = await Promise.all([
    ctx.db.db.select({ id: t.dinas.id, name: t.dinas.name }).from(t.dinas).where(own === null ? undefined : eq(t.dinas.id, own)).orderBy(asc(t.dinas.name)),
    ctx.db.db
      .select({ id: t.units.id, dinasId: t.units.dinasId, name: t.units.name })
      .from(t.units)
      .where(own === null ? undefined : eq(t.units.dinasId, own))
      .orderBy(asc(t.units.name)),
  ]);
  return { dinas, units };
}

export async function createAccount(ctx: Ctx, manager: Manager, input: unknown) {
  const values = parseInput(staffCreate, input);
  assertManages(manager, values.dinasId);
  return audited(ctx, manager, 'staff.create', async (tx) => {
    const { id: staffId } = await createStaffAccount(tx, { ...values, mustChangePassword: true });
    const { email: _email, name: _name, password: _password, ...scope } = values;
    return { result: await showAccount(tx, staffId), details: { staffId, ...scope } };
  });
}

export async function updateAccount(ctx: Ctx, manager: Manager, staffId: number, input: unknown) {
  const values = parseInput(staffUpdate, input);
  return audited(ctx, manager, 'staff.update', async (tx) => {
    const before = await lockAccount(tx, manager, staffId);
    if (staffId === manager.staff.id && (values.role !== undefined || values.dinasId !== undefined || values.unitId !== undefined || values.regionPrefix !== undefined || values.active === false)) {
      throw new SettingsRefused('forbidden', 'your own role, scope and account stay as they are: ask another admin');
    }
    const next = {
      role: values.role ?? before.role,
      dinasId: values.dinasId !== undefined ? values.dinasId : before.dinasId,
      // A unit belongs to its dinas: moving dinas without naming a unit leaves none.
      unitId: values.unitId !== undefined ? values.unitId : values.dinasId !== undefined && values.dinasId !== before.dinasId ? null : before.unitId,
    };
    assertManages(manager, next.dinasId);
    await resolveScope(tx, { ...next, name: before.name, email: before.email, supervisor: false, lang: 'id', mustChangePassword: false });
    const set = { ...values, ...next };
    await tx.update(t.staff).set(set).where(eq(t.staff.id, staffId));
    // Switched off: whoever is logged in as this person is out at once.
    if (values.active === false) await tx.delete(t.consoleSessions).where(eq(t.consoleSessions.staffId, staffId));
    return { result: await showAccount(tx, staffId), details: { staffId, changed: changedFields(before, set) } };
  });
}

/** A new one-time password; the person's sessions end and the next login must choose a new one. */
export async function resetPassword(ctx: Ctx, manager: Manager, staffId: number, input: unknown) {
  const { password } = parseInput(passwordReset, input);
  return audited(ctx, manager, 'staff.password.reset', async (tx) => {
    await lockAccount(tx, manager, staffId);
    if (staffId === manager.staff.id) throw new SettingsRefused('forbidden', 'change your own password on the account page');
    await setPassword(tx, staffId, password, true);
    await tx.delete(t.consoleSessions).where(eq(t.consoleSessions.staffId, staffId));
    return { result: await showAccount(tx, staffId), details: { staffId } };
  });
}

export async function unlockAccount(ctx: Ctx, manager: Manager, staffId: number) {
  return audited(ctx, manager, 'staff.unlock', async (tx) => {
    await lockAccount(tx, manager, staffId);
    await tx.update(t.staff).set({ failedLogins: 0, lockedUntil: null }).where(eq(t.staff.id, staffId));
    return { result: await showAccount(tx, staffId), details: { staffId } };
  });
}

/** For a lost phone: the person logs in with the password alone and may set TOTP up again. */
export async function removeTotp(ctx: Ctx, manager: Manager, staffId: number) {
  return audited(ctx, manager, 'staff.totp.remove', async (tx) => {
    await lockAccount(tx, manager, staffId);
    await tx.update(t.staff).set({ totpSecret: null }).where(eq(t.staff.id, staffId));
    return { result: await showAccount(tx, staffId), details: { staffId } };
  });
}
