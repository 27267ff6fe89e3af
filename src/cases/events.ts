/**
 * What happened to a case, as the parts that react to it see it. The lifecycle writes one
 * `case_events` row per happening and hands the same record to every sink (outgoing webhooks,
 * staff notifications…) inside the same transaction, so a sink's own outbox rows commit exactly
 * when the event does. A sink may return work to run after the commit (enqueueing its jobs);
 * if that is lost, the sink's relay finds its pending rows in Postgres.
 */
import type { CaseStatus } from '../conversation/contract.js';
import type { Tx } from '../db/client.js';

export type CaseEventType =
  /** The case was opened (from a chat, Open311 or the console). */
  | 'created'
  /** A status transition (`fromStatus` → `toStatus`). */
  | 'status'
  /** Moved to another dinas or unit (`dialihkan`). */
  | 'rerouted'
  /** Given to a unit or an officer. */
  | 'assigned'
  /** Staff wrote a note: internal (`public: false`) or sent to the citizen (`public: true`). */
  | 'note'
  /** Staff wrote into the citizen's chat (`note` is the text sent). */
  | 'reply'
  /** The citizen added text or a photo to an open case. */
  | 'citizen-info'
  /** The citizen rated the handling after `selesai`. */
  | 'rating'
  /** The citizen said it is not finished; back to `diproses`. */
  | 'reopened'
  /** Marked a duplicate of another case. */
  | 'merged'
  /** An SLA clock passed 80% of its time. */
  | 'reminder'
  /** An SLA clock ran out. */
  | 'escalation';

/** Who acts: every service call names one, so authorization is part of the signature. */
export type Actor =
  | { kind: 'system' }
  | { kind: 'citizen'; identityId: number }
  | {
      kind: 'staff';
      staffId: number;
      role: 'admin' | 'verifikator' | 'petugas' | 'pimpinan';
      /** Null only for an admin who sees every dinas; any other role without a dinas sees nothing. */
      dinasId: number | null;
      unitId: number | null;
      /** Kemendagri region-code prefix the officer is limited to, if any. */
      regionPrefix: string | null;
    }
  /** A dinas's own system calling back (webhook receiver, Open311 client with an API key). */
  | { kind: 'integration'; dinasId: number; name: string };

/** How an actor is written into `case_events.actor`. */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'system':
      return 'system';
    case 'citizen':
      return 'citizen';
    case 'staff':
      return `staff:${actor.staffId}`;
    case 'integration':
      return `integration:${actor.dinasId}:${actor.name}`;
  }
}

export interface CaseEventRecord {
  /** `case_events.id`: increasing, so it orders a case's events. */
  id: number;
  type: CaseEventType;
  caseId: number;
  ticket: string;
  dinasId: number;
  unitId: number | null;
  /** The case's Kemendagri region code and rahasia flag: with dinas and unit, who may see it (the console's live events). */
  regionCode: string | null;
  confidential: boolean;
  categoryCode: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  actor: string;
  /** Whether `note` may be shown to the citizen (and to the dinas's outside systems). */
  public: boolean;
  note: string | null;
  /** The SLA due time after the event, if a clock runs. */
  slaDueAt: Date | null;
  at: Date;
  /**
   * Details by type — `rerouted`: { fromDinasId, fromUnitId, dinasId, unitId }; `assigned`:
   * { unitId, staffId }; `merged`: { originalTicket }; `reminder` / `escalation`: { clock:
   * 'verify' | 'follow_up', dueAt, supervisorStaffIds }; `rating`: { score, comment };
   * `citizen-info`: { photos } (media refs, when photos were added; the text is the note);
   * `created`: { possibleDuplicateOf } when the duplicate hint was answered "new"; otherwise null.
   */
  data: Record<string, unknown> | null;
}

/** Work a sink wants done once the event's transaction has committed (usually an enqueue). */
export type AfterCommit = () => Promise<void>;

/** Reacts to a case event inside the event's transaction. */
export type CaseEventSink = (tx: Tx, event: CaseEventRecord) => Promise<AfterCommit | void>;
