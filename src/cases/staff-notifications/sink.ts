/**
 * The `CaseEventSink` that tells the dinas: for a new, forwarded, reminded or escalated case (and
 * when the citizen adds information or reopens it) it writes one `staff_notifications` row per
 * matching target inside the event's transaction, and enqueues their jobs once that commits.
 * (target, event) is unique, so a repeated event writes nothing twice; if the enqueue is lost,
 * the relay finds the pending rows.
 */
import { eq } from 'drizzle-orm';
import * as t from '../../db/schema.js';
import type { Enqueue } from '../../queues/enqueue.js';
import { enqueueStaffNotifications } from '../../queues/staff-notifications.js';
import type { CaseEventSink } from '../events.js';
import type { CaseSettingsCache } from '../settings.js';
import { staffMessage } from './message.js';
import { noticeKind, targetsFor } from './targets.js';

export interface StaffNotificationSinkOptions {
  enqueue: Enqueue;
  /** Base of the links to the console (PUBLIC_URL). */
  publicUrl: string;
  /** Where the notification targets are kept. */
  settings: CaseSettingsCache;
}

/**
 * @example
 *   const sink = staffNotificationSink({ enqueue: ctx.enqueue, publicUrl: config.PUBLIC_URL });
 *   const afterCommit = await db.transaction((tx) => sink(tx, event));
 *   await afterCommit?.();
 */
export function staffNotificationSink(options: StaffNotificationSinkOptions): CaseEventSink {
  return async (tx, event) => {
    const kind = noticeKind(event);
    if (kind === null) return;
    const targets = targetsFor(await options.settings.within(tx), event, kind);
    if (targets.length === 0) return;
    const [found] = await tx
      .select({
        description: t.cases.description,
        confidential: t.cases.confidential,
        anonymous: t.cases.anonymous,
        categoryName: t.categories.name,
        availability: t.dinas.staffAvailability,
      })
      .from(t.cases)
      .innerJoin(t.dinas, eq(t.dinas.id, event.dinasId))
      .leftJoin(t.categories, eq(t.categories.code, event.categoryCode))
      .where(eq(t.cases.id, event.caseId));
    if (!found) throw new Error(`staff notification: no case ${event.caseId} for event ${event.id}`);
    const message = staffMessage({
      kind,
      ticket: event.ticket,
      categoryName: found.categoryName?.id ?? null,
      slaDueAt: event.slaDueAt,
      timeZone: found.availability.timeZone,
      description: found.description,
      confidential: found.confidential,
      anonymous: found.anonymous,
      publicUrl: options.publicUrl,
    });
    const rows = await tx
      .insert(t.staffNotifications)
      .values(targets.map((target) => ({ targetId: target.id, caseEventId: event.id, caseId: event.caseId, message })))
      .onConflictDoNothing({ target: [t.staffNotifications.targetId, t.staffNotifications.caseEventId] })
      .returning({ id: t.staffNotifications.id });
    if (rows.length === 0) return;
    return () => enqueueStaffNotifications(options.enqueue, rows.map((r) => r.id));
  };
}
