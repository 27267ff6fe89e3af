/** The one database client: postgres.js underneath, drizzle on top. */
import { drizzle, PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

export function createDb(url: string, poolSize: number) {
  const sql = postgres(url, {
    max: poolSize,
    // Our own notices (CREATE ... IF NOT EXISTS) are not news.
    onnotice: () => {},
    connection: { application_name: 'kanal-aduan' },
  });
  const db = drizzle(preparing(sql), { schema });
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}

export type Database = ReturnType<typeof createDb>;

/**
 * drizzle's client, its statements prepared: drizzle sends every query unnamed, and postgres.js
 * then describes an unnamed query with parameters in a round trip of its own before running it, so
 * each drizzle statement cost two round trips and a parse and plan in Postgres. Prepared, a
 * statement costs that once per connection (postgres.js keeps it by its text) and one round trip
 * after. The transactions drizzle opens (`begin`, `savepoint`) hand it clients prepared the same
 * way. Statements without parameters keep the simple protocol, as postgres.js sends them.
 */
function preparing<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        return (query: string, parameters?: unknown[], options?: Record<string, unknown>) =>
          (value as (...args: unknown[]) => unknown).call(target, query, parameters, parameters && parameters.length > 0 ? { ...options, prepare: true } : options);
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const work = args.at(-1) as (inner: object) => unknown;
          return (value as (...args: unknown[]) => unknown).call(target, ...args.slice(0, -1), (inner: object) => work(preparing(inner)));
        };
      }
      return value;
    },
  });
}
export type Db = Database['db'];
/** A drizzle transaction handle; helpers that must run inside the caller's transaction take this. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * A drizzle transaction on a connection reserved from the pool, whose BEGIN and COMMIT the caller
 * sends itself, so that each can go out with a statement (postgres.js pipelines what is asked in
 * one turn of the event loop): `Promise.all([raw`begin`, first])` … `Promise.all([last, raw`commit`])`
 * costs two round trips where `db.transaction` costs four, for the batches of conversation steps.
 * A failed statement before a pipelined COMMIT turns that COMMIT into a rollback (Postgres answers
 * it with ROLLBACK); the caller still sends `rollback` on any error, and always `release`s.
 */
export async function reservedTransaction(database: Database): Promise<{ tx: Tx; raw: postgres.ReservedSql; release(): void }> {
  const raw = await database.sql.reserve();
  // drizzle builds its transactions exactly so, on the connection postgres.js's `begin` reserves.
  type SessionArgs = ConstructorParameters<typeof PostgresJsSession>;
  const base = database.db._.session as unknown as { dialect: SessionArgs[1]; schema: SessionArgs[2]; options: SessionArgs[3] };
  // A reserved connection lacks only `savepoint` and `prepare` of a TransactionSql: nested
  // transactions and two-phase commit, which no step uses.
  const session = new PostgresJsSession(preparing(raw) as unknown as SessionArgs[0], base.dialect, base.schema, base.options);
  const tx = new PostgresJsTransaction(base.dialect, session as unknown as ConstructorParameters<typeof PostgresJsTransaction>[1], base.schema) as unknown as Tx;
  return { tx, raw, release: () => raw.release() };
}

/**
 * The postgres.js transaction under a drizzle transaction, for the statements that run for every
 * message. drizzle sends its queries unprepared, and postgres.js then spends a round trip on
 * describing each one's parameters and Postgres parses and plans it every time; a tagged template
 * on this client is prepared once per connection and then costs one round trip. Only fixed-shape
 * statements belong here: every distinct text stays prepared for the connection's life.
 */
export function rawTx(tx: Tx): postgres.TransactionSql {
  return (tx._.session as unknown as { client: postgres.TransactionSql }).client;
}
