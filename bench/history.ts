/**
 * The history both bots of the reference phase start on: a database that has already served
 * `reports` reports, as a deployed bot's has, with the statistics autovacuum would have left.
 *
 * Why: a statement prepared on a connection keeps the plan Postgres made for it when it was first
 * run often enough, and Postgres plans by the tables' sizes then. On an empty database the first
 * plans read a small table whole instead of through its index; the tables then grow by thousands
 * of rows a second while the plans stay, and by the end of a 10 s run a batch's write read every
 * message ever stored (2 ms a batch, growing). In production the tables are large from the second
 * day on and analysed (which also makes every connection plan again), so that run measured a
 * moment a deployment lives through once. This machine's Postgres runs without autovacuum, too.
 *
 * The product's: the inbox seed's cases, chat identities and messages (bench/inbox-seed.ts), nine
 * messages a report, and for each message a reply sent; the reference's: its own cases table.
 */
import postgres from 'postgres';
import { seedInbox } from './inbox-seed.js';

export async function seedProductHistory(databaseUrl: string, reports: number): Promise<void> {
  if (reports <= 0) return;
  await seedInbox(databaseUrl, { cases: reports, messages: reports * 9, now: new Date() });
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`set synchronous_commit = off`;
    await sql`
      insert into conversations (identity_id, snapshot, version, updated_at)
      select id, null, 0, created_at from channel_identities on conflict do nothing`;
    await sql`
      insert into outbox (identity_id, channel, payload, status, external_id, created_at, sent_at, attempts)
      select m.identity_id, m.channel, jsonb_build_object('kind', 'text', 'chatId', i.chat_id, 'text', 'Terima kasih, laporan Anda kami terima.'),
        'sent', 'bench-' || m.id, m.received_at, m.received_at, 1
      from messages m join channel_identities i on i.id = m.identity_id`;
    await sql.unsafe('vacuum (analyze) conversations, outbox');
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function seedReferenceHistory(databaseUrl: string, reports: number): Promise<void> {
  if (reports <= 0) return;
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`set synchronous_commit = off`;
    await sql`
      insert into peer_cases (ticket, chat_id, category, description, name, nik, created_at)
      select 'OLD-' || g, 800000000 + g / 3, 'bansos', 'Jalan di depan SD Negeri ' || g || ' berlubang besar sejak dua bulan lalu.', null, null,
        now() - make_interval(secs => (${reports} - g) * 60)
      from generate_series(1, ${reports}) g`;
    await sql.unsafe('vacuum (analyze)');
  } finally {
    await sql.end({ timeout: 5 });
  }
}
