/**
 * BullMQ is transport only: jobs carry ids, Postgres holds the truth. This module hides which
 * BullMQ backend carries them: Redis (production, tests) or BullMQ's PostgreSQL backend
 * (the zero-install quick start when no Redis exists at all). It also knows whether the transport
 * is reachable, so request paths never wait on it and the relay catches up when it returns.
 */
import { Queue, Worker, createPostgresBackend, runMigrations, type Job, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { within } from './within.js';

export type TransportConfig =
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'postgres'; url: string; schema: string };

type Processor<T> = (job: Job<T>, token?: string) => Promise<unknown>;
type WorkerSettings = Pick<WorkerOptions, 'concurrency' | 'limiter' | 'settings' | 'lockDuration' | 'stalledInterval'>;

export interface Transport {
  readonly config: TransportConfig;
  queue<T>(name: string): Queue<T>;
  worker<T>(name: string, processor: Processor<T>, options: WorkerSettings): Worker<T>;
  /** Reachable as of the connection's last event: no round trip, so a request path can ask. */
  readonly up: boolean;
  /** Called with the new state each time `up` changes; returns the unsubscribe. */
  onChange(listener: (up: boolean) => void): () => void;
  /** A round trip bounded by `timeoutMs`, for /readyz. */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** ioredis backs off to 5 s between reconnects by default; work should resume within a second of Redis's return. */
const reconnectSoon = (attempt: number) => Math.min(attempt * 100, 1_000);

/**
 * Producers fail fast: with no offline queue a command is refused at once while Redis is down, and
 * a command in flight when the connection drops fails with it (`maxRetriesPerRequest: 0`).
 */
const PRODUCER_OPTIONS = { enableOfflineQueue: false, maxRetriesPerRequest: 0, enableReadyCheck: false, retryStrategy: reconnectSoon };
/** Workers wait: BullMQ needs `maxRetriesPerRequest: null` on their connections, and they have nothing better to do. */
const WORKER_OPTIONS = { maxRetriesPerRequest: null, enableReadyCheck: false, retryStrategy: reconnectSoon };

/**
 * Reachability from the producer connection's events, with one log line when the transport goes
 * down and one when it is back, however many jobs skip it meanwhile.
 */
function healthOf(producer: Redis, log: Logger) {
  let state: boolean | null = null;
  let closing = false;
  const listeners = new Set<(up: boolean) => void>();
  const set = (up: boolean) => {
    if (state === up || closing) return;
    const wasDown = state === false;
    state = up;
    if (!up) log.warn('queue transport unreachable: new work waits in Postgres until it is back');
    else if (wasDown) log.info('queue transport reachable again: catching up from Postgres');
    for (const listener of listeners) listener(up);
  };
  producer.on('ready', () => set(true));
  producer.on('close', () => set(false));
  return {
    get up() {
      return state === true;
    },
    onChange(listener: (up: boolean) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    closing() {
      closing = true;
    },
  };
}

export async function createTransport(config: TransportConfig, log: Logger): Promise<Transport> {
  const queues = new Map<string, Queue>();
  if (config.kind === 'redis') {
    const producer = new Redis(config.url, PRODUCER_OPTIONS);
    producer.on('error', () => {}); // reported once by healthOf and in /readyz, not per reconnect attempt
    const health = healthOf(producer, log);
    return {
      config,
      get up() {
        return health.up;
      },
      onChange: health.onChange,
      queue<T>(name: string) {
        let queue = queues.get(name);
        if (!queue) {
          queue = new Queue(name, { connection: producer, prefix: config.prefix });
          queue.on('error', () => {});
          queues.set(name, queue);
        }
        return queue as Queue<T>;
      },
      worker<T>(name: string, processor: Processor<T>, settings: WorkerSettings) {
        const connection = new Redis(config.url, WORKER_OPTIONS);
        connection.on('error', () => {});
        return new Worker<T>(name, processor, { ...settings, connection, prefix: config.prefix, autorun: true });
      },
      async ping(timeoutMs) {
        const answer = await within(producer.ping(), timeoutMs);
        return answer.outcome === 'done' && answer.value === 'PONG';
      },
      async close() {
        health.closing();
        await Promise.all([...queues.values()].map((q) => q.close()));
        producer.disconnect();
      },
    };
  }

  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    await runMigrations(client, config.schema);
  } finally {
    await client.end();
  }
  const connection = { connectionString: config.url, schema: config.schema, max: 10 };
  const probe = new pg.Pool({ connectionString: config.url, max: 1 });
  probe.on('error', () => {});
  return {
    config,
    // The database is the transport here: whatever answers for Postgres answers for the queue.
    up: true,
    onChange: () => () => {},
    queue<T>(name: string) {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, { connection }, createPostgresBackend) as unknown as Queue;
        queue.on('error', () => {});
        queues.set(name, queue);
      }
      return queue as Queue<T>;
    },
    worker<T>(name: string, processor: Processor<T>, settings: WorkerSettings) {
      return new Worker(name, processor as Processor<unknown>, { ...settings, connection }, createPostgresBackend) as unknown as Worker<T>;
    },
    async ping(timeoutMs) {
      return (await within(probe.query('select 1'), timeoutMs)).outcome === 'done';
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      await probe.end();
    },
  };
}
