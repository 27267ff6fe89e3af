/** The shared engines the bench uses: a throwaway database and Redis key prefix, and what the machine is. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { Redis } from 'ioredis';
import postgres from 'postgres';

/** Local engines only: the bench never talks to anything beyond 127.0.0.1. */
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = 'redis://127.0.0.1:6379';

export interface Scratch {
  databaseUrl: string;
  /** BullMQ prefix; the braces make it a Redis Cluster hash tag, as in production. */
  redisPrefix: string;
  dispose(): Promise<void>;
}

/** A fresh database `kanal_bench_<random>` and a Redis prefix of the same name, removed by `dispose`. */
export async function createScratch(): Promise<Scratch> {
  const name = `kanal_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const redisPrefix = `{${name}}`;
  return {
    databaseUrl: url.toString(),
    redisPrefix,
    async dispose() {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      const cleanup = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** What every bench run of the product is started with: production mode on the scratch engines. */
export function productEnv(scratch: Scratch, port: number, dataDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: scratch.databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: scratch.redisPrefix,
    NIK_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    NIK_HASH_KEY: Buffer.alloc(32, 9).toString('base64'),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postgres: string;
  redis: string;
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const sql = postgres(POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  let pg: string;
  try {
    const [row] = await sql<{ version: string; sync: string }[]>`
      select current_setting('server_version') as version, current_setting('synchronous_commit') as sync`;
    pg = `${row.version} (synchronous_commit=${row.sync})`;
  } finally {
    await sql.end();
  }
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  let redisVersion: string;
  try {
    redisVersion = /^redis_version:(.+)$/m.exec(await redis.info('server'))?.[1].trim() ?? 'unknown';
  } finally {
    redis.disconnect();
  }
  return {
    cpu,
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: pg,
    redis: redisVersion,
  };
}
