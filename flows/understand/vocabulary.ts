/**
 * What the understanding step knows about the agency, taken from the catalogue staff edit: each
 * service's code, names (written out and as acronyms) and keywords, each category's name and keywords. Built once per catalogue
 * load (see `CatalogueCache`), so understanding a message does no setup.
 */
import { wordsOf } from './normalise.js';
import type { Phrase } from './lexicon.js';

/** The parts of the catalogue the understanding step reads. */
export interface CatalogueWords {
  services: { code: string; name: { id: string; en: string }; keywords: readonly string[]; categoryCode: string }[];
  categories: { code: string; name: { id: string; en: string }; keywords?: readonly string[] }[];
}

export interface Vocabulary {
  /**
   * Phrases naming a service, longest first, with the service's code. Never changed once built: the
   * understanding step indexes them (and the categories') by their first word, once per vocabulary.
   */
  services: readonly { phrase: Phrase; code: string }[];
  /** Each service's complaint category, for a category hint from a service named. */
  serviceCategory: Map<string, string>;
  categories: readonly { phrase: Phrase; code: string }[];
  /** Every word the vocabulary knows, for splitting words typed without spaces and for typo matching. */
  words: Set<string>;
}

/** Acronyms in a service's name ("Program Keluarga Harapan (PKH)" → "pkh"): what citizens type most. */
function acronymsOf(name: string): string[] {
  return (name.match(/\b[A-Z]{2,}(?:-[A-Z]{2,})?\b/g) ?? []).map((word) => word.toLowerCase());
}

/**
 * A service's name written out, outside and inside its brackets: "Program Keluarga Harapan (PKH)"
 * → "Program Keluarga Harapan", "PKH"; "KIS / PBI-JK (BPJS Kesehatan dibayar pemerintah)" →
 * "KIS", "PBI-JK", "BPJS Kesehatan dibayar pemerintah". Each is matched whole, typos forgiven
 * word by word like any known word.
 */
function fullNamesOf(name: string): string[] {
  const inside = [...name.matchAll(/\(([^)]*)\)/g)].map((match) => match[1]);
  const outside = name.replace(/\([^)]*\)/g, ' ');
  return [outside, ...inside].flatMap((part) => part.split(/\s\/\s/)).map((part) => part.trim()).filter((part) => part !== '');
}

function byLength(a: { phrase: Phrase }, b: { phrase: Phrase }) {
  return b.phrase.length - a.phrase.length;
}

/** Each name's words once: "PKH" in the name and "pkh" as a keyword are one phrase. */
function phrasesOf(names: readonly string[]): Phrase[] {
  const phrases = new Map<string, Phrase>();
  for (const name of names) {
    const phrase = wordsOf(name);
    if (phrase.length > 0) phrases.set(phrase.join(' '), phrase);
  }
  return [...phrases.values()];
}

export function buildVocabulary(catalogue: CatalogueWords): Vocabulary {
  const services = catalogue.services.flatMap((service) =>
    phrasesOf([
      service.code,
      ...service.keywords,
      ...[service.name.id, service.name.en].flatMap((name) => [...acronymsOf(name), ...fullNamesOf(name)]),
    ]).map((phrase) => ({ phrase, code: service.code })),
  );
  const categories = catalogue.categories.flatMap((category) =>
    phrasesOf([category.name.id, category.name.en, ...(category.keywords ?? [])]).map((phrase) => ({ phrase, code: category.code })),
  );
  const words = new Set([...services, ...categories].flatMap((entry) => entry.phrase));
  return {
    services: services.sort(byLength),
    serviceCategory: new Map(catalogue.services.map((service) => [service.code, service.categoryCode])),
    categories: categories.sort(byLength),
    words,
  };
}

export const EMPTY_VOCABULARY: Vocabulary = buildVocabulary({ services: [], categories: [] });
