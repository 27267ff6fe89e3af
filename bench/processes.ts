/**
 * The product under test as real OS processes, and what /proc says about them: resident memory
 * (peak sampled VmRSS, and VmHWM, the kernel's own high-water mark) and CPU time, also for the
 * Postgres and Redis servers, so a phase can say which process was the bottleneck.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type postgres from 'postgres';
import type { ChannelName } from '../src/domain/messages.js';
import { INBOUND_QUEUE, outboundQueue } from '../src/queues/jobs.js';
import { REDIS_URL } from './infra.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Busy cores outside the bench, the bots, Postgres and Redis above which a phase is flagged as disturbed. */
export const OTHER_LOAD_WARNING = 0.25;
/**
 * Cores the hypervisor gave to other guests while this machine had work (steal time) above which a
 * phase is flagged as disturbed: its processes waited for a core that was not there.
 */
export const STEAL_WARNING = 0.1;
/** Linux reports CPU time in clock ticks of 1/100 s on every platform Node supports here. */
const TICKS_PER_SECOND = 100;
/** How long after a process's exit its output may still be read before it counts as exited anyway. */
const CLOSE_GRACE_MS = 2_000;
/** Migrations, seeding and (split shape) several processes starting on a busy machine. */
const STARTUP_TIMEOUT_MS = 90_000;

/** One JSON line pino wrote: its level, message and fields. */
export interface LoggedLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ProductProcess {
  label: string;
  pid: number;
  /** The last output of the process (pino logs on stdout, fatal errors on stderr), shown when it dies. */
  outputTail(): string;
  /** Log lines at warn level or above (pino levels 40+). */
  warnings(): number;
  /** Lines of output (stdout or stderr) that matched `startNode`'s `watch`, so far. */
  watched(): number;
  /** Those lines themselves, parsed, in the order written (stdout only: pino's JSON lines). */
  warningLines(): LoggedLine[];
  exited: Promise<number | null>;
  /** The web chat's base URL as the process printed it once listening (never resolves for a worker). */
  listening: Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `src/main.ts <role>` with tsx's loader in the Node process itself. `tsx src/main.ts`
 * would put a tsx relay process in front (a second Node process) whose memory is not the
 * product's, and between the signals we send and the process that handles them.
 */
export function startProduct(
  label: string,
  role: 'all' | 'web' | 'worker',
  env: Record<string, string>,
  nodeArgs: string[] = [],
): ProductProcess {
  return startNode(label, [...nodeArgs, '--import', 'tsx', 'src/main.ts', role], ROOT, env);
}

/**
 * Runs `node <args>` in `cwd` with `env` over this process's environment, watched as startProduct
 * describes; lines of its output matching `watch` are counted (`watched`).
 */
export function startNode(label: string, args: string[], cwd: string, env: Record<string, string>, watch?: RegExp): ProductProcess {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let warnings = 0;
  const warningLines: LoggedLine[] = [];
  let watched = 0;
  const onLine = (stream: 'stdout' | 'stderr', line: string) => {
    if (watch?.test(line)) watched++;
    if (stream !== 'stdout' || !line.startsWith('{')) return;
    try {
      const parsed = JSON.parse(line) as LoggedLine;
      if (parsed.level >= 40) warningLines.push(parsed);
    } catch {
      // Not a pino line (a stack trace printed by Node, say).
    }
  };
  let printed: string | null = '';
  let announce: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => (announce = resolve));
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    if (printed !== null) {
      // The start-up banner names the bound port: with PORT=0 it is the only way to learn it.
      printed += text;
      const match = /Web chat:\s+(http\S+)\/chat/.exec(printed);
      if (match) {
        announce(match[1]);
        printed = null;
      }
    }
    warnings += text.match(/"level":[4-6]\d/g)?.length ?? 0;
    tail = (tail + text).slice(-4000);
  };
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = child[name]!;
    stream.on('data', keep);
    byLine(stream, (line) => onLine(name, line));
  }
  // By 'close' its output has been read to the end (`outputTail`, `watched`); a grandchild
  // holding the pipes open must not keep a dead process from counting as exited.
  const closed = once(child, 'close').catch(() => {});
  const exited = once(child, 'exit').then(async ([code]) => {
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (grace = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(grace);
    return code as number | null;
  });
  return {
    label,
    pid: child.pid!,
    outputTail: () => tail,
    warnings: () => warnings,
    watched: () => watched,
    warningLines: () => [...warningLines],
    exited,
    listening,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return void (await exited);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Calls `onLine` with each whole line of `stream`, and with a last line left without its newline. */
function byLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => partial && onLine(partial));
}

/** Resident memory in bytes from /proc/<pid>/status (`VmRSS` now, `VmHWM` the peak), or 0 once gone. */
export function memory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** utime + stime of a process in seconds, or 0 once gone. */
export function cpuSeconds(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of every process whose command name is `name`. */
function cpuSecondsByName(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === name) total += cpuSeconds(entry);
    } catch {
      // Gone between readdir and read.
    }
  }
  return total;
}

/**
 * Busy, stolen and total CPU seconds of the whole machine, summed over cores (/proc/stat). Stolen:
 * time a virtual machine's cores were runnable but the hypervisor ran another guest (the eighth
 * field, `steal`); not this machine's work, so not counted as busy.
 */
