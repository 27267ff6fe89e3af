/**
 * How a staff notice reaches each kind of target: e-mail over SMTP, a Telegram group through the
 * product's own bot, a WhatsApp number through the Cloud API's approved staff template (staff
 * rarely write to the agency's number, so their 24-hour window is almost always closed). Built
 * from the one config; a kind whose credentials are not configured is simply absent.
 */
import type { Config } from '../../config.js';
import { createEmailSender } from '../../channels/email/sender.js';
import { createTelegramSender } from '../../channels/telegram/sender.js';
import type { SendResult } from '../../domain/messages.js';
import { createWhatsAppCloudSender } from '../../channels/whatsapp-cloud/sender.js';
import type { StaffMessage } from './message.js';
import type { TargetKind } from './targets.js';

export type StaffSend = (address: string, message: StaffMessage) => Promise<SendResult>;
export type StaffChannels = Partial<Record<TargetKind, StaffSend>>;

export function staffChannels(config: Config): StaffChannels {
  const channels: StaffChannels = {};
  if (config.SMTP_URL) {
    const email = createEmailSender({ url: config.SMTP_URL, from: config.SMTP_FROM });
    channels.email = (to, m) => email.send({ to, subject: m.subject, text: m.text });
  }
  if (config.TELEGRAM_BOT_TOKEN) {
    const telegram = createTelegramSender({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT });
    channels.telegram = (chatId, m) => telegram.send({ kind: 'text', chatId, text: m.text });
  }
  if (config.WHATSAPP_CLOUD_ACCESS_TOKEN && config.WHATSAPP_CLOUD_PHONE_NUMBER_ID) {
    const cloud = createWhatsAppCloudSender({
      apiRoot: config.WHATSAPP_CLOUD_API_ROOT,
      apiVersion: config.WHATSAPP_CLOUD_API_VERSION,
      phoneNumberId: config.WHATSAPP_CLOUD_PHONE_NUMBER_ID,
      accessToken: config.WHATSAPP_CLOUD_ACCESS_TOKEN,
    });
    const template = { name: config.WHATSAPP_CLOUD_STAFF_TEMPLATE, language: config.WHATSAPP_CLOUD_TEMPLATE_LANGUAGE };
    channels['whatsapp-cloud'] = (to, m) => cloud.send({ kind: 'template', chatId: to, ...template, parameters: m.templateParameters });
  }
  return channels;
}
