/** The one database client: postgres.js underneath, drizzle on top. */
import { drizzle, PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

const drizzleOn = (client: postgres.Sql) => drizzle(client, { schema });

export function createDb(url: string, poolSize: number) {
  const sql = postgres(url, {
    max: poolSize,
    // Our own notices (CREATE ... IF NOT EXISTS) are not news.
    onnotice: () => {},
    // No JIT: the planner compiles any statement it costs above 100,000 (jit_above_cost), about
    // 50 ms each time, and a hot step statement costed so once cut the bot to a third of its rate.
    // The app's statements are index look-ups, where compiling buys nothing: the console's lists
    // and counts over 300,000 cases planned no JIT at all, and its statistics had turned it off.
    connection: { application_name: 'kanal-aduan', jit: 'off' },
  });
  const db = drizzleOn(sql);
  // The conversation steps' transactions: their statements prepared (see `preparing`). Not the
  // console's: its lists and counts over a million cases get a plan for their own values each time,
  // which a prepared statement would trade for a generic plan after five runs.
  const steps = drizzleOn(preparing(sql));
  return { sql, db, steps, pipelined: pipelinedTransactions(sql, steps), close: () => sql.end({ timeout: 5 }) };
}

/**
 * Finishes a pipelined transaction: sends its last statement and its COMMIT together, and answers
 * the statement's rows once both are through. If the statement fails, Postgres answers the COMMIT
 * of the failed transaction with a rollback, and the error is thrown as from any transaction.
 */
export type Finish = <R>(last: postgres.PendingQuery<R extends readonly object[] ? R : never>) => Promise<R>;

/**
 * Transactions for the conversation steps whose first statements ride with their BEGIN and whose
 * last rides with their COMMIT, each one write to Postgres and one answer (`begin` in postgres.js
 * waits for its BEGIN's answer before the first statement, and its COMMIT goes after the last
 * statement's answer: two round trips of their own, each a wake-up of the backend that preempts the
 * writing thread on a busy machine). The work gets a drizzle transaction like `db.steps.transaction`'s
 * (its statements prepared) on a connection reserved for it, and `finish` for its last statement;
 * without `finish`, the COMMIT is sent after the work as usual. On any error the transaction is
 * rolled back and the error thrown: nothing of it is kept.
 */
function pipelinedTransactions(sql: postgres.Sql, steps: Db) {
  const internals = steps as unknown as { session: { dialect: never; schema: never; options: never } };
  const { dialect, schema: relations, options } = internals.session;
  return async <T>(work: (tx: Tx, finish: Finish) => Promise<T>): Promise<T> => {
    const connection = await sql.reserve();
    let finished = false;
    try {
      // Queued now, written with the work's first statements (postgres.js writes a tick's queries together).
      const begun = connection.unsafe('begin').execute();
      begun.catch(() => {});
      // drizzle's transaction over the reserved connection: what its statements use of a client
      // (`unsafe`), a reserved connection has as a transaction's has.
      const session = new PostgresJsSession(preparing(connection) as unknown as postgres.Sql, dialect, relations, options);
      const tx = new PostgresJsTransaction(dialect, session as never, relations) as unknown as Tx;
      const finish: Finish = async (last) => {
        await begun;
        const rows = last.execute();
        const committed = connection.unsafe('commit').execute();
        committed.catch(() => {});
        const [answer] = await Promise.all([rows, committed]);
        finished = true;
        return answer as never;
      };
      const result = await work(tx, finish);
      await begun;
      if (!finished) {
        await connection.unsafe('commit');
        finished = true;
      }
      return result;
    } catch (error) {
      if (!finished) await connection.unsafe('rollback').catch(() => {});
      throw error;
    } finally {
      connection.release();
    }
  };
}

export type Database = ReturnType<typeof createDb>;

/**
 * drizzle's client, its statements prepared: drizzle sends every query unnamed, and postgres.js
 * then describes an unnamed query with parameters in a round trip of its own before running it, so
 * each drizzle statement cost two round trips and a parse and plan in Postgres (a case's opening,
 * inside its batch of steps, about 30 round trips). Prepared, a statement costs that once per
 * connection (postgres.js keeps it by its text) and one round trip after. The transactions drizzle
 * opens (`begin`, `savepoint`) hand it clients prepared the same way. Statements without parameters
 * keep the simple protocol, as postgres.js sends them.
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
export type Db = ReturnType<typeof drizzleOn>;
/** A drizzle transaction handle; helpers that must run inside the caller's transaction take this. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

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

/**
 * A bigint[] parameter's text (`${idArray(ids)}::bigint[]`). Also for the ids a statement's
 * jsonb_to_recordset input joins on, once more as `id = any(…)`: the planner takes such an input
 * for 100 rows and, on a table of a few thousand, joins it by reading the table whole, where
 * `id = any(array)` it reads through the index.
 */
export const idArray = (ids: readonly number[]): string => `{${ids.join(',')}}`;
