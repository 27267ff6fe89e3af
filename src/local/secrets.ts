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
