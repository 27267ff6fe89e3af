/**
 * The understanding step against the labelled corpus: intent accuracy on the whole corpus and on
 * each part, each printed with its misreads, and the entities it should find. The whole corpus and
 * every tuned part are held to 95%; the unseen part, never tuned against, to its own floor (see
 * parts.ts).
 */
import { describe, expect, it } from 'vitest';
import { readCatalogue } from '../../src/catalogue/seed.js';
import { buildVocabulary } from '../../flows/understand/vocabulary.js';
import { corpusParts, wholeCorpus } from './parts.js';
import { scoreCorpus } from './score.js';

const vocabulary = buildVocabulary(await readCatalogue());

describe('understanding accuracy on the labelled corpus', () => {
  it('has at least 300 labelled messages, none twice in any part or across parts (whatever the case)', () => {
    expect(wholeCorpus.length).toBeGreaterThanOrEqual(300);
    const seen = new Map<string, string>();
    const repeats: string[] = [];
    for (const [name, part] of corpusParts) {
      for (const [text] of part) {
        const key = text.toLowerCase().replace(/\s+/g, ' ').trim();
        const first = seen.get(key);
        if (first) repeats.push(`${JSON.stringify(text)} in the ${name} repeats the ${first}`);
        else seen.set(key, name);
      }
    }
    expect(repeats).toEqual([]);
  });

  it('reads the intent of ≥ 95% of the whole corpus, and its entities', () => {
    const score = scoreCorpus(wholeCorpus, vocabulary);
    console.log(score.summary('whole corpus'));
    expect(score.intentAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(score.entityAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it.each(corpusParts)('reads the intent of the %s, at least its floor', (name, part, floor) => {
    const score = scoreCorpus(part, vocabulary);
    console.log(score.summary(name));
    expect(score.intentAccuracy).toBeGreaterThanOrEqual(floor);
  });
});
