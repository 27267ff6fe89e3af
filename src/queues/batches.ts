/**
 * How the hot path shares statements (DataLoader): what asks within one turn of the event loop —
 * every reply whose platform answer was read in the same poll, every send of a batch of steps —
 * goes in one statement. The batch is dispatched at the next `setImmediate`, after the I/O read in
 * the same turn, not at the end of the current job (DataLoader's default), and adds no timer's
 * delay. Nothing is cached: each ask is a write, or a read that must see the latest state.
 */
import DataLoader from 'dataloader';

export function sharedStatement<K, V>(): DataLoader.Options<K, V> {
  return { cache: false, maxBatchSize: 500, batchScheduleFn: (dispatch) => setImmediate(dispatch) };
}

/**
 * Group commit: a loader of which at most `inFlight` statements run at once; what is asked while
 * they run gathers into the next batch (up to 500), which starts as soon as one of them ends. Under
 * load the batches grow by themselves, with no timer's delay when the database keeps up.
 */
export function groupCommit<K, V>(batch: DataLoader.BatchLoadFn<K, V>, inFlight: number): DataLoader<K, V> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const start = (dispatch: () => void) => {
    running++;
    dispatch();
  };
  return new DataLoader<K, V>(
    async (keys) => {
      try {
        return await batch(keys);
      } finally {
        running--;
        const next = waiting.shift();
        if (next) start(next);
      }
    },
    {
      ...sharedStatement<K, V>(),
      batchScheduleFn: (dispatch) => setImmediate(() => (running < inFlight ? start(dispatch) : waiting.push(dispatch))),
    },
  );
}
