/**
 * The one place the environment is read. Everything else receives a typed `Config`.
 * `.env.example` documents every variable here.
 */
import { z } from 'zod';

const optionalUrl = z.url().optional();
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64 encoded (openssl rand -base64 32)');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Where the product is reachable from outside; used in printed links and webhook registration. */
  PUBLIC_URL: optionalUrl,
  /** Folder for local state: embedded Postgres, a started Redis, generated dev secrets, media. */
  DATA_DIR: z.string().default('.data'),

  DATABASE_URL: optionalUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(20),
  REDIS_URL: optionalUrl,
  /** BullMQ key prefix; keep the braces (a Redis Cluster hash tag). */
  QUEUE_PREFIX: z.string().default('{kanal}'),

  NIK_ENCRYPTION_KEY: key32.optional(),
  NIK_HASH_KEY: key32.optional(),

  CONVERSATION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(16),
  /** Outbox rows and inbound messages older than this with no progress are re-enqueued. */
  RELAY_AFTER_MS: z.coerce.number().int().positive().default(15_000),
  RELAY_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  SEND_RETRY_BASE_MS: z.coerce.number().int().positive().default(1_000),
  SEND_RETRY_MAX_MS: z.coerce.number().int().positive().default(300_000),

  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'looks like 123456:ABC-DEF…').optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/).optional(),
  /** Telegram allows about 30 messages a second across chats. */
  TELEGRAM_MAX_PER_SECOND: z.coerce.number().positive().default(30),
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
  return c;
}
