/**
 * `npm run console:user -- …`: console accounts from the command line (production's first admin,
 * or a reset when nobody can log in). Needs DATABASE_URL (the server's database).
 *
 *   npm run console:user -- add --email a@dinsos.go.id --name "Sari" --role admin [--dinas dinsos-bandung] [--unit linjamsos] [--region 3273]
 *   npm run console:user -- reset --email a@dinsos.go.id
 *
 * A new or reset account gets a random one-time password, printed once; it must be changed at the
 * first login.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { parseConfig } from '../config.js';
import { createDb } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import * as t from '../db/schema.js';
import { AccountError, createStaffAccount, setPassword, STAFF_ROLES, type StaffRole } from './accounts.js';
import { PostgresSessionStore } from './session-store.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const config = parseConfig();
if (!config.DATABASE_URL) {
  process.stderr.write('DATABASE_URL is required: point it at the database the server uses.\n');
  process.exit(1);
}
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, dinas: { type: 'string' }, unit: { type: 'string' }, region: { type: 'string' } },
});
const command = positionals[0];
if ((command !== 'add' && command !== 'reset') || !values.email || (command === 'add' && (!values.name || !STAFF_ROLES.includes(values.role as StaffRole)))) {
  process.stderr.write(
    'usage:\n  npm run console:user -- add --email E --name N --role admin|verifikator|petugas|pimpinan [--dinas CODE] [--unit CODE] [--region DIGITS]\n  npm run console:user -- reset --email E\n',
  );
  process.exit(2);
}
await runMigrations(config.DATABASE_URL);
const db = createDb(config.DATABASE_URL, 1);
const password = randomBytes(12).toString('base64url');
try {
  if (command === 'add') {
    await createStaffAccount(db.db, {
      email: values.email,
      name: values.name!,
      role: values.role as StaffRole,
      dinasCode: values.dinas ?? null,
      unitCode: values.unit ?? null,
      regionPrefix: values.region ?? null,
      password,
      mustChangePassword: true,
    });
  } else {
    const [row] = await db.db.select({ id: t.staff.id }).from(t.staff).where(eq(t.staff.email, values.email.toLowerCase()));
    if (!row) throw new AccountError(`no account with e-mail ${values.email}`);
    await setPassword(db.db, row.id, password, true);
    await new PostgresSessionStore(db.sql).endSessionsOf(row.id);
  }
  process.stdout.write(`${values.email} / ${password}   (one-time password: it must be changed at the first login)\n`);
} catch (err) {
  if (!(err instanceof AccountError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
} finally {
  await db.close();
}
