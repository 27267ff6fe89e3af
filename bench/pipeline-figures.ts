/**
 * The product's own account of a bench window, read from its `/metrics` before and after: how
 * many batches the stepper ran and how many chats each held, how long a batch's transaction and
 * then its replies' delivery took, how long a message waited for its step, and the share of the
 * window the process spent collecting garbage. What had to be measured by hand before (a profiler,
 * instrumented builds) comes with every run, in the same terms an operator's dashboard uses.
 */

/** Prometheus text: each series (name and labels, as written) with its value. */
export type Scrape = Map<string, number>;

export function parseScrape(text: string): Scrape {
  const series: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const value = Number(line.slice(space + 1));
    if (space > 0 && Number.isFinite(value)) series.set(line.slice(0, space), value);
  }
  return series;
}

/** Every series of `name` whose labels include each of `labels` (`key="value"`), summed. */
function total(scrape: Scrape, name: string, ...labels: string[]): number {
  let sum = 0;
  for (const [series, value] of scrape) {
    const brace = series.indexOf('{');
    const bare = brace < 0 ? series : series.slice(0, brace);
    if (bare !== name) continue;
    if (labels.every((label) => series.includes(label))) sum += value;
  }
  return sum;
}

export interface PipelineFigures {
  /** Batches the stepper committed in the window. */
  batches: number;
  /** Mean chats a batch. */
  chatsPerBatch: number;
  /** Mean milliseconds of a batch's transaction, then of its delivery. */
  transactionMs: number;
  deliveryMs: number;
  /** Mean milliseconds from a message's receipt to its step. */
  stepWaitMs: number;
  /** Seconds of garbage collection per second between the scrapes, a process's mean. */
  gcShare: number;
}

/**
 * The time between two scrapes of `processes` processes (summed into one scrape each, see
 * `scrapeAll`): counts and sums add up across processes; the GC share is one process's mean.
 */
export function pipelineFigures(before: Scrape, after: Scrape, betweenMs: number, processes = 1): PipelineFigures {
  const delta = (name: string, ...labels: string[]) => total(after, name, ...labels) - total(before, name, ...labels);
  const batches = delta('kanal_step_batch_chats_count');
  const mean = (name: string, ...labels: string[]) => {
    const count = delta(`${name}_count`, ...labels);
    return count > 0 ? delta(`${name}_sum`, ...labels) / count : NaN;
  };
  return {
    batches,
    chatsPerBatch: mean('kanal_step_batch_chats'),
    transactionMs: mean('kanal_step_batch_seconds', 'part="transaction"') * 1000,
    deliveryMs: mean('kanal_step_batch_seconds', 'part="delivery"') * 1000,
    stepWaitMs: mean('kanal_step_wait_seconds') * 1000,
    gcShare: delta('nodejs_gc_duration_seconds_sum') / (betweenMs / 1000) / processes,
  };
}

/** Scrapes every process and sums them into one (counts and sums add up across processes). */
export async function scrapeAll(urls: readonly string[]): Promise<Scrape> {
  const summed: Scrape = new Map();
  for (const url of urls) {
    const response = await fetch(`${url}/metrics`);
    if (!response.ok) throw new Error(`${url}/metrics answered ${response.status}`);
    for (const [series, value] of parseScrape(await response.text())) summed.set(series, (summed.get(series) ?? 0) + value);
  }
  return summed;
}
