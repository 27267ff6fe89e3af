/**
 * A case's own personal values, read beside the case so its free text can go public without them
 * (`publicText`, src/pii/public-text.ts): the reporter's name as on the case and on the citizen,
 * the chat's display name and phone, the e-mail an Open311 client gave, the typed address, and the
 * NIK's keyed hash (the NIK is never decrypted for this).
 *
 * @example
 *   db.select({ ...columns, ...personalColumns }).from(t.cases)
 *     .leftJoin(t.citizens, reporterCitizen).leftJoin(t.channelIdentities, reporterChat).leftJoin(t.open311Requests, reporterRequest)
 *   publicTextOf(row.description, row, ctx.nikKeys)
 */
import { eq } from 'drizzle-orm';
import * as t from '../db/schema.js';
import { nikHashes, type NikKeys } from '../pii/nik.js';
import { publicText } from '../pii/public-text.js';

export const personalColumns = {
  reporterName: t.cases.reporterName,
  citizenName: t.citizens.name,
  nikHash: t.citizens.nikHash,
  phone: t.channelIdentities.phone,
  displayName: t.channelIdentities.displayName,
  email: t.open311Requests.email,
  location: t.cases.location,
};

/** The joins `personalColumns` read from, each a left join: a case may have none of them. */
export const reporterCitizen = eq(t.citizens.id, t.cases.citizenId);
export const reporterChat = eq(t.channelIdentities.id, t.cases.identityId);
export const reporterRequest = eq(t.open311Requests.caseId, t.cases.id);

export interface PersonalRow {
  reporterName: string | null;
  citizenName: string | null;
  nikHash: string | null;
  phone: string | null;
  displayName: string | null;
  email: string | null;
  location: { address?: string } | null;
}

/** `text` without the case's own personal values, and with long numbers masked. */
export function publicTextOf(text: string, row: PersonalRow, keys: NikKeys): string {
  return publicText(text, {
    names: [row.reporterName, row.citizenName, row.displayName],
    addresses: [row.location?.address],
    phones: [row.phone],
    emails: [row.email],
    // Under any configured hash key: a row not yet re-hashed by a key rotation is still recognised.
    isNik: (digits) => row.nikHash !== null && nikHashes(digits, keys).includes(row.nikHash),
  });
}
