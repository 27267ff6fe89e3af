/**
 * The inbox phase of `npm run bench` (alone: `npm run bench -- inbox`): a scratch database seeded
 * by inbox-seed.ts, then the case service's own `listCases` and `countCases` (the statements the
 * console runs, through the app's db client) timed per filter, search and actor, first page
 * unless said otherwise. Target: p95 ≤ 50 ms for the first page of any filter.
 *
 * Environment: BENCH_INBOX_CASES (default 1,000,000), BENCH_INBOX_MESSAGES (default 10,000,000),
 * BENCH_INBOX_RUNS (timed runs per scenario, default 50), BENCH_INBOX_EXPLAIN=1 (print
 * EXPLAIN ANALYZE of each scenario), BENCH_INBOX_DATABASE_URL (measure an already seeded database
 * instead of seeding a scratch one), BENCH_INBOX_KEEP=1 (keep the scratch database and print its URL),
 * BENCH_INBOX_ONLY (only scenarios whose "actor / scenario" contains this text).
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { Actor } from '../src/cases/events.js';
import { countCases, countCasesStatement, listCases, listCasesStatement, type CaseCountFilters, type CaseListFilters, type ReadContext } from '../src/cases/service.js';
import { readCatalogue, seedCatalogueIfEmpty } from '../src/catalogue/seed.js';
import { createDb } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createScratch } from './infra.js';
import { placeName, seedInbox, VOCABULARY } from './inbox-seed.js';
import { cpuSeconds } from './processes.js';

export const INBOX_TARGET_P95_MS = 50;

export interface InboxSettings {
  cases: number;
  messages: number;
  runs: number;
  explain: boolean;
  databaseUrl: string | null;
  keep: boolean;
  only: string | null;
}

export interface InboxRow {
  actor: string;
  scenario: string;
  rows: number;
  p50: number;
  p95: number;
  max: number;
  /** CPU time of the Postgres backend per run: the work itself, which other load on the machine does not inflate. */
  pgCpu: number;
}

type Scenario = { name: string; list: CaseListFilters; pages?: number } | { name: string; counts: CaseCountFilters };

