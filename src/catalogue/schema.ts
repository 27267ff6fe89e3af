/**
 * The shape of the seed catalogue under `flows/catalogue/`. Staff edit this data (and later the
 * console); the machines never hard-code a service, category or dinas.
 */
import { z } from 'zod';

const bilingual = z.object({ id: z.string().min(1), en: z.string().min(1) });
const bilingualList = z.object({ id: z.array(z.string().min(1)).min(1), en: z.array(z.string().min(1)).min(1) });
const code = z.string().regex(/^[a-z0-9-]+$/);

export const catalogueFile = z.object({
  dinas: z.array(
    z.object({
      code,
      name: z.string().min(1),
      /** Kemendagri region code the dinas serves (2, 4, 6 or 10 digits). */
      regionCode: z.string().regex(/^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$/),
      /** Office hours shown when a citizen asks for a human. */
      hours: bilingual,
      /** Weekly staff availability for live chat, in the dinas's time zone. */
      staffAvailability: z.object({
        timeZone: z.string().default('Asia/Jakarta'),
        days: z.array(z.number().int().min(0).max(6)),
        from: z.string().regex(/^\d{2}:\d{2}$/),
        to: z.string().regex(/^\d{2}:\d{2}$/),
      }),
      units: z.array(z.object({ code, name: z.string().min(1) })),
    }),
  ),
  categories: z
    .array(
      z.object({
        code,
        name: bilingual,
        /** Words citizens use for problems of this category ("jalan rusak", "puskesmas"): the understanding step's category hint. */
        keywords: z.array(z.string()).default([]),
      }),
    )
    .min(1),
  services: z.array(
    z.object({
      code,
      name: bilingual,
      /** Extra words citizens type for this service ("kis", "bpjs pbi"), used by fuzzy search. */
      keywords: z.array(z.string()).default([]),
      requirements: bilingualList,
      procedure: bilingualList,
      where: bilingual,
      categoryCode: code,
      dinasCode: code,
      unitCode: code.optional(),
    }),
  ),
  routingRules: z.array(
    z.object({
      /** Lower numbers are tried first. */
      priority: z.number().int(),
      categoryCode: code.optional(),
      serviceCode: code.optional(),
      regionPrefix: z.string().regex(/^\d*$/).optional(),
      dinasCode: code,
      unitCode: code.optional(),
    }),
  ),
  /** SLA per step in working days, by kind; overridable per dinas and category. */
  sla: z.array(
    z.object({
      dinasCode: code.optional(),
      categoryCode: code.optional(),
      verifyDays: z.number().int().positive(),
      followUpDays: z.number().int().positive(),
      /** Working days after `selesai` before the case closes by itself (SP4N-LAPOR!: 10). */
      closeAfterDays: z.number().int().positive().default(10),
    }),
  ),
});

export type CatalogueFile = z.infer<typeof catalogueFile>;
