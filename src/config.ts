/**
 * The one place the environment is read. Everything else receives a typed `Config`.
 * `.env.example` documents every variable here.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const optionalUrl = z.url().optional();
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64 encoded (openssl rand -base64 32)');

/** Earlier keys, comma-separated: read only, until `npm run nik:rotate` moved everything to the current key. */
const previousKeys = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((k) => k.trim()).filter(Boolean))
  .pipe(z.array(key32));

/** proxy-addr's names for address ranges, accepted in TRUST_PROXY beside addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyEntry = (entry: string) => {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

/**
 * TRUST_PROXY: the proxies in front of this server, as addresses, CIDRs or proxy-addr's names
 * (`loopback`, `linklocal`, `uniquelocal`), comma-separated. A hop count or `true` is refused: it
 * would trust an X-Forwarded-For that any client can write, and every limit keyed on the client's
 * address would be the client's to choose.
 */
const trustProxy = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((entry) => entry.trim()).filter(Boolean))
  .superRefine((entries, ctx) => {
    for (const entry of entries) {
      if (isProxyEntry(entry)) continue;
      ctx.addIssue({
        code: 'custom',
        message: /^(true|\*|\d+)$/i.test(entry)
          ? `"${entry}" would trust any client's X-Forwarded-For; name the proxy's addresses instead (e.g. 127.0.0.1, 10.0.0.0/8 or loopback)`
          : `"${entry}" is not an address, a CIDR or one of loopback, linklocal, uniquelocal`,
      });
    }
  });

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * A worker process (`npm start -- worker`) serves `/healthz`, `/readyz` and `/metrics` on this
   * port when it is set (its stepper's and senders' figures live only there when the roles run
   * apart); the web and `all` roles serve them on PORT. Unset: a worker listens on nothing.
   */
  METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).optional()),
  /** Where the product is reachable from outside; used in printed links and webhook registration. */
  PUBLIC_URL: optionalUrl,
  /**
   * The reverse proxies (TLS terminators) in front of this server, whose X-Forwarded-For and
   * X-Forwarded-Proto are believed: addresses, CIDRs or loopback/linklocal/uniquelocal,
   * comma-separated. Unset: the connecting address is the client's (no proxy).
   */
  TRUST_PROXY: trustProxy,
  /**
   * Requests one client address may make per minute to any page or API not limited more tightly
   * below (webhooks and health probes are not limited: platforms and orchestrators call them).
   * Counted in Redis, so every web process shares the budget.
   */
  HTTP_MAX_PER_MINUTE: z.coerce.number().int().positive().default(1_200),
  /** Requests one address may make per minute to Open311 and the dinas integration API. */
  INTEGRATIONS_MAX_PER_MINUTE: z.coerce.number().int().positive().default(300),
  /** Folder for local state: embedded Postgres, a started Redis, generated dev secrets, media. */
  DATA_DIR: z.string().default('.data'),

  DATABASE_URL: optionalUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(20),
  REDIS_URL: optionalUrl,
  /** BullMQ key prefix; keep the braces (a Redis Cluster hash tag). */
  QUEUE_PREFIX: z.string().default('{kanal}'),

  NIK_ENCRYPTION_KEY: key32.optional(),
  NIK_HASH_KEY: key32.optional(),
  NIK_PREVIOUS_ENCRYPTION_KEYS: previousKeys,
  NIK_PREVIOUS_HASH_KEYS: previousKeys,

  CONVERSATION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  /**
   * Live chats: a request no officer took for this long is reminded to staff; a chat an officer
   * took but has not answered for this long goes back to the queue.
   */
  LIVECHAT_REMIND_MINUTES: z.coerce.number().positive().default(5),
  /** A taken live chat with no message either way for this long goes back to the queue. */
  LIVECHAT_IDLE_MINUTES: z.coerce.number().positive().default(15),
  /**
   * Fair use, so one chat cannot slow everyone down: messages one chat may send in a minute. Past
   * that, the rest of the minute is stored but not answered one by one, and the chat is asked once
   * to slow down; the next minute it is answered as usual.
   */
  CHAT_INBOUND_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** The same text again within this long, before the bot answered the first (a double tap), is stored and not answered twice. */
  CHAT_REPEAT_SECONDS: z.coerce.number().nonnegative().default(30),
  /** Texts and captions longer than this are cut before they are stored, and the citizen is told. */
  INBOUND_TEXT_MAX_CHARS: z.coerce.number().int().min(100).default(8_000),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(16),
  /** Outbox rows and inbound messages older than this with no progress are re-enqueued. */
  RELAY_AFTER_MS: z.coerce.number().int().positive().default(15_000),
  RELAY_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  /** Longest a request waits for the queue after its rows are committed; the relay takes what it did not. */
  ENQUEUE_TIMEOUT_MS: z.coerce.number().int().positive().default(300),
  /**
   * Attempts an inbound update gets, while the database answers, before it is set aside as poison
   * (stored raw for operators, the citizen apologised to, the channel moving on). A database outage
   * never counts: updates wait it out.
   */
  SET_ASIDE_AFTER_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Retries with exponential backoff: staff notifications, photo fetches, conversation steps. */
  SEND_RETRY_BASE_MS: z.coerce.number().int().positive().default(1_000),
  SEND_RETRY_MAX_MS: z.coerce.number().int().positive().default(300_000),
  /**
   * Replies to citizens do not back off: after this many retryable failures in a row (5xx, network
   * errors, timeouts) a channel is paused in the process, and one owed reply is sent every
   * SEND_PROBE_INTERVAL_MS as a probe; the first that gets through resumes the channel. A row that
   * fails on its own waits one probe interval too; a 429 waits exactly its retry_after.
   */
  SEND_PAUSE_AFTER_FAILURES: z.coerce.number().int().positive().default(5),
  SEND_PROBE_INTERVAL_MS: z.coerce.number().int().positive().default(3_000),

  /**
   * Outgoing webhooks to dinas systems: waits double from BASE up to MAX between attempts, for
   * RETRY_FOR_HOURS after the event; then the delivery is given up (the console can redeliver).
   * At least 24 hours: a dinas's system down over a night or a weekend day must still get everything.
   */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().positive().default(3_600_000),
  WEBHOOK_RETRY_FOR_HOURS: z.coerce.number().min(24, 'retries must go on for at least 24 hours').default(72),
  /** A receiver that has not answered after this long counts as a failed attempt. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Webhook sends at once per worker process; each holds a database connection while it waits. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().positive().default(4),

  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'looks like 123456:ABC-DEF…').optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/).optional(),
  /** Telegram allows about 30 messages a second across chats. */
  TELEGRAM_MAX_PER_SECOND: z.coerce.number().positive().default(30),

  /** Web chat messages one conversation (session) may send per minute (the page is public). */
  WEBCHAT_MAX_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Web chat messages one client address may send per minute, all its conversations together (an office or a school shares one address). */
  WEBCHAT_ADDRESS_MAX_PER_MINUTE: z.coerce.number().int().positive().default(300),
  /** Polls for replies one web chat conversation may make per minute (the page polls about once a second). */
  WEBCHAT_POLLS_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** New web chat conversations one client address may start per hour. */
  WEBCHAT_SESSIONS_PER_HOUR: z.coerce.number().int().positive().default(60),
  /**
   * A web chat conversation ends after this many hours without a message from the citizen: its
   * session stops working, so the next person at a shared computer does not see it.
   */
  WEBCHAT_SESSION_HOURS: z.coerce.number().positive().max(720).default(12),

  /** WhatsApp Business Cloud API (official). On when the access token and phone number id are set. */
  WHATSAPP_CLOUD_ACCESS_TOKEN: z.string().optional(),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: z.string().regex(/^\d+$/).optional(),
  WHATSAPP_CLOUD_APP_SECRET: z.string().optional(),
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().optional(),
  WHATSAPP_CLOUD_API_ROOT: z.url().default('https://graph.facebook.com'),
  WHATSAPP_CLOUD_API_VERSION: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
  /** The number's throughput tier (80 messages a second by default). */
  WHATSAPP_CLOUD_MAX_PER_SECOND: z.coerce.number().positive().default(80),
  /** Approved template with one body variable, used outside the 24-hour window. */
  WHATSAPP_CLOUD_STATUS_TEMPLATE: z.string().default('kanal_aduan_status'),
  WHATSAPP_CLOUD_TEMPLATE_LANGUAGE: z.string().default('id'),
  /**
   * Approved template for staff notifications (staff rarely write to the number, so they are
   * outside the 24-hour window): five body variables, see .env.example.
   */
  WHATSAPP_CLOUD_STAFF_TEMPLATE: z.string().default('kanal_aduan_staf'),

  /** Approved template (marketing category, one body variable: the notice) for broadcasts outside the 24-hour window. */
  WHATSAPP_CLOUD_BROADCAST_TEMPLATE: z.string().default('kanal_aduan_siaran'),
  /**
   * The same with an IMAGE header, for broadcasts with a picture outside the 24-hour window. Empty:
   * such a notice goes as WHATSAPP_CLOUD_BROADCAST_TEMPLATE with the picture's link after its words.
   */
  WHATSAPP_CLOUD_BROADCAST_IMAGE_TEMPLATE: z.string().default(''),

  /**
   * Broadcasts (src/broadcasts/): a broadcast reaching more chats than this needs a second person's
   * approval before it is sent.
   */
  BROADCAST_APPROVAL_ABOVE: z.coerce.number().int().nonnegative().default(1_000),
  /**
   * A broadcast keeps each channel's send lane this many seconds full (at the channel's rate), no
   * more: a citizen's reply waits at most about this long behind a broadcast.
   */
  BROADCAST_LANE_SECONDS: z.coerce.number().positive().max(60).default(2),
  /** How often a sending broadcast tops its lanes up. */
  BROADCAST_TICK_MS: z.coerce.number().int().positive().default(500),
  /** Recipients planned per statement (one short transaction each). */
  BROADCAST_PLAN_CHUNK: z.coerce.number().int().positive().max(100_000).default(5_000),

  /** SMTP server for staff e-mail, e.g. smtp://user:pass@mail.example.go.id:587. Unset: no e-mail. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  SMTP_FROM: z.string().default('Kanal Aduan <noreply@localhost>'),

  /** WhatsApp through whatsapp-web.js (a phone number linked like WhatsApp Web). */
  WHATSAPP_WEB_ENABLED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  WHATSAPP_WEB_SESSION_DIR: z.string().default('.data/whatsapp-web'),
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  /** Global pace of web.js sends; bans are reported after a few hundred unsolicited sends. */
  WHATSAPP_WEB_PER_MINUTE: z.coerce.number().int().positive().default(30),
  WHATSAPP_WEB_MAX_MEDIA_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
  /** Photos larger than this are refused when fetched (Telegram's bot downloads stop at 20 MB). */
  MEDIA_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  /** Attempts at fetching one photo (network errors, 5xx) before it is recorded as failed: about an hour with the default backoff. */
  MEDIA_FETCH_ATTEMPTS: z.coerce.number().int().positive().default(20),
  /** S3-compatible media storage (MinIO, AWS S3…). Unset: photos are kept under DATA_DIR/media. */
  MEDIA_S3_ENDPOINT: optionalUrl,
  MEDIA_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name').optional(),
  MEDIA_S3_ACCESS_KEY: z.string().optional(),
  MEDIA_S3_SECRET_KEY: z.string().optional(),
  MEDIA_S3_REGION: z.string().default('us-east-1'),
  /** Path-style URLs (http://host/bucket/key), which MinIO needs; false for virtual-hosted buckets. */
  MEDIA_S3_PATH_STYLE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),

  /**
   * Signs the console's session cookie (at least 32 characters: openssl rand -base64 32). Unset
   * outside production: a development secret is generated under DATA_DIR. Unset in production:
   * the console is off.
   */
  CONSOLE_SESSION_SECRET: z.string().min(32).optional(),
  /** Console login attempts one client address may make per minute (each account also locks after 5 bad passwords). */
  CONSOLE_LOGIN_PER_MINUTE: z.coerce.number().int().positive().default(10),

  /**
   * Retention (UU PDP: kept no longer than needed). A daily purge blanks, after this many days:
   * message texts and what they carried (the row stays, for order and de-duplication); the
   * conversation of a chat idle that long (an abandoned draft with it); photos (files, then the
   * reference); a closed, rejected or duplicate case's personal fields (name, NIK, phone, address,
   * description; what statistics read stays); a sent reply's content. See src/retention/.
   */
  RETENTION_MESSAGE_DAYS: z.coerce.number().int().positive().default(180),
  RETENTION_DRAFT_DAYS: z.coerce.number().int().positive().default(30),
  RETENTION_MEDIA_DAYS: z.coerce.number().int().positive().default(365),
  RETENTION_CLOSED_CASE_DAYS: z.coerce.number().int().positive().default(730),
  RETENTION_OUTBOX_DAYS: z.coerce.number().int().positive().default(30),
  /** When the daily purge runs, local time in RETENTION_TIME_ZONE (a quiet hour). */
  RETENTION_PURGE_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, e.g. 02:00').default('02:00'),
  RETENTION_TIME_ZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone, e.g. Asia/Jakarta')
    .default('Asia/Jakarta'),
  /** Rows the purge changes per statement: each is a short transaction that never holds locks long. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().positive().max(10_000).default(1_000),

  /**
   * Where citizens ask about their personal data (an e-mail, a PPID desk's address…), shown on the
   * privacy notice page (/privasi, /privacy). Unset: the page points to the chat only.
   */
  PRIVACY_CONTACT: z.string().trim().min(1).max(300).optional(),

  /** Bearer token for operator endpoints (the WhatsApp link QR, dinas integrations). Unset: those endpoints are off. */
  ADMIN_TOKEN: z.string().min(16).optional(),
});

