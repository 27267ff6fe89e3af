/**
 * Finds services from what a citizen types ("kis", "pkj" for PKH, "surat miskin"), with fuse.js
 * over names and keywords. The catalogue is small and changes rarely, so each process keeps it in
 * memory for a short while instead of querying it for every message.
 */
import Fuse from 'fuse.js';
import { asc } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import * as t from '../db/schema.js';
import type { Category, ServiceDetail } from '../conversation/contract.js';

type SearchableService = ServiceDetail & { keywords: string[] };

export interface CatalogueSnapshot {
  categories: Category[];
  services: SearchableService[];
  fuse: Fuse<SearchableService>;
}

function normalise(query: string) {
  return query.toLowerCase().replace(/[\u200B-\u200D\uFEFF]/g, '').replace(/\s+/g, ' ').trim();
}

export function searchServices(catalogue: CatalogueSnapshot, query: string): ServiceDetail[] {
  const q = normalise(query);
  if (q === '') return catalogue.services;
  // An exact code or keyword ("kis", "dtks") is the answer, even when fuzzy matching scores others close.
  const exact = catalogue.services.filter((s) => s.code === q || s.keywords.includes(q));
  if (exact.length > 0) return exact;
  return catalogue.fuse.search(q, { limit: 5 }).map((r) => r.item);
}

export class CatalogueCache {
  private cached: { at: number; value: Promise<CatalogueSnapshot> } | null = null;

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
  ) {}

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
      fuse: new Fuse(services, {
        keys: [
          { name: 'code', weight: 3 },
          { name: 'keywords', weight: 3 },
          { name: 'name.id', weight: 2 },
          { name: 'name.en', weight: 1 },
        ],
        threshold: 0.4,
        ignoreLocation: true,
        includeScore: true,
      }),
    };
  }
}
