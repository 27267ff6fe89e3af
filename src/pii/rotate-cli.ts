/**
 * `npm run nik:rotate [-- --dry-run] [-- --batch-size 500]`: seals every stored NIK and TOTP
 * secret again under NIK_ENCRYPTION_KEY and re-hashes every NIK with NIK_HASH_KEY (see rotate.ts).
 * Needs DATABASE_URL (the server's database), the new keys, and the earlier ones in
 * NIK_PREVIOUS_ENCRYPTION_KEYS. Prints counts only, never a value.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { nikKeysOf } from './nik.js';
import { rotateNikKeys, rotationReport, RotationRefusal } from './rotate.js';

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

if (existsSync('.env')) process.loadEnvFile('.env');
const config = parseConfig();
if (!config.DATABASE_URL) fail('DATABASE_URL is required: point it at the database the server uses.');
if (!config.NIK_ENCRYPTION_KEY || !config.NIK_HASH_KEY) {
  fail('NIK_ENCRYPTION_KEY and NIK_HASH_KEY must be set to the new keys, and NIK_PREVIOUS_ENCRYPTION_KEYS to the earlier ones.');
}
const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, 'batch-size': { type: 'string', default: '500' } } });
const batchSize = Number(values['batch-size']);
if (!Number.isInteger(batchSize) || batchSize < 1) fail('usage: npm run nik:rotate [-- --dry-run] [-- --batch-size N]', 2);

const keys = nikKeysOf(config);
await runMigrations(config.DATABASE_URL);
const db = createDb(config.DATABASE_URL, 1);
try {
  const summary = await rotateNikKeys(db.sql, keys, {
    batchSize,
    dryRun: values['dry-run'],
    onProgress: (place, count) => process.stdout.write(`  ${place}: ${count.resealed} sealed again, ${count.rehashed} re-hashed so far\n`),
  });
  process.stdout.write(`${rotationReport(summary, keys, values['dry-run'])}\n`);
} catch (err) {
  if (!(err instanceof RotationRefusal)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
