/**
 * `npm run bench -- reference` (also part of the default run): the product beside the bot a
 * competent developer would write instead, `../shared/peers/grammy-conversations/` (grammY,
 * @grammyjs/conversations stored in Postgres, auto-retry, webhook mode), on this machine, against
 * the same lean fake Bot API, the same closed loop of citizens filing a report, the same number of
 * chats (BENCH_REFERENCE_CHATS, default `40,120`), BENCH_DURATION_S each after BENCH_WARMUP_S;
 * both bots stay up and are measured in turn at each chat count, in BENCH_REFERENCE_ROUNDS windows
 * (product and reference, then reference and product, …) pooled into one row.
 *
 * The reference is copied to a folder under the system's temp directory named after a hash of its
 * files and `npm install`ed there on first use; nothing of it enters this project. It calls
 * `setWebhook` on the fake Bot API when it starts; its citizens' updates go to the URL it
 * registered, with the secret it registered in `X-Telegram-Bot-Api-Secret-Token`. Its citizens read
 * its inline buttons and tap them (callback data `lapor`, `kat:bansos`, `ok`).
 *
 * Targets (issue 8): at 40 chats the product answers ≥ 1.5× the reference's messages/s with a p95
 * at or below the reference's; at 120 chats no product reply takes longer than 5 s.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { CHANNELS, telegramDelivery, type BenchChannel } from './channels.js';
import { startFakeBotApi, type OnSend } from './fake-bot-api.js';
import { fmt, percentile } from './figures.js';
import { seedProductHistory, seedReferenceHistory } from './history.js';
import { pipelineFigures, scrapeAll } from './pipeline-figures.js';
import { createScratch, freePort, productEnv, type Scratch } from './infra.js';
import { CitizenLoad, LAPOR_SCRIPT, type PhaseResult, type ScriptStep } from './load.js';
import { measureCpu, OTHER_LOAD_WARNING, productBackends, STEAL_WARNING, startNode, startProduct, waitForHealth, waitForWorkers, type CpuUse, type ProductProcess } from './processes.js';

export interface ReferenceSettings {
  /** Closed-loop chat counts, each measured for both bots. */
  chats: number[];
  durationS: number;
  warmupS: number;
  apiDelayMs: number;
  /** Extra Node flags for the product process (BENCH_NODE_ARGS). */
  nodeArgs: string[];
  /**
   * Product processes (BENCH_PRODUCT_PROCESSES, default 1), each of role `all` on the same database
   * and Redis, the citizens spread over them as a load balancer would spread chats. The reference
   * is always one process: its conversations, kept in Postgres without a lock per chat, are not
   * safe in two.
   */
  productProcesses: number;
  /**
   * How the product runs (BENCH_PRODUCT_SHAPE): `all`, the processes above each of role `all`
   * (what `npm start` runs), or `web+worker`, one process of each role, the citizens posting to the
   * web one, as docker-compose.yml runs it (with one worker, not two: two cores here).
   */
  productShape: 'all' | 'web+worker';
  /**
   * Reports each bot's database has served before the run (BENCH_REFERENCE_HISTORY, default
   * 20,000; 0 starts both empty), with the statistics autovacuum would have left (bench/history.ts).
   */
  history: number;
  /**
   * Windows each chat count is measured in (BENCH_REFERENCE_ROUNDS, default 2), each
   * BENCH_DURATION_S / rounds long, the bots in turn and the first of each pair alternating
   * (product, reference, reference, product, …): a steady drift in the machine's other load (steal
   * time, other guests) or in a bot's own warming up falls on both bots alike over an even number
   * of windows, instead of on whichever was measured second.
   */
  rounds: number;
}

/** One bot at one chat count. */
export interface Measured {
  result: PhaseResult;
  cpu: CpuUse;
  /** Updates the bot failed by a fault of its own, known and counted apart (`Running.ownFaults`). */
  ownFaults: number;
}

export interface ReferenceReport {
  settings: ReferenceSettings;
  /** "grammy 1.x, @grammyjs/conversations 2.x…", as installed. */
  referenceVersions: string;
  /**
   * Each chat count's windows pooled; `rounds` holds each window pair's messages/s, `disturbed` the
   * most other load and steal time of any one window of either bot (averages would hide one).
   */
  rows: {
    chats: number;
    product: Measured;
    reference: Measured;
    rounds: { product: number; reference: number }[];
    disturbed: { other: number; stolen: number };
  }[];
  /** Output of a bot that logged errors or left messages unanswered, to read before the figures. */
  notes: string[];
}

