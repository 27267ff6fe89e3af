/** What the pipeline's steps need, passed explicitly: nothing global. */
import type { AnyStateMachine } from 'xstate';
import type { CatalogueCache } from '../catalogue/search.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { NikKeys } from '../pii/nik.js';
import type { Enqueue } from '../queues/enqueue.js';
import type { Transport } from '../queues/transport.js';

export interface PipelineContext {
  db: Database;
  transport: Transport;
  /** Hands committed work to the queue, bounded and never throwing (see queues/enqueue.ts). */
  enqueue: Enqueue;
  log: Logger;
  machine: AnyStateMachine;
  /** Version of `machine`; stored beside each snapshot. */
  machineVersion: number;
  catalogue: CatalogueCache;
  nikKeys: NikKeys;
  /** A conversation idle longer than this starts over politely. */
  idleMs: number;
  now: () => Date;
}
