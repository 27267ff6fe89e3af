/**
 * `npm run console:user` (`src/console/user-cli.ts`, run here as a real process against this
 * test's database): `add` creates an account with a one-time password that logs in through the
 * API but must be changed before anything else; `reset` gives a new one-time password, ends the
 * person's sessions and brings the forced change back; mistakes answer with a message and a
 * non-zero exit.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import * as t from '../../src/db/schema.js';
import { createTestEnv, testProcessEnv, type TestEnv } from '../support/env.js';
import { ConsoleClient, startConsoleApp } from './support.js';

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startConsoleApp(env);
});
afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

/** Runs the command with `args` (what follows `npm run console:user --`) against the test database. */
async function consoleUser(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/console/user-cli.ts', ...args], {
    env: testProcessEnv({ DATABASE_URL: env.databaseUrl }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

/** The one-time password from `<email> / <password>   (one-time password: …)`. */
function printedPassword(stdout: string, email: string): string {
  const match = stdout.match(new RegExp(`^${email.replace(/[.]/g, '\\.')} / (\\S+) {3}\\(one-time password`, 'm'));
  if (!match) throw new Error(`no one-time password for ${email} in:\n${stdout}`);
  return match[1];
}

/** Logs in with a one-time password: nothing but choosing `chosen` is allowed, then everything is. */
async function firstLogin(email: string, oneTime: string, chosen: string): Promise<void> {
  const client = new ConsoleClient(app.url!);
  expect((await client.login(email, oneTime)).status).toBe(200);
  expect((await client.get('/reference')).body).toEqual({ error: 'password_change_required' });
  expect((await client.post('/me/password', { current: oneTime, next: chosen })).status).toBe(204);
  expect((await client.get('/reference')).status).toBe(200);
}

describe('npm run console:user', () => {
  const email = 'sari@dinsos.example.go.id';

  it('adds an account that logs in with the printed password and must choose its own before anything else', async () => {
    const added = await consoleUser('add', '--email', email, '--name', 'Sari Wulandari', '--role', 'petugas', '--dinas', 'dinsos-bandung', '--unit', 'linjamsos', '--region', '3273');
    expect([added.code, added.stderr]).toEqual([0, '']);
    const password = printedPassword(added.stdout, email);

    const [row] = await app.ctx.db.db.select().from(t.staff).where(eq(t.staff.email, email));
    const [unit] = await app.ctx.db.db.select().from(t.units).where(eq(t.units.id, row.unitId!));
    expect({ name: row.name, role: row.role, unit: unit.code, region: row.regionPrefix, mustChange: row.mustChangePassword }).toEqual({
      name: 'Sari Wulandari',
      role: 'petugas',
      unit: 'linjamsos',
      region: '3273',
      mustChange: true,
    });

    await firstLogin(email, password, 'kata sandi pilihan Sari');
  }, 120_000);

  it('resets a password: a new one-time password, the sessions ended, the old password refused, the change forced again', async () => {
    const before = await new ConsoleClient(app.url!).loginAs({ id: 0, email, password: 'kata sandi pilihan Sari' });
    const reset = await consoleUser('reset', '--email', email.toUpperCase());
    expect([reset.code, reset.stderr]).toEqual([0, '']);
    const password = printedPassword(reset.stdout, email.toUpperCase());

    expect((await before.get('/me')).status).toBe(401);
    expect((await new ConsoleClient(app.url!).login(email, 'kata sandi pilihan Sari')).status).toBe(401);
    await firstLogin(email, password, 'kata sandi baru Sari');
  }, 120_000);

  it('answers a mistake with a message and a non-zero exit, changing nothing', async () => {
    const unknown = await consoleUser('reset', '--email', 'nobody@dinsos.example.go.id');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no account with e-mail nobody@dinsos.example.go.id');
    expect(unknown.stdout).toBe('');

    const usage = await consoleUser('add', '--email', 'x@dinsos.example.go.id', '--name', 'X', '--role', 'kepala');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage:');
    expect(await app.ctx.db.db.select().from(t.staff).where(eq(t.staff.email, 'x@dinsos.example.go.id'))).toEqual([]);
  }, 120_000);
});
