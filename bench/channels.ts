/**
 * The channels the bench drives: how a citizen's message is posted to the product's webhook
 * (body and headers, exactly as the platform sends them), which fake platform API receives the
 * replies, and the product settings that point the channel at that fake.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { WEBHOOK_PATH, WHATSAPP_CLOUD_WEBHOOK_PATH } from '../src/app.js';
import type { ChannelName } from '../src/domain/messages.js';
import { startFakeBotApi, type OnSend } from './fake-bot-api.js';
import { startFakeGraphApi } from './fake-graph-api.js';

export interface WebhookRequest {
  body: string;
  headers: Record<string, string>;
}

/** A running fake platform API, as the bench sees it. */
export interface FakePlatform {
  /** Environment that points the product's channel at this fake. */
  productEnv: Record<string, string>;
  /** Calls the fake refused (wrong token, path or method, unreadable body). */
  readonly rejected: number;
  /** One line on what the fake received, or null when there is nothing worth saying. */
  describe(): string | null;
  close(): Promise<void>;
}

export interface BenchChannel {
  key: Extract<ChannelName, 'telegram' | 'whatsapp-cloud'>;
  label: string;
  /** The fake's name in the report, e.g. "fake Bot API". */
  fakeName: string;
  webhookPath: string;
  /** Chat id of the n-th simulated citizen of a run: what the product stores and the fake reports. */
  chatId(n: number): string;
  /** The webhook POST for the `seq`-th message (1, 2, …) of chat `chatId`. */
  request(chatId: string, seq: number, text: string): WebhookRequest;
  /** The webhook POST for a tap on the inline button with callback data `data` (Telegram only). */
  tap?(chatId: string, seq: number, data: string): WebhookRequest;
  startFake(onSend: OnSend, answerDelayMs: number): Promise<FakePlatform>;
}

const TELEGRAM_WEBHOOK_SECRET = 'bench_webhook_secret_0123456789';
let nextUpdateId = 700_000_000;

/** A Telegram user and private chat with the same id, as Telegram sends them. */
function telegramPeople(id: number) {
  return {
    from: { id, is_bot: false, first_name: 'Siti', last_name: 'Rahayu', language_code: 'id' },
    chat: { id, first_name: 'Siti', last_name: 'Rahayu', type: 'private' },
  };
}

/**
 * Telegram updates for chats of citizens, posted to `webhookPath` (a path on the product, or the
 * whole URL a bot gave `setWebhook`) with `secret` in the header Telegram uses.
 */
export function telegramDelivery(webhookPath: string, secret: string): Pick<BenchChannel, 'webhookPath' | 'chatId' | 'request' | 'tap'> {
  const post = (update: object): WebhookRequest => ({
    body: JSON.stringify({ update_id: nextUpdateId++, ...update }),
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
  });
  return {
    webhookPath,
    chatId: (n) => String(810_000_000 + n),
    request(chatId, seq, text) {
      const { from, chat } = telegramPeople(Number(chatId));
      return post({ message: { message_id: seq, from, chat, date: Math.floor(Date.now() / 1000), text } });
    },
    tap(chatId, seq, data) {
      const { from, chat } = telegramPeople(Number(chatId));
      // The message carrying the keyboard: only its chat matters to the bots here.
      const message = { message_id: seq, from: { id: 7000000001, is_bot: true, first_name: 'Bot' }, chat, date: Math.floor(Date.now() / 1000), text: '' };
      return post({ callback_query: { id: `${chatId}${seq}`, from, message, chat_instance: chatId, data } });
    },
  };
}

const telegram: BenchChannel = {
  key: 'telegram',
  label: 'telegram',
  fakeName: 'fake Bot API',
  ...telegramDelivery(WEBHOOK_PATH, TELEGRAM_WEBHOOK_SECRET),
  async startFake(onSend, answerDelayMs) {
    const fake = await startFakeBotApi(onSend, answerDelayMs);
    return {
      productEnv: {
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET,
        // The fake has no limit; Telegram's 30/s would make the limiter the only thing measured.
        TELEGRAM_MAX_PER_SECOND: '100000',
      },
      get rejected() {
        return fake.rejected;
      },
      describe: () => null,
      close: () => fake.close(),
    };
  },
};

/** A business number and Meta app of the right shape; nothing here reaches Meta. */
const CLOUD = {
  accessToken: 'EAAGm0PX4ZCpsBAKanalAduanBenchTokenZDZD',
  phoneNumberId: '106540352242922',
  displayPhoneNumber: '6281100001111',
  businessAccountId: '102290129340398',
  appSecret: 'b5d1c0e4a9f8b7c6d5e4f3a2b1c0d9e8',
  verifyToken: 'kanal-aduan-bench',
  apiVersion: 'v21.0',
} as const;
/** Makes message ids unique across bench runs as well as within one. */
const WAMID_NONCE = randomBytes(6).toString('hex');

const whatsappCloud: BenchChannel = {
  key: 'whatsapp-cloud',
  label: 'whatsapp-cloud',
  fakeName: 'fake Graph API',
  webhookPath: WHATSAPP_CLOUD_WEBHOOK_PATH,
  // Indonesian mobile numbers as WhatsApp ids: 62 8xx…, 13 digits.
  chatId: (n) => `6281${300_000_000 + n}`,
  request(waId, seq, text) {
    // Meta's shape: one entry per business account, one `messages` change carrying the sender's
    // profile and the message; the timestamp is now, so the 24-hour service window is open.
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: CLOUD.businessAccountId,
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: CLOUD.displayPhoneNumber, phone_number_id: CLOUD.phoneNumberId },
                contacts: [{ profile: { name: 'Siti Rahayu' }, wa_id: waId }],
                messages: [
                  {
                    from: waId,
                    id: `wamid.HBgN${Buffer.from(`${waId}:${seq}:${WAMID_NONCE}`).toString('base64url')}`,
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: text },
                  },
                ],
              },
              field: 'messages',
            },
          ],
        },
      ],
    };
    const body = JSON.stringify(payload);
    // Signed over the exact bytes sent, as Meta does.
    const signature = `sha256=${createHmac('sha256', CLOUD.appSecret).update(body).digest('hex')}`;
    return { body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
  },
  async startFake(onSend, answerDelayMs) {
    const fake = await startFakeGraphApi(onSend, CLOUD, answerDelayMs);
    return {
      productEnv: {
        WHATSAPP_CLOUD_ACCESS_TOKEN: CLOUD.accessToken,
        WHATSAPP_CLOUD_PHONE_NUMBER_ID: CLOUD.phoneNumberId,
        WHATSAPP_CLOUD_APP_SECRET: CLOUD.appSecret,
        WHATSAPP_CLOUD_VERIFY_TOKEN: CLOUD.verifyToken,
        WHATSAPP_CLOUD_API_ROOT: fake.apiRoot,
        WHATSAPP_CLOUD_API_VERSION: CLOUD.apiVersion,
        // The fake has no limit; Meta's default tier of 80/s would make the pacer the only thing measured.
        WHATSAPP_CLOUD_MAX_PER_SECOND: '100000',
      },
      get rejected() {
        return fake.rejected;
      },
      describe() {
        const parts = [...fake.sentByType].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${n} ${type}`);
        return parts.length ? `messages received by type: ${parts.join(', ')}` : null;
      },
      close: () => fake.close(),
    };
  },
};

export const CHANNELS: readonly BenchChannel[] = [telegram, whatsappCloud];
