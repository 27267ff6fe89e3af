/** WhatsApp Business Cloud API adapter: webhook (receive), sender (send), window and pacing rules. */
export { parseCloudWebhook, type CloudInbound, type CloudWebhookBatch } from './inbound.js';
export { registerWhatsAppCloudWebhook, type WhatsAppCloudWebhookOptions } from './webhook.js';
export { createWhatsAppCloudSender, CLOUD_LIMITS, type WhatsAppCloudSenderOptions } from './sender.js';
export { AUTH_PREFIX, REENGAGEMENT_PREFIX, classifyGraphError, isReengagementFailure } from './errors.js';
export {
  CloudPacer,
  isWithinServiceWindow,
  SERVICE_WINDOW_MS,
  TEMPLATE_PARAMETER_MAX,
  toCloudOutbound,
  toTemplateParameter,
  type CloudPacerOptions,
  type StatusTemplate,
} from './window.js';
