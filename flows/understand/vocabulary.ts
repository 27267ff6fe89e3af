/**
 * What the understanding step knows about the agency, taken from the catalogue staff edit: each
 * service's code, name and keywords, each category's name and keywords. Built once per catalogue
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
  /** Phrases naming a service, longest first, with the service's code. */
  services: { phrase: Phrase; code: string }[];
  /** Each service's complaint category, for a category hint from a service named. */
  serviceCategory: Map<string, string>;
  categories: { phrase: Phrase; code: string }[];
  /** Every word the vocabulary knows, for splitting words typed without spaces and for typo matching. */
  words: Set<string>;
}

/** Acronyms in a service's name ("Program Keluarga Harapan (PKH)" → "pkh"): citizens type those, not the long name. */
function acronymsOf(name: string): string[] {
  return (name.match(/\b[A-Z]{2,}(?:-[A-Z]{2,})?\b/g) ?? []).map((word) => word.toLowerCase());
}

function byLength(a: { phrase: Phrase }, b: { phrase: Phrase }) {
  return b.phrase.length - a.phrase.length;
}

export function buildVocabulary(catalogue: CatalogueWords): Vocabulary {
  const services: Vocabulary['services'] = [];
  for (const service of catalogue.services) {
    const names = [service.code, ...service.keywords, ...acronymsOf(service.name.id), ...acronymsOf(service.name.en)];
    for (const name of new Set(names)) {
      const phrase = wordsOf(name);
      if (phrase.length > 0) services.push({ phrase, code: service.code });
    }
  }
  const categories: Vocabulary['categories'] = [];
  for (const category of catalogue.categories) {
    for (const name of new Set([category.name.id, category.name.en, ...(category.keywords ?? [])])) {
      const phrase = wordsOf(name);
      if (phrase.length > 0) categories.push({ phrase, code: category.code });
    }
  }
  const words = new Set([...services, ...categories].flatMap((entry) => entry.phrase));
  return {
    services: services.sort(byLength),
    serviceCategory: new Map(catalogue.services.map((service) => [service.code, service.categoryCode])),
    categories: categories.sort(byLength),
    words,
  };
}

export const EMPTY_VOCABULARY: Vocabulary = buildVocabulary({ services: [], categories: [] });
