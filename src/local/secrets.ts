/**
 * The quick start needs NIK keys but must not ask for them: outside production, missing keys are
 * generated once and kept under DATA_DIR (never in the repository). Production requires them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export async function localSecrets(dataDir: string): Promise<{ NIK_ENCRYPTION_KEY: string; NIK_HASH_KEY: string }> {
  const file = resolve(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8'));
  const secrets = { NIK_ENCRYPTION_KEY: randomBytes(32).toString('base64'), NIK_HASH_KEY: randomBytes(32).toString('base64') };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
