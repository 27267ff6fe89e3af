/**
 * WhatsApp Web (whatsapp-web.js) as the app plugs it in when WHATSAPP_WEB_ENABLED. One linked
 * phone, one browser session: the connection lives in the web process (or the single process),
 * and so does the sender that uses it; every process can read the photos it stored.
 */
import { webJsReceivedKey, whatsappWebSource } from '../../media/sources.js';
import type { ChannelModule } from '../registry.js';
import { createWebJsClient, DEFAULT_CLIENT_ID, type WebJsClient } from './client.js';
import { WhatsAppWebConnection } from './connection.js';
import { registerWhatsAppQrRoute } from './qr-route.js';
import { createWhatsAppWebSender } from './sender.js';

/** `clientFactory`: tests drive the channel with a fake client; production builds the real one. */
export function whatsappWebChannel(options: { clientFactory?: () => WebJsClient } = {}): ChannelModule {
  return {
    name: 'whatsapp-web',
    configured: (config) => config.WHATSAPP_WEB_ENABLED,
    setUp({ config, role, ctx, intake }) {
      const mediaSource = whatsappWebSource(ctx.mediaStorage);
      if (role === 'worker') return { mediaSource };
      const connection = new WhatsAppWebConnection({
        clientFactory:
          options.clientFactory ??
          (() => createWebJsClient({ sessionDir: config.WHATSAPP_WEB_SESSION_DIR, chromiumPath: config.CHROMIUM_PATH, clientId: DEFAULT_CLIENT_ID })),
        onMessage: async (message) => {
          await intake.ingestOrSetAside(message);
        },
        saveMedia: (ref, mimetype, data) => ctx.mediaStorage.put(webJsReceivedKey(ref), data, mimetype),
        wantsMedia: (message) => intake.photoWanted(message.channel, message.chatId),
        maxMediaBytes: config.WHATSAPP_WEB_MAX_MEDIA_BYTES,
        logger: ctx.log.child({ component: 'whatsapp-web' }),
      });
      return {
        sender: createWhatsAppWebSender({ connection, pacing: { perChatIntervalMs: 1000, globalPerMinute: config.WHATSAPP_WEB_PER_MINUTE, jitterMs: 300 } }),
        sendsFromWeb: true,
        mediaSource,
        readyChecks: { whatsappWeb: () => connection.state === 'ready' },
        linked: connection,
        routes: (http) => {
          if (config.ADMIN_TOKEN) registerWhatsAppQrRoute(http, { adminToken: config.ADMIN_TOKEN, connection });
        },
        start: () => connection.start(),
        stop: () => connection.stop(),
      };
    },
  };
}