export const TARGET_RATIO = 1.5;
export const TARGET_RATIO_CHATS = 40;
export const TARGET_MAX_MS = 5_000;
export const TARGET_MAX_CHATS = 120;

/** Where the reference's source lives, beside this project (`../shared/peers/…` from its root). */
const REFERENCE_SOURCE = fileURLToPath(new URL('../../shared/peers/grammy-conversations/', import.meta.url));
const REFERENCE_SECRET = 'reference_webhook_secret_0123456789';
const REFERENCE_PACKAGES = ['grammy', '@grammyjs/conversations', '@grammyjs/storage-psql', '@grammyjs/auto-retry', 'pg'];
const WARMUP_CITIZENS = 40;
/** How long the count of a bot's own faults may lag behind the refused updates it explains. */
const OWN_FAULT_LINE_WAIT_MS = 1_000;
/** The line the reference prints when two of its tickets collide and the update fails (see the README). */
const REFERENCE_TICKET_COLLISION = /peer_cases_ticket_key/;
const STARTUP_TIMEOUT_MS = 90_000;

/**
 * The reference's lapor flow, message for message: any text brings its menu, buttons pick lapor and
 * the category, typed description, address, name and NIK, a button confirms, the ticket comes back
 * (8 messages; the product's LAPOR_SCRIPT takes 9 for its anonymous report).
 */
export const REFERENCE_LAPOR_SCRIPT: readonly ScriptStep[] = [
  { text: 'menu', replies: 1, expect: /Selamat datang di layanan pengaduan/ },
  { text: 'Lapor', tap: 'lapor', replies: 1, expect: /Pilih kategori laporan/ },
  { text: 'Bantuan sosial', tap: 'kat:bansos', replies: 1, expect: /Jelaskan masalah Anda/ },
  { text: LAPOR_SCRIPT[4].text, replies: 1, expect: /Kirim lokasi/ },
  { text: 'Jl. Merdeka No. 10, Kelurahan Sukamaju, Kecamatan Cibinong', replies: 1, expect: /Nama lengkap/ },
  { text: 'Siti Rahayu', replies: 1, expect: /NIK \(16 digit\)/ },
  { text: '3201234567890123', replies: 1, expect: /Ringkasan laporan/ },
  { text: 'Ya, kirim', tap: 'ok', replies: 1, expect: /Nomor tiket Anda/ },
];

const telegram = CHANNELS.find((c) => c.key === 'telegram')!;

/** A bot running for the comparison: its process and where its citizens post. */
interface Running {
  /** The bot's processes; the first is the one the reference has. */
  processes: ProductProcess[];
  channel: BenchChannel;
  script: readonly ScriptStep[];
  /** The product's web URL (the reference's webhook is a whole URL in `channel`). */
  baseUrl: string;
  /** The other product processes' web URLs. */
  alsoAt?: string[];
  /**
   * A known fault of the bot's own that fails an update now and then (its webhook answers 500, its
   * citizen goes unanswered): how many so far, and what it is. The warm-up forgives those, and the
   * report counts them apart.
   */
  ownFaults?: { count: () => number; what: string };
  /** Where the bot serves the product's `/metrics` (every process that has a web port): its own account of each window. */
  metricsAt?: string[];
}

type Start = (scratch: Scratch, onSend: OnSend) => Promise<Running>;
/** Fills a started bot's database with its history before the warm-up. */
type Seed = (databaseUrl: string) => Promise<void>;

