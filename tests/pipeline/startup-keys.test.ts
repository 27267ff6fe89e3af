/**
 * NIK keys at start-up: generated only for the quick start (development with the embedded
 * database, their files side by side in DATA_DIR); any other start without them stops at once
 * with a message for the operator, before touching a database, and writes no keys anywhere.
 * The product runs as a real process (`src/main.ts`), as `npm start` runs it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretsToGenerate, StartupRefusal } from '../../src/local/secrets.js';
import { TEST_KEYS } from '../support/env.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kanal-keys-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts `src/main.ts` with only `env` (and PATH): no keys unless given. */
async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stderr };
}

// Nothing listens here: a start that got as far as connecting would fail differently.
const UNREACHABLE_DATABASE = 'postgres://postgres@127.0.0.1:9/kanal';

describe('starting without NIK keys', () => {
  it.each([
    ['in production', { NODE_ENV: 'production' }],
    ['in production with a database', { NODE_ENV: 'production', DATABASE_URL: UNREACHABLE_DATABASE }],
    ['in development with an external database', { NODE_ENV: 'development', DATABASE_URL: UNREACHABLE_DATABASE }],
    ['in test with an external database', { NODE_ENV: 'test', DATABASE_URL: UNREACHABLE_DATABASE }],
    ['with only one of the two keys', { NODE_ENV: 'production', DATABASE_URL: UNREACHABLE_DATABASE, NIK_ENCRYPTION_KEY: TEST_KEYS.NIK_ENCRYPTION_KEY }],
  ])('refuses %s, saying what to set, and writes no keys', async (_name, env) => {
    const { code, stderr } = await start(env);
    expect(code).toBe(1);
    expect(stderr).toContain('Kanal Aduan cannot start:');
    expect(stderr).toContain('NIK_ENCRYPTION_KEY and NIK_HASH_KEY must be set');
    expect(stderr).toContain('openssl rand -base64 32');
    // A message, not a stack trace.
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('generates development keys only for the quick start with the embedded database', () => {
    expect(secretsToGenerate({ NODE_ENV: 'development' })).toEqual({ nikKeys: true, consoleSecret: true });
    expect(secretsToGenerate({ NODE_ENV: 'development', ...TEST_KEYS })).toEqual({ nikKeys: false, consoleSecret: false });
    expect(() => secretsToGenerate({ NODE_ENV: 'development', DATABASE_URL: UNREACHABLE_DATABASE })).toThrow(StartupRefusal);
    expect(() => secretsToGenerate({ NODE_ENV: 'production' })).toThrow(StartupRefusal);
    // With its keys set, production never generates anything (the console is off without its secret).
    expect(secretsToGenerate({ NODE_ENV: 'production', NIK_ENCRYPTION_KEY: TEST_KEYS.NIK_ENCRYPTION_KEY, NIK_HASH_KEY: TEST_KEYS.NIK_HASH_KEY })).toEqual({ nikKeys: false, consoleSecret: false });
    // With an external database outside production, only the console's session secret may be generated.
    expect(secretsToGenerate({ NODE_ENV: 'test', DATABASE_URL: UNREACHABLE_DATABASE, NIK_ENCRYPTION_KEY: TEST_KEYS.NIK_ENCRYPTION_KEY, NIK_HASH_KEY: TEST_KEYS.NIK_HASH_KEY })).toEqual({
      nikKeys: false,
      consoleSecret: true,
    });
  });
});
