/**
 * How the hot path shares statements (DataLoader): what asks within one turn of the event loop —
 * every reply whose platform answer was read in the same poll, every send of a batch of steps —
 * goes in one statement. The batch is dispatched at the next `setImmediate`, after the I/O read in
 * the same turn, not at the end of the current job (DataLoader's default), and adds no timer's
 * delay. Nothing is cached: each ask is a write, or a read that must see the latest state.
 */
import type DataLoader from 'dataloader';

export function sharedStatement<K, V>(): DataLoader.Options<K, V> {
  return { cache: false, maxBatchSize: 500, batchScheduleFn: (dispatch) => setImmediate(dispatch) };
}
