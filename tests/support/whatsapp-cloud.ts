/**
 * WhatsApp Cloud API webhook bodies shaped exactly as Meta posts them, and a client that signs
 * them with the app secret and posts them to the product's webhook over real HTTP.
 *
 * @example
 *   const body = cloudWebhook({ messages: [cloudText({ from: '6281298765432', id: nextWamid(), text: 'halo' })] });
 *   expect(await postCloudWebhook(app.url!, body)).toBe(200);
 */
import { randomBytes } from 'node:crypto';
import { WHATSAPP_CLOUD_WEBHOOK_PATH } from '../../src/app.js';
import { fileClock } from './clock.js';
import { signCloudPayload } from './fake-graph.js';

/** The test business number and Meta app; any values of the right shape would do. */
export const CLOUD = {
  accessToken: 'EAAGm0PX4ZCpsBAKanalAduanUjiTokenZDZD',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '6281100001111',
  businessAccountId: '102290129340398',
  appSecret: 'e3b0c44298fc1c149afbf4c8996fb924',
  verifyToken: 'kanal-aduan-verifikasi',
  apiVersion: 'v21.0',
} as const;

/** Environment that turns the Cloud API channel on against a fake Graph API at `apiRoot`. */
export function whatsappCloudConfig(graph: { apiRoot: string }): Record<string, string> {
  return {
    WHATSAPP_CLOUD_ACCESS_TOKEN: CLOUD.accessToken,
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: CLOUD.phoneNumberId,
    WHATSAPP_CLOUD_APP_SECRET: CLOUD.appSecret,
    WHATSAPP_CLOUD_VERIFY_TOKEN: CLOUD.verifyToken,
    WHATSAPP_CLOUD_API_ROOT: graph.apiRoot,
    WHATSAPP_CLOUD_API_VERSION: CLOUD.apiVersion,
  };
}

/** A fresh message id in Meta's `wamid.` form. */
export function nextWamid(): string {
  return `wamid.HBgN${randomBytes(18).toString('base64url')}`;
}

/** Seconds since the epoch as Meta writes them: a string. Now on the test clock, so the 24-hour window is open. */
export function cloudTimestamp(at: Date = fileClock.now()): string {
  return String(Math.floor(at.getTime() / 1000));
}

type CloudMessage = Record<string, unknown> & { from: string; id: string };
type CloudStatus = Record<string, unknown> & { id: string; status: string };

/** A typed text message. */
export function cloudText(m: { from: string; id: string; text: string; timestamp?: string }): CloudMessage {
  return { from: m.from, id: m.id, timestamp: m.timestamp ?? cloudTimestamp(), text: { body: m.text }, type: 'text' };
}

/**
 * A tap on a reply button or a list row we sent. `context.id` names the message that carried
 * the button, as Meta includes it.
 */
export function cloudInteractiveReply(m: {
  from: string;
  id: string;
  kind: 'button_reply' | 'list_reply';
  replyId: string;
  title: string;
  description?: string;
  repliedTo: string;
  timestamp?: string;
}): CloudMessage {
  const reply = { id: m.replyId, title: m.title, ...(m.description ? { description: m.description } : {}) };
  return {
    context: { from: CLOUD.displayPhoneNumber, id: m.repliedTo },
    from: m.from,
    id: m.id,
    timestamp: m.timestamp ?? cloudTimestamp(),
    type: 'interactive',
    interactive: { type: m.kind, [m.kind]: reply },
  };
}

/** A delivery receipt for a message we sent. */
export function cloudStatus(s: { id: string; status: 'sent' | 'delivered' | 'read'; recipient: string; timestamp?: string }): CloudStatus {
  return {
    id: s.id,
    status: s.status,
    timestamp: s.timestamp ?? cloudTimestamp(),
    recipient_id: s.recipient,
    conversation: { id: 'c0a1b2c3d4e5f60718293a4b5c6d7e8f', origin: { type: 'service' } },
    pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
  };
}

/** Meta's envelope around one `messages` change: messages (with the sender's profile) or statuses. */
export function cloudWebhook(value: { messages?: CloudMessage[]; statuses?: CloudStatus[]; profileName?: string }) {
  const senders = [...new Set((value.messages ?? []).map((m) => m.from))];
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: CLOUD.businessAccountId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: CLOUD.displayPhoneNumber, phone_number_id: CLOUD.phoneNumberId },
              ...(value.messages
                ? {
                    contacts: senders.map((waId) => ({ profile: { name: value.profileName ?? 'Siti Rahayu' }, wa_id: waId })),
                    messages: value.messages,
                  }
                : {}),
              ...(value.statuses ? { statuses: value.statuses } : {}),
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** Posts a body signed with `X-Hub-Signature-256`, as Meta does, and returns the status code. */
export async function postCloudWebhook(baseUrl: string, body: unknown, secret: string = CLOUD.appSecret): Promise<number> {
  const raw = JSON.stringify(body);
  const res = await fetch(baseUrl + WHATSAPP_CLOUD_WEBHOOK_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signCloudPayload(raw, secret) },
    body: raw,
  });
  await res.arrayBuffer();
  return res.status;
}