export async function runReferenceBench(settings: ReferenceSettings, log: (line: string) => void, cleanups: (() => Promise<void>)[]): Promise<ReferenceReport> {
  log(`\n== the product beside the reference bot (grammY + conversations in Postgres), ${settings.chats.join(' and ')} chats ==`);
  const referenceDir = await installReference(log);
  const notes: string[] = [];

  const startProductBot: Start = async (scratch, onSend) => {
    const fake = await telegram.startFake(onSend, settings.apiDelayMs);
    cleanups.push(() => fake.close());
    const processes: ProductProcess[] = [];
    const urls: string[] = [];
    /** The worker's own /metrics (METRICS_PORT) when the roles run apart: its stepper and sends are counted there. */
    const workerMetrics: string[] = [];
    const envFor = async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'kanal-bench-reference-'));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const port = await freePort();
      return { port, env: { ...productEnv(scratch, port, dataDir), CHAT_INBOUND_PER_MINUTE: '1000000', ...fake.productEnv } };
    };
    if (settings.productShape === 'web+worker') {
      // The web process migrates and seeds first; the worker starts on a ready database.
      const web = await envFor();
      const front = startProduct('product-web', 'web', web.env, settings.nodeArgs);
      cleanups.push(() => front.stop());
      await alive(front, waitForHealth(web.port));
      // The same files as the web process (media), its own port.
      const metricsPort = await freePort();
      const back = startProduct('product-worker', 'worker', { ...web.env, PORT: String(await freePort()), METRICS_PORT: String(metricsPort) }, settings.nodeArgs);
      cleanups.push(() => back.stop());
      processes.push(front, back);
      urls.push(`http://127.0.0.1:${web.port}`);
      workerMetrics.push(`http://127.0.0.1:${metricsPort}`);
    } else {
      for (let i = 0; i < settings.productProcesses; i++) {
        const { port, env } = await envFor();
        const process = startProduct(i === 0 ? 'product' : `product-${i + 1}`, 'all', env, settings.nodeArgs);
        cleanups.push(() => process.stop());
        await alive(process, waitForHealth(port));
        processes.push(process);
        urls.push(`http://127.0.0.1:${port}`);
      }
    }
    await alive(processes, waitForWorkers(scratch.redisPrefix, 'telegram', settings.productShape === 'web+worker' ? 1 : processes.length));
    return { processes, channel: telegram, script: LAPOR_SCRIPT, baseUrl: urls[0], alsoAt: urls.slice(1), metricsAt: [...urls, ...workerMetrics] };
  };

  const startReferenceBot: Start = async (scratch, onSend) => {
    const fake = await startFakeBotApi(onSend, settings.apiDelayMs);
    cleanups.push(() => fake.close());
    const port = await freePort();
    const process = startNode(
      'reference',
      ['bot.mjs'],
      referenceDir,
      {
        NODE_ENV: 'production',
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        TELEGRAM_WEBHOOK_SECRET: REFERENCE_SECRET,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: scratch.databaseUrl,
      },
      REFERENCE_TICKET_COLLISION,
    );
    cleanups.push(() => process.stop());
    await alive(process, waitForHealth(port));
    const webhook = await alive(process, until('the reference to call setWebhook', () => fake.webhook));
    const channel: BenchChannel = { ...telegram, label: 'reference', ...telegramDelivery(webhook.url, webhook.secret ?? '') };
    return {
      processes: [process],
      channel,
      script: REFERENCE_LAPOR_SCRIPT,
      baseUrl: `http://127.0.0.1:${port}`,
      ownFaults: { count: () => process.watched(), what: 'its own tickets collided (peer_cases_ticket_key)' },
    };
  };

  // Both bots stay up and are measured in turn at each chat count, so a change in the machine's
  // other load between the two measurements of a pair is as small as it can be.
  const product = await readyBot('product', startProductBot, (url) => seedProductHistory(url, settings.history), settings, log, cleanups);
  const reference = await readyBot('reference', startReferenceBot, (url) => seedReferenceHistory(url, settings.history), settings, log, cleanups);
  const rows: ReferenceReport['rows'] = [];
  const windowMs = (settings.durationS * 1000) / settings.rounds;
  for (const chats of settings.chats) {
    const pairs: { product: Measured; reference: Measured }[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      const label = settings.rounds > 1 ? `window ${round + 1}/${settings.rounds}` : '';
      const measured = new Map<ReadyBot, Measured>();
      for (const bot of round % 2 === 0 ? [product, reference] : [reference, product]) measured.set(bot, await bot.measure(chats, windowMs, label));
      pairs.push({ product: measured.get(product)!, reference: measured.get(reference)! });
    }
    const windows = pairs.flatMap((pair) => [pair.product, pair.reference]);
    rows.push({
      chats,
      product: pooled(pairs.map((pair) => pair.product)),
      reference: pooled(pairs.map((pair) => pair.reference)),
      rounds: pairs.map((pair) => ({ product: pair.product.result.answeredPerSecond, reference: pair.reference.result.answeredPerSecond })),
      disturbed: { other: Math.max(...windows.map((w) => w.cpu.other)), stolen: Math.max(...windows.map((w) => w.cpu.stolen)) },
    });
  }
  for (const bot of [product, reference]) {
    notes.push(...bot.notes(rows.map((row) => (bot === product ? row.product : row.reference))));
    for (const process of bot.processes) await process.stop();
  }
  return { settings, referenceVersions: installedVersions(referenceDir), rows, notes };
}

