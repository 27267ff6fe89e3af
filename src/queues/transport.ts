/**
 * BullMQ is transport only: jobs carry ids, Postgres holds the truth. This module hides which
 * BullMQ backend carries them: Redis (production, tests) or BullMQ's PostgreSQL backend
 * (the zero-install quick start when no Redis exists at all).
 */
import { Queue, Worker, createPostgresBackend, runMigrations, type Job, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

export type TransportConfig =
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'postgres'; url: string; schema: string };

type Processor<T> = (job: Job<T>, token?: string) => Promise<unknown>;
type WorkerSettings = Pick<WorkerOptions, 'concurrency' | 'limiter' | 'settings'>;

export interface Transport {
  readonly config: TransportConfig;
  queue<T>(name: string): Queue<T>;
  worker<T>(name: string, processor: Processor<T>, options: WorkerSettings): Worker<T>;
  /** Reachable right now? Used by /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function createTransport(config: TransportConfig): Promise<Transport> {
  const queues = new Map<string, Queue>();
  if (config.kind === 'redis') {
    const options = { maxRetriesPerRequest: null, enableReadyCheck: false } as const;
    const producer = new Redis(config.url, options);
    producer.on('error', () => {}); // reported through ping()/readyz and job failures, not as crashes
    return {
      config,
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
        const connection = new Redis(config.url, options);
        connection.on('error', () => {});
        return new Worker<T>(name, processor, { ...settings, connection, prefix: config.prefix, autorun: true });
      },
      async ping() {
        try {
          return (await producer.ping()) === 'PONG';
        } catch {
          return false;
        }
      },
      async close() {
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
    async ping() {
      try {
        await probe.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      await probe.end();
    },
  };
}
