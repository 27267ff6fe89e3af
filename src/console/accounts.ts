/**
 * Staff accounts of the console: argon2id passwords (@node-rs/argon2), lockout after repeated bad
 * passwords, optional TOTP (otplib), and creation by code names (`dinsos-bandung`/`linjamsos`) for
 * the demo seed and `npm run console:user`. A login never says whether an e-mail exists.
 *
 * @example
 *   const { id } = await createStaffAccount(db, { name: 'Sari', email: 'sari@dinsos.go.id', role: 'petugas', dinasCode: 'dinsos-bandung', unitCode: 'linjamsos', password });
 *   const result = await attemptLogin(ctx, { email, password }, ctx.now());
 */
import { hash, verify } from '@node-rs/argon2';
import { and, eq, sql } from 'drizzle-orm';
import { generateSecret, generateURI, verifySync } from 'otplib';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.js';
import * as t from '../db/schema.js';
import { decryptNik, encryptNik, type NikKeys } from '../pii/nik.js';

export const STAFF_ROLES = ['admin', 'verifikator', 'petugas', 'pimpinan'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Bad passwords in a row before the account is locked, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

/** Long enough to resist guessing at the login's rate limit; no composition rules (NIST 800-63B). */
export const passwordSchema = z.string().min(10, 'at least 10 characters').max(200);

export class AccountError extends Error {
  override name = 'AccountError';
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A hash of a random password: verifying against it costs what a real check costs, for unknown e-mails. */
let decoy: Promise<string> | null = null;

export const newStaffAccount = z.object({
  name: z.string().trim().min(1).max(120),
  email: z.email().transform((v) => v.toLowerCase()),
  role: z.enum(STAFF_ROLES),
  /** By id (API) or by catalogue code (CLI, demo seed). */
  dinasId: z.number().int().positive().nullish(),
  dinasCode: z.string().min(1).nullish(),
  unitId: z.number().int().positive().nullish(),
  unitCode: z.string().min(1).nullish(),
  regionPrefix: z.string().regex(/^\d{2,10}$/, 'Kemendagri region code digits').nullish(),
  supervisor: z.boolean().default(false),
  lang: z.enum(['id', 'en']).default('id'),
  password: passwordSchema.optional(),
  /** The person must choose their own password at the first login (an admin gave them this one). */
  mustChangePassword: z.boolean().default(false),
});
export type NewStaffAccount = z.input<typeof newStaffAccount>;

/** Resolves catalogue codes to ids; refuses a unit of another dinas and roles without the scope they need. */
export async function resolveScope(db: Db | Tx, input: z.output<typeof newStaffAccount>): Promise<{ dinasId: number | null; unitId: number | null }> {
  let dinasId = input.dinasId ?? null;
  if (input.dinasCode) {
    const [row] = await db.select({ id: t.dinas.id }).from(t.dinas).where(eq(t.dinas.code, input.dinasCode));
    if (!row) throw new AccountError(`no dinas with code ${input.dinasCode}`);
    dinasId = row.id;
  }
  let unitId = input.unitId ?? null;
  if (input.unitCode) {
    if (dinasId === null) throw new AccountError('a unit needs its dinas');
    const [row] = await db.select({ id: t.units.id }).from(t.units).where(and(eq(t.units.dinasId, dinasId), eq(t.units.code, input.unitCode)));
    if (!row) throw new AccountError(`no unit ${input.unitCode} in that dinas`);
    unitId = row.id;
  } else if (unitId !== null) {
    const [row] = await db.select({ dinasId: t.units.dinasId }).from(t.units).where(eq(t.units.id, unitId));
    if (!row || row.dinasId !== dinasId) throw new AccountError('that unit is not in that dinas');
  }
  if (input.role === 'petugas' && unitId === null) throw new AccountError('a petugas needs a unit');
  if (input.role !== 'admin' && dinasId === null && input.role !== 'verifikator') throw new AccountError(`a ${input.role} needs a dinas`);
  return { dinasId, unitId };
}

export async function createStaffAccount(db: Db | Tx, raw: NewStaffAccount): Promise<{ id: number }> {
  const input = newStaffAccount.parse(raw);
  const scope = await resolveScope(db, input);
  const [row] = await db
    .insert(t.staff)
    .values({
      name: input.name,
      email: input.email,
      role: input.role,
      ...scope,
      regionPrefix: input.regionPrefix ?? null,
      supervisor: input.supervisor,
      lang: input.lang,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      mustChangePassword: input.mustChangePassword,
    })
    .onConflictDoNothing({ target: t.staff.email })
    .returning({ id: t.staff.id });
  if (!row) throw new AccountError(`an account with e-mail ${input.email} exists`);
  return row;
}

/** Sets a password; `mustChange` when an admin set it for someone else (a reset). Also lifts a lockout. */
export async function setPassword(db: Db | Tx, staffId: number, password: string, mustChange: boolean): Promise<void> {
  const passwordHash = await hashPassword(passwordSchema.parse(password));
  await db.update(t.staff).set({ passwordHash, mustChangePassword: mustChange, failedLogins: 0, lockedUntil: null }).where(eq(t.staff.id, staffId));
}

export type LoginResult =
  | { ok: true; staffId: number; mustChangePassword: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number }
  /** Password right, the account has TOTP: ask for the code (nothing counted as a failure yet). */
  | { ok: false; reason: 'totp-required' };

export interface LoginAttempt {
  email: string;
  password: string;
  totp?: string;
}

/**
 * Checks a login. A wrong password or TOTP code counts towards the lockout; at `MAX_FAILED_LOGINS`
 * the account is locked for `LOCK_MINUTES` (also against the right password). Unknown e-mails cost
 * the same hash verification as known ones.
 */
export async function attemptLogin(db: Db, keys: NikKeys, attempt: LoginAttempt, now: Date): Promise<LoginResult> {
  const [account] = await db
    .select({ id: t.staff.id, hash: t.staff.passwordHash, active: t.staff.active, lockedUntil: t.staff.lockedUntil, totpSecret: t.staff.totpSecret, mustChange: t.staff.mustChangePassword })
    .from(t.staff)
    .where(eq(t.staff.email, attempt.email.trim().toLowerCase()));
  if (!account || !account.hash || !account.active) {
    decoy ??= hashPassword(`decoy-${Math.random()}`);
    await verify(await decoy, attempt.password).catch(() => false);
    return { ok: false, reason: 'invalid' };
  }
  if (account.lockedUntil && account.lockedUntil > now) {
    return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((account.lockedUntil.getTime() - now.getTime()) / 1000) };
  }
  const passwordOk = await verify(account.hash, attempt.password).catch(() => false);
  if (passwordOk && account.totpSecret && !attempt.totp) return { ok: false, reason: 'totp-required' };
  const totpOk = !account.totpSecret || (attempt.totp !== undefined && totpValid(decryptNik(account.totpSecret, keys), attempt.totp));
  if (!passwordOk || !totpOk) {
    // A lock that has run out starts the count afresh.
    const failures = sql`(case when ${t.staff.lockedUntil} is not null then 0 else ${t.staff.failedLogins} end) + 1`;
    const [after] = await db
      .update(t.staff)
      .set({
        failedLogins: failures,
        lockedUntil: sql`case when ${failures} >= ${MAX_FAILED_LOGINS} then ${new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString()}::timestamptz else null end`,
      })
      .where(eq(t.staff.id, account.id))
      .returning({ lockedUntil: t.staff.lockedUntil });
    if (after?.lockedUntil) return { ok: false, reason: 'locked', retryAfterSeconds: LOCK_MINUTES * 60 };
    return { ok: false, reason: 'invalid' };
  }
  await db.update(t.staff).set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now }).where(eq(t.staff.id, account.id));
  return { ok: true, staffId: account.id, mustChangePassword: account.mustChange };
}

