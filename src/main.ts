/**
 * `npm start` (everything in one process) or `npm start -- web|worker` (separate processes).
 * Without DATABASE_URL in development an embedded Postgres is started (the quick start; production
 * runs the compiled `node dist/src/main.js` and requires it); without REDIS_URL a local Redis is found
 * or started, and where none exists BullMQ's PostgreSQL backend carries the jobs.
 */
import { existsSync } from 'node:fs';
import { startApp, WEBHOOK_PATH, type Role } from './app.js';
import { parseConfig } from './config.js';
import { startEmbeddedPostgres } from './local/embedded-postgres.js';
import { findOrStartRedis } from './local/redis.js';
import { localSecrets, secretsToGenerate, StartupRefusal } from './local/secrets.js';
import { demoStaff } from './console/demo-staff.js';
import { createLogger } from './logger.js';
import type { TransportConfig } from './queues/transport.js';

const ROLES: Role[] = ['all', 'web', 'worker'];

async function main() {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const role = (process.argv[2] ?? 'all') as Role;
  if (!ROLES.includes(role)) throw new Error(`unknown role "${role}": use one of ${ROLES.join(', ')}`);

  let config = parseConfig();
  const log = createLogger(config.LOG_LEVEL, 'kanal-aduan', Boolean(process.stdout.isTTY) && config.NODE_ENV === 'development');
  const generate = secretsToGenerate(config);
  if (generate.nikKeys || generate.consoleSecret) {
    // Only what is missing (unset, or left empty as in .env.example) is filled in.
    const secrets = await localSecrets(config.DATA_DIR);
    if (generate.nikKeys) log.warn('NIK keys not set: using development keys kept in DATA_DIR (quick start only; set them in production)');
    config = parseConfig({
      ...process.env,
      NIK_ENCRYPTION_KEY: process.env.NIK_ENCRYPTION_KEY || secrets.NIK_ENCRYPTION_KEY,
      NIK_HASH_KEY: process.env.NIK_HASH_KEY || secrets.NIK_HASH_KEY,
      CONSOLE_SESSION_SECRET: process.env.CONSOLE_SESSION_SECRET || secrets.CONSOLE_SESSION_SECRET,
    });
  }

  let stopPostgres: (() => Promise<void>) | null = null;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    if (role !== 'all') throw new Error('DATABASE_URL is required when running the web and worker roles separately');
    // The embedded Postgres is the quick start's, and a production install does not have it.
    if (config.NODE_ENV !== 'development') throw new StartupRefusal(`DATABASE_URL must be set (NODE_ENV=${config.NODE_ENV}): the embedded Postgres is for the quick start only, in development.`);
    const embedded = await startEmbeddedPostgres(config.DATA_DIR);
    databaseUrl = embedded.url;
    stopPostgres = embedded.stop;
    log.info('embedded Postgres started');
  }

  let transport: TransportConfig;
  if (config.REDIS_URL) {
    transport = { kind: 'redis', url: config.REDIS_URL, prefix: config.QUEUE_PREFIX };
  } else {
    const redis = await findOrStartRedis(config.DATA_DIR);
    if (redis) {
      transport = { kind: 'redis', url: redis.url, prefix: config.QUEUE_PREFIX };
      log.info({ started: redis.started }, redis.started ? 'local Redis started' : 'local Redis found');
    } else {
      if (role !== 'all') throw new Error('REDIS_URL is required when running the web and worker roles separately');
      transport = { kind: 'postgres', url: databaseUrl, schema: 'bullmq' };
      log.warn('no Redis found: jobs go through BullMQ\'s PostgreSQL backend (fine for trying, use Redis in production)');
    }
  }

  const app = await startApp({ config, log, role, databaseUrl, transport, processFigures: true });

  if (app.url) {
    // The port actually bound (PORT=0 picks a free one), not the one asked for.
    const base = config.PUBLIC_URL ?? `http://localhost:${new URL(app.url).port}`;
    const demo = config.NODE_ENV === 'development' && config.CONSOLE_SESSION_SECRET ? await demoStaff(app.ctx.db.db, config.DATA_DIR) : [];
    const lines = [
      '',
      '  Kanal Aduan is running.',
      config.CONSOLE_SESSION_SECRET ? `  Console:    ${base}/console` : '  Console:    off (set CONSOLE_SESSION_SECRET)',
      ...demo.map((a) => `  ${a.role} (${a.dinas}): ${a.email} / ${a.password}`),
      `  Console API: ${base}/api/v1 (OpenAPI: ${base}/api/v1/openapi.json)`,
      `  Web chat:   ${base}/chat`,
      `  Health:     ${base}/healthz   Ready: ${base}/readyz`,
      `  Database:   ${config.DATABASE_URL ? 'DATABASE_URL' : 'embedded Postgres in ' + config.DATA_DIR}`,
      `  Queues:     ${transport.kind === 'redis' ? 'Redis ' + transport.url.replace(/\/\/[^@]*@/, '//') : 'PostgreSQL backend'}`,
      config.TELEGRAM_BOT_TOKEN
        ? `  Telegram:   ${config.TELEGRAM_MODE === 'webhook' ? 'webhook at ' + base + WEBHOOK_PATH : 'long polling'}`
        : '  Telegram:   off (set TELEGRAM_BOT_TOKEN to answer on Telegram)',
      '  Stop with Ctrl+C.',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } else if (app.probesUrl) {
    log.info({ role, url: app.probesUrl }, 'worker running; /metrics, /healthz and /readyz on METRICS_PORT');
  } else {
    log.info({ role }, 'worker running (set METRICS_PORT to scrape its /metrics)');
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight work');
    try {
      await app.close();
      await stopPostgres?.();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  // A refusal is a message for the operator; anything else is a fault, with its stack.
  const text = err instanceof StartupRefusal ? `Kanal Aduan cannot start:\n${err.message}` : err instanceof Error ? (err.stack ?? err.message) : JSON.stringify(err);
  process.stderr.write(`${text}\n`);
  process.exit(1);
});
