/**
 * `npm run bench -- flood`: does one chat flooding the bot slow everyone else down? The product runs
 * as one process with its defaults (CHAT_INBOUND_PER_MINUTE 20, TELEGRAM_MAX_PER_SECOND 30) behind
 * the Telegram webhook, replies going to the lean fake Bot API. Twice, on fresh chats:
 *
 * - alone: BENCH_FLOOD_CITIZENS citizens (default 20) each file a report (the lapor script), pausing
 *   about BENCH_FLOOD_THINK_MS (default 1000, ±50 %) before each message, as people do;
 * - flooded: the same, while one more chat posts BENCH_FLOOD_MESSAGES (default 300) messages, each
 *   as soon as the webhook answered the previous one (Telegram delivers a chat's updates in turn).
 * BENCH_FLOOD_ROUNDS (default 2) of each, alternated, each run on fresh chats.
 *
 * A message's reply time runs from its webhook POST to its first reply at the fake Bot API. The
 * report gives the citizens' p50 / p95 / max per run and pooled, the ratio of the pooled p95s
 * (target ≤ 2), the cores each run kept busy (and whether other processes disturbed it), and what
 * became of each flood: stored, answered, held back, slow-down notices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { copy } from '../flows/copy/index.js';
import { CHANNELS } from './channels.js';
import { fmt, percentile } from './figures.js';
import { createScratch, freePort, productEnv } from './infra.js';
import { LAPOR_SCRIPT, type ScriptStep } from './load.js';
import { cpuBetween, cpuSnapshot, OTHER_LOAD_WARNING, productBackends, STEAL_WARNING, startProduct, waitForHealth, waitForWorkers, type CpuUse } from './processes.js';

export interface FloodSettings {
  citizens: number;
  messages: number;
  thinkMs: number;
  /** Runs of each kind, alternated (alone, flooded, alone, …): a busy machine's drift hits both alike. */
  rounds: number;
}

export interface FloodRun {
  name: string;
  /** Reply times of the citizens' messages, ms, sorted. */
  latencies: Float64Array;
  /** Citizens' messages not fully answered within the step timeout, or answered unexpectedly. */
  problems: number;
  wallMs: number;
  /** Cores busy during the run: the product, its Postgres backends, and everything else on the machine. */
  cpu: CpuUse;
}

export interface FloodReport {
  settings: FloodSettings;
  runs: FloodRun[];
  /** What became of each flood, one per flooded run. */
  floods: { postedMs: number; stored: number; stepped: number; heldBack: number; repeats: number; replies: number; notices: number }[];
}

/** A step not answered in full within this long counts as a problem; the citizen goes on. */
const STEP_TIMEOUT_MS = 30_000;
const telegram = CHANNELS.find((c) => c.key === 'telegram')!;
/** Chat numbers of a run start at its number times this: every run starts on fresh chats. */
const CHATS_PER_RUN = 1_000;

/** One chat waiting for the replies to its message. */
interface Waiting {
  step: ScriptStep;
  replies: number;
  firstAt: number;
  matched: boolean;
  done: () => void;
}

