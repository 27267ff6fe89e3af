/**
 * The quick start needs NIK keys and a console session secret but must not ask for them: outside production, missing keys are
 * generated once and kept under DATA_DIR (never in the repository). Production requires them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface LocalSecrets {
  NIK_ENCRYPTION_KEY: string;
  NIK_HASH_KEY: string;
  CONSOLE_SESSION_SECRET: string;
}

export async function localSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = resolve(dataDir, 'secrets.json');
  const kept = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as Partial<LocalSecrets>) : null;
  // A secrets file from before the console gains the console's secret; the NIK keys stay as they were.
  if (kept?.NIK_ENCRYPTION_KEY && kept.NIK_HASH_KEY && kept.CONSOLE_SESSION_SECRET) return kept as LocalSecrets;
  const secrets: LocalSecrets = {
    NIK_ENCRYPTION_KEY: kept?.NIK_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    NIK_HASH_KEY: kept?.NIK_HASH_KEY ?? randomBytes(32).toString('base64'),
    CONSOLE_SESSION_SECRET: kept?.CONSOLE_SESSION_SECRET ?? randomBytes(32).toString('base64'),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Start-up stops here, with a message for the operator instead of a stack trace. */
export class StartupRefusal extends Error {
  override name = 'StartupRefusal';
}

/**
 * Whether missing secrets may be generated: NIK keys only for the quick start (development with
 * the embedded database, whose files live in DATA_DIR beside the keys); kept beside an external
 * database they would lose or expose every NIK with that folder. The console's session secret
 * protects no data at rest, so any non-production run may generate it.
 */
export function secretsToGenerate(config: { NODE_ENV: string; DATABASE_URL?: string; NIK_ENCRYPTION_KEY?: string; NIK_HASH_KEY?: string; CONSOLE_SESSION_SECRET?: string }): {
  nikKeys: boolean;
  consoleSecret: boolean;
} {
  const nikMissing = !config.NIK_ENCRYPTION_KEY || !config.NIK_HASH_KEY;
  if (nikMissing && !(config.NODE_ENV === 'development' && !config.DATABASE_URL)) {
    throw new StartupRefusal(
      [
        'NIK_ENCRYPTION_KEY and NIK_HASH_KEY must be set: 32 bytes each, base64 (openssl rand -base64 32).',
        'Development keys are generated only for the quick start (NODE_ENV=development with the embedded database, no DATABASE_URL):',
        'kept in DATA_DIR beside an external database, they would lose or expose every NIK with that folder.',
        'Keep the keys in your secret store and back them up apart from the database.',
      ].join('\n'),
    );
  }
  return { nikKeys: nikMissing, consoleSecret: !config.CONSOLE_SESSION_SECRET && config.NODE_ENV !== 'production' };
}
