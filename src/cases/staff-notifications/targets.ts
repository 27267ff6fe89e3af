/**
 * Who at the dinas hears about a case, and through what. A target belongs to a unit, or with no
 * unit to the whole dinas (the default). For each kind of news, a unit's own targets that want it
 * replace the dinas-wide ones of the same audience, so a unit can take over its own mail while
 * units that configured nothing are still covered by the dinas.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { CaseEventRecord } from '../events.js';
import type { CaseSettings, NotificationTarget } from '../settings.js';
import type { Db, Tx } from '../../db/client.js';
import * as t from '../../db/schema.js';

/** What staff are told about; several event types read the same to them ("forwarded"). */
export const STAFF_NOTICE_KINDS = ['created', 'forwarded', 'reminder', 'escalation', 'citizen-info', 'reopened'] as const;
export type StaffNoticeKind = (typeof STAFF_NOTICE_KINDS)[number];

export const TARGET_KINDS = ['email', 'telegram', 'whatsapp-cloud'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** `unit`: the staff who handle the case; `supervisor`: whoever an overdue case escalates to. */
export const AUDIENCES = ['unit', 'supervisor'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** What a target wants when it does not say: escalations go over the unit's head, the rest to the unit. */
export const DEFAULT_NOTICES: Record<Audience, readonly StaffNoticeKind[]> = {
  unit: ['created', 'forwarded', 'reminder', 'citizen-info', 'reopened'],
  supervisor: ['escalation'],
};

/** The staff notice an event makes, if any: notes, ratings, merges and other transitions stay in the console. */
export function noticeKind(event: CaseEventRecord): StaffNoticeKind | null {
  switch (event.type) {
    case 'created':
    case 'reminder':
    case 'escalation':
    case 'citizen-info':
    case 'reopened':
      return event.type;
    case 'rerouted':
      return 'forwarded';
    case 'assigned':
      return event.unitId === null ? null : 'forwarded';
    case 'status':
      return event.toStatus === 'diteruskan' ? 'forwarded' : null;
    default:
      return null;
  }
}

const addressOf: Record<TargetKind, z.ZodType<string>> = {
  email: z.email(),
  // Group and supergroup ids are negative; a private chat with an officer also works.
  telegram: z.string().regex(/^-?\d{1,20}$/, 'a Telegram chat id, e.g. -1001234567890'),
  // WhatsApp ids are the number in international form, digits only.
  'whatsapp-cloud': z
    .string()
    .transform((v) => v.replace(/[\s+()-]/g, ''))
    .pipe(z.string().regex(/^[1-9]\d{7,14}$/, 'a phone number in international form, e.g. 6281234567890')),
};

export const notificationTargetInput = z
  .object({
    dinasId: z.number().int().positive(),
    unitId: z.number().int().positive().nullable().default(null),
    kind: z.enum(TARGET_KINDS),
    address: z.string().trim().min(1),
    audience: z.enum(AUDIENCES).default('unit'),
    eventTypes: z.array(z.enum(STAFF_NOTICE_KINDS)).min(1).optional(),
  })
  .transform((input, ctx) => {
    const address = addressOf[input.kind].safeParse(input.address);
    if (!address.success) {
      for (const issue of address.error.issues) ctx.addIssue({ code: 'custom', path: ['address'], message: issue.message });
      return z.NEVER;
    }
    return { ...input, address: address.data, eventTypes: [...new Set(input.eventTypes ?? DEFAULT_NOTICES[input.audience])] };
  });
export type NotificationTargetInput = z.input<typeof notificationTargetInput>;

export class NotificationTargetError extends Error {}

/**
 * Adds a target after checking it (address shape per kind, the unit belongs to the dinas).
 * @example await addNotificationTarget(db, { dinasId, unitId, kind: 'telegram', address: '-1001234567890' });
 */
export async function addNotificationTarget(db: Db | Tx, input: NotificationTargetInput) {
  const parsed = notificationTargetInput.safeParse(input);
  if (!parsed.success) throw new NotificationTargetError(z.prettifyError(parsed.error));
  const target = parsed.data;
  if (target.unitId !== null) {
    const [unit] = await db.select({ dinasId: t.units.dinasId }).from(t.units).where(eq(t.units.id, target.unitId));
    if (unit?.dinasId !== target.dinasId) throw new NotificationTargetError(`unit ${target.unitId} is not a unit of dinas ${target.dinasId}`);
  }
  const [row] = await db.insert(t.notificationTargets).values(target).returning();
  return row;
}

export type { NotificationTarget };

/** The active targets to tell about `kind` for a case now at (`dinasId`, `unitId`). */
export function targetsFor(settings: CaseSettings, place: { dinasId: number; unitId: number | null }, kind: StaffNoticeKind): NotificationTarget[] {
  const wanting = settings.targets.filter(
    (r) => r.dinasId === place.dinasId && (r.unitId === null || r.unitId === place.unitId) && r.eventTypes.includes(kind),
  );
  return AUDIENCES.flatMap((audience) => {
    const ofAudience = wanting.filter((r) => r.audience === audience);
    const unitOwn = ofAudience.filter((r) => r.unitId !== null);
    return unitOwn.length > 0 ? unitOwn : ofAudience;
  });
}