export async function runFloodBench(settings: FloodSettings, log: (line: string) => void, cleanups: (() => Promise<void>)[]): Promise<FloodReport> {
  log(`\n== flood: ${settings.citizens} citizens reporting, alone and beside one chat sending ${settings.messages} messages ==`);
  const scratch = await createScratch();
  cleanups.push(() => scratch.dispose());
  const dataDir = mkdtempSync(join(tmpdir(), 'kanal-bench-flood-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));

  const waiting = new Map<string, Waiting>();
  const toFlooders = new Map<string, string[]>();
  const fake = await telegram.startFake((chatId, text, arrivedAt) => {
    const flooder = toFlooders.get(chatId);
    if (flooder) return void flooder.push(text);
    const wait = waiting.get(chatId);
    if (!wait) return;
    if (++wait.replies === 1) {
      wait.firstAt = arrivedAt;
      wait.matched = wait.step.expect.test(text);
    }
    if (wait.replies >= wait.step.replies) wait.done();
  }, 0);
  cleanups.push(() => fake.close());

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // Telegram's real throughput (30/s) and the fair-use defaults: only the fake API is unlimited.
  const { TELEGRAM_MAX_PER_SECOND: _unlimited, ...channelEnv } = fake.productEnv;
  const product = startProduct('all', 'all', { ...productEnv(scratch, port, dataDir), ...channelEnv });
  cleanups.push(() => product.stop());
  await waitForHealth(port);
  await waitForWorkers(scratch.redisPrefix, 'telegram', 1);

  const post = async (chatId: string, seq: number, text: string) => {
    const { body, headers } = telegram.request(chatId, seq, text);
    const res = await fetch(base + telegram.webhookPath, { method: 'POST', headers, body });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
  };
  const think = () => sleep(settings.thinkMs * (0.5 + Math.random()));

  /** One citizen filing a report; returns the reply time of each message, NaN when unanswered. */
  const report = async (chatId: string): Promise<number[]> => {
    const times: number[] = [];
    for (let seq = 1; seq <= LAPOR_SCRIPT.length; seq++) {
      const step = LAPOR_SCRIPT[seq - 1];
      await think();
      let done!: () => void;
      const answered = new Promise<void>((resolve) => (done = resolve));
      const wait: Waiting = { step, replies: 0, firstAt: 0, matched: false, done };
      waiting.set(chatId, wait);
      const sentAt = performance.now();
      await post(chatId, seq, step.text);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([answered.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, STEP_TIMEOUT_MS, true)))]);
      clearTimeout(timer);
      waiting.delete(chatId);
      times.push(timedOut || !wait.matched ? NaN : wait.firstAt - sentAt);
    }
    return times;
  };
  const monitor = postgres(scratch.databaseUrl, { max: 1, onnotice: () => {} });
  cleanups.push(() => monitor.end());
  const run = async (name: string, firstChat: number, alongside?: () => Promise<void>): Promise<FloodRun> => {
    const before = cpuSnapshot([product], await productBackends(monitor));
    const started = performance.now();
    const chats = Array.from({ length: settings.citizens }, (_, i) => telegram.chatId(firstChat + i));
    const [times] = await Promise.all([Promise.all(chats.map(report)), alongside?.()]);
    const wallMs = performance.now() - started;
    const cpu = cpuBetween(before, cpuSnapshot([product], await productBackends(monitor)));
    const all = times.flat();
    const latencies = Float64Array.from(all.filter((t) => !Number.isNaN(t))).sort();
    log(`${name}: p50 ${fmt(percentile(latencies, 0.5))} / p95 ${fmt(percentile(latencies, 0.95))} / max ${fmt(percentile(latencies, 1))} ms, ${latencies.length}/${all.length} answered`);
    return { name, latencies, problems: all.length - latencies.length, wallMs, cpu };
  };

  /** One chat posting the flood, each message as soon as the webhook answered the previous one. */
  const flood = async (flooderId: string) => {
    const replies: string[] = [];
    toFlooders.set(flooderId, replies);
    const started = performance.now();
    for (let seq = 1; seq <= settings.messages; seq++) await post(flooderId, seq, `pesan nomor ${seq}`);
    const postedMs = performance.now() - started;
    const [stored] = await monitor<{ stored: number; stepped: number; held_back: number; repeats: number }[]>`
      select count(*)::int as stored,
        count(*) filter (where m.skipped is null)::int as stepped,
        count(*) filter (where m.skipped = 'flood')::int as held_back,
        count(*) filter (where m.skipped = 'repeat')::int as repeats
      from messages m join channel_identities i on i.id = m.identity_id
      where i.channel = 'telegram' and i.chat_id = ${flooderId}`;
    return { postedMs, stored: stored.stored, stepped: stored.stepped, heldBack: stored.held_back, repeats: stored.repeats, replies };
  };

  // Warm every code path (new chat, each state of the report) before measuring.
  await Promise.all(Array.from({ length: 5 }, (_, i) => report(telegram.chatId(i))));
  const runs: FloodRun[] = [];
  const outcomes: Awaited<ReturnType<typeof flood>>[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    runs.push(await run('alone', CHATS_PER_RUN * (2 * round + 1)));
    const flooderId = telegram.chatId(CHATS_PER_RUN * (2 * round + 2) + CHATS_PER_RUN - 1);
    runs.push(await run('flooded', CHATS_PER_RUN * (2 * round + 2), async () => void outcomes.push(await flood(flooderId))));
  }
  // Counted last: the replies to a flood's answered messages have had every later run to arrive.
  const floods = outcomes.map(({ replies, ...outcome }) => ({
    ...outcome,
    replies: replies.length,
    notices: replies.filter((text) => text === copy.id.fairUse.slowDown).length,
  }));
  return { settings, runs, floods };
}