interface ReadyBot {
  processes: ProductProcess[];
  /** One closed-loop window of `ms` at `chats` chats, with the cores busy during it; `label` names it in the log. */
  measure(chats: number, ms: number, label: string): Promise<Measured>;
  /** What to read before the figures: warnings logged, the last output when messages went unanswered. */
  notes(measured: Measured[]): string[];
}

/** Starts one bot on a scratch database and warms it up. */
async function readyBot(name: string, start: Start, seed: Seed, settings: ReferenceSettings, log: (line: string) => void, cleanups: (() => Promise<void>)[]): Promise<ReadyBot> {
  const scratch = await createScratch();
  cleanups.push(() => scratch.dispose());
  let citizens: CitizenLoad | null = null;
  const running = await start(scratch, (...args) => citizens?.onSend(...args));
  const load = new CitizenLoad({ baseUrl: running.baseUrl, alsoAt: running.alsoAt, channel: running.channel, script: running.script });
  citizens = load;
  cleanups.push(async () => load.close());
  const monitor = postgres(scratch.databaseUrl, { max: 1, onnotice: () => {} });
  cleanups.push(() => monitor.end());
  log(`${name}: started, pid ${running.processes.map((p) => p.pid).join(', ')}`);
  if (settings.history > 0) {
    const seeding = Date.now();
    await alive(running.processes, seed(scratch.databaseUrl));
    log(`${name}: history of ${settings.history.toLocaleString('en')} reports seeded (${((Date.now() - seeding) / 1000).toFixed(1)} s)`);
  }

  const ownFaults = running.ownFaults?.count ?? (() => 0);
  /**
   * The own faults since `before`, once they account for `refused` updates or a moment has passed:
   * the fault's line comes through the bot's stderr, its 500 through the webhook, in either order.
   */
  const faultsSince = async (before: number, refused: number): Promise<number> => {
    for (let waited = 0; ownFaults() - before < refused && waited < OWN_FAULT_LINE_WAIT_MS; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    return ownFaults() - before;
  };
  const faultsBefore = ownFaults();
  const warmup = await alive(running.processes, load.closedLoop('warmup', WARMUP_CITIZENS, settings.warmupS * 1000));
  // Each own fault fails one update: its webhook answers 500 and a new citizen takes its chat's place.
  const forgiven = await faultsSince(faultsBefore, warmup.httpErrors);
  if (warmup.answered === 0 || warmup.mismatches > 0 || warmup.unanswered > forgiven || warmup.httpErrors > forgiven) {
    throw new Error(
      `${name} warm-up failed: ${warmup.answered} answered, ${warmup.unanswered} unanswered, ${warmup.httpErrors} HTTP errors, ` +
        `${warmup.mismatches} unexpected replies${warmup.mismatchExample ? ` (${warmup.mismatchExample})` : ''}\n${running.processes[0].outputTail()}`,
    );
  }
  return {
    processes: running.processes,
    async measure(chats, ms, label) {
      const phase = `${chats} chats`;
      const before = ownFaults();
      const scrapedBefore = running.metricsAt ? await scrapeAll(running.metricsAt).catch(() => null) : null;
      const scrapedFrom = performance.now();
      const m = await measureCpu(running.processes, () => productBackends(monitor), ms, () => alive(running.processes, load.closedLoop(phase, chats, ms)));
      const scrapedAfter = scrapedBefore && running.metricsAt ? await scrapeAll(running.metricsAt).catch(() => null) : null;
      const betweenMs = performance.now() - scrapedFrom;
      const r = m.result;
      const faults = await faultsSince(before, r.httpErrors);
      log(
        `${name}, ${phase}${label ? `, ${label}` : ''}: ${fmt(r.answeredPerSecond)} msg/s, p50 ${fmt(percentile(r.latencies, 0.5))} / p95 ${fmt(percentile(r.latencies, 0.95))} / ` +
          `max ${fmt(percentile(r.latencies, 1))} ms, ${r.answered}/${r.sent} answered` +
          (faults > 0 ? `, ${faults} updates failed by a fault of its own` : ''),
      );
      if (scrapedBefore && scrapedAfter) {
        const p = pipelineFigures(scrapedBefore, scrapedAfter, betweenMs, running.metricsAt!.length);
        if (p.batches > 0) {
          log(
            `  its /metrics: ${p.batches} batches of ${fmt(p.chatsPerBatch)} chats, each ${fmt(p.transactionMs)} ms in its transaction then ${fmt(p.deliveryMs)} ms delivering (means); ` +
              `a message waited ${fmt(p.stepWaitMs)} ms for its step (mean); garbage collection ${fmt(p.gcShare * 100)} % of the window`,
          );
        }
      }
      return { ...m, ownFaults: faults };
    },
    notes(measured) {
      const notes: string[] = [];
      const warnings = running.processes.flatMap((process) => process.warningLines());
      if (warnings.length > 0) notes.push(`${name}: ${warnings.length} warnings or errors logged, e.g. "${warnings[0].msg}"`);
      const faults = measured.reduce((sum, m) => sum + m.ownFaults, 0);
      if (faults > 0) notes.push(`${name}: ${faults} updates failed because ${running.ownFaults!.what}; each leaves a message unanswered and an HTTP error`);
      // An own fault accounts for one unanswered message and one HTTP error; anything beyond is news.
      if (measured.some(({ result: r, ownFaults: own }) => r.unanswered + r.httpErrors + r.mismatches + r.strays > 2 * own)) {
        notes.push(`${name}: last output:\n${running.processes[0].outputTail().trim().split('\n').slice(-5).join('\n')}`);
      }
      return notes;
    },
  };
}

/**
 * Windows of equal length pooled as one: counts summed, rates and cores averaged, latencies
 * merged (so the percentiles are of every answered message), the first example kept.
 */
export function pooled(windows: readonly Measured[]): Measured {
  if (windows.length === 0) throw new Error('no window to pool');
  if (windows.length === 1) return windows[0];
  const results = windows.map((w) => w.result);
  const sum = (read: (r: PhaseResult) => number) => results.reduce((total, r) => total + read(r), 0);
  const mean = (values: readonly number[]) => values.reduce((total, v) => total + v, 0) / values.length;
  const latencies = new Float64Array(sum((r) => r.latencies.length));
  let at = 0;
  for (const r of results) {
    latencies.set(r.latencies, at);
    at += r.latencies.length;
  }
  latencies.sort();
  const cpus = windows.map((w) => w.cpu);
  const cpuMean = (read: (c: CpuUse) => number) => mean(cpus.map(read));
  return {
    result: {
      ...results[0],
      sent: sum((r) => r.sent),
      answered: sum((r) => r.answered),
      answeredPerSecond: mean(results.map((r) => r.answeredPerSecond)),
      repliesPerSecond: mean(results.map((r) => r.repliesPerSecond)),
      latencies,
      skipped: sum((r) => r.skipped),
      unanswered: sum((r) => r.unanswered),
      unansweredExamples: results.flatMap((r) => r.unansweredExamples).slice(0, 5),
      httpErrors: sum((r) => r.httpErrors),
      mismatches: sum((r) => r.mismatches),
      mismatchExample: results.find((r) => r.mismatchExample !== null)?.mismatchExample ?? null,
      strays: sum((r) => r.strays),
      inFlightAtEnd: Math.max(...results.map((r) => r.inFlightAtEnd)),
    },
    cpu: {
      product: cpus[0].product.map((_, i) => cpuMean((c) => c.product[i])),
      bench: cpuMean((c) => c.bench),
      postgres: cpuMean((c) => c.postgres),
      redis: cpuMean((c) => c.redis),
      machine: cpuMean((c) => c.machine),
      other: cpuMean((c) => c.other),
      stolen: cpuMean((c) => c.stolen),
    },
    ownFaults: windows.reduce((total, w) => total + w.ownFaults, 0),
  };
}

/** The report's problems column: everything that went wrong, and how many updates a known fault of the bot's own failed. */
function problems(x: PhaseResult, ownFaults: number): string {
  const all = String(x.unanswered + x.httpErrors + x.mismatches + x.strays);
  return ownFaults > 0 ? `${all} (${ownFaults} own)` : all;
}

/** `work`, unless one of the bot's processes exits first. */
function alive<T>(bot: ProductProcess | ProductProcess[], work: Promise<T>): Promise<T> {
  const died = (Array.isArray(bot) ? bot : [bot]).map((one) =>
    one.exited.then((code) => {
      throw new Error(`${one.label} (pid ${one.pid}) exited with code ${code}:\n${one.outputTail()}`);
    }),
  );
  for (const each of died) each.catch(() => {});
  return Promise.race([work, ...died]);
}

/** Resolves with `read()` once it is not null. */
async function until<T>(what: string, read: () => T | null): Promise<T> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (let value = read(); ; value = read()) {
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // Polls a process that is starting; the interval only bounds how often we ask.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A copy of the reference with its dependencies installed, in the temp directory, named after a
 * hash of its files: installed once per version of the reference, never inside this project.
 */
async function installReference(log: (line: string) => void): Promise<string> {
  const files = ['package.json', 'bot.mjs'];
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(join(REFERENCE_SOURCE, file)));
  const dir = join(tmpdir(), `kanal-bench-reference-${hash.digest('hex').slice(0, 12)}`);
  const marker = join(dir, '.installed');
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  cpSync(REFERENCE_SOURCE, dir, { recursive: true, filter: (path) => !path.includes('node_modules') });
  log(`installing the reference bot in ${dir} (npm install)…`);
  const npm = spawn('npm', ['install', '--no-audit', '--no-fund', '--omit=dev'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  npm.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const [code] = (await once(npm, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`npm install of the reference bot in ${dir} failed (exit ${code}):\n${output}`);
  writeFileSync(marker, '');
  return dir;
}

function installedVersions(dir: string): string {
  return REFERENCE_PACKAGES.map((name) => {
    try {
      return `${name} ${(JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`;
    } catch {
      return `${name} ?`;
    }
  }).join(', ');
}

const times = (x: number) => `${fmt(x, 2)}×`;

export function referenceReport(r: ReferenceReport, table: (headers: string[], rows: string[][], left: number) => string, log: (line: string) => void) {
  log('\n================ The product beside the reference bot: lapor flow over the Telegram webhook, closed loop ================');
  log(`reference ../shared/peers/grammy-conversations: ${r.referenceVersions}; one Node process`);
  log(
    `product   ${
      r.settings.productShape === 'web+worker'
        ? 'a web process and a worker process (BENCH_PRODUCT_SHAPE=web+worker), citizens posting to the web one'
        : `${r.settings.productProcesses === 1 ? 'one process' : `${r.settings.productProcesses} processes (BENCH_PRODUCT_PROCESSES), citizens spread over them`} (role all)`
    }, ` +
      `product defaults, CHAT_INBOUND_PER_MINUTE lifted; ${LAPOR_SCRIPT.length} messages per report ` +
      `(the reference: ${REFERENCE_LAPOR_SCRIPT.length}, taps on its buttons included)`,
  );
  log(
    `load      ${r.settings.durationS} s per chat count${r.settings.rounds > 1 ? ` in ${r.settings.rounds} windows, the bots in turn (BENCH_REFERENCE_ROUNDS)` : ''}, after ${r.settings.warmupS} s warm-up; the same fake Bot API ` +
      `${r.settings.apiDelayMs > 0 ? `answering after ${r.settings.apiDelayMs} ms` : 'answering at once'}; ` +
      'latency = webhook POST start → first reply for that chat at the fake API',
  );
  log(
    `history   ${r.settings.history > 0 ? `each database had served ${r.settings.history.toLocaleString('en')} reports before the run, analysed (BENCH_REFERENCE_HISTORY)` : 'both databases empty at the start (BENCH_REFERENCE_HISTORY=0)'}`,
  );
  const rows: string[][] = [];
  for (const { chats, product, reference } of r.rows) {
    for (const [bot, { result: x, cpu }] of [['product', product], ['reference', reference]] as const) {
      rows.push([
        String(chats),
        bot,
        fmt(x.answeredPerSecond),
        fmt(percentile(x.latencies, 0.5)),
        fmt(percentile(x.latencies, 0.95)),
        fmt(percentile(x.latencies, 0.99)),
        fmt(percentile(x.latencies, 1)),
        `${x.answered}/${x.sent}`,
        problems(x, bot === 'product' ? product.ownFaults : reference.ownFaults),
        `${fmt(cpu.product.reduce((sum, one) => sum + one, 0), 2)} / ${fmt(cpu.postgres, 2)} / ${fmt(cpu.redis, 2)} / ${fmt(cpu.other, 2)} / ${fmt(cpu.stolen, 2)}`,
      ]);
    }
  }
  log('');
  log(table(['chats', 'bot', 'msg/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'answered/sent', 'problems', 'cores: bot / postgres / redis / other / stolen'], rows, 2));
  log('  problems: unanswered + HTTP errors + unexpected replies (or buttons missing) + stray replies; "own": updates the bot failed by a known fault of its own.');
  for (const note of r.notes) log(`  ! ${note}`);
  for (const { chats, disturbed } of r.rows) {
    const { other, stolen } = disturbed;
    if (other > OTHER_LOAD_WARNING) log(`  ! ${chats} chats: other processes kept up to ${fmt(other, 2)} cores busy: not a clean measurement`);
    if (stolen > STEAL_WARNING) log(`  ! ${chats} chats: the host took up to ${fmt(stolen, 2)} cores for other guests (steal time): not a clean measurement`);
  }

  log('\nRatios (product / reference)');
  for (const { chats, product, reference, rounds } of r.rows) {
    const p95 = (m: Measured) => percentile(m.result.latencies, 0.95);
    log(
      `  ${chats} chats: messages/s ${times(product.result.answeredPerSecond / reference.result.answeredPerSecond)} ` +
        `(${fmt(product.result.answeredPerSecond)} vs ${fmt(reference.result.answeredPerSecond)}); ` +
        `p95 ${times(p95(product) / p95(reference))} the reference's (${fmt(p95(product))} vs ${fmt(p95(reference))} ms)` +
        (rounds.length > 1 ? `; by window ${rounds.map((w) => times(w.product / w.reference)).join(', ')}` : ''),
    );
  }
  log('\nTargets');
  const at = (chats: number) => r.rows.find((row) => row.chats === chats);
  const ratioRow = at(TARGET_RATIO_CHATS);
  if (ratioRow) {
    const { product: p, reference: ref } = ratioRow;
    const ratio = p.result.answeredPerSecond / ref.result.answeredPerSecond;
    const p95 = percentile(p.result.latencies, 0.95);
    const refP95 = percentile(ref.result.latencies, 0.95);
    log(
      `  ${TARGET_RATIO_CHATS} chats, messages/s ≥ ${TARGET_RATIO}× the reference's: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'} (${times(ratio)})`,
    );
    log(`  ${TARGET_RATIO_CHATS} chats, p95 ≤ the reference's: ${p95 <= refP95 ? 'met' : 'NOT met'} (${fmt(p95)} vs ${fmt(refP95)} ms)`);
  } else {
    log(`  ${TARGET_RATIO_CHATS} chats not measured (BENCH_REFERENCE_CHATS): the ratio targets are not checked`);
  }
  const maxRow = at(TARGET_MAX_CHATS);
  if (maxRow) {
    const x = maxRow.product.result;
    const max = percentile(x.latencies, 1);
    const met = max <= TARGET_MAX_MS && x.unanswered === 0;
    log(`  ${TARGET_MAX_CHATS} chats, no product reply slower than ${TARGET_MAX_MS / 1000} s: ${met ? 'met' : 'NOT met'} (max ${fmt(max)} ms, ${x.unanswered} unanswered)`);
  } else {
    log(`  ${TARGET_MAX_CHATS} chats not measured (BENCH_REFERENCE_CHATS): the 5 s target is not checked`);
  }
}
