/**
 * A client for the web chat endpoints, doing over real HTTP what the page's script does: open a
 * session (the server hands out the token), post a message with a client-generated id and the
 * token in the `X-Chat-Session` header, poll for replies after the last one seen.
 */
import { randomUUID } from 'node:crypto';
export { chatIdOfSession } from '../../src/channels/webchat/sessions.js';

export const WEBCHAT_MESSAGES_PATH = '/chat/api/messages';
export const WEBCHAT_SESSIONS_PATH = '/chat/api/sessions';

export interface WebChatReply {
  id: number;
  text: string;
  options: { key: string; label: string }[];
}

export interface WebChatPoll {
  messages: WebChatReply[];
  last: number;
}

/** A new conversation's token, as the page gets one. */
export async function openChatSession(baseUrl: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(baseUrl + WEBCHAT_SESSIONS_PATH, { method: 'POST', headers });
  if (res.status !== 201) throw new Error(`opening a web chat session answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { session: string }).session;
}

/** Posts any body (valid or not) with `session` in the header, and returns the status and parsed JSON answer. */
export async function postChatBody(baseUrl: string, body: string, options: { session?: string; contentType?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers };
  if (options.session !== undefined) headers['x-chat-session'] = options.session;
  const res = await fetch(baseUrl + WEBCHAT_MESSAGES_PATH, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Posts one citizen message; `id` defaults to a fresh UUID, as the page generates one per message. */
export function postChatMessage(baseUrl: string, message: { session: string; text: string; id?: string }, headers: Record<string, string> = {}) {
  return postChatBody(baseUrl, JSON.stringify({ id: message.id ?? randomUUID(), text: message.text }), { session: message.session, headers });
}

/** The page's poll: replies delivered to `session` after reply id `after`. */
export async function pollChat(baseUrl: string, session: string, after = 0): Promise<WebChatPoll> {
  const res = await fetch(`${baseUrl}${WEBCHAT_MESSAGES_PATH}?${new URLSearchParams({ after: String(after) })}`, { headers: { 'x-chat-session': session } });
  if (res.status !== 200) throw new Error(`web chat poll answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as WebChatPoll;
}
