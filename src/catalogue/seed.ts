/**
 * Loads the catalogue (dinas, units, categories, services, routing, SLAs) from
 * `flows/catalogue/catalogue.json`. Staff own the catalogue once it exists, so the seed only
 * fills an empty database: a restart never overwrites their edits.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import * as t from '../db/schema.js';
import { catalogueFile, type CatalogueFile } from './schema.js';

export const DEMO_CATALOGUE = fileURLToPath(new URL('../../flows/catalogue/catalogue.json', import.meta.url));

export async function readCatalogue(path = DEMO_CATALOGUE): Promise<CatalogueFile> {
  return catalogueFile.parse(JSON.parse(await readFile(path, 'utf8')));
}

/** Returns true when it seeded, false when a catalogue was already there. */
export async function seedCatalogueIfEmpty(db: Db, catalogue: CatalogueFile): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Two processes starting together must not both seed.
    await tx.execute(sql`select pg_advisory_xact_lock(4242002)`);
    const existing = await tx.select({ id: t.dinas.id }).from(t.dinas).limit(1);
    if (existing.length > 0) return false;

    const dinasIds = new Map<string, number>();
    const unitIds = new Map<string, number>();
    for (const d of catalogue.dinas) {
      const [row] = await tx
        .insert(t.dinas)
        .values({ code: d.code, name: d.name, regionCode: d.regionCode, hours: d.hours, staffAvailability: d.staffAvailability })
        .returning({ id: t.dinas.id });
      dinasIds.set(d.code, row.id);
      for (const u of d.units) {
        const [unit] = await tx.insert(t.units).values({ dinasId: row.id, code: u.code, name: u.name }).returning({ id: t.units.id });
        unitIds.set(`${d.code}/${u.code}`, unit.id);
      }
    }
    const dinasId = (code: string) => {
      const id = dinasIds.get(code);
      if (id === undefined) throw new Error(`catalogue: unknown dinas ${code}`);
      return id;
    };
    const unitId = (dinasCode: string, code?: string) => {
      if (!code) return null;
      const id = unitIds.get(`${dinasCode}/${code}`);
      if (id === undefined) throw new Error(`catalogue: unknown unit ${dinasCode}/${code}`);
      return id;
    };

    await tx.insert(t.categories).values(catalogue.categories.map((c, position) => ({ code: c.code, name: c.name, keywords: c.keywords, position })));
    await tx.insert(t.services).values(
      catalogue.services.map((s, position) => ({
        code: s.code,
        name: s.name,
        keywords: s.keywords,
        requirements: s.requirements,
        procedure: s.procedure,
        where: s.where,
        categoryCode: s.categoryCode,
        dinasId: dinasId(s.dinasCode),
        unitId: unitId(s.dinasCode, s.unitCode),
        position,
      })),
    );
    await tx.insert(t.routingRules).values(
      catalogue.routingRules.map((r) => ({
        priority: r.priority,
        categoryCode: r.categoryCode ?? null,
        serviceCode: r.serviceCode ?? null,
        regionPrefix: r.regionPrefix ?? null,
        dinasId: dinasId(r.dinasCode),
        unitId: unitId(r.dinasCode, r.unitCode),
      })),
    );
    await tx.insert(t.slaPolicies).values(
      catalogue.sla.map((s) => ({
        dinasId: s.dinasCode ? dinasId(s.dinasCode) : null,
        categoryCode: s.categoryCode ?? null,
        verifyDays: s.verifyDays,
        followUpDays: s.followUpDays,
        closeAfterDays: s.closeAfterDays,
      })),
    );
    return true;
  });
}
