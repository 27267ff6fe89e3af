/**
 * Waits for `work` at most `ms`, without cancelling it: for calls whose caller must not wait on a
 * slow or unreachable engine (a request path, a readiness probe). A late result is dropped.
 */
export type Settled<T> = { outcome: 'done'; value: T } | { outcome: 'failed'; error: unknown } | { outcome: 'timeout' };

export function within<T>(work: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'timeout' }), ms);
  });
  const settled = work.then(
    (value): Settled<T> => ({ outcome: 'done', value }),
    (error: unknown): Settled<T> => ({ outcome: 'failed', error }),
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}
