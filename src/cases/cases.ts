/**
 * The case lifecycle as the citizen's chat sees it: opening a case (routed to a dinas/unit, SLA
 * clock started, first event recorded) and reading the citizen's own cases. Everything runs inside
 * the caller's transaction, so a case exists exactly when the conversation step that made it commits.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import * as t from '../db/schema.js';
import { FINISHED_STATUSES, type CaseDraft, type CaseSummary, type CaseStatus, type CaseKind } from '../conversation/contract.js';
import { decryptNik, hashNik } from '../pii/nik.js';
import { recordEvent, type CaseWork } from './lifecycle.js';
import { newTicket } from './ticket.js';
import { scheduleTimerJobs, syncTimers } from './timers.js';

interface Route {
  dinasId: number;
  unitId: number | null;
  regionCode: string;
}

async function route(tx: Tx, draft: CaseDraft, regionCode: string | null): Promise<Route> {
  const rules = await tx
    .select({ rule: t.routingRules, dinas: t.dinas })
    .from(t.routingRules)
    .innerJoin(t.dinas, eq(t.dinas.id, t.routingRules.dinasId))
    .orderBy(asc(t.routingRules.priority), asc(t.routingRules.id));
  const match = rules.find(
    ({ rule }) =>
      (rule.categoryCode === null || rule.categoryCode === draft.categoryCode) &&
      (rule.serviceCode === null || rule.serviceCode === draft.serviceCode) &&
      (rule.regionPrefix === null || (regionCode ?? '').startsWith(rule.regionPrefix)),
  );
  if (!match) throw new Error('routing: no rule matches and no catch-all rule is configured');
  return {
    dinasId: match.dinas.id,
    unitId: match.rule.unitId,
    regionCode: regionCode ?? match.dinas.regionCode,
  };
}

/** The citizen behind a chat identity, created on first need. */
async function citizenFor(tx: Tx, identityId: number): Promise<number> {
  const existing = await existingCitizen(tx, identityId);
  if (existing !== null) return existing;
  const [citizen] = await tx.insert(t.citizens).values({}).returning({ id: t.citizens.id });
  await tx.update(t.channelIdentities).set({ citizenId: citizen.id }).where(eq(t.channelIdentities.id, identityId));
  return citizen.id;
}

/**
 * Opens a case from a citizen's report, inside the conversation step's transaction: routed, its
 * verify clock started, and the `created` event handed to the sinks. The citizen's own chat
 * confirms it (the flow's reply), so no notification is written here.
 */
export async function openCase(work: CaseWork, args: { identityId: number; draft: CaseDraft }): Promise<{ ticket: string; dueAt: Date }> {
  const { tx, now, ctx } = work;
  const { identityId, draft } = args;
  const citizenId = await citizenFor(tx, identityId);
  let regionCode: string | null = null;
  const citizenUpdate: Partial<typeof t.citizens.$inferInsert> = {};
  if (draft.reporterName) citizenUpdate.name = draft.reporterName;
  if (draft.nik) {
    const nik = decryptNik(draft.nik.sealed, ctx.nikKeys);
    citizenUpdate.nikEncrypted = draft.nik.sealed;
    citizenUpdate.nikHash = hashNik(nik, ctx.nikKeys);
    regionCode = nik.slice(0, 6);
  }
  if (Object.keys(citizenUpdate).length > 0) await tx.update(t.citizens).set(citizenUpdate).where(eq(t.citizens.id, citizenId));

  const target = await route(tx, draft, regionCode);
  for (;;) {
    const ticket = newTicket();
    const [row] = await tx
      .insert(t.cases)
      .values({
        ticket,
        citizenId,
        identityId,
        kind: draft.kind,
        categoryCode: draft.categoryCode,
        serviceCode: draft.serviceCode ?? null,
        description: draft.description,
        location: draft.location ?? null,
        photos: draft.photos,
        reporterName: draft.anonymous ? null : (draft.reporterName ?? null),
        regionCode: target.regionCode,
        dinasId: target.dinasId,
        unitId: target.unitId,
        status: 'baru',
        anonymous: draft.anonymous,
        confidential: draft.confidential,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: t.cases.ticket })
      .returning();
    // A collision among 8.5·10^11 tickets is rare; draw again rather than fail the citizen.
    if (!row) continue;
    const { dueAt, started } = await syncTimers(tx, row, 'baru', now);
    const [opened] = await tx.update(t.cases).set({ slaDueAt: dueAt }).where(eq(t.cases.id, row.id)).returning();
    work.after.push(() => scheduleTimerJobs(ctx, started));
    await recordEvent(work, opened, { type: 'created', actor: { kind: 'citizen', identityId }, from: null, public: false });
    return { ticket, dueAt: dueAt! };
  }
}

const summaryColumns = {
  ticket: t.cases.ticket,
  kind: t.cases.kind,
  status: t.cases.status,
  categoryName: t.categories.name,
  createdAt: t.cases.createdAt,
  updatedAt: t.cases.updatedAt,
  dueAt: t.cases.slaDueAt,
  // The last note staff meant for the citizen: a status note or reason, or a public note (not a chat reply).
  note: sql<string | null>`(select e.note from case_events e where e.case_id = ${t.cases.id} and e.public and e.note is not null and e.type <> 'reply' order by e.id desc limit 1)`,
};

type SummaryRow = { ticket: string; kind: string; status: string; categoryName: { id: string; en: string } | null; createdAt: Date; updatedAt: Date; dueAt: Date | null; note: string | null };

function toSummary(row: SummaryRow): CaseSummary {
  const finished = FINISHED_STATUSES.includes(row.status as CaseStatus);
  return {
    ticket: row.ticket,
    kind: row.kind as CaseKind,
    status: row.status as CaseStatus,
    categoryName: row.categoryName ?? { id: 'Lainnya', en: 'Other' },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    dueAt: finished || !row.dueAt ? null : row.dueAt.toISOString(),
    note: row.note,
  };
}

/** The citizen behind a chat, if one exists yet (a chat that never reported has none). */
async function existingCitizen(tx: Tx, identityId: number): Promise<number | null> {
  const [identity] = await tx.select({ citizenId: t.channelIdentities.citizenId }).from(t.channelIdentities).where(eq(t.channelIdentities.id, identityId));
  return identity?.citizenId ?? null;
}

/** The citizen's own cases, newest first. */
export async function ownCases(tx: Tx, identityId: number, limit = 5): Promise<CaseSummary[]> {
  const citizenId = await existingCitizen(tx, identityId);
  if (citizenId === null) return [];
  const rows = await tx
    .select(summaryColumns)
    .from(t.cases)
    .leftJoin(t.categories, eq(t.categories.code, t.cases.categoryCode))
    .where(eq(t.cases.citizenId, citizenId))
    .orderBy(desc(t.cases.createdAt), desc(t.cases.id))
    .limit(limit);
  return rows.map(toSummary);
}

/** One case by ticket, only if it is the asking citizen's: someone else's ticket reveals nothing. */
export async function ownCase(tx: Tx, identityId: number, ticket: string): Promise<CaseSummary | null> {
  const citizenId = await existingCitizen(tx, identityId);
  if (citizenId === null) return null;
  const [row] = await tx
    .select(summaryColumns)
    .from(t.cases)
    .leftJoin(t.categories, eq(t.categories.code, t.cases.categoryCode))
    .where(and(eq(t.cases.ticket, ticket), eq(t.cases.citizenId, citizenId)));
  return row ? toSummary(row) : null;
}
