/** What the pipeline's steps need, passed explicitly: nothing global. */
import type { AnyStateMachine } from 'xstate';
import type { CaseEventSink } from '../cases/events.js';
import type { CaseSettingsCache } from '../cases/settings.js';
import type { CatalogueCache } from '../catalogue/search.js';
import type { Database } from '../db/client.js';
import type { LivechatTimes } from '../livechat/events.js';
import type { Logger } from '../logger.js';
import type { MediaStorage } from '../media/storage.js';
import type { Metrics } from '../metrics.js';
import type { NikKeys } from '../pii/nik.js';
import type { Enqueue } from '../queues/enqueue.js';
import type { StepWake } from '../queues/stepper.js';
import type { Transport } from '../queues/transport.js';
import type { FairUse } from './fair-use.js';

export interface PipelineContext {
  db: Database;
  transport: Transport;
  /** Hands committed work to the queue, bounded and never throwing (see queues/enqueue.ts). */
  enqueue: Enqueue;
  /** Tells the steppers a message is waiting (src/queues/stepper.ts). */
  wakeSteps: StepWake;
  log: Logger;
  metrics: Metrics;
  machine: AnyStateMachine;
  /** Version of `machine`; stored beside each snapshot. */
  machineVersion: number;
  catalogue: CatalogueCache;
  /** Routing, SLA policies, holidays, targets, endpoints: what opening and moving a case reads. */
  caseSettings: CaseSettingsCache;
  nikKeys: NikKeys;
  /** A conversation idle longer than this starts over politely. */
  idleMs: number;
  /** When a live-chat request is reminded to staff, and a taken chat returned to the queue. */
  livechat: LivechatTimes;
  now: () => Date;
  /** Every case event is handed to each of these inside its transaction (webhooks, staff notifications…). */
  caseSinks: CaseEventSink[];
  /** Failures, while the database answers, before an update or its step is set aside (SET_ASIDE_AFTER_ATTEMPTS). */
  setAsideAfter: number;
  /** The Cloud API is configured: pushes to citizens who wrote over WhatsApp Web go through it. */
  cloudPushes: boolean;
  /** Where kept photos are (erasing a citizen's data deletes theirs). */
  mediaStorage: MediaStorage;
  /** Base of the product's public address (`PUBLIC_URL`, else this machine): links citizens and staff are sent. */
  publicUrl: string;
  /** Per-chat limits at the front door (src/conversation/fair-use.ts). */
  fairUse: FairUse;
}
