/**
 * Finds services from what a citizen types ("kis", "pkj" for PKH, "surat miskin"), with fuse.js
 * over the words of names and keywords. The catalogue is small and changes rarely, so each process
 * keeps it in memory for a short while instead of querying it for every message.
 */
import Fuse from 'fuse.js';
import { asc } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import * as t from '../db/schema.js';
import type { Category, ServiceDetail } from '../conversation/contract.js';
import { buildVocabulary, type Vocabulary } from '../../flows/understand/vocabulary.js';

type SearchableService = ServiceDetail & { keywords: string[] };

export interface CatalogueSnapshot {
  categories: Category[];
  services: SearchableService[];
  fuse: Fuse<SearchableService>;
  /** The catalogue's words as the understanding step reads them (services, categories and their keywords). */
  vocabulary: Vocabulary;
}

function normalise(query: string) {
  return query.toLowerCase().replace(/[\u200B-\u200D\uFEFF]/g, '').replace(/\s+/g, ' ').trim();
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

/** Every word a service can be found by: its code, its names and its keywords, one word at a time. */
function searchWords(service: SearchableService): string[] {
  return [...new Set([service.code, service.name.id, service.name.en, ...service.keywords].flatMap(wordsOf))];
}

const MAX_RESULTS = 5;

export function searchServices(catalogue: CatalogueSnapshot, query: string): ServiceDetail[] {
  const q = normalise(query);
  if (q === '') return catalogue.services;
  // An exact code or keyword ("kis", "dtks") is the answer, even when fuzzy matching scores others close.
  const exact = catalogue.services.filter((s) => s.code === q || s.keywords.includes(q));
  if (exact.length > 0) return exact;
  // Each typed word is looked up on its own; the services matching the most of them win ("kartu
  // sehat" is KIS, not every card), then the closest matches, then the catalogue's own order.
  const found = new Map<number, { words: number; score: number }>();
  for (const word of new Set(wordsOf(q))) {
    // A word the catalogue knows as it is ("ktp", a category's) is never taken for a typo of a
    // service's ("kip"): it finds the services that have it, or none. Other words are forgiven a
    // typo ("pkj" is PKH).
    const hits = catalogue.vocabulary.words.has(word)
      ? catalogue.services.flatMap((service, refIndex) => (searchWords(service).includes(word) ? [{ refIndex, score: 0 }] : []))
      : catalogue.fuse.search(word);
    for (const { refIndex, score = 0 } of hits) {
      const hit = found.get(refIndex) ?? { words: 0, score: 0 };
      found.set(refIndex, { words: hit.words + 1, score: hit.score + score });
    }
  }
  const most = Math.max(0, ...[...found.values()].map((hit) => hit.words));
  return [...found]
    .filter(([, hit]) => hit.words === most)
    .sort(([a, hitA], [b, hitB]) => hitA.score - hitB.score || a - b)
    .slice(0, MAX_RESULTS)
    .map(([index]) => catalogue.services[index]);
}

/**
 * The catalogue as this process last read it. Staff edits reach every process at once through
 * `invalidate` (see changes.ts: Postgres NOTIFY); the TTL only bounds how stale a process can be
 * if a notification was somehow missed.
 */
export class CatalogueCache {
  private cached: { at: number; value: Promise<CatalogueSnapshot> } | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
  ) {}

  /** The next `get` reads the database again; loads already under way serve only who asked before. */
  invalidate(): void {
    this.cached = null;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves at the next `invalidate`: for callers (and tests) that must know a change has arrived. */
  nextInvalidation(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get(now = Date.now()): Promise<CatalogueSnapshot> {
    if (!this.cached || now - this.cached.at > this.ttlMs) {
      const value = this.load();
      // A failed load must not be cached.
      value.catch(() => {
        if (this.cached?.value === value) this.cached = null;
      });
      this.cached = { at: now, value };
    }
    return this.cached.value;
  }

  private async load(): Promise<CatalogueSnapshot> {
    const [categoryRows, serviceRows] = await Promise.all([
      this.db.select().from(t.categories).orderBy(asc(t.categories.position)),
      this.db.select().from(t.services).orderBy(asc(t.services.position)),
    ]);
    const services = serviceRows.map((s) => ({
      code: s.code,
      name: s.name,
      requirements: s.requirements,
      procedure: s.procedure,
      where: s.where,
      categoryCode: s.categoryCode,
      keywords: s.keywords,
    }));
    return {
      categories: categoryRows.map((c) => ({ code: c.code, name: c.name })),
      services,
      vocabulary: buildVocabulary({ services, categories: categoryRows }),
      fuse: new Fuse(services, {
        keys: [{ name: 'words', getFn: searchWords }],
        // A typed word is compared with the start of each word, never with the middle of one:
        // "pkj" is "pkh" with a typo, not "bpjs" with a letter missing.
        location: 0,
        distance: 0,
        // About one typo in three letters ("pkj", "kebakran", "beasiswaa"); two in five ("banjr"
        // for "bantuan") make another word, and a list of weak matches helps no one.
        threshold: 0.34,
        includeScore: true,
      }),
    };
  }
}
