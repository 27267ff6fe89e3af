/** `npm run staff:targets -- …`: see targets-command.ts. Needs DATABASE_URL (the server's database). */
import { existsSync } from 'node:fs';
import { parseConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import { runMigrations } from '../../db/migrate.js';
import { NotificationTargetError } from './targets.js';
import { targetsCommand } from './targets-command.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const config = parseConfig();
if (!config.DATABASE_URL) {
  process.stderr.write('DATABASE_URL is required: point it at the database the server uses.\n');
  process.exit(1);
}
await runMigrations(config.DATABASE_URL);
const db = createDb(config.DATABASE_URL, 1);
try {
  process.stdout.write(`${await targetsCommand(db.db, process.argv.slice(2))}\n`);
} catch (err) {
  if (!(err instanceof NotificationTargetError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
