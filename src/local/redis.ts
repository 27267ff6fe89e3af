/**
 * Quick start without REDIS_URL: use a Redis already listening on the default port, else start
 * `redis-server` (append-only file under DATA_DIR, so queued work survives a restart), else
 * report that none exists and let the caller fall back to BullMQ's PostgreSQL backend.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export async function findOrStartRedis(dataDir: string): Promise<{ url: string; started: boolean } | null> {
  const local = 'redis://127.0.0.1:6379';
  if (await answers(local)) return { url: local, started: false };
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;

  const dir = resolve(dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const port = 6390;
  const url = `redis://127.0.0.1:${port}`;
  if (await answers(url)) return { url, started: false };
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--daemonize', 'yes'],
    { stdio: 'ignore' },
  );
  await new Promise((done) => child.once('exit', done));
  for (let i = 0; i < 50; i++) {
    if (await answers(url)) return { url, started: true };
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}
