/**
 * Real Postgres and real Redis for integration tests, isolated per test file: a database of its
 * own (created here, dropped at the end) and a BullMQ key prefix of its own, both named after the
 * run id, so concurrent runs and files never see each other's rows or jobs.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { startApp, type App, type Role } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { fileClock } from './clock.js';

export const TEST_POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function uniqueName(kind: string) {
  return `kanal_${kind}_${process.env.KANAL_TEST_RUN ?? 'local'}_${randomBytes(3).toString('hex')}`;
}

export interface TestEnv {
  databaseUrl: string;
  redisPrefix: string;
  /** A Redis connection for assertions and for simulating loss (deleting this test's keys). */
  redis: Redis;
  /** Removes every key under this test's prefix: what FLUSHALL does, without touching other runs. */
  flushQueues(): Promise<number>;
  dispose(): Promise<void>;
}

export async function createTestEnv(): Promise<TestEnv> {
  const name = uniqueName('t');
  const admin = postgres(TEST_POSTGRES, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(TEST_POSTGRES);
  url.pathname = `/${name}`;
  const redisPrefix = `{${name}}`;
  const redis = new Redis(TEST_REDIS, { maxRetriesPerRequest: null });
  const flushQueues = async () => {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  };
  return {
    databaseUrl: url.toString(),
    redisPrefix,
    redis,
    flushQueues,
    async dispose() {
      await flushQueues();
      redis.disconnect();
      const cleanup = postgres(TEST_POSTGRES, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

export const TEST_KEYS = {
  NIK_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  NIK_HASH_KEY: Buffer.alloc(32, 9).toString('base64'),
  CONSOLE_SESSION_SECRET: 'test-console-session-secret-0123456789abcdef',
};

/** The environment tests run the product with, as variables: for `startApp` here, or a child process. */
export function testSettings(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    WORKER_CONCURRENCY: '8',
    DATABASE_POOL_SIZE: '10',
    SEND_RETRY_BASE_MS: '50',
    SEND_RETRY_MAX_MS: '400',
    // A paused channel is probed this often: an outage in a test ends in a fraction of a second.
    SEND_PROBE_INTERVAL_MS: '200',
    RELAY_INTERVAL_MS: '200',
    RELAY_AFTER_MS: '1000',
    // Scripts post and poll far faster than people; the limit tests set their own.
    WEBCHAT_MAX_PER_MINUTE: '100000',
    WEBCHAT_ADDRESS_MAX_PER_MINUTE: '100000',
    WEBCHAT_POLLS_PER_MINUTE: '100000',
    WEBCHAT_SESSIONS_PER_HOUR: '100000',
    HTTP_MAX_PER_MINUTE: '100000',
    INTEGRATIONS_MAX_PER_MINUTE: '100000',
    // Scripts type far faster than people; the fair-use tests set their own limit.
    CHAT_INBOUND_PER_MINUTE: '100000',
    ...TEST_KEYS,
    ...overrides,
  };
}

/** The same settings as a child process's whole environment (with PATH, without unset variables). */
export function testProcessEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const settings = { PATH: process.env.PATH ?? '', ...testSettings(overrides) };
  return Object.fromEntries(Object.entries(settings).filter((e): e is [string, string] => e[1] !== undefined));
}

export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig(testSettings(overrides));
}

/**
 * Starts the product against this test's database and Redis prefix (or, with `postgresQueues`,
 * BullMQ's PostgreSQL backend in the same database), on the test clock unless given `now`, logging
 * nowhere unless given a `log` (see tests/support/log.ts).
 */
export function startTestApp(
  env: TestEnv,
  options: { role?: Role; config?: Record<string, string | undefined>; now?: () => Date; redisUrl?: string; postgresQueues?: boolean; log?: Logger } = {},
): Promise<App> {
  const config = testConfig(options.config);
  return startApp({
    config,
    log: options.log ?? createLogger(config.LOG_LEVEL),
    role: options.role ?? 'all',
    databaseUrl: env.databaseUrl,
    transport: options.postgresQueues
      ? { kind: 'postgres', url: env.databaseUrl, schema: 'bullmq' }
      : { kind: 'redis', url: options.redisUrl ?? TEST_REDIS, prefix: env.redisPrefix },
    now: options.now ?? fileClock.now,
  });
}

/** Resolves once nothing is owed: no unprocessed inbound message and no pending outbox row. */
export function waitForIdle(app: App, stallMs = 30_000): Promise<void> {
  return waitForNothingOwed(app.ctx.db.sql, stallMs);
}

/**
 * `waitForIdle` on any database connection (the product may run in other processes). Fails when
 * nothing has moved for `stallMs`: a busy machine only makes the work slower, and the test's own
 * timeout still bounds the whole wait.
 */
export async function waitForNothingOwed(sql: postgres.Sql, stallMs = 30_000): Promise<void> {
  let least = Infinity;
  let deadline = Date.now() + stallMs;
  for (;;) {
    const [row] = await sql<{ n: number }[]>`
      select (select count(*) from outbox where status in ('pending', 'sending'))::int
           + (select count(*) from messages where processed_at is null)::int as n`;
    if (row.n === 0) return;
    if (row.n < least) {
      least = row.n;
      deadline = Date.now() + stallMs;
    }
    if (Date.now() > deadline) throw new Error(`still ${row.n} messages/replies pending, none done in the last ${stallMs} ms`);
    // Polls a condition in the database; the interval only limits load, correctness does not depend on it.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
