/**
 * What a dinas's system receives about a case event. The dinas owns its cases, so confidential
 * cases are sent too (flagged, for the receiver to keep out of anything public). No personal data
 * of the reporter is ever in a payload — no name, phone, NIK or e-mail, anonymous or not: staff
 * see the identity in the console, where access is logged. The location is the problem's place.
 * The description is the citizen's free text, so the case's own personal values (name, address,
 * phone, e-mail, NIK) are taken out of it and other long numbers masked (`publicTextOf`); an event's
 * note goes only when it is public (staff wrote it for the citizen to read).
 */
import { eq } from 'drizzle-orm';
import type { CaseEventRecord } from '../../cases/events.js';
import type { Tx } from '../../db/client.js';
import * as t from '../../db/schema.js';
import type { NikKeys } from '../../pii/nik.js';
import { personalColumns, publicTextOf, reporterChat, reporterCitizen, reporterRequest } from '../personal-values.js';

export const webhookEventType = (event: Pick<CaseEventRecord, 'type'>) => `case.${event.type}`;

export async function webhookPayload(tx: Tx, event: CaseEventRecord, keys: NikKeys) {
  const [row] = await tx
    .select({ case: t.cases, dinas: { code: t.dinas.code, name: t.dinas.name }, unit: { code: t.units.code, name: t.units.name }, personal: personalColumns })
    .from(t.cases)
    .innerJoin(t.dinas, eq(t.dinas.id, t.cases.dinasId))
    .leftJoin(t.units, eq(t.units.id, t.cases.unitId))
    .leftJoin(t.citizens, reporterCitizen)
    .leftJoin(t.channelIdentities, reporterChat)
    .leftJoin(t.open311Requests, reporterRequest)
    .where(eq(t.cases.id, event.caseId));
  const c = row.case;
  return {
    type: webhookEventType(event),
    createdAt: event.at.toISOString(),
    event: {
      id: event.id,
      type: event.type,
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      note: event.public ? event.note : null,
      actor: event.actor,
      at: event.at.toISOString(),
    },
    case: {
      ticket: c.ticket,
      kind: c.kind,
      status: c.status,
      categoryCode: c.categoryCode,
      serviceCode: c.serviceCode,
      description: publicTextOf(c.description, row.personal, keys),
      location: c.location,
      regionCode: c.regionCode,
      dinas: row.dinas,
      unit: row.unit,
      slaDueAt: c.slaDueAt?.toISOString() ?? null,
      anonymous: c.anonymous,
      confidential: c.confidential,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    },
  };
}

export type WebhookPayload = Awaited<ReturnType<typeof webhookPayload>>;
