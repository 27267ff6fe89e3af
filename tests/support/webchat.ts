/**
 * A client for the web chat endpoints, doing over real HTTP what the page's script does: post
 * a message with a client-generated id, poll for replies after the last one seen.
 */
import { randomUUID } from 'node:crypto';

export const WEBCHAT_MESSAGES_PATH = '/chat/api/messages';

export interface WebChatReply {
  id: number;
  text: string;
  options: { key: string; label: string }[];
}

export interface WebChatPoll {
  messages: WebChatReply[];
  last: number;
}

/** Posts any body (valid or not) and returns the status and parsed JSON answer. */
export async function postChatBody(baseUrl: string, body: string, contentType = 'application/json') {
  const res = await fetch(baseUrl + WEBCHAT_MESSAGES_PATH, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Posts one citizen message; `id` defaults to a fresh UUID, as the page generates one per message. */
export function postChatMessage(baseUrl: string, message: { session: string; text: string; id?: string }) {
  return postChatBody(baseUrl, JSON.stringify({ session: message.session, id: message.id ?? randomUUID(), text: message.text }));
}

/** The page's poll: replies delivered to `session` after reply id `after`. */
export async function pollChat(baseUrl: string, session: string, after = 0): Promise<WebChatPoll> {
  const res = await fetch(`${baseUrl}${WEBCHAT_MESSAGES_PATH}?${new URLSearchParams({ session, after: String(after) })}`);
  if (res.status !== 200) throw new Error(`web chat poll answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as WebChatPoll;
}
