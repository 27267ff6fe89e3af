/**
 * The WhatsApp Cloud API as the app plugs it in, once an access token and a phone number id are
 * set: the outbox's sender (with Meta's window and template rules), the photo source, and on the
 * web face the webhook that takes messages and delivery receipts.
 */
import { whatsappCloudSource } from '../../media/sources.js';
import type { ChannelModule } from '../registry.js';
import { createWhatsAppCloudChannel } from './channel.js';
import { createWhatsAppCloudSender } from './sender.js';
import { registerWhatsAppCloudWebhook } from './webhook.js';

export const WHATSAPP_CLOUD_WEBHOOK_PATH = '/whatsapp/webhook';

export const whatsappCloudChannel: ChannelModule = {
  name: 'whatsapp-cloud',
  configured: (config) => Boolean(config.WHATSAPP_CLOUD_ACCESS_TOKEN && config.WHATSAPP_CLOUD_PHONE_NUMBER_ID),
  setUp({ config, role, ctx, intake }) {
    const web = role === 'all' || role === 'web';
    return {
      sender: createWhatsAppCloudChannel({
        sender: createWhatsAppCloudSender({
          apiRoot: config.WHATSAPP_CLOUD_API_ROOT,
          apiVersion: config.WHATSAPP_CLOUD_API_VERSION,
          phoneNumberId: config.WHATSAPP_CLOUD_PHONE_NUMBER_ID!,
          accessToken: config.WHATSAPP_CLOUD_ACCESS_TOKEN!,
        }),
        statusTemplate: { name: config.WHATSAPP_CLOUD_STATUS_TEMPLATE, language: config.WHATSAPP_CLOUD_TEMPLATE_LANGUAGE },
        messagesPerSecond: config.WHATSAPP_CLOUD_MAX_PER_SECOND,
        now: ctx.now,
      }),
      mediaSource: whatsappCloudSource({
        apiRoot: config.WHATSAPP_CLOUD_API_ROOT,
        apiVersion: config.WHATSAPP_CLOUD_API_VERSION,
        accessToken: config.WHATSAPP_CLOUD_ACCESS_TOKEN!,
      }),
      unlimitedPaths: [WHATSAPP_CLOUD_WEBHOOK_PATH],
      ...(web
        ? {
            routes: (http) =>
              registerWhatsAppCloudWebhook(http, {
                path: WHATSAPP_CLOUD_WEBHOOK_PATH,
                verifyToken: config.WHATSAPP_CLOUD_VERIFY_TOKEN!,
                appSecret: config.WHATSAPP_CLOUD_APP_SECRET!,
                onMessage: async (message) => {
                  await intake.ingestOrSetAside(message);
                },
                onStatus: (status) => intake.recordDeliveryStatus(status),
              }),
          }
        : {}),
    };
  },
};
