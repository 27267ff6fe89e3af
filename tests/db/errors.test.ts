/**
 * Which failures set an update aside and which wait for the database: each row makes real
 * Postgres (or the driver) fail the way production would see it, and checks the verdict.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../../src/db/client.js';
import { classifyWriteError, databaseAnswers, errorKind, errorText, isOutage } from '../../src/db/errors.js';
import { createTestEnv, type TestEnv } from '../support/env.js';

let env: TestEnv;
let db: Database;

beforeAll(async () => {
  env = await createTestEnv();
  db = createDb(env.databaseUrl, 2);
  await db.sql`create table t (short varchar(5), positive int check (positive > 0), doc jsonb)`;
});
afterAll(async () => {
  await db?.close();
  await env?.dispose();
});

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to fail');
}

describe('classifyWriteError', () => {
  it.each([
    ['NUL in a text parameter (22021)', () => db.sql`insert into t (short) values (${'a\u0000b'})`, 'refused', '22021'],
    ['\\u0000 in jsonb (22P05)', () => db.sql`insert into t (doc) values (${JSON.stringify({ text: 'a\u0000b' })}::jsonb)`, 'refused', '22P05'],
    ['a lone surrogate in jsonb (22P02)', () => db.sql`insert into t (doc) values (${'{"text":"\\ud83d"}'}::jsonb)`, 'refused', '22P02'],
    ['value too long (22001)', () => db.sql`insert into t (short) values (${'terlalu panjang'})`, 'refused', '22001'],
    ['check violation (23514)', () => db.sql`insert into t (positive) values (${-1})`, 'refused', '23514'],
    ['the same through drizzle, which wraps the error', () => db.db.execute(sql`insert into t (positive) values (${-1})`), 'refused', '23514'],
    ['statement timeout (57014)', () => db.sql.begin(async (tx) => {
      await tx`set local statement_timeout = 10`;
      await tx`select pg_sleep(1)`;
    }), 'transient', '57014'],
    ['connection terminated by the server', () => db.sql`select pg_terminate_backend(pg_backend_pid())`, 'transient', 'CONNECTION_CLOSED'],
  ] as const)('%s', async (_name, run, verdict, code) => {
    const error = await failure(run);
    expect(classifyWriteError(error)).toBe(verdict);
    expect(errorKind(error).errorCode).toBe(code);
    expect(errorText(error)).toMatch(new RegExp(`^${code}: `));
  });

  it('connection refused is transient', async () => {
    const down = postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, connect_timeout: 2 });
    const error = await failure(() => down`select 1`);
    await down.end();
    expect(classifyWriteError(error)).toBe('transient');
    expect(errorKind(error).errorCode).toBe('ECONNREFUSED');
  });

  it('a plain error without a code (a bug this update triggers) is refused', () => {
    expect(classifyWriteError(new TypeError("Cannot read properties of undefined (reading 'text')"))).toBe('refused');
  });

  it('keeps the query parameters out of what it reports', async () => {
    const error = await failure(() => db.db.execute(sql`insert into t (positive, short) values (${-1}, ${'rahasia'})`));
    expect(String((error as Error).message)).toContain('rahasia');
    expect(JSON.stringify(errorKind(error))).not.toContain('rahasia');
    expect(errorText(error)).not.toContain('rahasia');
  });
});

describe('isOutage', () => {
  it('an error nobody classified (a trigger raising XX000) is not an outage while the database answers', async () => {
    await db.sql.unsafe(`
      create function unforeseen() returns trigger language plpgsql as $$
        begin raise exception 'unforeseen' using errcode = 'internal_error'; end $$;
      create table u (x int);
      create trigger unforeseen before insert on u for each row execute function unforeseen();`);
    const error = await failure(() => db.sql`insert into u values (1)`);
    expect(classifyWriteError(error)).toBe('transient');
    expect(await isOutage(db.sql, error)).toBe(false);
  });

  it('a Node error with a code of its own is not an outage while the database answers', async () => {
    const error = Object.assign(new TypeError('The "chunk" argument must be of type string'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(await isOutage(db.sql, error)).toBe(false);
  });

  it('connection refused is an outage when the database does not answer either', async () => {
    const down = postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, connect_timeout: 2 });
    const error = await failure(() => down`select 1`);
    expect(await databaseAnswers(down)).toBe(false);
    expect(await isOutage(down, error)).toBe(true);
    await down.end();
  });

  it('a refusal is never an outage, even with the database gone', async () => {
    const down = postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, connect_timeout: 2 });
    const error = await failure(() => db.sql`insert into t (positive) values (${-1})`);
    expect(await isOutage(down, error)).toBe(false);
    await down.end();
  });
});
