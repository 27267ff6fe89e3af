/**
 * What staff watching the live-chat queue hear: ids only (never a message or a name), sent with
 * `pg_notify` inside the transaction that made the change, so it arrives exactly when that commits,
 * in every process; the console refetches through the API, which enforces scope.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';

export type LivechatEventType =
  /** A citizen asked for a human: a new request in the queue. */
  | 'livechat.queued'
  | 'livechat.taken'
  /** A message either way in a chat with an open request. */
  | 'livechat.message'
  | 'livechat.handedBack'
  /** The citizen left the petugas flow before anyone took the request. */
  | 'livechat.withdrawn'
  /** Nobody took the request in time: staff are reminded. */
  | 'livechat.reminder'
  /** Back in the queue: the officer never answered, or the chat went idle. */
  | 'livechat.returned';

export interface LivechatEvent {
  type: LivechatEventType;
  dinasId: number;
  handoffId: number;
}

/** How long a request may wait untaken before staff are reminded, and a taken chat sit idle. */
export interface LivechatTimes {
  /** Untaken this long: staff are reminded. Taken but not answered this long: back to the queue. */
  remindMs: number;
  /** A taken chat with no message either way this long goes back to the queue. */
  idleMs: number;
}

export async function livechatNotice(tx: Tx, event: LivechatEvent): Promise<void> {
  await tx.execute(sql`select pg_notify('console_events', ${JSON.stringify(event)})`);
}
