/**
 * The conversation steps' pipelined transactions (`db.pipelined`, src/db/client.ts), on real
 * Postgres through a TCP relay that counts what the client writes: BEGIN rides with the first
 * statements and COMMIT with the last, and a transaction that fails keeps nothing.
 */
import net from 'node:net';
import { sql as drizzleSql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, rawTx, type Database } from '../../src/db/client.js';
import { createTestEnv, type TestEnv } from '../support/env.js';

let env: TestEnv;
let db: Database;
let relay: net.Server;
/** Writes the client sent through the relay (each arrives as one chunk on loopback). */
let writes = 0;

beforeAll(async () => {
  env = await createTestEnv();
  const target = new URL(env.databaseUrl);
  relay = net.createServer((client) => {
    const server = net.connect(Number(target.port || 5432), target.hostname);
    client.on('data', () => void writes++);
    client.pipe(server).pipe(client);
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const through = new URL(env.databaseUrl);
  through.port = String((relay.address() as net.AddressInfo).port);
  db = createDb(through.toString(), 1);
  await db.sql`create table kept (n int primary key)`;
});
afterAll(async () => {
  await db?.close();
  await new Promise((resolve) => relay?.close(resolve));
  await env?.dispose();
});
beforeEach(async () => {
  await db.sql`truncate kept`;
});

const kept = async () => (await db.sql<{ n: number }[]>`select n from kept order by n`).map((row) => row.n);

describe('a pipelined transaction', () => {
  it('sends BEGIN with its first statement and COMMIT with its last: two writes where a transaction takes four', async () => {
    await db.sql`select 1`; // the connection opened and its statements' types known
    const work = async (tx: Parameters<Parameters<Database['pipelined']>[0]>[0]) => {
      const raw = rawTx(tx);
      const [first] = await raw<{ n: number }[]>`insert into kept values (${1}) returning n`;
      return first.n;
    };
    await db.pipelined(work); // prepared once on the connection, as every hot statement is
    await db.steps.transaction(work).catch(() => {}); // the same statement prepared for drizzle's client too
    await db.sql`truncate kept`;

    writes = 0;
    const answer = await db.pipelined(async (tx, finish) => {
      const raw = rawTx(tx);
      await raw`insert into kept values (${1}) returning n`;
      const [last] = await finish(raw<{ n: number }[]>`insert into kept values (${2}) returning n`);
      return last.n;
    });
    expect(answer).toBe(2);
    expect(writes).toBe(2);
    expect(await kept()).toEqual([1, 2]);

    await db.sql`truncate kept`;
    writes = 0;
    await db.steps.transaction(async (tx) => {
      const raw = rawTx(tx);
      await raw`insert into kept values (${1}) returning n`;
      await raw`insert into kept values (${2}) returning n`;
    });
    expect(writes).toBe(4);
  });

  it('commits after the work when it does not finish with a statement of its own', async () => {
    await db.pipelined(async (tx) => {
      await tx.execute(drizzleSql`insert into kept values (3)`);
    });
    expect(await kept()).toEqual([3]);
  });

  it('keeps nothing when its last statement fails, and the error is thrown', async () => {
    const failing = db.pipelined(async (tx, finish) => {
      const raw = rawTx(tx);
      await raw`insert into kept values (${4}) returning n`;
      return finish(raw<{ n: number }[]>`insert into kept values (${4}) returning n`);
    });
    await expect(failing).rejects.toThrow(/duplicate key/);
    expect(await kept()).toEqual([]);
    // The connection went back to the pool usable, outside any transaction.
    await db.pipelined(async (tx, finish) => finish(rawTx(tx)<{ n: number }[]>`insert into kept values (${5}) returning n`));
    expect(await kept()).toEqual([5]);
  });

  it('keeps nothing when the work throws', async () => {
    const failing = db.pipelined(async (tx) => {
      await rawTx(tx)`insert into kept values (${6}) returning n`;
      throw new Error('the step failed');
    });
    await expect(failing).rejects.toThrow('the step failed');
    expect(await kept()).toEqual([]);
  });
});
