/**
 * Key rotation on a real database: NIKs, a staff member's TOTP secret and a report in progress are
 * sealed under an old key (one NIK in the first format, from before key ids); `npm run nik:rotate`
 * with the new keys refuses while the old key is missing, changing nothing, and with the old key
 * listed moves everything to the new keys, in batches, resumably, printing counts and no NIK.
 * Afterwards the new keys alone open every value, look-ups by NIK hash still find the citizen, the
 * staff member still logs in with their code, and the report in progress goes on to its case.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { eq } from 'drizzle-orm';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { similarRecentCase } from '../../src/cases/cases.js';
import { inCaseTransaction } from '../../src/cases/lifecycle.js';
import { attemptLogin, createStaffAccount, enableTotp } from '../../src/console/accounts.js';
import * as t from '../../src/db/schema.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { decryptNik, encryptNik, hashNik, nikKeyId, nikKeyring, type NikKeys } from '../../src/pii/nik.js';
import { rotateNikKeys, RotationRefusal } from '../../src/pii/rotate.js';
import { openTestCase, seedIdentity } from '../support/cases.js';
import { webChatCitizen } from '../support/citizens.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { hashV1, sealV1 } from '../support/legacy-nik.js';

const b64 = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const OLD = { encryption: b64(21), hash: b64(22) };
const NEW = { encryption: b64(31), hash: b64(32) };
const oldKeys = nikKeyring(OLD);
/** The new keys as the whole configuration holds them during the rotation: the old ones listed as earlier keys. */
const rotating = nikKeyring({ ...NEW, previousEncryption: [OLD.encryption], previousHash: [OLD.hash] });
/** The new keys alone: what remains once the old ones are removed. */
const newOnly = nikKeyring(NEW);

/** Sealed by the current code under the old key. */
const NIKS = ['3273014101900001', '3204011201900001', '3273010101900001', '3273017112900001'];
/** Sealed and hashed in the first format, before key ids. */
const LEGACY_NIK = '3273012902000001';
/** Typed in a report still in progress when the keys change. */
const DRAFT_NIK = '1101010101900001';
const ALL_NIKS = [...NIKS, LEGACY_NIK, DRAFT_NIK];

const STAFF = { email: 'totp@dinsos.go.id', password: 'kata-sandi-panjang-sekali' };
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const REPORT_UNTIL_NIK = ['halo', '1', '1', '1', 'Bantuan PKH kami belum cair sejak tiga bulan lalu.', 'lewati', 'lewati', '1', 'Siti Aminah', DRAFT_NIK];

let env: TestEnv;
let app: App;
/** The web chat conversation of the report in progress: its token, and the chat id it stands for. */
let session: string;
let chatId: string;
/** The identity whose case carries each NIK (the draft's, once sent). */
const identities = new Map<string, number>();

function config(keys: { encryption: string; hash: string }, previous?: { encryption: string; hash: string }) {
  return {
    NIK_ENCRYPTION_KEY: keys.encryption,
    NIK_HASH_KEY: keys.hash,
    NIK_PREVIOUS_ENCRYPTION_KEYS: previous?.encryption,
    NIK_PREVIOUS_HASH_KEYS: previous?.hash,
  };
}

