/**
 * Staff edit the settings behind the cases: SLA policies (working days per step, per dinas and
 * category), holidays and *cuti bersama* (days the SLA clocks skip), where staff are notified, and
 * the webhook endpoints of a dinas's own systems. Same rules as the catalogue: checked, scoped,
 * audited, and every process told at commit.
 */
import { and, asc, desc, eq, gte, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { AUDIENCES, notificationTargetInput, STAFF_NOTICE_KINDS, TARGET_KINDS } from '../../cases/staff-notifications/targets.js';
import type { PipelineContext } from '../../conversation/context.js';
import type { Tx } from '../../db/client.js';
import * as t from '../../db/schema.js';
import { addWebhookEndpoint } from '../../integrations/keys.js';
import { rebuildWebhookDeliveries } from '../../integrations/webhooks/deliver.js';
import {
  assertGlobalEditor, assertInScope, changedFields, commitChange, notFound, parseInput, SettingsRefused, visibleFields, type Editor,
} from './change.js';

const id = z.number().int().positive();
const days = z.number().int().min(1).max(365);

export const slaPolicyInput = z.object({
  /** Null: the default of every dinas. */
  dinasId: id.nullable().default(null),
  /** Null: every category of the dinas. */
  categoryCode: z.string().nullable().default(null),
  verifyDays: days,
  followUpDays: days,
  closeAfterDays: days,
});
export const slaPolicyUpdate = slaPolicyInput.pick({ verifyDays: true, followUpDays: true, closeAfterDays: true }).partial();

/**
 * Kinds of non-working days: `public` (national, seeded from date-holidays each start),
 * `cuti-bersama` (the joint leave decree), `local` (a regional holiday), and `cancelled`: a public
 * holiday the decree moved, kept as a row so the next start does not seed it again.
 */
export const HOLIDAY_KINDS = ['public', 'cuti-bersama', 'local', 'cancelled'] as const;
const isoDay = z.iso.date();
export const holidayInput = z.object({ day: isoDay, name: z.string().trim().min(1).max(200), kind: z.enum(HOLIDAY_KINDS).default('cuti-bersama') });
export const holidayUpdate = z.object({ name: holidayInput.shape.name.optional(), kind: z.enum(HOLIDAY_KINDS).optional() });

export const notificationTargetCreate = z.object({
  dinasId: id,
  unitId: id.nullable().default(null),
  kind: z.enum(TARGET_KINDS),
  address: z.string().trim().min(1).max(320),
  audience: z.enum(AUDIENCES).default('unit'),
  eventTypes: z.array(z.enum(STAFF_NOTICE_KINDS)).min(1).optional(),
});
export const notificationTargetUpdate = notificationTargetCreate
  .omit({ dinasId: true })
  .partial()
  .extend({ unitId: id.nullable().optional(), audience: z.enum(AUDIENCES).optional(), active: z.boolean().optional() });

const webhookEventType = z.string().regex(/^case\.[a-z-]+$/, 'a case event type, e.g. case.status');
export const webhookCreate = z.object({
  dinasId: id,
  url: z.url({ protocol: /^https?$/ }),
  /** Empty: every public case event. */
  eventTypes: z.array(webhookEventType).max(20).default([]),
});
export const webhookUpdate = z.object({
  url: webhookCreate.shape.url.optional(),
  eventTypes: z.array(webhookEventType).max(20).optional(),
  active: z.boolean().optional(),
});

/** Addresses of staff and webhook secrets never go into the audit log; it only says they changed. */
const HIDDEN = ['address', 'secret'] as const;

/** Everything the settings page shows, limited to the editor's dinas where it belongs to one. */
export async function readSettings(ctx: Pick<PipelineContext, 'db' | 'now'>, editor: Pick<Editor, 'dinasId'>) {
  const db = ctx.db.db;
  const own = (column: Parameters<typeof eq>[0]): SQL | undefined => (editor.dinasId === null ? undefined : eq(column, editor.dinasId));
  // From the start of last year: this year's list and the next, without decades of history.
  const since = `${ctx.now().getUTCFullYear() - 1}-01-01`;
  const [dinas, units, categories, slaPolicies, holidays, notificationTargets, webhooks] = await Promise.all([
    // Names for the page's choices.
    db.select({ id: t.dinas.id, name: t.dinas.name }).from(t.dinas).where(own(t.dinas.id)).orderBy(asc(t.dinas.name)),
    db.select({ id: t.units.id, dinasId: t.units.dinasId, name: t.units.name }).from(t.units).where(own(t.units.dinasId)).orderBy(asc(t.units.name)),
    db.select({ code: t.categories.code, name: t.categories.name }).from(t.categories).orderBy(asc(t.categories.position)),
    db
      .select()
      .from(t.slaPolicies)
      .where(editor.dinasId === null ? undefined : eq(t.slaPolicies.dinasId, editor.dinasId))
      .orderBy(asc(t.slaPolicies.dinasId), asc(t.slaPolicies.categoryCode)),
    db.select().from(t.holidays).where(gte(t.holidays.day, since)).orderBy(asc(t.holidays.day)),
    db.select().from(t.notificationTargets).where(own(t.notificationTargets.dinasId)).orderBy(asc(t.notificationTargets.dinasId), asc(t.notificationTargets.id)),
    db
      .select({
        id: t.webhookEndpoints.id,
        dinasId: t.webhookEndpoints.dinasId,
        url: t.webhookEndpoints.url,
        active: t.webhookEndpoints.active,
        eventTypes: t.webhookEndpoints.eventTypes,
        disabledReason: t.webhookEndpoints.disabledReason,
        createdAt: t.webhookEndpoints.createdAt,
      })
      .from(t.webhookEndpoints)
      .where(own(t.webhookEndpoints.dinasId))
      .orderBy(desc(t.webhookEndpoints.id)),
  ]);
  return { dinas, units, categories, slaPolicies, holidays, notificationTargets, webhooks };
}

// ---- SLA policies ------------------------------------------------------------------------------

/** A dinas's editor handles its own rows; the defaults (no dinas) decide for everyone. */
function assertSlaScope(editor: Editor, dinasId: number | null) {
  if (dinasId === null) assertGlobalEditor(editor, 'Default SLA policies');
  else assertInScope(editor, dinasId, 'SLA policy');
}

async function checkSlaKeys(tx: Tx, dinasId: number | null, categoryCode: string | null) {
  if (dinasId !== null && !(await tx.select({ id: t.dinas.id }).from(t.dinas).where(eq(t.dinas.id, dinasId)))[0]) {
    throw new SettingsRefused('invalid', `dinas ${dinasId} does not exist`);
  }
  if (categoryCode !== null && !(await tx.select({ id: t.categories.id }).from(t.categories).where(eq(t.categories.code, categoryCode)))[0]) {
    throw new SettingsRefused('invalid', `category ${categoryCode} does not exist`);
  }
  // Two rows for the same dinas and category would leave which one applies to chance.
  const same = await tx
    .select({ id: t.slaPolicies.id })
    .from(t.slaPolicies)
    .where(
      and(
        dinasId === null ? isNull(t.slaPolicies.dinasId) : eq(t.slaPolicies.dinasId, dinasId),
        categoryCode === null ? isNull(t.slaPolicies.categoryCode) : eq(t.slaPolicies.categoryCode, categoryCode),
      ),
    );
  if (same.length > 0) throw new SettingsRefused('conflict', 'a policy for this dinas and category already exists: edit it instead');
}

export async function createSlaPolicy(ctx: PipelineContext, editor: Editor, input: unknown) {
  const values = parseInput(slaPolicyInput, input);
  assertSlaScope(editor, values.dinasId);
  return commitChange(ctx, editor, 'sla-policies', 'settings.sla-policy.create', async (tx) => {
    // Two editors adding the same policy at once: one waits, then sees the other's row.
    await tx.execute(sql`select pg_advisory_xact_lock(4242003)`);
    await checkSlaKeys(tx, values.dinasId, values.categoryCode);
    const [row] = await tx.insert(t.slaPolicies).values(values).returning();
    return { result: row, details: { id: row.id, created: values } };
  });
}

export async function updateSlaPolicy(ctx: PipelineContext, editor: Editor, policyId: number, input: unknown) {
  const values = parseInput(slaPolicyUpdate, input);
  return commitChange(ctx, editor, 'sla-policies', 'settings.sla-policy.update', async (tx) => {
    const [before] = await tx.select().from(t.slaPolicies).where(eq(t.slaPolicies.id, policyId)).for('update');
    if (!before) throw notFound('SLA policy');
    assertSlaScope(editor, before.dinasId);
    const [row] = await tx.update(t.slaPolicies).set(values).where(eq(t.slaPolicies.id, policyId)).returning();
    return { result: row, details: { id: policyId, dinasId: before.dinasId, categoryCode: before.categoryCode, changed: changedFields(before, values) } };
  });
}

/** Without any row, the national default (3 / 5 / 10 working days) applies. */
export async function deleteSlaPolicy(ctx: PipelineContext, editor: Editor, policyId: number) {
  return commitChange(ctx, editor, 'sla-policies', 'settings.sla-policy.delete', async (tx) => {
    const [before] = await tx.select().from(t.slaPolicies).where(eq(t.slaPolicies.id, policyId)).for('update');
    if (!before) throw notFound('SLA policy');
    assertSlaScope(editor, before.dinasId);
    await tx.delete(t.slaPolicies).where(eq(t.slaPolicies.id, policyId));
    return { result: undefined, details: { id: policyId, deleted: visibleFields(before) } };
  });
}

// ---- holidays ----------------------------------------------------------------------------------

export async function createHoliday(ctx: PipelineContext, editor: Editor, input: unknown) {
  assertGlobalEditor(editor, 'Holidays');
  const values = parseInput(holidayInput, input);
  return commitChange(ctx, editor, 'holidays', 'settings.holiday.create', async (tx) => {
    const [row] = await tx.insert(t.holidays).values(values).returning();
    return { result: row, details: { created: values } };
  });
}

export async function updateHoliday(ctx: PipelineContext, editor: Editor, day: string, input: unknown) {
  assertGlobalEditor(editor, 'Holidays');
  const values = parseInput(holidayUpdate, input);
  return commitChange(ctx, editor, 'holidays', 'settings.holiday.update', async (tx) => {
    const [before] = await tx.select().from(t.holidays).where(eq(t.holidays.day, day)).for('update');
    if (!before) throw notFound('holiday');
    const [row] = await tx.update(t.holidays).set(values).where(eq(t.holidays.day, day)).returning();
    return { result: row, details: { day, changed: changedFields(before, values) } };
  });
}

/**
 * Removes a day from the non-working days. A public holiday is marked `cancelled` instead of
 * deleted: the start-up seed adds missing public holidays, and would bring it back.
 */
export async function deleteHoliday(ctx: PipelineContext, editor: Editor, day: string) {
  assertGlobalEditor(editor, 'Holidays');
  return commitChange(ctx, editor, 'holidays', 'settings.holiday.delete', async (tx) => {
    const [before] = await tx.select().from(t.holidays).where(eq(t.holidays.day, day)).for('update');
    if (!before) throw notFound('holiday');
    if (before.kind === 'public') await tx.update(t.holidays).set({ kind: 'cancelled' }).where(eq(t.holidays.day, day));
    else await tx.delete(t.holidays).where(eq(t.holidays.day, day));
    return { result: undefined, details: { deleted: before, ...(before.kind === 'public' ? { keptAs: 'cancelled' } : {}) } };
  });
}

// ---- notification targets ----------------------------------------------------------------------

async function unitOfDinas(tx: Tx, unitId: number | null, dinasId: number) {
  if (unitId === null) return;
  const [unit] = await tx.select({ dinasId: t.units.dinasId }).from(t.units).where(eq(t.units.id, unitId));
  if (unit?.dinasId !== dinasId) throw new SettingsRefused('invalid', `unit ${unitId} is not a unit of this dinas`);
}

export async function createNotificationTarget(ctx: PipelineContext, editor: Editor, input: unknown) {
  // The shared rules check the address for its kind (e-mail, Telegram chat id, WhatsApp number).
  const values = parseInput(notificationTargetInput, parseInput(notificationTargetCreate, input));
  assertInScope(editor, values.dinasId, 'dinas');
  return commitChange(ctx, editor, 'notification-targets', 'settings.notification-target.create', async (tx) => {
    await unitOfDinas(tx, values.unitId, values.dinasId);
    const [row] = await tx.insert(t.notificationTargets).values(values).returning();
    return { result: row, details: { id: row.id, created: visibleFields(row, HIDDEN) } };
  });
}

export async function updateNotificationTarget(ctx: PipelineContext, editor: Editor, targetId: number, input: unknown) {
  const { active, ...changes } = parseInput(notificationTargetUpdate, input);
  return commitChange(ctx, editor, 'notification-targets', 'settings.notification-target.update', async (tx) => {
    const [before] = await tx.select().from(t.notificationTargets).where(eq(t.notificationTargets.id, targetId)).for('update');
    if (!before) throw notFound('notification target');
    assertInScope(editor, before.dinasId, 'notification target');
    const merged = parseInput(notificationTargetInput, {
      dinasId: before.dinasId,
      unitId: changes.unitId !== undefined ? changes.unitId : before.unitId,
      kind: changes.kind ?? before.kind,
      address: changes.address ?? before.address,
      audience: changes.audience ?? before.audience,
      eventTypes: changes.eventTypes ?? before.eventTypes,
    });
    await unitOfDinas(tx, merged.unitId, before.dinasId);
    const next = { ...merged, ...(active === undefined ? {} : { active }) };
    const [row] = await tx.update(t.notificationTargets).set(next).where(eq(t.notificationTargets.id, targetId)).returning();
    return { result: row, details: { id: targetId, dinasId: before.dinasId, changed: changedFields(before, next, HIDDEN) } };
  });
}

/** A target that has been sent to keeps its history: switch it off instead (409 says so). */
export async function deleteNotificationTarget(ctx: PipelineContext, editor: Editor, targetId: number) {
  return commitChange(ctx, editor, 'notification-targets', 'settings.notification-target.delete', async (tx) => {
    const [before] = await tx.select().from(t.notificationTargets).where(eq(t.notificationTargets.id, targetId)).for('update');
    if (!before) throw notFound('notification target');
    assertInScope(editor, before.dinasId, 'notification target');
    await tx.delete(t.notificationTargets).where(eq(t.notificationTargets.id, targetId));
    return { result: undefined, details: { id: targetId, deleted: visibleFields(before, HIDDEN) } };
  });
}

// ---- webhooks ----------------------------------------------------------------------------------

/** Registers an endpoint; the signing secret is in the answer this once. */
export async function createWebhook(ctx: PipelineContext, editor: Editor, input: unknown) {
  const values = parseInput(webhookCreate, input);
  assertInScope(editor, values.dinasId, 'dinas');
  return commitChange(ctx, editor, 'webhooks', 'settings.webhook.create', async (tx) => {
    if (!(await tx.select({ id: t.dinas.id }).from(t.dinas).where(eq(t.dinas.id, values.dinasId)))[0]) {
      throw new SettingsRefused('invalid', `dinas ${values.dinasId} does not exist`);
    }
    const created = await addWebhookEndpoint(tx, values);
    return { result: created, details: { id: created.id, created: values } };
  });
}

/** Switching an endpoint back on sends what waited for it, as the 410 recovery does. */
export async function updateWebhook(ctx: PipelineContext, editor: Editor, endpointId: number, input: unknown) {
  const values = parseInput(webhookUpdate, input);
  const { row, reactivated } = await commitChange(ctx, editor, 'webhooks', 'settings.webhook.update', async (tx) => {
    const [before] = await tx.select().from(t.webhookEndpoints).where(eq(t.webhookEndpoints.id, endpointId)).for('update');
    if (!before) throw notFound('webhook');
    assertInScope(editor, before.dinasId, 'webhook');
    const set = {
      ...values,
      ...(values.active === true ? { disabledReason: null } : values.active === false ? { disabledReason: 'switched off by staff' } : {}),
    };
    const [row] = await tx.update(t.webhookEndpoints).set(set).where(eq(t.webhookEndpoints.id, endpointId)).returning();
    return { result: { row, reactivated: values.active === true && !before.active }, details: { id: endpointId, dinasId: before.dinasId, changed: changedFields(before, set, HIDDEN) } };
  });
  if (reactivated) await rebuildWebhookDeliveries(ctx, { kind: 'catch-up', olderThanMs: 0 }, endpointId);
  const { secret: _secret, ...visible } = row;
  return visible;
}

/** An endpoint with deliveries keeps its log: switch it off instead (409 says so). */
export async function deleteWebhook(ctx: PipelineContext, editor: Editor, endpointId: number) {
  return commitChange(ctx, editor, 'webhooks', 'settings.webhook.delete', async (tx) => {
    const [before] = await tx.select().from(t.webhookEndpoints).where(eq(t.webhookEndpoints.id, endpointId)).for('update');
    if (!before) throw notFound('webhook');
    assertInScope(editor, before.dinasId, 'webhook');
    await tx.delete(t.webhookEndpoints).where(eq(t.webhookEndpoints.id, endpointId));
    return { result: undefined, details: { id: endpointId, deleted: visibleFields(before, HIDDEN) } };
  });
}
