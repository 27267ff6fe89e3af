/**
 * Webhook jobs carry a (endpoint, case) pair; the job id is the delivery that asked for it, so
 * every pending delivery has a job of its own and no enqueue is lost to BullMQ's de-duplication
 * of a job that is just finishing. Whichever job runs drives the pair: it sends that case's
 * pending deliveries to that endpoint oldest first (see deliver.ts).
 */
import type { PipelineContext } from '../../conversation/context.js';

export const WEBHOOK_QUEUE = 'webhooks';

export interface WebhookJob {
  endpointId: number;
  caseId: number;
}

export interface DeliveryRef {
  id: number;
  endpointId: number;
  caseId: number;
}

/** `suffix` makes a fresh job for a delivery whose earlier job may still exist (manual redelivery). */
export async function enqueueWebhookDeliveries(ctx: PipelineContext, rows: readonly (DeliveryRef & { delayMs?: number })[], suffix = '') {
  if (rows.length === 0) return;
  try {
    await ctx.transport.queue<WebhookJob>(WEBHOOK_QUEUE).addBulk(
      rows.map((row) => ({
        name: 'deliver',
        data: { endpointId: row.endpointId, caseId: row.caseId },
        opts: { jobId: `wh-${row.id}${suffix}`, delay: row.delayMs ?? 0, removeOnComplete: true, removeOnFail: true },
      })),
    );
  } catch (err) {
    ctx.log.warn({ err }, 'enqueue of webhook deliveries failed; the relay will pick them up');
  }
}