/** Runs `npm run nik:rotate`'s script as its own process against this test's database. */
async function rotateCommand(keys: Record<string, string | undefined>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env_ = Object.fromEntries(Object.entries({ PATH: process.env.PATH ?? '', DATABASE_URL: env.databaseUrl, ...keys }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/pii/rotate-cli.ts', ...args], { env: env_, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

/** Every stored sealed value and hash, as text: what "nothing changed" compares. */
async function storedSecrets(): Promise<string> {
  const { sql } = app.ctx.db;
  const citizens = await sql`select id, nik_encrypted, nik_hash from citizens order by id`;
  const staff = await sql`select id, totp_secret from staff order by id`;
  const conversations = await sql`select identity_id, snapshot::text as snapshot from conversations order by identity_id`;
  return JSON.stringify({ citizens, staff, conversations });
}

async function citizenOf(identityId: number) {
  const [row] = await app.ctx.db.db
    .select({ sealed: t.citizens.nikEncrypted, hash: t.citizens.nikHash })
    .from(t.citizens)
    .innerJoin(t.channelIdentities, eq(t.channelIdentities.citizenId, t.citizens.id))
    .where(eq(t.channelIdentities.id, identityId));
  return row;
}

/** The duplicate hint's look-up by NIK hash, from a chat that has no case of its own, under `keys`. */
async function caseFoundByNik(nik: string, keys: NikKeys): Promise<string | null> {
  const stranger = await seedIdentity(app, 'web', `stranger-${nik}-${keys.encryption.id}-${keys.previousHash.length}`);
  const found = await inCaseTransaction({ ...app.ctx, nikKeys: keys }, (work) =>
    similarRecentCase(work, stranger, { categoryCode: 'bantuan-sosial', nik: { sealed: encryptNik(nik, keys), masked: maskNik(nik) } }),
  );
  return found?.ticket ?? null;
}

/** Sealed NIKs inside a conversation's snapshot. */
function sealedIn(snapshot: unknown): string[] {
  return [...JSON.stringify(snapshot).matchAll(/"sealed":"([^"]+)"/g)].map((m) => m[1]);
}

async function draftSnapshot(): Promise<unknown> {
  const [identity] = await app.ctx.db.db.select({ id: t.channelIdentities.id }).from(t.channelIdentities).where(eq(t.channelIdentities.chatId, chatId));
  const [row] = await app.ctx.db.db.select({ snapshot: t.conversations.snapshot }).from(t.conversations).where(eq(t.conversations.identityId, identity.id));
  return row.snapshot;
}

const tickets = new Map<string, string>();

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { config: config(OLD) });
  for (const nik of [...NIKS, LEGACY_NIK]) {
    const identityId = await seedIdentity(app, 'web', `rotate-${nik}`);
    identities.set(nik, identityId);
    tickets.set(nik, await openTestCase(app, identityId, { reporterName: 'Warga', nik: { sealed: encryptNik(nik, oldKeys), masked: maskNik(nik) } }));
  }
  // The first format, as a citizen who reported before key ids has it stored.
  const [legacy] = await app.ctx.db.db
    .select({ citizenId: t.channelIdentities.citizenId })
    .from(t.channelIdentities)
    .where(eq(t.channelIdentities.id, identities.get(LEGACY_NIK)!));
  await app.ctx.db.db
    .update(t.citizens)
    .set({ nikEncrypted: sealV1(LEGACY_NIK, Buffer.from(OLD.encryption, 'base64')), nikHash: hashV1(LEGACY_NIK, Buffer.from(OLD.hash, 'base64')) })
    .where(eq(t.citizens.id, legacy.citizenId!));

  const { id: staffId } = await createStaffAccount(app.ctx.db.db, { name: 'Sari', email: STAFF.email, role: 'admin', password: STAFF.password });
  expect(await enableTotp(app.ctx.db.db, oldKeys, staffId, TOTP_SECRET, generateSync({ secret: TOTP_SECRET }))).toBe(true);

  // A report waiting at its confirmation, the NIK already sealed into the conversation.
  const citizen = await webChatCitizen(app);
  ({ session, chatId } = citizen);
  for (const text of REPORT_UNTIL_NIK) await citizen.say(text);
  expect(sealedIn(await draftSnapshot())).toHaveLength(1);

  // The operator deploys the new keys, the old ones listed as earlier keys, then rotates.
  await app.close();
  app = await startTestApp(env, { config: config(NEW, OLD) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

describe('npm run nik:rotate', () => {
  it('refuses while the old key is missing, naming it and the variable, and changes nothing', async () => {
    const before = await storedSecrets();
    const refused = await rotateCommand({ NIK_ENCRYPTION_KEY: NEW.encryption, NIK_HASH_KEY: NEW.hash });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`key ${nikKeyId(Buffer.from(OLD.encryption, 'base64'))}: 4 in citizens, 1 in staff, 1 in conversations`);
    expect(refused.stderr).toContain('values in the first format (v1) that no configured key opens: 1 in citizens');
    expect(refused.stderr).toContain('NIK_PREVIOUS_ENCRYPTION_KEYS');
    expect(refused.stderr).toContain('Nothing was changed.');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    await expect(rotateNikKeys(app.ctx.db.sql, newOnly)).rejects.toThrow(RotationRefusal);
    expect(await storedSecrets()).toBe(before);
  }, 60_000);

  it('finds citizens by NIK hash before the rotation, the old hash key listed', async () => {
    for (const nik of [NIKS[0], LEGACY_NIK]) expect(await caseFoundByNik(nik, rotating)).toBe(tickets.get(nik));
    // Without the old hash key, the old hashes are out of reach: that is what the rotation fixes.
    expect(await caseFoundByNik(NIKS[0], newOnly)).toBeNull();
  });

  it('counts in a dry run and changes nothing', async () => {
    const before = await storedSecrets();
    const summary = await rotateNikKeys(app.ctx.db.sql, rotating, { dryRun: true });
    expect(summary.places).toEqual({
      citizens: { stale: 5, resealed: 0, rehashed: 0 },
      staff: { stale: 1, resealed: 0, rehashed: 0 },
      conversations: { stale: 1, resealed: 0, rehashed: 0 },
    });
    expect(await storedSecrets()).toBe(before);
  });

  it('moves everything to the new keys in batches, and picks up where an interrupted run stopped', async () => {
    let firstRun = 0;
    const interrupted = rotateNikKeys(app.ctx.db.sql, rotating, {
      batchSize: 2,
      onProgress: (_place, count) => {
        firstRun = count.resealed;
        throw new Error('the operator pressed Ctrl+C');
      },
    });
    await expect(interrupted).rejects.toThrow('Ctrl+C');
    // One batch of two citizens was committed before the stop.
    expect(firstRun).toBe(2);

    const run = await rotateCommand({ ...config(NEW, OLD) }, ['--batch-size', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Current keys: encryption ${rotating.encryption.id}, hash ${rotating.hash.id}.`);
    // The two re-sealed by the first run are re-hashed already too; the rest of the work is here.
    expect(run.stdout).toContain('citizens (NIK and its hash): 3 row(s) under earlier keys; 3 value(s) sealed again, 3 hash(es) made again');
    expect(run.stdout).toContain('staff (TOTP secrets): 1 row(s) under earlier keys; 1 value(s) sealed again, 0 hash(es) made again');
    expect(run.stdout).toContain('conversations (reports in progress): 1 row(s) under earlier keys; 1 value(s) sealed again');
    expect(run.stdout).toContain('Everything is under the current keys');
    for (const nik of ALL_NIKS) {
      expect(run.stdout).not.toContain(nik);
      expect(run.stdout).not.toContain(maskNik(nik));
    }

    // Idempotent: a second run finds nothing to do.
    const again = await rotateNikKeys(app.ctx.db.sql, rotating);
    expect(Object.values(again.places).map((c) => c.stale)).toEqual([0, 0, 0]);
    expect(again.left).toBe(0);
  }, 60_000);

  it('leaves every value under the new keys, opening with them alone to the same NIK', async () => {
    const { sql } = app.ctx.db;
    const sealed = await sql<{ nik_encrypted: string; nik_hash: string }[]>`select nik_encrypted, nik_hash from citizens where nik_encrypted is not null`;
    expect(sealed).toHaveLength(5);
    for (const row of sealed) {
      expect(row.nik_encrypted.startsWith(`v2.${newOnly.encryption.id}.`)).toBe(true);
      expect(row.nik_hash).toBe(hashNik(decryptNik(row.nik_encrypted, newOnly), newOnly));
    }
    for (const nik of [...NIKS, LEGACY_NIK]) {
      const citizen = await citizenOf(identities.get(nik)!);
      expect(decryptNik(citizen.sealed!, newOnly)).toBe(nik);
      expect(citizen.hash).toBe(hashNik(nik, newOnly));
    }
    const [staff] = await sql<{ totp_secret: string }[]>`select totp_secret from staff where email = ${STAFF.email}`;
    expect(staff.totp_secret.startsWith(`v2.${newOnly.encryption.id}.`)).toBe(true);
    const draft = sealedIn(await draftSnapshot());
    expect(draft).toHaveLength(1);
    expect(decryptNik(draft[0], newOnly)).toBe(DRAFT_NIK);
  });

  it('finds citizens by NIK hash with the new keys alone', async () => {
    for (const nik of [...NIKS, LEGACY_NIK]) expect(await caseFoundByNik(nik, newOnly)).toBe(tickets.get(nik));
  });

  it('still lets the staff member log in with their authenticator code, with the new keys alone', async () => {
    const result = await attemptLogin(app.ctx.db.db, newOnly, { ...STAFF, totp: generateSync({ secret: TOTP_SECRET }) }, app.ctx.now());
    expect(result).toMatchObject({ ok: true });
  });

  it('lets the report in progress go on: its case carries the NIK the citizen typed', async () => {
    // The product restarted with only the new keys: the old one is gone from the configuration.
    await app.close();
    app = await startTestApp(env, { config: config(NEW) });
    const replies = await (await webChatCitizen(app, session)).say('1');
    expect(replies.join('\n')).toMatch(/Nomor tiket/);
    const [identity] = await app.ctx.db.db.select({ id: t.channelIdentities.id }).from(t.channelIdentities).where(eq(t.channelIdentities.chatId, chatId));
    const citizen = await citizenOf(identity.id);
    expect(decryptNik(citizen.sealed!, newOnly)).toBe(DRAFT_NIK);
    expect(citizen.hash).toBe(hashNik(DRAFT_NIK, newOnly));
  }, 60_000);
});
