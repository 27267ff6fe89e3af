/**
 * The lifecycle's webhook sink: inside the event's transaction it writes one delivery row per
 * active endpoint of the case's dinas that wants this event type, and after the commit enqueues
 * their jobs. Internal notes (staff-only text) never leave; a status change with an internal
 * note goes without it.
 */
import type { CaseEventSink } from '../../cases/events.js';
import type { PipelineContext } from '../../conversation/context.js';
import * as t from '../../db/schema.js';
import { webhookEventType, webhookPayload } from './payload.js';
import { enqueueWebhookDeliveries } from './queue.js';

export function webhookSink(ctx: PipelineContext): CaseEventSink {
  return async (tx, event) => {
    // An internal note is nothing but staff-only text: it never leaves. Any other event does,
    // with its note only if public (webhookPayload drops an internal one).
    if (event.type === 'note' && !event.public) return;
    const eventType = webhookEventType(event);
    const { endpoints } = await ctx.caseSettings.within(tx);
    const wanting = endpoints.filter((e) => e.dinasId === event.dinasId && (e.eventTypes.length === 0 || e.eventTypes.includes(eventType)));
    if (wanting.length === 0) return;
    const payload = await webhookPayload(tx, event, ctx.nikKeys);
    const rows = await tx
      .insert(t.webhookDeliveries)
      .values(
        wanting.map((endpoint) => ({
          endpointId: endpoint.id,
          caseEventId: event.id,
          caseId: event.caseId,
          eventType,
          payload,
          nextAttemptAt: event.at,
          pendingSince: event.at,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: t.webhookDeliveries.id, endpointId: t.webhookDeliveries.endpointId, caseId: t.webhookDeliveries.caseId });
    return () => enqueueWebhookDeliveries(ctx, rows);
  };
}
