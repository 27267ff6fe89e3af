/** What the runtime does with one raw Telegram update, for both the webhook and long polling. */
import type { PipelineContext } from '../../conversation/context.js';
import type { InboundMessage } from '../../domain/messages.js';
import { ingest } from '../../conversation/ingest.js';
import { setAside, storeOrSetAside } from '../../conversation/set-aside.js';
import { markUnreachable } from '../../queues/outbound.js';
import { parseTelegramUpdate } from './inbound.js';

export async function receiveTelegramUpdate(ctx: PipelineContext, update: unknown): Promise<void> {
  const decision = parseTelegramUpdate(update, ctx.now());
  switch (decision.action) {
    case 'message':
      await ingest(ctx, decision.message, { callbackQueryId: decision.callbackQueryId });
      return;
    case 'blocked':
      await markUnreachable(ctx, 'telegram', decision.chatId, 'blocked by the user (my_chat_member: kicked)');
      return;
    case 'ignore':
      ctx.log.debug({ reason: decision.reason }, 'telegram update ignored');
      return;
  }
}

/**
 * Keeps an update that could not be stored, raw, and apologises to its chat when it names one.
 * Reading the chat from it may be what failed: then it is kept without one.
 */
export function setAsideTelegramUpdate(ctx: PipelineContext, update: unknown, error: unknown, attempts: number): Promise<void> {
  const message = messageIn(ctx, update);
  return setAside(ctx, { channel: 'telegram', chatId: message?.chatId, externalId: message?.externalId, raw: update, error, attempts });
}

function messageIn(ctx: PipelineContext, update: unknown): InboundMessage | undefined {
  try {
    const decision = parseTelegramUpdate(update, ctx.now());
    return decision.action === 'message' ? decision.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The webhook's entry: an update that keeps failing while the database answers is set aside
 * (200), since Telegram would only redeliver it; an outage still throws, for a 500 and a redelivery.
 */
export async function receiveTelegramUpdateOrSetAside(ctx: PipelineContext, update: unknown): Promise<void> {
  await storeOrSetAside(
    ctx,
    () => receiveTelegramUpdate(ctx, update),
    (error, attempts) => setAsideTelegramUpdate(ctx, update, error, attempts),
  );
}
