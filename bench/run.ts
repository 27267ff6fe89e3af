/**
 * `npm run bench`: citizens completing the lapor flow over a channel's webhook (Telegram, and the
 * WhatsApp Cloud API with signed Meta-shaped payloads), against the product running as real
 * processes, in two shapes: one process (role `all`), and web + 2 workers. Per channel and shape:
 * a warm-up, a fixed-rate phase (BENCH_RATE messages/s, open loop) and a ceiling phase
 * (BENCH_CITIZENS chats in closed loop, each sending as soon as it is answered). Replies are timed
 * where they arrive: a lean fake Bot API or fake Graph API on 127.0.0.1.
 *
 * Environment: BENCH_CHANNELS (default `telegram,whatsapp-cloud`), BENCH_SHAPES (default `all,split`),
 * BENCH_DURATION_S (per phase, default 10), BENCH_RATE (default 200),
 * BENCH_CITIZENS (default 300), BENCH_WARMUP_S (default 3),
 * BENCH_API_DELAY_MS (the fake platform API answers after this long, like the real round trip; default 0),
 * BENCH_NODE_ARGS (extra Node flags for the product processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
 * to see where their time goes: NODE_OPTIONS refuses --cpu-prof).
 * `npm run bench -- understanding` instead scores the understanding step on the labelled corpus and times it;
 * `npm run bench -- step` times the conversation step alone and counts what it allocates (bench/step.ts).
 * Product settings not set here (WORKER_CONCURRENCY, DATABASE_POOL_SIZE…) pass through from the
 * environment, so their effect can be measured without editing anything.
 *
 * Then the reference phase (bench/reference.ts: the product and the plain grammY bot in
 * ../shared/peers/grammy-conversations/, each in closed loop at BENCH_REFERENCE_CHATS chats, default
 * `40,120`, the product as BENCH_PRODUCT_PROCESSES processes, default 1, or with BENCH_PRODUCT_SHAPE=web+worker
 * as one web and one worker process, both on a database that
 * has served BENCH_REFERENCE_HISTORY reports, default 20,000, each chat count in BENCH_REFERENCE_ROUNDS windows, default 2, the
 * bots in turn, and their ratio against the targets), the flood phase (bench/flood.ts: one chat sending BENCH_FLOOD_MESSAGES, default 300, while
 * BENCH_FLOOD_CITIZENS, default 20, report with BENCH_FLOOD_THINK_MS, default 1000, between messages;
 * the others' p95 reply time with and without the flood, BENCH_FLOOD_ROUNDS, default 2, of each) and the inbox phase (bench/inbox.ts: the
 * console's case list and counts on a seeded million cases; its own BENCH_INBOX_* settings). Phases
 * by name: `npm run bench -- inbox` runs only the inbox, `npm run bench -- flood` only the flood,
 * `npm run bench -- reference` only the comparison with the reference bot,
 * `npm run bench -- channels` only the channels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { CHANNELS, type BenchChannel } from './channels.js';
import { fmt, percentile } from './figures.js';
import { floodReport, runFloodBench, type FloodReport } from './flood.js';
import { inboxReport, runInboxBench, type InboxRow } from './inbox.js';
import { createScratch, freePort, machineInfo, productEnv, type MachineInfo } from './infra.js';
import { CitizenLoad, LAPOR_SCRIPT, type PhaseResult } from './load.js';
import { referenceReport, runReferenceBench, type ReferenceReport } from './reference.js';
import { benchStep } from './step.js';
import { benchUnderstanding } from './understanding.js';
import { measureCpu, memory, OTHER_LOAD_WARNING, productBackends, STEAL_WARNING, RssSampler, startProduct, waitForHealth, waitForWorkers, type CpuUse, type ProductProcess } from './processes.js';

function numberFromEnv(name: string, fallback: number, { allowZero = false } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** A count of windows or rounds: a whole number, at least 1. */
function countFromEnv(name: string, fallback: number): number {
  const value = numberFromEnv(name, fallback);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, got "${process.env[name]}"`);
  return value;
}

function productShapeFromEnv(): 'all' | 'web+worker' {
  const raw = process.env.BENCH_PRODUCT_SHAPE || 'all';
  if (raw !== 'all' && raw !== 'web+worker') throw new Error(`BENCH_PRODUCT_SHAPE must be all or web+worker, got "${raw}"`);
  // web+worker is one process of each role: a count of processes of role all would be ignored.
  if (raw === 'web+worker' && (process.env.BENCH_PRODUCT_PROCESSES ?? '1') !== '1') {
    throw new Error('BENCH_PRODUCT_SHAPE=web+worker runs one web and one worker process: leave BENCH_PRODUCT_PROCESSES unset');
  }
  return raw;
}

function listFromEnv(name: string, fallback: string): string[] {
  return (process.env[name] || fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const settings = {
  durationS: numberFromEnv('BENCH_DURATION_S', 10),
  rate: numberFromEnv('BENCH_RATE', 200),
  citizens: Math.round(numberFromEnv('BENCH_CITIZENS', 300)),
  warmupS: numberFromEnv('BENCH_WARMUP_S', 3),
  channels: listFromEnv('BENCH_CHANNELS', 'telegram,whatsapp-cloud'),
  shapes: listFromEnv('BENCH_SHAPES', 'all,split'),
  apiDelayMs: numberFromEnv('BENCH_API_DELAY_MS', 0, { allowZero: true }),
  nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  flood: {
    citizens: Math.round(numberFromEnv('BENCH_FLOOD_CITIZENS', 20)),
    messages: Math.round(numberFromEnv('BENCH_FLOOD_MESSAGES', 300)),
    thinkMs: numberFromEnv('BENCH_FLOOD_THINK_MS', 1000, { allowZero: true }),
    rounds: countFromEnv('BENCH_FLOOD_ROUNDS', 2),
  },
  reference: {
    chats: listFromEnv('BENCH_REFERENCE_CHATS', '40,120').map((raw) => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`BENCH_REFERENCE_CHATS must list positive whole numbers, got "${raw}"`);
      return n;
    }),
    productProcesses: Math.round(numberFromEnv('BENCH_PRODUCT_PROCESSES', 1)),
    productShape: productShapeFromEnv(),
    history: Math.round(numberFromEnv('BENCH_REFERENCE_HISTORY', 20_000, { allowZero: true })),
    rounds: countFromEnv('BENCH_REFERENCE_ROUNDS', 2),
  },
  inbox: {
    cases: Math.round(numberFromEnv('BENCH_INBOX_CASES', 1_000_000)),
    messages: Math.round(numberFromEnv('BENCH_INBOX_MESSAGES', 10_000_000, { allowZero: true })),
    runs: Math.round(numberFromEnv('BENCH_INBOX_RUNS', 50)),
    explain: process.env.BENCH_INBOX_EXPLAIN === '1',
    databaseUrl: process.env.BENCH_INBOX_DATABASE_URL || null,
    keep: process.env.BENCH_INBOX_KEEP === '1',
    only: process.env.BENCH_INBOX_ONLY || null,
  },
};

const PHASES = ['channels', 'reference', 'flood', 'inbox'] as const;

/** Targets from the issue. */
const TARGET_P95_MS = 150;
const TARGET_CEILING = 1000;
/** Enough chats to warm every code path (new identity, each state) without queueing. */
const WARMUP_CITIZENS = 50;

type Role = 'all' | 'web' | 'worker';
interface Shape {
  key: string;
  label: string;
  processes: { label: string; role: Role }[];
}

const SHAPES: Shape[] = [
  { key: 'all', label: 'single process', processes: [{ label: 'all', role: 'all' }] },
  {
    key: 'split',
    label: 'web + 2 workers',
    processes: [
      { label: 'web', role: 'web' },
      { label: 'worker-1', role: 'worker' },
      { label: 'worker-2', role: 'worker' },
    ],
  },
];

interface PhaseReport {
  result: PhaseResult;
  cpu: CpuUse;
}

interface RunReport {
  channel: BenchChannel;
  shape: Shape;
  phases: PhaseReport[];
  memory: { label: string; peakRss: number; hwm: number }[];
  /** Per process: warn/error log lines, and the last output when there were any. */
  logs: { label: string; warnings: number; tail: string }[];
  /** Calls the fake platform API did not recognise: the product calling a method, path or token it should not. */
  fakeRejected: number;
  /** What the fake received, when worth a line (e.g. WhatsApp message types). */
  fakeSummary: string | null;
}

/** Undo steps, run in reverse on the way out, also on Ctrl+C. */
const cleanups: (() => Promise<void>)[] = [];

async function cleanUp() {
  while (cleanups.length > 0) {
    const step = cleanups.pop()!;
    try {
      await step();
    } catch (err) {
      process.stderr.write(`cleanup step failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

async function runShape(channel: BenchChannel, shape: Shape): Promise<RunReport> {
  log(`\n== ${channel.label}, ${shape.label} ==`);
  const scratch = await createScratch();
  cleanups.push(() => scratch.dispose());
  const dataDir = mkdtempSync(join(tmpdir(), 'kanal-bench-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

  const port = await freePort();
  const citizens = new CitizenLoad({ baseUrl: `http://127.0.0.1:${port}`, channel });
  cleanups.push(async () => citizens.close());
  const fake = await channel.startFake(citizens.onSend, settings.apiDelayMs);
  cleanups.push(() => fake.close());

  const env = {
    ...productEnv(scratch, port, dataDir),
    // Simulated citizens answer in milliseconds and loop the script: far past a person's messages
    // per minute. The fair-use limit is measured by the flood phase.
    CHAT_INBOUND_PER_MINUTE: '1000000',
    // Only the channel under test is configured: its outbound queue is the only one with workers.
    ...fake.productEnv,
  };

  const processes: ProductProcess[] = [];
  let stopping = false;
  let reportDeath!: (err: Error) => void;
  const died = new Promise<never>((_, reject) => (reportDeath = reject));
  died.catch(() => {});
  const launch = (label: string, role: Role) => {
    const p = startProduct(label, role, env, settings.nodeArgs);
    processes.push(p);
    void p.exited.then((code) => {
      if (!stopping) reportDeath(new Error(`${p.label} (pid ${p.pid}) exited with code ${code}:\n${p.outputTail()}`));
    });
  };
  const guarded = <T>(work: Promise<T>) => Promise.race([work, died]);
  cleanups.push(async () => {
    stopping = true;
    await Promise.all(processes.map((p) => p.stop()));
  });

  // Web (or all) first: it migrates and seeds, so the workers start on a ready database.
  const [first, ...rest] = shape.processes;
  launch(first.label, first.role);
  await guarded(waitForHealth(port));
  for (const p of rest) launch(p.label, p.role);
  await guarded(waitForWorkers(scratch.redisPrefix, channel.key, shape.processes.filter((p) => p.role !== 'web').length));
  log(`started: ${processes.map((p) => `${p.label} pid ${p.pid}`).join(', ')}`);

  const monitor = postgres(scratch.databaseUrl, { max: 1, onnotice: () => {} });
  cleanups.push(() => monitor.end());
  const postgresPids = () => productBackends(monitor);

  const rss = new RssSampler(processes);
  const warmup = await guarded(citizens.closedLoop('warmup', WARMUP_CITIZENS, settings.warmupS * 1000));
  if (warmup.answered === 0 || warmup.mismatches > 0 || warmup.unanswered > 0) {
    throw new Error(
      `warm-up failed: ${warmup.answered} answered, ${warmup.unanswered} unanswered, ${warmup.mismatches} unexpected replies` +
        (warmup.mismatchExample ? ` (${warmup.mismatchExample})` : '') +
        `\n${processes.map((p) => `${p.label}: ${p.outputTail()}`).join('\n')}`,
    );
  }
  log(`warm-up: ${warmup.answered} messages answered, p50 ${fmt(percentile(warmup.latencies, 0.5))} ms`);

  const phases: PhaseReport[] = [];
  const durationMs = settings.durationS * 1000;
  const measure = async (name: string, run: () => Promise<PhaseResult>) => {
    const report = await measureCpu(processes, postgresPids, durationMs, () => guarded(run()));
    const { result } = report;
    phases.push(report);
    log(summaryLine(report.result));
    if (result.unansweredExamples.length > 0) log(await describeOwed(monitor, channel, result.unansweredExamples));
  };
  await measure(`fixed ${settings.rate}/s`, () => citizens.fixedRate(`fixed ${settings.rate}/s`, settings.rate, settings.citizens, durationMs));
  await measure('ceiling', () => citizens.closedLoop('ceiling', settings.citizens, durationMs));

  rss.stop();
  const memoryReport = processes.map((p, i) => ({ label: p.label, peakRss: rss.peak[i], hwm: memory(p.pid, 'VmHWM') }));
  const fakeRejected = fake.rejected;
  const fakeSummary = fake.describe();
  const logs = processes.map((p) => ({ label: p.label, warnings: p.warnings(), tail: p.outputTail() }));
  await cleanUp();
  return { channel, shape, phases, memory: memoryReport, fakeRejected, fakeSummary, logs };
}

/** Where unanswered messages are stuck, from the product's own tables: not yet processed, or a reply not sent. */
async function describeOwed(sql: postgres.Sql, channel: BenchChannel, examples: PhaseResult['unansweredExamples']): Promise<string> {
  const lines: string[] = [];
  for (const example of examples) {
    const [state] = await sql<{ unprocessed: number; pending: number; errors: string | null }[]>`
      select
        (select count(*) from messages m where m.identity_id = i.id and m.processed_at is null)::int as unprocessed,
        (select count(*) from outbox o where o.identity_id = i.id and o.status = 'pending')::int as pending,
        (select string_agg(distinct o.last_error, '; ') from outbox o where o.identity_id = i.id) as errors
      from channel_identities i where i.channel = ${channel.key} and i.chat_id = ${example.chatId}`;
    lines.push(
      `  unanswered: chat ${example.chatId} after "${example.text.slice(0, 20)}" (${example.replies} replies arrived): ` +
        (state ? `${state.unprocessed} messages unprocessed, ${state.pending} replies pending${state.errors ? `, send errors: ${state.errors}` : ''}` : 'no identity stored'),
    );
  }
  return lines.join('\n');
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

function summaryLine(r: PhaseResult): string {
  return (
    `${r.name}: ${fmt(r.answeredPerSecond)} msg/s, p50 ${fmt(percentile(r.latencies, 0.5))} / p95 ${fmt(percentile(r.latencies, 0.95))} / ` +
    `p99 ${fmt(percentile(r.latencies, 0.99))} ms, ${r.answered}/${r.sent} answered`
  );
}

/** Fixed-width columns; the first `left` columns are text (left-aligned), the rest figures. */
function table(headers: string[], rows: string[][], left: number): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function printReport(machine: MachineInfo, reports: RunReport[]) {
  const channels = [...new Set(reports.map((r) => r.channel))];
  log(`\n================ Kanal Aduan bench: lapor flow over ${channels.map((c) => c.label).join(' and ')} webhooks ================`);
  log(`machine   ${machine.cpu}, ${machine.cores} cores, ${fmt(machine.memoryGiB)} GiB RAM, ${machine.kernel}`);
  log(`software  Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis} (all on this machine)`);
  log(
    `load      ${LAPOR_SCRIPT.length} messages per complaint; ${settings.durationS} s per phase after ${settings.warmupS} s warm-up; ` +
      `${settings.citizens} citizens; latency = webhook POST start → first reply for that chat at the fake API`,
  );
  log(
    `          ${channels.map((c) => c.fakeName).join(' / ')} on 127.0.0.1 ${settings.apiDelayMs > 0 ? `answering after ${settings.apiDelayMs} ms` : 'answering at once'}, ` +
      `${channels.map((c) => (c.key === 'telegram' ? 'TELEGRAM_MAX_PER_SECOND' : 'WHATSAPP_CLOUD_MAX_PER_SECOND')).join(' and ')}=100000; ` +
      `product defaults otherwise (WORKER_CONCURRENCY, DATABASE_POOL_SIZE…)`,
  );
  if (channels.some((c) => c.key === 'whatsapp-cloud')) {
    log('          whatsapp-cloud: signed Meta-shaped webhook payloads; menus arrive as interactive buttons/lists, checked by their body text');
  }

  const rows: string[][] = [];
  for (const { channel, shape, phases } of reports) {
    for (const { result: r } of phases) {
      rows.push([
        channel.label,
        shape.label,
        r.name,
        r.offeredRate === null ? 'closed' : String(r.offeredRate),
        fmt(r.answeredPerSecond),
        fmt(r.repliesPerSecond),
        fmt(percentile(r.latencies, 0.5)),
        fmt(percentile(r.latencies, 0.95)),
        fmt(percentile(r.latencies, 0.99)),
        fmt(percentile(r.latencies, 1)),
        `${r.answered}/${r.sent}`,
        String(r.inFlightAtEnd),
        String(r.unanswered + r.httpErrors + r.mismatches + r.strays + r.skipped),
      ]);
    }
  }
  log('');
  log(
    table(
      ['channel', 'shape', 'phase', 'offered/s', 'msg/s', 'replies/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'answered/sent', 'owed at end', 'problems'],
      rows,
      3,
    ),
  );
  log('  msg/s: citizen messages sent and fully answered within the window, per second. owed at end: messages still');
  log('  unanswered when the window closed (a backlog). problems: unanswered + HTTP errors + unexpected or stray replies');
  log('  + sends skipped because every citizen was still waiting.');
  for (const { channel, shape, fakeRejected, fakeSummary, logs } of reports) {
    const run = `${channel.label} / ${shape.label}`;
    if (fakeSummary) log(`  ${run}: ${channel.fakeName} ${fakeSummary}`);
    if (fakeRejected > 0) log(`  ! ${run}: the ${channel.fakeName} rejected ${fakeRejected} calls (unknown method, path or token, or unreadable body)`);
    for (const { label, warnings, tail } of logs) {
      if (warnings > 0) log(`  ! ${run} / ${label}: ${warnings} warnings or errors logged; last output:\n${tail.trim().split('\n').slice(-3).join('\n')}`);
    }
  }
  for (const { channel, shape, phases } of reports) {
    for (const { result: r, cpu } of phases) {
      const run = `${channel.label} / ${shape.label} / ${r.name}`;
      if (cpu.other > OTHER_LOAD_WARNING) {
        log(`  ! ${run}: other processes kept ${fmt(cpu.other, 2)} cores busy (see CPU below): not a clean measurement`);
      }
      if (cpu.stolen > STEAL_WARNING) {
        log(`  ! ${run}: the host took ${fmt(cpu.stolen, 2)} cores for other guests (steal time): not a clean measurement`);
      }
      const problems = [
        r.unanswered && `${r.unanswered} unanswered`,
        r.httpErrors && `${r.httpErrors} HTTP errors`,
        r.mismatches && `${r.mismatches} unexpected replies (e.g. ${r.mismatchExample})`,
        r.strays && `${r.strays} stray replies`,
        r.skipped && `${r.skipped} sends skipped (no idle citizen)`,
      ].filter(Boolean);
      if (problems.length) log(`  ! ${run}: ${problems.join(', ')}`);
    }
  }

  const cpuRows: string[][] = [];
  for (const { channel, shape, phases } of reports) {
    for (const { result, cpu } of phases) {
      cpuRows.push([
        channel.label,
        shape.label,
        result.name,
        shape.processes.map((p, i) => `${p.label} ${fmt(cpu.product[i], 2)}`).join(', '),
        fmt(cpu.postgres, 2),
        fmt(cpu.redis, 2),
        fmt(cpu.bench, 2),
        fmt(cpu.other, 2),
        fmt(cpu.stolen, 2),
        `${fmt(cpu.machine * 100, 0)}%`,
      ]);
    }
  }
  log('\nCPU during the window, in cores busy (1.00 = one core all the time)');
  log(
    table(
      ['channel', 'shape', 'phase', 'product processes', 'postgres (its backends)', 'redis (whole server)', 'bench (load + fake API)', 'other', 'stolen (steal)', 'machine busy'],
      cpuRows,
      4,
    ),
  );

  const memRows = reports.map(({ channel, shape, memory: m }) => [
    channel.label,
    shape.label,
    m.map((p) => `${p.label} ${mib(p.hwm)}`).join(', '),
    mib(m.reduce((a, p) => a + p.hwm, 0)),
    mib(m.reduce((a, p) => a + p.peakRss, 0)),
  ]);
  log('\nMemory of the product processes');
  log(table(['channel', 'shape', 'peak RSS per process (VmHWM)', 'sum of peaks', 'peak sampled total'], memRows, 3));

  log('\nTargets');
  for (const { channel, shape, phases } of reports) {
    const fixed = phases[0].result;
    const ceiling = phases[1].result;
    const p95 = percentile(fixed.latencies, 0.95);
    const kept = fixed.answeredPerSecond >= fixed.offeredRate! * 0.97 && fixed.unanswered === 0;
    log(
      `  ${channel.label} / ${shape.label}: p95 ≤ ${TARGET_P95_MS} ms at ${fixed.offeredRate} msg/s: ${p95 <= TARGET_P95_MS && kept ? 'met' : 'NOT met'} ` +
        `(p95 ${fmt(p95)} ms, ${fmt(fixed.answeredPerSecond)} msg/s answered); ` +
        `ceiling ≥ ${TARGET_CEILING} msg/s: ${ceiling.answeredPerSecond >= TARGET_CEILING ? 'met' : 'NOT met'} (${fmt(ceiling.answeredPerSecond)} msg/s)`,
    );
  }
}

/** The entries of `all` named in `wanted`, in `all`'s order; any other name is an error. */
function pick<T extends { key: string }>(variable: string, all: readonly T[], wanted: string[]): T[] {
  const unknown = wanted.filter((name) => !all.some((item) => item.key === name));
  const picked = all.filter((item) => wanted.includes(item.key));
  if (unknown.length > 0 || picked.length === 0) {
    throw new Error(`${variable} must name some of: ${all.map((item) => item.key).join(', ')} (got "${wanted.join(',')}")`);
  }
  return picked;
}

async function main() {
  const named = process.argv.slice(2);
  const unknown = named.filter((name) => !(PHASES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown phase ${unknown.join(', ')}: name some of ${PHASES.join(', ')}, or none for all`);
  const runs = (phase: (typeof PHASES)[number]) => named.length === 0 || named.includes(phase);
  const machine = await machineInfo();
  const reports: RunReport[] = [];
  if (runs('channels')) {
    const channels = pick('BENCH_CHANNELS', CHANNELS, settings.channels);
    const shapes = pick('BENCH_SHAPES', SHAPES, settings.shapes);
    for (const channel of channels) for (const shape of shapes) reports.push(await runShape(channel, shape));
  }
  let reference: ReferenceReport | null = null;
  if (runs('reference')) {
    reference = await runReferenceBench(
      {
        chats: settings.reference.chats,
        durationS: settings.durationS,
        warmupS: settings.warmupS,
        apiDelayMs: settings.apiDelayMs,
        nodeArgs: settings.nodeArgs,
        productProcesses: settings.reference.productProcesses,
        productShape: settings.reference.productShape,
        history: settings.reference.history,
        rounds: settings.reference.rounds,
      },
      log,
      cleanups,
    );
    await cleanUp();
  }
  let flood: FloodReport | null = null;
  if (runs('flood')) {
    flood = await runFloodBench(settings.flood, log, cleanups);
    await cleanUp();
  }
  let inbox: InboxRow[] = [];
  if (runs('inbox')) inbox = await runInboxBench(settings.inbox, log, cleanups);
  if (reports.length > 0) printReport(machine, reports);
  else log(`\nmachine   ${machine.cpu}, ${machine.cores} cores, ${fmt(machine.memoryGiB)} GiB RAM; PostgreSQL ${machine.postgres}`);
  if (reference) referenceReport(reference, table, log);
  if (flood) floodReport(flood, log);
  if (inbox.length > 0) inboxReport(inbox, table, log);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: cleaning up\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// `npm run bench -- understanding` measures the pure understanding step alone (see understanding.ts),
// `npm run bench -- step` the conversation step alone (see step.ts).
(process.argv[2] === 'understanding' ? benchUnderstanding() : process.argv[2] === 'step' ? benchStep() : main())
  .catch((err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanUp();
    // Keep-alive sockets and timers of finished phases must not hold the process open.
    process.exit();
  });
