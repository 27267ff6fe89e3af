/** The one database client: postgres.js underneath, drizzle on top. */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

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
  const db = drizzle(sql, { schema });
  // The conversation steps' transactions: their statements prepared (see `preparing`). Not the
  // console's: its lists and counts over a million cases get a plan for their own values each time,
  // which a prepared statement would trade for a generic plan after five runs.
  const steps = drizzle(preparing(sql), { schema });
  return { sql, db, steps, close: () => sql.end({ timeout: 5 }) };
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
export type Db = Database['db'];
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
