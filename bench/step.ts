/**
 * `npm run bench -- step`: the conversation step alone, in this process, as the runtime runs it for
 * each message (src/conversation/runtime.ts): the text understood with the demo catalogue's words,
 * the machine's snapshot read back from JSON, one `step()` with effects answered at once (no
 * database), the new snapshot kept. The script is the reference bench's *lapor* (bench/load.ts), a
 * report after another. It prints the time and the bytes allocated per message, and what allocated
 * most: figures of the product's own code, free of the machine's load and of Postgres, to read a
 * change to the machine, its context or the understanding step by (issue 8: decide by profiles).
 *
 * Bytes are V8's sampling heap profiler's (`HeapProfiler.startSampling`), collected objects
 * included, over a timed run of its own: the sampling slows the code it watches, so the time is
 * taken apart, without it.
 */
import { Session } from 'node:inspector';
import { conversationMachine } from '../flows/conversation.js';
import { understand } from '../flows/understand/understand.js';
import { buildVocabulary } from '../flows/understand/vocabulary.js';
import type { Category, ConversationEvent, Effect, ResultEvent } from '../src/conversation/contract.js';
import { step, type PersistedSnapshot } from '../src/conversation/step.js';
import { readCatalogue } from '../src/catalogue/seed.js';
import { LAPOR_SCRIPT } from './load.js';

const WARMUP_REPORTS = 300;
const REPORTS = 2_000;
const ROUNDS = 3;
/** Allocation sampled every this many bytes on average. */
const SAMPLING_BYTES = 1_024;

interface ProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: ProfileNode[];
}

export async function benchStep(): Promise<void> {
  const catalogue = await readCatalogue();
  const vocabulary = buildVocabulary(catalogue);
  const categories: Category[] = catalogue.categories.map(({ code, name }) => ({ code, name }));
  // What the runtime's effects would answer, without a database: a new report, no similar one.
  const perform = async (effect: Exclude<Effect, { type: 'reply' }>): Promise<ResultEvent | null> => {
    switch (effect.type) {
      case 'listCategories':
        return { type: 'result.categories', categories };
      case 'findSimilarCase':
        return { type: 'result.similarCase', similar: null };
      case 'createCase':
        return { type: 'result.caseCreated', ticket: 'ABCD2345', dueAt: '2026-12-10T00:00:00.000Z', offer: null };
      default:
        return null;
    }
  };
  const report = async (): Promise<number> => {
    let stored: string | null = null;
    for (const { text } of LAPOR_SCRIPT) {
      const event: ConversationEvent = { type: 'citizen.text', text, understood: understand(text, vocabulary), at: '2026-12-03T01:00:00.000Z' };
      const persisted: PersistedSnapshot | null = stored === null ? null : (JSON.parse(stored) as PersistedSnapshot);
      stored = JSON.stringify((await step(conversationMachine, persisted, { lang: 'id' }, event, perform)).snapshot);
    }
    return LAPOR_SCRIPT.length;
  };
  const run = async (reports: number): Promise<{ messages: number; ns: number }> => {
    let messages = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < reports; i++) messages += await report();
    return { messages, ns: Number(process.hrtime.bigint() - started) };
  };

  await run(WARMUP_REPORTS);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { messages, ns } = await run(REPORTS);
    times.push(ns / messages / 1_000);
  }

  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', { samplingInterval: SAMPLING_BYTES, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const { messages } = await run(REPORTS);
  const { profile } = await post<{ profile: { head: ProfileNode } }>('HeapProfiler.stopSampling');
  session.disconnect();

  const bySite = new Map<string, number>();
  let bytes = 0;
  const walk = (node: ProfileNode) => {
    bytes += node.selfSize;
    if (node.selfSize > 0) {
      const { functionName, url } = node.callFrame;
      const where = url.replace(/.*node_modules\//, '').replace(/^.*?\/(src|flows|bench)\//, '$1/');
      const site = `${functionName || '(anonymous)'}${where ? ` ${where}` : ' (built-in)'}`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    }
    node.children.forEach(walk);
  };
  walk(profile.head);

  const kb = (b: number) => `${(b / messages / 1024).toFixed(1)} KB`;
  console.log(`the conversation step alone: the lapor script (${LAPOR_SCRIPT.length} messages a report), ${REPORTS.toLocaleString('en')} reports a round`);
  console.log(`time       ${times.map((us) => us.toFixed(0)).join(', ')} µs per message (${ROUNDS} rounds)`);
  console.log(`allocated  ${kb(bytes)} per message; most by:`);
  for (const [site, size] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${kb(size).padStart(8)}  ${site}`);
}
