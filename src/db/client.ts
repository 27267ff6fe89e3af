/** The one database client: postgres.js underneath, drizzle on top. */
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

export function createDb(url: string, poolSize: number) {
  const sql = postgres(url, {
    max: poolSize,
    // Our own notices (CREATE ... IF NOT EXISTS) are not news.
    onnotice: () => {},
    connection: { application_name: 'kanal-aduan' },
  });
  const db = drizzle(sql, { schema });
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}

export type Database = ReturnType<typeof createDb>;
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
