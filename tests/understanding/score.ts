/** Scores the understanding step on a labelled corpus; shared by the accuracy test and `npm run bench -- understanding`. */
import { understand } from '../../flows/understand/understand.js';
import type { Vocabulary } from '../../flows/understand/vocabulary.js';
import type { Labelled } from './corpus-tuning.js';

export interface CorpusScore {
  messages: number;
  intentAccuracy: number;
  /** Share of the labelled entities (service, category, ticket, NIK, English, greeting) found as labelled. */
  entityAccuracy: number;
  misread: { text: string; expected: string; got: string }[];
  summary(name: string): string;
}

export function scoreCorpus(corpus: readonly Labelled[], vocabulary: Vocabulary): CorpusScore {
  let right = 0;
  let entities = 0;
  let entitiesRight = 0;
  const misread: CorpusScore['misread'] = [];
  for (const [text, intent, expected] of corpus) {
    const got = understand(text, vocabulary);
    if (got.intent === intent) right++;
    const checks: [string, unknown, unknown][] = [];
    if (expected.service) checks.push(['service', expected.service, got.services.includes(expected.service) ? expected.service : got.services.join(',')]);
    if (expected.category) checks.push(['category', expected.category, got.categoryCode]);
    if (expected.ticket) checks.push(['ticket', expected.ticket, got.tickets[0]]);
    if (expected.nik) checks.push(['nik', true, got.nik?.valid ?? false]);
    if (expected.lang) checks.push(['lang', expected.lang, got.lang]);
    if (expected.greeting) checks.push(['greeting', expected.greeting, got.greeting]);
    const wrong = checks.filter(([, want, have]) => want !== have);
    entities += checks.length;
    entitiesRight += checks.length - wrong.length;
    if (got.intent !== intent || wrong.length > 0) {
      misread.push({
        text,
        expected: [intent, ...wrong.map(([name, want]) => `${name}=${String(want)}`)].join(' '),
        got: [got.intent, ...wrong.map(([name, , have]) => `${name}=${String(have)}`)].join(' '),
      });
    }
  }
  const intentAccuracy = right / corpus.length;
  const entityAccuracy = entities === 0 ? 1 : entitiesRight / entities;
  return {
    messages: corpus.length,
    intentAccuracy,
    entityAccuracy,
    misread,
    summary: (name) =>
      [
        `understanding, ${name}: ${corpus.length} messages, intent ${(intentAccuracy * 100).toFixed(1)}%, entities ${(entityAccuracy * 100).toFixed(1)}% (${entitiesRight}/${entities})`,
        ...misread.map((m) => `  ${JSON.stringify(m.text)}: expected ${m.expected}, got ${m.got}`),
      ].join('\n'),
  };
}