function machineSeconds(): { busy: number; steal: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal (guest and guest_nice are inside user and nice)
  const ticks = values.slice(0, 8).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const steal = ticks[7] ?? 0;
  // not idle, iowait or stolen
  const busy = total - ticks[3] - ticks[4] - steal;
  return { busy: busy / TICKS_PER_SECOND, steal: steal / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

export interface CpuSnapshot {
  at: number;
  product: number[];
  bench: number;
  /** CPU seconds per Postgres server process (pid → seconds). */
  postgres: Map<number, number>;
  redis: number;
  machine: { busy: number; steal: number; total: number };
}

/**
 * `postgresPids` are the server processes working for the product (its backends and the WAL
 * writer, checkpointer…): other databases on the same server are someone else's load.
 */
export function cpuSnapshot(processes: ProductProcess[], postgresPids: number[]): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    product: processes.map((p) => cpuSeconds(p.pid)),
    bench: (usage.user + usage.system) / 1e6,
    postgres: new Map(postgresPids.map((pid) => [pid, cpuSeconds(pid)])),
    redis: cpuSecondsByName('redis-server'),
    machine: machineSeconds(),
  };
}

/** The product's Postgres backends and the shared writers; not `monitor` itself, nor other databases' backends. */
export async function productBackends(monitor: postgres.Sql): Promise<number[]> {
  const rows = await monitor<{ pid: number }[]>`
    select pid from pg_stat_activity
    where (datname = current_database() and pid <> pg_backend_pid())
       or backend_type in ('walwriter', 'checkpointer', 'background writer')`;
  return rows.map((r) => r.pid);
}

/** Cores kept busy between two snapshots (1.0 = one core all the time). */
export interface CpuUse {
  product: number[];
  bench: number;
  postgres: number;
  redis: number;
  /** Share of all cores busy, 0..1. */
  machine: number;
  /** Busy cores not accounted for above: the kernel's own threads and anything else running on the machine. */
  other: number;
  /** Cores the hypervisor took for other guests (steal time): this machine's processes waited for them. */
  stolen: number;
}

export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const wall = (b.at - a.at) / 1000;
  const rate = (x: number, y: number) => (y - x) / wall;
  const product = a.product.map((x, i) => rate(x, b.product[i]));
  const bench = rate(a.bench, b.bench);
  // A backend opened during the window counts from zero.
  const postgres = [...b.postgres].reduce((sum, [pid, seconds]) => sum + rate(a.postgres.get(pid) ?? 0, seconds), 0);
  const redis = rate(a.redis, b.redis);
  const busyCores = rate(a.machine.busy, b.machine.busy);
  return {
    product,
    bench,
    postgres,
    redis,
    machine: (b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total),
    other: Math.max(0, busyCores - product.reduce((x, y) => x + y, 0) - bench - postgres - redis),
    stolen: rate(a.machine.steal, b.machine.steal),
  };
}

/**
 * Runs a phase whose measured window lasts `durationMs` from now, and the cores each process, the
 * Postgres backends (`postgresPids`), Redis, the bench and the rest of the machine kept busy during
 * that window: read at its end, not after the drain that follows it.
 */
export async function measureCpu<T>(
  processes: ProductProcess[],
  postgresPids: () => Promise<number[]>,
  durationMs: number,
  run: () => Promise<T>,
): Promise<{ result: T; cpu: CpuUse }> {
  const before = cpuSnapshot(processes, await postgresPids());
  const after = new Promise<CpuUse>((resolve, reject) =>
    setTimeout(() => postgresPids().then((pids) => resolve(cpuBetween(before, cpuSnapshot(processes, pids))), reject), durationMs),
  );
  after.catch(() => {});
  const result = await run();
  return { result, cpu: await after };
}

/** Samples each process's VmRSS while running and keeps the peak, in bytes. */
export class RssSampler {
  readonly peak: number[];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly processes: ProductProcess[], intervalMs = 200) {
    this.peak = processes.map(() => 0);
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  private sample() {
    this.processes.forEach((p, i) => {
      this.peak[i] = Math.max(this.peak[i], memory(p.pid, 'VmRSS'));
    });
  }

  stop() {
    this.sample();
    clearInterval(this.timer);
  }
}

/** Resolves once the web role answers /healthz on `port`. */
export async function waitForHealth(port: number) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`web did not answer /healthz within ${STARTUP_TIMEOUT_MS} ms`);
    // Polls a process that is starting; the interval only bounds how often we ask.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves once `count` processes have a worker on both the inbound and the channel's outbound queue. */
export async function waitForWorkers(prefix: string, channel: ChannelName, count: number) {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queues = [INBOUND_QUEUE, outboundQueue(channel)].map((name) => new Queue(name, { connection, prefix }));
  try {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      const counts = await Promise.all(queues.map((q) => q.getWorkersCount()));
      if (counts.every((n) => n >= count)) return;
      if (Date.now() > deadline) throw new Error(`workers not registered within ${STARTUP_TIMEOUT_MS} ms (${counts.join('/')} of ${count})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  }
}
