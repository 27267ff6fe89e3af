/** The seed catalogue parses and hangs together, so the runtime's seed and routing never meet a dangling code. */
import { describe, expect, it } from 'vitest';
import { readCatalogue } from '../../src/catalogue/seed.js';

const catalogue = await readCatalogue();

const unitsOf = (dinasCode: string) => catalogue.dinas.find((d) => d.code === dinasCode)?.units.map((u) => u.code) ?? [];

describe('seed catalogue', () => {
  it('has the categories and services citizens ask about', () => {
    expect(catalogue.categories.map((c) => c.code).sort()).toEqual(
      ['bantuan-sosial', 'data-kependudukan', 'infrastruktur', 'kesehatan', 'lainnya', 'pendidikan', 'sosial-ekonomi'],
    );
    const keywords = catalogue.services.flatMap((s) => [s.code, ...s.keywords]);
    for (const word of ['dtks', 'pkh', 'kis', 'pbi-jk', 'bpjs', 'kip', 'pip', 'sktm', 'bencana', 'rehabilitasi', 'undian', 'kube']) {
      expect(keywords).toContain(word);
    }
  });

  it('refers only to dinas, units and categories that exist', () => {
    const categories = catalogue.categories.map((c) => c.code);
    const services = catalogue.services.map((s) => s.code);
    for (const service of catalogue.services) {
      expect(categories).toContain(service.categoryCode);
      if (service.unitCode) expect(unitsOf(service.dinasCode)).toContain(service.unitCode);
      expect(service.requirements.id).toHaveLength(service.requirements.en.length);
      expect(service.procedure.id).toHaveLength(service.procedure.en.length);
      expect(service.keywords.every((k) => k === k.toLowerCase())).toBe(true);
    }
    for (const rule of catalogue.routingRules) {
      if (rule.categoryCode) expect(categories).toContain(rule.categoryCode);
      if (rule.serviceCode) expect(services).toContain(rule.serviceCode);
      if (rule.unitCode) expect(unitsOf(rule.dinasCode)).toContain(rule.unitCode);
      else expect(unitsOf(rule.dinasCode)).not.toEqual([]);
    }
  });

  it('routes anything unmatched to the verifikator, and has the national SLA default', () => {
    const catchAll = catalogue.routingRules.filter((r) => !r.categoryCode && !r.serviceCode && !r.regionPrefix);
    expect(catchAll).toEqual([{ priority: 1000, dinasCode: 'dinsos-bandung', unitCode: 'verifikator' }]);
    expect(Math.max(...catalogue.routingRules.map((r) => r.priority))).toBe(catchAll[0].priority);
    expect(catalogue.sla).toContainEqual({ verifyDays: 3, followUpDays: 5, closeAfterDays: 10 });
  });

  it('routes a second dinas by service and category', () => {
    expect(catalogue.routingRules).toContainEqual(expect.objectContaining({ serviceCode: 'kip-pip', dinasCode: 'disdik-bandung' }));
    expect(catalogue.routingRules).toContainEqual(expect.objectContaining({ categoryCode: 'pendidikan', dinasCode: 'disdik-bandung' }));
  });
});
