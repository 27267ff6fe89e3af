/**
 * Counters for operators, served at `GET /metrics` in Prometheus' text format. One registry per
 * app (not prom-client's global one), so tests and several apps in one process never share counts.
 */
import { Counter, Registry } from 'prom-client';
import type { ChannelName } from './domain/messages.js';

const CHANNELS: ChannelName[] = ['telegram', 'whatsapp-cloud', 'whatsapp-web', 'web'];

export interface Metrics {
  registry: Registry;
  /** Updates a channel could not store or step and set aside (see `set_aside_updates`). */
  setAsideUpdates: Counter<'channel'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const setAsideUpdates = new Counter({
    name: 'kanal_set_aside_updates_total',
    help: 'Inbound updates set aside after the database refused them or their conversation step kept failing',
    labelNames: ['channel'],
    registers: [registry],
  });
  // Every channel's series exists from the start, so an alert on `increase()` sees the first one.
  for (const channel of CHANNELS) setAsideUpdates.labels(channel).inc(0);
  return { registry, setAsideUpdates };
}