interface Actors {
  label: string;
  actor: Actor;
  scenarios: Scenario[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Who looks and what at: every filter for a dinas-wide verifikator, the ones that differ by scope for the others. */
async function actorsOf(database: postgres.Sql, sampleTicket: string): Promise<Actors[]> {
  const [ids] = await database<{ dinsos: number; disdik: number; linjamsos: number; rehsos: number; officer: number; petugasRehsos: number }[]>`
    select (select id from dinas where code = 'dinsos-bandung') as dinsos,
           (select id from dinas where code = 'disdik-bandung') as disdik,
           (select u.id from units u join dinas d on d.id = u.dinas_id where d.code = 'dinsos-bandung' and u.code = 'linjamsos') as linjamsos,
           (select u.id from units u join dinas d on d.id = u.dinas_id where d.code = 'dinsos-bandung' and u.code = 'rehsos') as rehsos,
           (select c.assignee_staff_id from cases c join dinas d on d.id = c.dinas_id where d.code = 'dinsos-bandung' and c.assignee_staff_id is not null order by c.id desc limit 1) as officer,
           (select s.id from staff s join units u on u.id = s.unit_id where u.code = 'rehsos' and s.role = 'petugas' order by s.id limit 1) as "petugasRehsos"`;
  type Role = 'admin' | 'verifikator' | 'petugas' | 'pimpinan';
  const staff = (staffId: number, role: Role, dinasId: number | null, unitId: number | null, regionPrefix: string | null = null): Actor =>
    ({ kind: 'staff', staffId, role, dinasId, unitId, regionPrefix });
  const common = VOCABULARY[0];
  const medium = VOCABULARY[30];
  const tail = VOCABULARY[VOCABULARY.length - 1];
  const place = placeName(4321);
  const everyFilter: Scenario[] = [
    { name: 'all', list: {} },
    { name: 'all, page 2', list: {}, pages: 2 },
    { name: 'all, page 10', list: {}, pages: 10 },
    { name: 'status baru', list: { status: ['baru'] } },
    { name: 'status diproses', list: { status: ['diproses'] } },
    { name: 'status selesai', list: { status: ['selesai'] } },
    { name: 'status ditutup', list: { status: ['ditutup'] } },
    { name: 'status ditolak', list: { status: ['ditolak'] } },
    { name: 'status open (4)', list: { status: ['baru', 'diverifikasi', 'diteruskan', 'diproses'] } },
    { name: 'category kesehatan', list: { category: 'kesehatan' } },
    { name: 'category infrastruktur', list: { category: 'infrastruktur' } },
    { name: 'unit rehsos', list: { unitId: ids.rehsos } },
    { name: 'assignee', list: { assigneeStaffId: ids.officer } },
    { name: 'unassigned', list: { unassigned: true } },
    { name: 'channel web', list: { channel: 'web' } },
    { name: 'channel telegram', list: { channel: 'telegram' } },
    { name: 'sla breached', list: { sla: 'breached' } },
    { name: 'sla due-soon', list: { sla: 'due-soon' } },
    { name: 'sort due', list: { sort: 'due' } },
    { name: 'sort due, page 2', list: { sort: 'due' }, pages: 2 },
    { name: 'diproses + infrastruktur', list: { status: ['diproses'], category: 'infrastruktur' } },
    { name: 'breached + channel web', list: { sla: 'breached', channel: 'web' } },
    { name: 'unassigned + infrastruktur', list: { unassigned: true, category: 'infrastruktur' } },
    { name: 'ditolak + web + rehsos', list: { status: ['ditolak'], channel: 'web', unitId: ids.rehsos } },
    { name: 'search ticket', list: { q: `${sampleTicket.slice(0, 4)}-${sampleTicket.slice(4)}` } },
    { name: `search "${common}" (~all)`, list: { q: common } },
    { name: `search "${medium}" (~7%)`, list: { q: medium } },
    { name: `search "${tail}" (~1%)`, list: { q: tail } },
    { name: `search "${place}" (~0.01%)`, list: { q: place } },
    { name: 'search two words', list: { q: `${medium} ${tail}` } },
    { name: 'search no hit', list: { q: 'zzqxv' } },
    { name: `search "${tail}" + status baru`, list: { q: tail, status: ['baru'] } },
    { name: 'counts', counts: {} },
    { name: 'counts, category kesehatan', counts: { category: 'kesehatan' } },
    { name: 'counts, channel web', counts: { channel: 'web' } },
    { name: 'counts, unit rehsos', counts: { unitId: ids.rehsos } },
  ];
  const scoped: Scenario[] = [
    { name: 'all', list: {} },
    { name: 'status baru', list: { status: ['baru'] } },
    { name: 'status ditolak', list: { status: ['ditolak'] } },
    { name: 'status open (4)', list: { status: ['baru', 'diverifikasi', 'diteruskan', 'diproses'] } },
    { name: 'channel web', list: { channel: 'web' } },
    { name: 'unassigned', list: { unassigned: true } },
    { name: 'sla breached', list: { sla: 'breached' } },
    { name: 'sla due-soon', list: { sla: 'due-soon' } },
    { name: 'sort due', list: { sort: 'due' } },
    { name: `search "${tail}"`, list: { q: tail } },
    { name: `search "${place}"`, list: { q: place } },
    { name: 'counts', counts: {} },
  ];
  return [
    { label: 'verifikator dinsos', actor: staff(1, 'verifikator', ids.dinsos, null), scenarios: everyFilter },
    { label: 'petugas linjamsos', actor: staff(ids.officer, 'petugas', ids.dinsos, ids.linjamsos), scenarios: scoped },
    { label: 'petugas rehsos', actor: staff(ids.petugasRehsos, 'petugas', ids.dinsos, ids.rehsos), scenarios: scoped },
    { label: 'pimpinan disdik', actor: staff(1, 'pimpinan', ids.disdik, null), scenarios: scoped },
    { label: 'verifikator dinsos, region 3204', actor: staff(1, 'verifikator', ids.dinsos, null, '3204'), scenarios: scoped },
    { label: 'admin of every dinas', actor: staff(1, 'admin', null, null), scenarios: scoped },
  ];
}

/** Runs one scenario once and returns how many rows its last page held. */
async function runOnce(ctx: ReadContext, actor: Actor, scenario: Scenario): Promise<number> {
  if ('counts' in scenario) {
    const counts = await countCases(ctx, actor, scenario.counts);
    return counts.total;
  }
  let after: string | undefined;
  let rows = 0;
  for (let page = 1; page <= (scenario.pages ?? 1); page++) {
    const result = await listCases(ctx, actor, { ...scenario.list, after });
    rows = result.cases.length;
    if (!result.next) break;
    after = result.next;
  }
  return rows;
}

/** Times the last page of a paged scenario only: the earlier ones fetch its cursor. */
async function timeScenario(ctx: ReadContext, actor: Actor, scenario: Scenario, runs: number, backendPid: number): Promise<{ times: number[]; rows: number; pgCpu: number }> {
  let cursorOf: CaseListFilters = {};
  if ('list' in scenario && (scenario.pages ?? 1) > 1) {
    let after: string | undefined;
    for (let page = 1; page < scenario.pages!; page++) after = (await listCases(ctx, actor, { ...scenario.list, after })).next ?? undefined;
    cursorOf = { after };
  }
  const single: Scenario = 'list' in scenario ? { name: scenario.name, list: { ...scenario.list, ...cursorOf } } : scenario;
  for (let i = 0; i < 3; i++) await runOnce(ctx, actor, single);
  const times: number[] = [];
  let rows = 0;
  const cpuBefore = cpuSeconds(backendPid);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = await runOnce(ctx, actor, single);
    times.push(performance.now() - t0);
  }
  const pgCpu = ((cpuSeconds(backendPid) - cpuBefore) * 1000) / runs;
  return { times: times.sort((a, b) => a - b), rows, pgCpu };
}

async function explain(ctx: ReadContext, actor: Actor, scenario: Scenario): Promise<string> {
  const statement = 'counts' in scenario ? countCasesStatement(ctx, actor, scenario.counts) : listCasesStatement(ctx, actor, scenario.list);
  const plan = (await ctx.db.db.execute(sql`explain (analyze, buffers, costs off) ${statement}`)) as unknown as { 'QUERY PLAN': string }[];
  return plan.map((r) => `    ${r['QUERY PLAN']}`).join('\n');
}

export async function runInboxBench(settings: InboxSettings, log: (line: string) => void, cleanups: (() => Promise<void>)[]): Promise<InboxRow[]> {
  log(
    settings.databaseUrl
      ? `\n== inbox: the database at BENCH_INBOX_DATABASE_URL ==`
      : `\n== inbox: ${settings.cases.toLocaleString('en')} cases, ${settings.messages.toLocaleString('en')} messages ==`,
  );
  let url = settings.databaseUrl;
  if (!url) {
    const scratch = await createScratch();
    if (settings.keep) log(`  scratch database kept: ${scratch.databaseUrl}`);
    else cleanups.push(() => scratch.dispose());
    url = scratch.databaseUrl;
    await runMigrations(url);
    const seedDb = createDb(url, 1);
    try {
      await seedCatalogueIfEmpty(seedDb.db, await readCatalogue());
    } finally {
      await seedDb.close();
    }
    await seedInbox(url, { cases: settings.cases, messages: settings.messages, now: new Date(), log });
  }
  // One connection, so one backend does all the work and its CPU time can be read.
  const database = createDb(url, 1);
  cleanups.push(() => database.close());
  const [{ pid }] = await database.sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  log(`  load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${availableParallelism()} cores)`);
  const [{ newest, ticket }] = await database.sql<{ newest: string; ticket: string }[]>`
    select max(created_at) as newest, (select ticket from cases order by id desc offset 5000 limit 1) as ticket from cases`;
  // The seed's clock: the newest case is a minute old.
  const now = new Date(new Date(newest).getTime() + 60_000);
  const ctx: ReadContext = { db: database, now: () => now };

  const results: InboxRow[] = [];
  for (const { label, actor, scenarios } of await actorsOf(database.sql, ticket)) {
    for (const scenario of scenarios) {
      if (settings.only && !`${label} / ${scenario.name}`.includes(settings.only)) continue;
      const { times, rows, pgCpu } = await timeScenario(ctx, actor, scenario, settings.runs, pid);
      const row = { actor: label, scenario: scenario.name, rows, p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times[times.length - 1], pgCpu };
      results.push(row);
      log(`  ${label} / ${scenario.name}: ${rows} rows, p50 ${row.p50.toFixed(1)} / p95 ${row.p95.toFixed(1)} ms, postgres CPU ${pgCpu.toFixed(1)} ms`);
      if (settings.explain) log(await explain(ctx, actor, scenario));
    }
  }
  log(`  load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  return results;
}

export function inboxReport(results: InboxRow[], table: (headers: string[], rows: string[][], left: number) => string, log: (line: string) => void) {
  log('\nInbox: first page (50 cases) per filter and search, through the case service on the app\'s db client; counts = the side bar');
  log(
    table(
      ['actor', 'scenario', 'rows', 'p50 ms', 'p95 ms', 'max ms', 'postgres CPU ms/run'],
      results.map((r) => [r.actor, r.scenario, String(r.rows), r.p50.toFixed(1), r.p95.toFixed(1), r.max.toFixed(1), r.pgCpu.toFixed(1)]),
      2,
    ),
  );
  log('  postgres CPU: the backend\'s own CPU time per run (from /proc), the measure that stays honest when other');
  log('  processes share the cores: wall-clock times then include waiting for a core.');
  const missed = results.filter((r) => r.p95 > INBOX_TARGET_P95_MS);
  log(
    `\n  inbox: p95 ≤ ${INBOX_TARGET_P95_MS} ms for every scenario: ${missed.length === 0 ? 'met' : 'NOT met'} ` +
      `(worst p95 ${Math.max(...results.map((r) => r.p95)).toFixed(1)} ms${missed.length ? `; over: ${missed.map((r) => `${r.actor} / ${r.scenario}`).join(', ')}` : ''})`,
  );
}
