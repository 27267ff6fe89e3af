/** What the runtime does with one raw Telegram update, for both the webhook and long polling. */
import type { Logger } from '../../logger.js';
import type { InboundMessage } from '../../domain/messages.js';
import type { Intake } from '../registry.js';
import { parseTelegramUpdate } from './inbound.js';

/** The app's intake, its clock (a callback query carries no send time) and its logger. */
export interface TelegramReceiving {
  intake: Intake;
  now: () => Date;
  log: Logger;
}

export async function receiveTelegramUpdate(receiving: TelegramReceiving, update: unknown): Promise<void> {
  const decision = parseTelegramUpdate(update, receiving.now());
  switch (decision.action) {
    case 'message':
      await receiving.intake.ingest(decision.message, { callbackQueryId: decision.callbackQueryId });
      return;
    case 'blocked':
      await receiving.intake.markUnreachable('telegram', decision.chatId, 'blocked by the user (my_chat_member: kicked)');
      return;
    case 'ignore':
      receiving.log.debug({ reason: decision.reason }, 'telegram update ignored');
      return;
  }
}

/**
 * Keeps an update that could not be stored, raw, and apologises to its chat when it names one.
 * Reading the chat from it may be what failed: then it is kept without one.
 */
export function setAsideTelegramUpdate(receiving: TelegramReceiving, update: unknown, error: unknown, attempts: number): Promise<void> {
  const message = messageIn(receiving, update);
  return receiving.intake.setAside({ channel: 'telegram', chatId: message?.chatId, externalId: message?.externalId, raw: update, error, attempts });
}

function messageIn(receiving: TelegramReceiving, update: unknown): InboundMessage | undefined {
  try {
    const decision = parseTelegramUpdate(update, receiving.now());
    return decision.action === 'message' ? decision.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The webhook's entry: an update that keeps failing while the database answers is set aside
 * (200), since Telegram would only redeliver it; an outage still throws, for a 500 and a redelivery.
 */
export async function receiveTelegramUpdateOrSetAside(receiving: TelegramReceiving, update: unknown): Promise<void> {
  await receiving.intake.storeOrSetAside(
    () => receiveTelegramUpdate(receiving, update),
    (error, attempts) => setAsideTelegramUpdate(receiving, update, error, attempts),
  );
}
