/**
 * A private redis-server for tests that must do what would hurt others (FLUSHALL, a restart):
 * started on a free port with no persistence, stopped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts redis-server on `port`; rejects if it exits first (the port was taken meanwhile, say). */
async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // redis-server prints this line once it accepts connections: wait for it instead of sleeping.
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited with ${code}`)));
  });
  // Keep reading, so a full pipe never blocks the server.
  child.stdout!.resume();
  return child;
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

export interface PrivateRedis {
  url: string;
  /** A connection for assertions and for FLUSHALL; it reconnects by itself after a restart. */
  client: Redis;
  /** The server dies at once, as in a crash or an OOM kill: no persistence, every job gone. */
  kill(): Promise<void>;
  /** Starts an empty server again on the same port. */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as with a hung host. */
  pause(): void;
  /** Ends a `pause` (SIGCONT). */
  resume(): void;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'kanal-redis-'));
  // The free port is free when asked, not necessarily when redis-server binds it: on a shared
  // machine another process can take it in between, so a refused start tries another port.
  let started: { child: ChildProcess; port: number } | null = null;
  for (let attempt = 1; !started; attempt++) {
    const port = await freePort();
    try {
      started = { child: await launch(port, dir), port };
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
  let child = started.child;
  const port = started.port;
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null });
  client.on('error', () => {}); // refused connections while the test has the server down
  return {
    url,
    client,
    kill: () => terminate(child, 'SIGKILL'),
    async restart() {
      child = await launch(port, dir);
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async stop() {
      client.disconnect();
      await terminate(child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
