/**
 * Counters for operators, served at `GET /metrics` in Prometheus' text format. One registry per
 * app (not prom-client's global one), so tests and several apps in one process never share counts.
 *
 * Beside the set-aside counter, the message pipeline's own figures: messages stored at the front
 * door, how long a message waited for its conversation step, the stepper's batches (how many chats
 * each, how long its transaction and then its sends took) and the sends' outcomes. They answer
 * what an operator asks of a busy day — is the pipeline keeping up, and where does a message wait —
 * without a profiler, and `npm run bench` prints them beside its own figures. A running process
 * (`src/main.ts`) adds prom-client's default process figures: CPU, memory, garbage collection, the
 * event loop's delay. No label holds a chat id, a phone number or a text.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChannelName } from './domain/messages.js';

const CHANNELS: ChannelName[] = ['telegram', 'whatsapp-cloud', 'whatsapp-web', 'web'];

/** What became of an inbound message at the front door. */
export type InboundOutcome = 'stored' | 'redelivered';
/**
 * What became of an owed message's turn to be sent: the platform took it (`sent`), refused it for
 * good (`failed`), it waits to be tried again (`retry`: a 5xx, a 429, a network error, the channel's
 * own pacing of templates), or it was not offered at all, its chat being unreachable or opted out
 * of broadcasts (`skipped`).
 */
export type OutboundOutcome = 'sent' | 'failed' | 'retry' | 'skipped';

export interface Metrics {
  registry: Registry;
  /** Updates a channel could not store or step and set aside (see `set_aside_updates`). */
  setAsideUpdates: Counter<'channel'>;
  /** Inbound messages at the front door: stored, or a redelivery of one already stored. */
  inboundMessages: Counter<'channel' | 'outcome'>;
  /** From a message's receipt to the start of its conversation step (Postgres's clock at both ends). */
  stepWait: Histogram<'channel'>;
  /** Chats stepped in one of the stepper's transactions. */
  stepBatchChats: Histogram;
  /** A batch's transaction (lock, read, steps, write, commit), then its replies' delivery. */
  stepBatchSeconds: Histogram<'part'>;
  /** Owed messages' turns to be sent, by outcome (`OutboundOutcome`). */
  outboundMessages: Counter<'channel' | 'outcome'>;
}

/** Seconds, from a millisecond to ten seconds. */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * `processFigures`: prom-client's default figures of the process (CPU, memory, GC, event loop
 * delay). For a running process only: they watch the process as a whole, once per registry.
 */
export function createMetrics(options: { processFigures?: boolean } = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const setAsideUpdates = new Counter({
    name: 'kanal_set_aside_updates_total',
    help: 'Inbound updates set aside after the database refused them or their conversation step kept failing',
    labelNames: ['channel'],
    registers,
  });
  const inboundMessages = new Counter({
    name: 'kanal_inbound_messages_total',
    help: 'Inbound messages at the front door: stored, or a redelivery of one already stored (dropped)',
    labelNames: ['channel', 'outcome'],
    registers,
  });
  const stepWait = new Histogram({
    name: 'kanal_step_wait_seconds',
    help: "From a message's receipt to the start of its conversation step",
    labelNames: ['channel'],
    buckets: SECONDS,
    registers,
  });
  const stepBatchChats = new Histogram({
    name: 'kanal_step_batch_chats',
    help: "Chats stepped in one of the stepper's transactions",
    buckets: [1, 2, 4, 8, 16, 32],
    registers,
  });
  const stepBatchSeconds = new Histogram({
    name: 'kanal_step_batch_seconds',
    help: "A stepper batch's transaction (part=transaction), then the delivery of its replies (part=delivery)",
    labelNames: ['part'],
    buckets: SECONDS,
    registers,
  });
  const outboundMessages = new Counter({
    name: 'kanal_outbound_messages_total',
    help: 'Owed messages offered to the platform or given up: sent (taken), failed (refused for good), retry (to be tried again), skipped (chat unreachable or opted out)',
    labelNames: ['channel', 'outcome'],
    registers,
  });
  // Every channel's series exists from the start, so an alert on `increase()` sees the first one.
  for (const channel of CHANNELS) {
    setAsideUpdates.labels(channel).inc(0);
    for (const outcome of ['stored', 'redelivered'] satisfies InboundOutcome[]) inboundMessages.labels(channel, outcome).inc(0);
    for (const outcome of ['sent', 'failed', 'retry', 'skipped'] satisfies OutboundOutcome[]) outboundMessages.labels(channel, outcome).inc(0);
  }
  if (options.processFigures) collectDefaultMetrics({ register: registry });
  return { registry, setAsideUpdates, inboundMessages, stepWait, stepBatchChats, stepBatchSeconds, outboundMessages };
}
