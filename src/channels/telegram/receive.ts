/** What the runtime does with one raw Telegram update, for both the webhook and long polling. */
import type { PipelineContext } from '../../conversation/context.js';
import { ingest } from '../../conversation/ingest.js';
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
