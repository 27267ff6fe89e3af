/**
 * What staff watching live chats hear: `handoff` console events (ids and the kind of change only,
 * never a message or a name), sent with `notifyConsole` inside the transaction that made the
 * change, so they arrive exactly when it commits, in every process; the console refetches through
 * the API, which enforces scope.
 */
import type { Tx } from '../db/client.js';
import { notifyConsole } from '../console/live.js';

export type LivechatChange =
  /** A citizen asked for a human: a new request in the queue. */
  | 'queued'
  | 'taken'
  /** A message either way in a chat with an open request. */
  | 'message'
  | 'handed-back'
  /** The citizen left the petugas flow before anyone took the request. */
  | 'withdrawn'
  /** Nobody took the request in time: staff are reminded. */
  | 'reminder'
  /** Back in the queue: the officer never answered, or the chat went idle. */
  | 'returned';

/** How long a request may wait untaken before staff are reminded, and a taken chat sit idle. */
export interface LivechatTimes {
  /** Untaken this long: staff are reminded. Taken but not answered this long: back to the queue. */
  remindMs: number;
  /** A taken chat with no message either way this long goes back to the queue. */
  idleMs: number;
}

export async function livechatNotice(tx: Tx, change: LivechatChange, chat: { dinasId: number; handoffId: number }): Promise<void> {
  await notifyConsole(tx, { type: 'handoff', change, dinasId: chat.dinasId, handoffId: chat.handoffId });
}
