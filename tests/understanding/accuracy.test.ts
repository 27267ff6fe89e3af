/**
 * The understanding step against the labelled corpus: intent accuracy on the tuning part and on
 * the held-out part (never tuned on), each printed and held to 95%, and the entities it should find.
 */
import { describe, expect, it } from 'vitest';
import { readCatalogue } from '../../src/catalogue/seed.js';
import { buildVocabulary } from '../../flows/understand/vocabulary.js';
import { scoreCorpus } from './score.js';
import { heldOut } from './corpus-held-out.js';
import { tuning } from './corpus-tuning.js';

const vocabulary = buildVocabulary(await readCatalogue());

describe('understanding accuracy on the labelled corpus', () => {
  it('has at least 300 labelled messages, none twice', () => {
    const texts = [...tuning, ...heldOut].map(([text]) => text);
    expect(texts.length).toBeGreaterThanOrEqual(300);
    expect(new Set(tuning.map(([text]) => text)).size).toBe(tuning.length);
    expect(new Set(heldOut.map(([text]) => text)).size).toBe(heldOut.length);
  });

  for (const [name, corpus] of [['tuning', tuning], ['held-out', heldOut]] as const) {
    it(`reads the intent of ≥ 95% of the ${name} part, and its entities`, () => {
      const score = scoreCorpus(corpus, vocabulary);
      console.log(score.summary(name));
      expect(score.intentAccuracy).toBeGreaterThanOrEqual(0.95);
      expect(score.entityAccuracy).toBeGreaterThanOrEqual(0.9);
    });
  }
});
