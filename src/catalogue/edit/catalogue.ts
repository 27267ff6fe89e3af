/**
 * Staff edit the catalogue the bot answers from: dinas profiles (office hours, staff hours), units,
 * categories, services (names, search words, required documents, procedure, where to go, in
 * Indonesian and English) and routing rules. Each function checks its input and the editor's scope
 * and commits through `commitChange` (audit row + every process told).
 */
import { and, asc, count, eq, isNull, ne, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { PipelineContext } from '../../conversation/context.js';
import type { Tx } from '../../db/client.js';
import * as t from '../../db/schema.js';
import {
  assertGlobalEditor, assertInScope, changedFields, commitChange, notFound, parseInput, SettingsRefused, visibleFields, type Editor,
} from './change.js';

type Ctx = Pick<PipelineContext, 'db' | 'catalogue'>;

export const codeField = z.string().trim().regex(/^[a-z0-9-]{2,60}$/, 'lower-case letters, digits and dashes (2–60), e.g. kis-pbi');
const line = (max: number) => z.string().trim().min(1).max(max);
export const bilingualText = (max = 300) => z.object({ id: line(max), en: line(max) });
/** One document or step a line; both languages say the same, so they have as many lines. */
export const bilingualLines = z
  .object({ id: z.array(line(500)).min(1).max(40), en: z.array(line(500)).min(1).max(40) })
  .refine((l) => l.id.length === l.en.length, { message: 'the Indonesian and English lists need the same number of lines' });
const id = z.number().int().positive();
const regionCode = z.string().regex(/^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$/, 'a Kemendagri region code: 2, 4, 6 or 10 digits');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const dinasInput = z.object({
  code: codeField,
  name: line(200),
  regionCode,
  /** Office hours as citizens are told them. */
  hours: bilingualText(200),
  /** When staff answer live chats (the bot says when someone will answer outside these). */
  staffAvailability: z.object({
    timeZone: z.enum(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']),
    days: z.array(z.number().int().min(0).max(6)).max(7),
    from: clock,
    to: clock,
  }),
});
export const dinasUpdate = dinasInput.omit({ code: true }).partial();

export const unitInput = z.object({ dinasId: id, code: codeField, name: line(200) });
export const unitUpdate = unitInput.omit({ dinasId: true }).partial();

export const categoryInput = z.object({
  code: codeField,
  name: bilingualText(100),
  /** Words that hint at this category in what citizens write ("jalan rusak" → infrastruktur): the bot's understanding step reads them. */
  keywords: z.array(z.string().trim().toLowerCase().min(1).max(60)).max(60).optional(),
  position: z.number().int().min(0).optional(),
});
export const categoryUpdate = categoryInput.omit({ code: true }).partial();

export const serviceInput = z.object({
  code: codeField,
  name: bilingualText(200),
  /** Words citizens type for it ("kis", "bpjs pbi"); stored in lower case. */
  keywords: z.array(z.string().trim().toLowerCase().min(1).max(60)).max(40).default([]),
  requirements: bilingualLines,
  procedure: bilingualLines,
  /** The office, its address and hours. */
  where: bilingualText(1000),
  categoryCode: codeField,
  dinasId: id,
  unitId: id.nullable().default(null),
  position: z.number().int().min(0).optional(),
});
/** Only the fields given change (written out: zod's `partial()` would still fill in the defaults). */
export const serviceUpdate = serviceInput
  .omit({ code: true })
  .partial()
  .extend({ keywords: serviceInput.shape.keywords.removeDefault().optional(), unitId: id.nullable().optional() });

export const routingRuleInput = z.object({
  /** Lower numbers are tried first. */
  priority: z.number().int().min(0).max(100_000),
  categoryCode: codeField.nullable().default(null),
  serviceCode: codeField.nullable().default(null),
  regionPrefix: z.string().regex(/^\d{1,10}$/, 'digits of a region code').nullable().default(null),
  dinasId: id,
  unitId: id.nullable().default(null),
});
export const routingRuleUpdate = z.object({
  priority: routingRuleInput.shape.priority.optional(),
  categoryCode: codeField.nullable().optional(),
  serviceCode: codeField.nullable().optional(),
  regionPrefix: routingRuleInput.shape.regionPrefix.removeDefault().optional(),
  dinasId: id.optional(),
  unitId: id.nullable().optional(),
});

async function unitBelongs(tx: Tx, unitId: number | null, dinasId: number): Promise<void> {
  if (unitId === null) return;
  const [unit] = await tx.select({ dinasId: t.units.dinasId }).from(t.units).where(eq(t.units.id, unitId));
  if (unit?.dinasId !== dinasId) throw new SettingsRefused('invalid', `unit ${unitId} is not a unit of this dinas`);
}

async function dinasExists(tx: Tx, dinasId: number): Promise<void> {
  const [row] = await tx.select({ id: t.dinas.id }).from(t.dinas).where(eq(t.dinas.id, dinasId));
  if (!row) throw new SettingsRefused('invalid', `dinas ${dinasId} does not exist`);
}

async function categoryExists(tx: Tx, code: string | null): Promise<void> {
  if (code === null) return;
  const [row] = await tx.select({ id: t.categories.id }).from(t.categories).where(eq(t.categories.code, code));
  if (!row) throw new SettingsRefused('invalid', `category ${code} does not exist`);
}

async function serviceExists(tx: Tx, code: string | null): Promise<void> {
  if (code === null) return;
  const [row] = await tx.select({ id: t.services.id }).from(t.services).where(eq(t.services.code, code));
  if (!row) throw new SettingsRefused('invalid', `service ${code} does not exist`);
}

/** Everything the catalogue page shows, limited to the editor's dinas where it belongs to one. */
export async function readCatalogue(ctx: Ctx, editor: Pick<Editor, 'dinasId'>) {
  const db = ctx.db.db;
  // A dinas's editor sees its own dinas, units, services and the rules that route to it.
  const own = (column: Parameters<typeof eq>[0]): SQL | undefined => (editor.dinasId === null ? undefined : eq(column, editor.dinasId));
  const [dinas, units, categories, services, routingRules] = await Promise.all([
    db.select().from(t.dinas).where(own(t.dinas.id)).orderBy(asc(t.dinas.name)),
    db.select().from(t.units).where(own(t.units.dinasId)).orderBy(asc(t.units.dinasId), asc(t.units.name)),
    db.select().from(t.categories).orderBy(asc(t.categories.position), asc(t.categories.id)),
    db.select().from(t.services).where(own(t.services.dinasId)).orderBy(asc(t.services.position), asc(t.services.id)),
    db.select().from(t.routingRules).where(own(t.routingRules.dinasId)).orderBy(asc(t.routingRules.priority), asc(t.routingRules.id)),
  ]);
  return { dinas, units, categories, services, routingRules };
}

// ---- dinas -------------------------------------------------------------------------------------

export async function createDinas(ctx: Ctx, editor: Editor, input: unknown) {
  assertGlobalEditor(editor, 'Dinas');
  const values = parseInput(dinasInput, input);
  return commitChange(ctx, editor, 'dinas', 'catalogue.dinas.create', async (tx) => {
    const [row] = await tx.insert(t.dinas).values(values).returning();
    return { result: row, details: { id: row.id, created: values } };
  });
}

export async function updateDinas(ctx: Ctx, editor: Editor, dinasId: number, input: unknown) {
  const values = parseInput(dinasUpdate, input);
  return commitChange(ctx, editor, 'dinas', 'catalogue.dinas.update', async (tx) => {
    const [before] = await tx.select().from(t.dinas).where(eq(t.dinas.id, dinasId)).for('update');
    if (!before) throw notFound('dinas');
    assertInScope(editor, before.id, 'dinas');
    const [row] = await tx.update(t.dinas).set(values).where(eq(t.dinas.id, dinasId)).returning();
    return { result: row, details: { id: dinasId, code: before.code, changed: changedFields(before, values) } };
  });
}

export async function deleteDinas(ctx: Ctx, editor: Editor, dinasId: number) {
  assertGlobalEditor(editor, 'Dinas');
  return commitChange(ctx, editor, 'dinas', 'catalogue.dinas.delete', async (tx) => {
    const [row] = await tx.delete(t.dinas).where(eq(t.dinas.id, dinasId)).returning();
    if (!row) throw notFound('dinas');
    return { result: undefined, details: { id: dinasId, deleted: visibleFields(row) } };
  });
}

// ---- units -------------------------------------------------------------------------------------

export async function createUnit(ctx: Ctx, editor: Editor, input: unknown) {
  const values = parseInput(unitInput, input);
  assertInScope(editor, values.dinasId, 'dinas');
  return commitChange(ctx, editor, 'units', 'catalogue.unit.create', async (tx) => {
    await dinasExists(tx, values.dinasId);
    const [row] = await tx.insert(t.units).values(values).returning();
    return { result: row, details: { id: row.id, created: values } };
  });
}

export async function updateUnit(ctx: Ctx, editor: Editor, unitId: number, input: unknown) {
  const values = parseInput(unitUpdate, input);
  return commitChange(ctx, editor, 'units', 'catalogue.unit.update', async (tx) => {
    const [before] = await tx.select().from(t.units).where(eq(t.units.id, unitId)).for('update');
    if (!before) throw notFound('unit');
    assertInScope(editor, before.dinasId, 'unit');
    const [row] = await tx.update(t.units).set(values).where(eq(t.units.id, unitId)).returning();
    return { result: row, details: { id: unitId, dinasId: before.dinasId, changed: changedFields(before, values) } };
  });
}

export async function deleteUnit(ctx: Ctx, editor: Editor, unitId: number) {
  return commitChange(ctx, editor, 'units', 'catalogue.unit.delete', async (tx) => {
    const [before] = await tx.select().from(t.units).where(eq(t.units.id, unitId)).for('update');
    if (!before) throw notFound('unit');
    assertInScope(editor, before.dinasId, 'unit');
    await tx.delete(t.units).where(eq(t.units.id, unitId));
    return { result: undefined, details: { id: unitId, deleted: visibleFields(before) } };
  });
}

// ---- categories --------------------------------------------------------------------------------

export async function createCategory(ctx: Ctx, editor: Editor, input: unknown) {
  assertGlobalEditor(editor, 'Categories');
  const { position, ...values } = parseInput(categoryInput, input);
  return commitChange(ctx, editor, 'categories', 'catalogue.category.create', async (tx) => {
    const [{ n }] = await tx.select({ n: count() }).from(t.categories);
    const [row] = await tx.insert(t.categories).values({ ...values, position: position ?? n }).returning();
    return { result: row, details: { id: row.id, created: visibleFields(row) } };
  });
}

export async function updateCategory(ctx: Ctx, editor: Editor, categoryId: number, input: unknown) {
  assertGlobalEditor(editor, 'Categories');
  const values = parseInput(categoryUpdate, input);
  return commitChange(ctx, editor, 'categories', 'catalogue.category.update', async (tx) => {
    const [before] = await tx.select().from(t.categories).where(eq(t.categories.id, categoryId)).for('update');
    if (!before) throw notFound('category');
    const [row] = await tx.update(t.categories).set(values).where(eq(t.categories.id, categoryId)).returning();
    return { result: row, details: { id: categoryId, code: before.code, changed: changedFields(before, values) } };
  });
}

/** A category cases, services, rules or SLAs still name stays: its code is how they refer to it. */
export async function deleteCategory(ctx: Ctx, editor: Editor, categoryId: number) {
  assertGlobalEditor(editor, 'Categories');
  return commitChange(ctx, editor, 'categories', 'catalogue.category.delete', async (tx) => {
    const [before] = await tx.select().from(t.categories).where(eq(t.categories.id, categoryId)).for('update');
    if (!before) throw notFound('category');
    const used = await Promise.all([
      tx.select({ n: count() }).from(t.services).where(eq(t.services.categoryCode, before.code)),
      tx.select({ n: count() }).from(t.routingRules).where(eq(t.routingRules.categoryCode, before.code)),
      tx.select({ n: count() }).from(t.slaPolicies).where(eq(t.slaPolicies.categoryCode, before.code)),
      tx.select({ n: count() }).from(t.cases).where(eq(t.cases.categoryCode, before.code)),
    ]);
    const [services, rules, slas, cases] = used.map(([row]) => row.n);
    if (services + rules + slas + cases > 0) {
      throw new SettingsRefused('conflict', `category ${before.code} is still used by ${services} services, ${rules} routing rules, ${slas} SLA policies and ${cases} cases`);
    }
    await tx.delete(t.categories).where(eq(t.categories.id, categoryId));
    return { result: undefined, details: { id: categoryId, deleted: visibleFields(before) } };
  });
}

// ---- services ----------------------------------------------------------------------------------

export async function createService(ctx: Ctx, editor: Editor, input: unknown) {
  const { position, ...values } = parseInput(serviceInput, input);
  assertInScope(editor, values.dinasId, 'dinas');
  return commitChange(ctx, editor, 'services', 'catalogue.service.create', async (tx) => {
    await dinasExists(tx, values.dinasId);
    await unitBelongs(tx, values.unitId, values.dinasId);
    await categoryExists(tx, values.categoryCode);
    const [{ n }] = await tx.select({ n: count() }).from(t.services);
    const [row] = await tx.insert(t.services).values({ ...values, position: position ?? n }).returning();
    return { result: row, details: { id: row.id, created: visibleFields(row) } };
  });
}

export async function updateService(ctx: Ctx, editor: Editor, serviceId: number, input: unknown) {
  const values = parseInput(serviceUpdate, input);
  return commitChange(ctx, editor, 'services', 'catalogue.service.update', async (tx) => {
    const [before] = await tx.select().from(t.services).where(eq(t.services.id, serviceId)).for('update');
    if (!before) throw notFound('service');
    assertInScope(editor, before.dinasId, 'service');
    const dinasId = values.dinasId ?? before.dinasId;
    // Moving a service to another dinas is for editors of both.
    assertInScope(editor, dinasId, 'dinas');
    if (values.dinasId !== undefined) await dinasExists(tx, dinasId);
    const unitId = values.unitId !== undefined ? values.unitId : values.dinasId !== undefined && values.dinasId !== before.dinasId ? null : before.unitId;
    await unitBelongs(tx, unitId, dinasId);
    if (values.categoryCode !== undefined) await categoryExists(tx, values.categoryCode);
    const next = { ...values, unitId };
    const [row] = await tx.update(t.services).set(next).where(eq(t.services.id, serviceId)).returning();
    return { result: row, details: { id: serviceId, code: before.code, changed: changedFields(before, next) } };
  });
}

/** A service a routing rule names stays until the rule goes: the rule would silently stop matching. */
export async function deleteService(ctx: Ctx, editor: Editor, serviceId: number) {
  return commitChange(ctx, editor, 'services', 'catalogue.service.delete', async (tx) => {
    const [before] = await tx.select().from(t.services).where(eq(t.services.id, serviceId)).for('update');
    if (!before) throw notFound('service');
    assertInScope(editor, before.dinasId, 'service');
    const [{ n }] = await tx.select({ n: count() }).from(t.routingRules).where(eq(t.routingRules.serviceCode, before.code));
    if (n > 0) throw new SettingsRefused('conflict', `service ${before.code} is still named by ${n} routing rules`);
    await tx.delete(t.services).where(eq(t.services.id, serviceId));
    return { result: undefined, details: { id: serviceId, deleted: visibleFields(before) } };
  });
}

// ---- routing rules -----------------------------------------------------------------------------

const isCatchAll = (r: { categoryCode: string | null; serviceCode: string | null; regionPrefix: string | null }) =>
  r.categoryCode === null && r.serviceCode === null && r.regionPrefix === null;

/** Every case must land somewhere: the last rule that matches everything cannot go. */
async function keepsACatchAll(tx: Tx, changedRuleId: number): Promise<void> {
  const [{ n }] = await tx
    .select({ n: count() })
    .from(t.routingRules)
    .where(and(isNull(t.routingRules.categoryCode), isNull(t.routingRules.serviceCode), isNull(t.routingRules.regionPrefix), ne(t.routingRules.id, changedRuleId)));
  if (n === 0) throw new SettingsRefused('conflict', 'this is the last rule that catches every case (no category, service or region): keep it, or add another first');
}

async function checkRule(tx: Tx, rule: { categoryCode: string | null; serviceCode: string | null; dinasId: number; unitId: number | null }) {
  await dinasExists(tx, rule.dinasId);
  await unitBelongs(tx, rule.unitId, rule.dinasId);
  await categoryExists(tx, rule.categoryCode);
  await serviceExists(tx, rule.serviceCode);
}

export async function createRoutingRule(ctx: Ctx, editor: Editor, input: unknown) {
  assertGlobalEditor(editor, 'Routing rules');
  const values = parseInput(routingRuleInput, input);
  return commitChange(ctx, editor, 'routing-rules', 'catalogue.routing-rule.create', async (tx) => {
    await checkRule(tx, values);
    const [row] = await tx.insert(t.routingRules).values(values).returning();
    return { result: row, details: { id: row.id, created: values } };
  });
}

export async function updateRoutingRule(ctx: Ctx, editor: Editor, ruleId: number, input: unknown) {
  assertGlobalEditor(editor, 'Routing rules');
  const values = parseInput(routingRuleUpdate, input);
  return commitChange(ctx, editor, 'routing-rules', 'catalogue.routing-rule.update', async (tx) => {
    const [before] = await tx.select().from(t.routingRules).where(eq(t.routingRules.id, ruleId)).for('update');
    if (!before) throw notFound('routing rule');
    const next = { ...before, ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) };
    if (values.dinasId !== undefined && values.dinasId !== before.dinasId && values.unitId === undefined) next.unitId = null;
    if (isCatchAll(before) && !isCatchAll(next)) await keepsACatchAll(tx, ruleId);
    await checkRule(tx, next);
    const { id: _id, ...set } = next;
    const [row] = await tx.update(t.routingRules).set(set).where(eq(t.routingRules.id, ruleId)).returning();
    return { result: row, details: { id: ruleId, changed: changedFields(before, set) } };
  });
}

export async function deleteRoutingRule(ctx: Ctx, editor: Editor, ruleId: number) {
  assertGlobalEditor(editor, 'Routing rules');
  return commitChange(ctx, editor, 'routing-rules', 'catalogue.routing-rule.delete', async (tx) => {
    const [before] = await tx.select().from(t.routingRules).where(eq(t.routingRules.id, ruleId)).for('update');
    if (!before) throw notFound('routing rule');
    if (isCatchAll(before)) await keepsACatchAll(tx, ruleId);
    await tx.delete(t.routingRules).where(eq(t.routingRules.id, ruleId));
    return { result: undefined, details: { id: ruleId, deleted: visibleFields(before) } };
  });
}
