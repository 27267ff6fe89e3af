/**
 * Web chat sessions: the server hands out a random token (32 bytes, base64url); the page sends it
 * in the `X-Chat-Session` header. Only the token's SHA-256 is stored, and that is the chat id of
 * the conversation, so a copy of the database cannot be used to read anyone's chat. A session
 * lives WEBCHAT_SESSION_HOURS past the citizen's last message, or until they start a new one.
 *
 * @example
 *   const { token } = await openSession(sql, now(), 12);
 *   const chatId = await touchSession(sql, token, now(), 12); // null: unknown, ended or expired
 */
import { createHash, randomBytes } from 'node:crypto';
import type postgres from 'postgres';

// postgres.js binds a Date only where it knows the column's type in advance; ISO text always works.

export const SESSION_HEADER = 'x-chat-session';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The chat id a token stands for: its SHA-256, hex. */
export function chatIdOfSession(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token from a request's header, when it has the shape of one the server hands out. */
export function sessionToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  return value && TOKEN_PATTERN.test(value) ? value : null;
}

export async function openSession(sql: postgres.Sql, now: Date, hours: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + hours * 3_600_000);
  await sql`insert into web_chat_sessions (chat_id, created_at, expires_at) values (${chatIdOfSession(token)}, ${now.toISOString()}, ${expiresAt.toISOString()})`;
  return { token, expiresAt };
}

/** The session's chat id when it is live, its expiry moved on to `hours` from now (a message from the citizen). */
export async function touchSession(sql: postgres.Sql, token: string, now: Date, hours: number): Promise<string | null> {
  const [row] = await sql<{ chat_id: string }[]>`
    update web_chat_sessions set expires_at = ${new Date(now.getTime() + hours * 3_600_000).toISOString()}
    where chat_id = ${chatIdOfSession(token)} and ended_at is null and expires_at > ${now.toISOString()}
    returning chat_id`;
  return row?.chat_id ?? null;
}

/** The session's chat id when it is live, without moving its expiry (a poll reads, it does not keep a chat open). */
export async function liveSession(sql: postgres.Sql, token: string, now: Date): Promise<string | null> {
  const [row] = await sql<{ chat_id: string }[]>`
    select chat_id from web_chat_sessions where chat_id = ${chatIdOfSession(token)} and ended_at is null and expires_at > ${now.toISOString()}`;
  return row?.chat_id ?? null;
}

/** Ends a session: its token reads and sends nothing any more. */
export async function endSession(sql: postgres.Sql, token: string, now: Date): Promise<boolean> {
  const ended = await sql`update web_chat_sessions set ended_at = ${now.toISOString()} where chat_id = ${chatIdOfSession(token)} and ended_at is null`;
  return ended.count > 0;
}