/** TOTP codes come from the person's phone, which keeps wall-clock time: checked against it, one step either way. */
function totpValid(secret: string, token: string): boolean {
  if (!/^\d{6}$/.test(token)) return false;
  return verifySync({ secret, token, epochTolerance: 30 }).valid;
}

/** A new TOTP secret and its otpauth:// URI for the authenticator app; stored only once confirmed. */
export function newTotpSecret(email: string): { secret: string; uri: string } {
  const secret = generateSecret();
  return { secret, uri: generateURI({ issuer: 'Kanal Aduan', label: email, secret }) };
}

/** Turns TOTP on once the person typed a valid code from their app. */
export async function enableTotp(db: Db, keys: NikKeys, staffId: number, secret: string, token: string): Promise<boolean> {
  if (!totpValid(secret, token)) return false;
  await db.update(t.staff).set({ totpSecret: encryptNik(secret, keys) }).where(eq(t.staff.id, staffId));
  return true;
}

export async function disableTotp(db: Db, staffId: number): Promise<void> {
  await db.update(t.staff).set({ totpSecret: null }).where(eq(t.staff.id, staffId));
}

export async function checkPassword(db: Db, staffId: number, password: string): Promise<boolean> {
  const [row] = await db.select({ hash: t.staff.passwordHash }).from(t.staff).where(eq(t.staff.id, staffId));
  return Boolean(row?.hash) && (await verify(row!.hash!, password).catch(() => false));
}
