/**
 * The whole database as text: every row of every table of the product's schema, each as its JSON,
 * one table per line. For tests that a value (a NIK, a name) is nowhere at all, whichever table or
 * column a change might one day copy it into.
 */
import type postgres from 'postgres';

export async function dumpDatabase(sql: postgres.Sql): Promise<string> {
  const tables = await sql<{ name: string }[]>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`;
  const lines: string[] = [];
  for (const { name } of tables) {
    const [row] = await sql<{ rows: string | null }[]>`select string_agg(to_jsonb(x)::text, ' ') as rows from ${sql(name)} x`;
    lines.push(`${name}: ${row.rows ?? ''}`);
  }
  return lines.join('\n');
}

/**
 * Whether `digits` (a NIK, a phone number) appear in the text however they were typed: as they
 * are, or with spaces, dots or dashes between them.
 */
export function holdsDigits(text: string, digits: string): boolean {
  return text.includes(digits) || text.replace(/[\s.\-]/g, '').includes(digits);
}
