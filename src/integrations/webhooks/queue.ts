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

/**
 * `suffix` makes a fresh job for a delivery whose earlier job may still exist (manual redelivery).
 * One attempt per job: a job that fails is not retried by BullMQ; the relay finds the delivery.
 */
export async function enqueueWebhookDeliveries(ctx: PipelineContext, rows: readonly (DeliveryRef & { delayMs?: number })[], suffix = '') {
  await ctx.enqueue(
    rows.map((row) => ({
      queue: WEBHOOK_QUEUE,
      name: 'deliver',
      data: { endpointId: row.endpointId, caseId: row.caseId } satisfies WebhookJob,
      jobId: `wh-${row.id}${suffix}`,
      attempts: 1,
      ...(row.delayMs ? { delayMs: row.delayMs } : {}),
    })),
  );
}
