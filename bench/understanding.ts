/**
 * `npm run bench -- understanding`: the understanding step's intent accuracy on the labelled
 * corpus (each part, then the whole) and its time per message, in this process. No
 * database or product processes: the step is pure, with the demo catalogue's vocabulary.
 */
import { performance } from 'node:perf_hooks';
import { understand } from '../flows/understand/understand.js';
import { buildVocabulary } from '../flows/understand/vocabulary.js';
import { readCatalogue } from '../src/catalogue/seed.js';
import { corpusParts, wholeCorpus } from '../tests/understanding/parts.js';
import { scoreCorpus } from '../tests/understanding/score.js';

/** The bounds: the average time to understand one message, and the intent accuracy of the whole corpus (each part has its own floor, see parts.ts). */
const TARGET_MS = 1;
const TARGET_ACCURACY = 0.95;
const ROUNDS = 200;

export async function benchUnderstanding(): Promise<void> {
  const vocabulary = buildVocabulary(await readCatalogue());
  const corpus = wholeCorpus;
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);
  for (const [name, part, floor] of [...corpusParts, ['whole corpus', corpus, TARGET_ACCURACY] as const]) {
    const score = scoreCorpus(part, vocabulary);
    console.log(
      `${name.padEnd(16)} ${String(score.messages).padStart(4)} messages   intent ${percent(score.intentAccuracy)}   entities ${percent(score.entityAccuracy)}` +
        `   (floor ${(floor * 100).toFixed(0)}%)`,
    );
    if (score.intentAccuracy < floor) process.exitCode = 1;
  }
  // Warm up, then time every message many times; the texts are the corpus's, so lengths are real.
  for (const [text] of corpus) understand(text, vocabulary);
  const long = `${'Bantuan PKH keluarga kami tidak cair sejak Agustus, padahal masih terdaftar. '.repeat(60)}`;
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) for (const [text] of corpus) understand(text, vocabulary);
  const perMessage = (performance.now() - started) / (ROUNDS * corpus.length);
  const longStarted = performance.now();
  for (let round = 0; round < ROUNDS; round++) understand(long, vocabulary);
  const perLong = (performance.now() - longStarted) / ROUNDS;
  console.log(
    `time           ${(perMessage * 1000).toFixed(1)} µs per corpus message on average (target < ${TARGET_MS} ms), ` +
      `${(perLong * 1000).toFixed(0)} µs for a ${long.length}-character message`,
  );
  if (perMessage >= TARGET_MS) process.exitCode = 1;
}