/** The issue's bound: the others' p95 with the flood within twice the p95 without it. */
const TARGET_RATIO = 2;

export function floodReport(r: FloodReport, log: (line: string) => void) {
  const pooled = (name: string) => Float64Array.from(r.runs.filter((run) => run.name === name).flatMap((run) => [...run.latencies])).sort();
  const alone = pooled('alone');
  const flooded = pooled('flooded');
  const ratio = percentile(flooded, 0.95) / percentile(alone, 0.95);
  const problems = r.runs.reduce((sum, run) => sum + run.problems, 0);
  log(`\n================ Flood: one chat sending ${r.settings.messages} messages beside ${r.settings.citizens} citizens reporting ================`);
  log('load      Telegram webhook, product defaults (CHAT_INBOUND_PER_MINUTE, TELEGRAM_MAX_PER_SECOND…), one process;');
  log(`          each citizen files one report (${LAPOR_SCRIPT.length} messages), pausing ${r.settings.thinkMs} ms ±50 % before each;`);
  log(`          ${r.settings.rounds} round(s) of a run alone then a run beside the flood, each on fresh chats`);
  log('');
  const line = (name: string, latencies: Float64Array, rest: string) =>
    `${name.padEnd(9)} p50 ${fmt(percentile(latencies, 0.5)).padStart(7)} ms   p95 ${fmt(percentile(latencies, 0.95)).padStart(7)} ms   ` +
    `max ${fmt(percentile(latencies, 1)).padStart(7)} ms   ${rest}`;
  for (const run of r.runs) {
    log(line(run.name, run.latencies, `${run.latencies.length} answered, ${run.problems} not (or not as expected), ${fmt(run.wallMs / 1000)} s`));
    const disturbed =
      run.cpu.other > OTHER_LOAD_WARNING
        ? '  ! other processes busy: not a clean measurement'
        : run.cpu.stolen > STEAL_WARNING
          ? '  ! the host took cores for other guests (steal time): not a clean measurement'
          : '';
    log(
      `          cores busy: product ${fmt(run.cpu.product[0], 2)}, its Postgres ${fmt(run.cpu.postgres, 2)}, Redis ${fmt(run.cpu.redis, 2)}, ` +
        `bench ${fmt(run.cpu.bench, 2)}, other processes ${fmt(run.cpu.other, 2)}, stolen by the host ${fmt(run.cpu.stolen, 2)}; machine ${fmt(run.cpu.machine * 100, 0)}% busy${disturbed}`,
    );
  }
  log(line('all alone', alone, ''));
  log(line('all flood', flooded, ''));
  for (const flood of r.floods) {
    log(
      `flood     ${flood.stored} of ${r.settings.messages} stored, posted in ${fmt(flood.postedMs / 1000)} s: ${flood.stepped} answered, ` +
        `${flood.heldBack} held back (over the minute's limit), ${flood.repeats} repeats; ${flood.replies} replies to it, ${flood.notices} slow-down notice(s)`,
    );
  }
  log(`target    the others' p95 beside the flood ≤ ${TARGET_RATIO}× alone: ${ratio <= TARGET_RATIO && problems === 0 ? 'met' : 'NOT met'} (${fmt(ratio, 2)}×)`);
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