export type Config = ReturnType<typeof parseConfig>;

function cleanEnv(env: Record<string, string | undefined>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) out[k] = emptyAsUndefined(v);
  return out;
}

/** Parses the environment; throws one readable error listing every bad variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env) {
  const result = schema.safeParse(cleanEnv(env));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = result.data;
  if (c.TELEGRAM_MODE === 'webhook' && c.TELEGRAM_BOT_TOKEN && !c.TELEGRAM_WEBHOOK_SECRET) {
    throw new Error('Invalid configuration:\n  TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_MODE=webhook');
  }
  if (c.WHATSAPP_CLOUD_ACCESS_TOKEN && c.WHATSAPP_CLOUD_PHONE_NUMBER_ID && (!c.WHATSAPP_CLOUD_APP_SECRET || !c.WHATSAPP_CLOUD_VERIFY_TOKEN)) {
    throw new Error('Invalid configuration:\n  WHATSAPP_CLOUD_APP_SECRET and WHATSAPP_CLOUD_VERIFY_TOKEN: required with the Cloud API');
  }
  if (c.MEDIA_S3_ENDPOINT && (!c.MEDIA_S3_BUCKET || !c.MEDIA_S3_ACCESS_KEY || !c.MEDIA_S3_SECRET_KEY)) {
    throw new Error('Invalid configuration:\n  MEDIA_S3_BUCKET, MEDIA_S3_ACCESS_KEY and MEDIA_S3_SECRET_KEY: required with MEDIA_S3_ENDPOINT');
  }
  return c;
}
