/**
 * The quick start's demo staff: `npm start` (`src/main.ts`, run here as a real process in
 * development against this test's database) seeds an admin above every dinas and an admin, a
 * verifikator, a petugas and a pimpinan for each of the two demo dinas, prints one line per
 * account, and every printed login works through the console's API. A later start prints the
 * same accounts and seeds none again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoStaff } from '../../src/console/demo-staff.js';
import { createDb, type Database } from '../../src/db/client.js';
import * as t from '../../src/db/schema.js';
import { eventually } from '../support/cases.js';
import { createTestEnv, TEST_REDIS, testProcessEnv, type TestEnv } from '../support/env.js';
import { ConsoleClient } from './support.js';

/** `  <role> (<dinas>): <email> / <password>`, as the README shows it. */
const LOGIN_LINE = /^ {2}(admin|verifikator|petugas|pimpinan) \(([^)]+)\): (\S+@\S+) \/ (\S+)$/;

let env: TestEnv;
let dataDir: string;
let child: ChildProcess | undefined;
let stdout = '';
let database: Database;

beforeAll(async () => {
  env = await createTestEnv();
  dataDir = mkdtempSync(join(tmpdir(), 'kanal-demo-'));
  database = createDb(env.databaseUrl, 1);
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: testProcessEnv({ NODE_ENV: 'development', DATABASE_URL: env.databaseUrl, REDIS_URL: TEST_REDIS, QUEUE_PREFIX: env.redisPrefix, DATA_DIR: dataDir }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`npm start exited (${code}) before it was ready:\n${stdout}`);
  });
  await Promise.race([eventually('npm start to print how to reach it', async () => stdout.includes('Stop with Ctrl+C.'), 120_000), exited]);
  exited.catch(() => {});
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exit = once(child, 'exit');
    child.kill('SIGTERM');
    await exit;
  }
  await database?.close();
  await env?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('npm start in development', () => {
  it('prints a login line for each demo account: an admin above every dinas, and four roles for each demo dinas', () => {
    const lines = stdout.split('\n').filter((line) => LOGIN_LINE.test(line));
    const accounts = lines.map((line) => line.match(LOGIN_LINE)!.slice(1, 3).join(' '));
    expect(accounts).toEqual([
      'admin semua dinas',
      'admin dinsos-bandung',
      'verifikator dinsos-bandung',
      'petugas dinsos-bandung',
      'pimpinan dinsos-bandung',
      'admin disdik-bandung',
      'verifikator disdik-bandung',
      'petugas disdik-bandung',
      'pimpinan disdik-bandung',
    ]);
    // The lines sit right under the console's address.
    expect(stdout).toMatch(/ {2}Console: +http:\/\/localhost:\d+\/console\n {2}admin \(semua dinas\): /);
  });

  it('seeded each printed account with its role, dinas and unit, and each logs in through the API with the printed password', async () => {
    const port = stdout.match(/Console: +http:\/\/localhost:(\d+)\/console/)![1];
    const { db } = database;
    const dinasCode = new Map((await db.select().from(t.dinas)).map((d) => [d.id, d.code]));
    const unitCode = new Map((await db.select().from(t.units)).map((u) => [u.id, u.code]));
    const seen: string[] = [];
    for (const line of stdout.split('\n').filter((l) => LOGIN_LINE.test(l))) {
      const [, role, dinas, email, password] = line.match(LOGIN_LINE)!;
      const client = new ConsoleClient(`http://127.0.0.1:${port}`);
      const login = await client.login(email, password);
      expect([email, login.status]).toEqual([email, 200]);
      const me = login.body.staff;
      expect(me.role).toBe(role);
      expect(me.dinasId === null ? 'semua dinas' : dinasCode.get(me.dinasId)).toBe(dinas);
      // A demo account is ready to use: no forced password change.
      expect((await client.get('/reference')).status).toBe(200);
      seen.push(`${role} ${dinas} ${me.unitId === null ? '-' : unitCode.get(me.unitId)}`);
    }
    expect(seen).toEqual([
      'admin semua dinas -',
      'admin dinsos-bandung -',
      'verifikator dinsos-bandung verifikator',
      'petugas dinsos-bandung linjamsos',
      'pimpinan dinsos-bandung -',
      'admin disdik-bandung -',
      'verifikator disdik-bandung sekretariat',
      'petugas disdik-bandung pembinaan-sd',
      'pimpinan disdik-bandung -',
    ]);
  }, 120_000);

  it('gives a later start the same accounts to print, and seeds none again', async () => {
    const { db } = database;
    const before = await db.select({ id: t.staff.id }).from(t.staff).where(isNotNull(t.staff.passwordHash));
    const again = await demoStaff(db, dataDir);
    expect(again.map((a) => `  ${a.role} (${a.dinas}): ${a.email} / ${a.password}`)).toEqual(stdout.split('\n').filter((line) => LOGIN_LINE.test(line)));
    expect(await db.select({ id: t.staff.id }).from(t.staff).where(isNotNull(t.staff.passwordHash))).toHaveLength(before.length);
  });
});
