/**
 * Demo staff for the quick start (development only): an admin above every dinas, and for each
 * demo dinas an admin, a verifikator, a petugas and a pimpinan, with random passwords kept in
 * DATA_DIR/demo-staff.json (never in the repository) so `npm start` can print them every time. Seeded once, into a database that has no
 * console account yet.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import * as t from '../db/schema.js';
import { createStaffAccount, type StaffRole } from './accounts.js';

export interface DemoAccount {
  role: StaffRole;
  dinas: string;
  email: string;
  password: string;
}

const PLAN: { dinas: string; short: string; verifikatorUnit: string; petugasUnit: string }[] = [
  { dinas: 'dinsos-bandung', short: 'dinsos', verifikatorUnit: 'verifikator', petugasUnit: 'linjamsos' },
  { dinas: 'disdik-bandung', short: 'disdik', verifikatorUnit: 'sekretariat', petugasUnit: 'pembinaan-sd' },
];

/** Seeds the demo accounts if the database has no console account; returns what to print (also on later starts). */
export async function demoStaff(db: Db, dataDir: string): Promise<DemoAccount[]> {
  const file = resolve(dataDir, 'demo-staff.json');
  const [existing] = await db.select({ id: t.staff.id }).from(t.staff).where(isNotNull(t.staff.passwordHash)).limit(1);
  if (existing) return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as DemoAccount[]) : [];
  const accounts: DemoAccount[] = [];
  // One admin above every dinas: operations (queues, the WhatsApp link, set-aside updates) are theirs.
  const central: DemoAccount = { role: 'admin', dinas: 'semua dinas', email: 'admin@demo.kanal-aduan.test', password: randomBytes(9).toString('base64url') };
  await createStaffAccount(db, { name: 'Demo admin pusat', email: central.email, role: 'admin', password: central.password });
  accounts.push(central);
  for (const plan of PLAN) {
    for (const role of ['admin', 'verifikator', 'petugas', 'pimpinan'] as const) {
      const account = { role, dinas: plan.dinas, email: `${role}.${plan.short}@demo.kanal-aduan.test`, password: randomBytes(9).toString('base64url') };
      await createStaffAccount(db, {
        name: `Demo ${role} ${plan.short}`,
        email: account.email,
        role,
        dinasCode: plan.dinas,
        unitCode: role === 'petugas' ? plan.petugasUnit : role === 'verifikator' ? plan.verifikatorUnit : null,
        supervisor: role === 'pimpinan',
        password: account.password,
      });
      accounts.push(account);
    }
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(accounts, null, 2), { mode: 0o600 });
  return accounts;
}
