/**
 * Telegram as the app plugs it in: the sender and photo source wherever a token is set; on the
 * web face, the webhook route or (TELEGRAM_MODE=polling) long polling started once the server listens.
 */
import { telegramSource } from '../../media/sources.js';
import type { ChannelModule } from '../registry.js';
import { startTelegramPolling, type TelegramPolling } from './polling.js';
import { receiveTelegramUpdate, receiveTelegramUpdateOrSetAside, setAsideTelegramUpdate, type TelegramReceiving } from './receive.js';
import { createTelegramSender } from './sender.js';
import { registerTelegramWebhook } from './webhook.js';

export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

export const telegramChannel: ChannelModule = {
  name: 'telegram',
  configured: (config) => Boolean(config.TELEGRAM_BOT_TOKEN),
  setUp({ config, role, ctx, intake }) {
    const token = config.TELEGRAM_BOT_TOKEN!;
    const apiRoot = config.TELEGRAM_API_ROOT;
    const web = role === 'all' || role === 'web';
    const receiving: TelegramReceiving = { intake, now: ctx.now, log: ctx.log };
    let polling: TelegramPolling | null = null;
    return {
      sender: createTelegramSender({ token, apiRoot }),
      mediaSource: telegramSource({ token, apiRoot }),
      unlimitedPaths: [TELEGRAM_WEBHOOK_PATH],
      ...(web && config.TELEGRAM_MODE === 'webhook'
        ? {
            routes: (http) =>
              registerTelegramWebhook(http, {
                path: TELEGRAM_WEBHOOK_PATH,
                secretToken: config.TELEGRAM_WEBHOOK_SECRET,
                onUpdate: (update) => receiveTelegramUpdateOrSetAside(receiving, update),
              }),
          }
        : {}),
      ...(web && config.TELEGRAM_MODE === 'polling'
        ? {
            async start() {
              polling = await startTelegramPolling({
                token,
                apiRoot,
                onUpdate: (update) => receiveTelegramUpdate(receiving, update),
                isOutage: intake.isOutage,
                setAside: (update, error, attempts) => setAsideTelegramUpdate(receiving, update, error, attempts),
                maxAttempts: ctx.setAsideAfter,
                logger: ctx.log.child({ component: 'telegram-polling' }),
              });
            },
            stop: async () => polling?.stop(),
          }
        : {}),
    };
  },
};
