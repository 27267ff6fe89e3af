/**
 * The catalogue as Open311 services: every catalogue service under its own code, and every
 * complaint category as a service coded `kategori-<code>` (a complaint need not be about a
 * service). Every service takes the same three optional attributes: the kind of report, and the
 * two privacy flags a reporter may ask for.
 */
import { asc } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import * as t from '../../db/schema.js';

export const CATEGORY_PREFIX = 'kategori-';

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

/** What a service code stands for in our catalogue. */
export interface ResolvedService {
  serviceCode: string | null;
  categoryCode: string;
  name: string;
}

export async function listServices(db: Db): Promise<(Open311Service & { resolved: ResolvedService })[]> {
  const categories = await db.select().from(t.categories).orderBy(asc(t.categories.position));
  const services = await db.select().from(t.services).orderBy(asc(t.services.position));
  const categoryName = new Map(categories.map((c) => [c.code, c.name.id]));
  return [
    ...services.map((s) => ({
      service_code: s.code,
      service_name: s.name.id,
      description: s.name.en,
      metadata: true,
      type: 'realtime' as const,
      keywords: s.keywords.join(','),
      group: categoryName.get(s.categoryCode) ?? 'Lainnya',
      resolved: { serviceCode: s.code, categoryCode: s.categoryCode, name: s.name.id },
    })),
    ...categories.map((c) => ({
      service_code: `${CATEGORY_PREFIX}${c.code}`,
      service_name: c.name.id,
      description: c.name.en,
      metadata: true,
      type: 'realtime' as const,
      keywords: '',
      group: 'Kategori pengaduan',
      resolved: { serviceCode: null, categoryCode: c.code, name: c.name.id },
    })),
  ];
}

const yesNo = [
  { key: 'false', name: 'Tidak / No' },
  { key: 'true', name: 'Ya / Yes' },
];

/** The attributes every service accepts, as `attribute[<code>]` in a POST. */
export const SERVICE_ATTRIBUTES = [
  {
    variable: true,
    code: 'jenis',
    datatype: 'singlevaluelist',
    required: false,
    datatype_description: 'pengaduan when left out',
    order: 1,
    description: 'Jenis laporan / Kind of report',
    values: [
      { key: 'pengaduan', name: 'Pengaduan / Complaint' },
      { key: 'aspirasi', name: 'Aspirasi / Suggestion' },
      { key: 'informasi', name: 'Permintaan informasi / Request for information' },
    ],
  },
  {
    variable: true,
    code: 'anonim',
    datatype: 'singlevaluelist',
    required: false,
    datatype_description: 'true hides the reporter from the party complained about; a request without name, e-mail and phone is anonymous anyway',
    order: 2,
    description: 'Anonim / Anonymous',
    values: yesNo,
  },
  {
    variable: true,
    code: 'rahasia',
    datatype: 'singlevaluelist',
    required: false,
    datatype_description: 'true keeps the report out of every public listing',
    order: 3,
    description: 'Rahasia / Confidential',
    values: yesNo,
  },
] as const;
