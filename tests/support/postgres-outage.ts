/**
 * A real database outage for one test file's database, without stopping the Postgres other files
 * share: every connection to it is cut (as a server stopping cuts them, 57P01) and new ones are
 * refused by the server until the outage ends. The test's own `observer` connection is opened
 * beforehand and spared, so it can still look at the rows while the product cannot.
 *
 * @example
 *   const outage = await postgresOutage(env);
 *   await outage.begin();
 *   expect(await postUpdate(app.url!, update)).toBe(500);
 *   await outage.end();
 */
import postgres from 'postgres';
import { TEST_POSTGRES, type TestEnv } from './env.js';

const OBSERVER = 'test-observer';

export interface PostgresOutage {
  /** A connection to the test's database that survives the outage. */
  observer: postgres.Sql;
  begin(): Promise<void>;
  end(): Promise<void>;
  close(): Promise<void>;
}

export async function postgresOutage(env: TestEnv): Promise<PostgresOutage> {
  const name = new URL(env.databaseUrl).pathname.slice(1);
  // A database cannot refuse connections to itself from inside: this one talks to `postgres`.
  const admin = postgres(TEST_POSTGRES, { max: 1, onnotice: () => {} });
  const observer = postgres(env.databaseUrl, { max: 1, idle_timeout: 0, onnotice: () => {}, connection: { application_name: OBSERVER } });
  await observer`select 1`;
  const end = async () => void (await admin.unsafe(`alter database "${name}" with allow_connections true`));
  return {
    observer,
    async begin() {
      await admin.unsafe(`alter database "${name}" with allow_connections false`);
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and application_name <> ${OBSERVER}`;
    },
    end,
    async close() {
      await end();
      await observer.end();
      await admin.end();
    },
  };
}
