/**
 * Moving a case along `baru → diverifikasi → diteruskan → diproses → selesai → ditutup` (or
 * `ditolak` with a reason): one transaction records the event, restarts the SLA clock for the next
 * step and writes the citizen's notification into the outbox. The console calls this; so do tests.
 *
 * The notification is a push the agency starts, so it goes where pushes may go: a citizen who
 * wrote over whatsapp-web.js is notified through the Cloud API when it is configured (web.js is
 * for replies only), and the Cloud channel turns it into the approved template outside the
 * 24-hour window.
 */
import { eq } from 'drizzle-orm';
import { copy } from '../../flows/copy/index.js';
import { formatDate, showTicket } from '../../flows/format.js';
import type { ChannelName, OutboundMessage } from '../channels/types.js';
import type { CaseStatus, Lang } from '../conversation/contract.js';
import type { PipelineContext } from '../conversation/context.js';
import { enqueueOutbox, langOf } from '../conversation/runtime.js';
import type { PersistedSnapshot } from '../conversation/step.js';
import type { Tx } from '../db/client.js';
import * as t from '../db/schema.js';
import { holidaysFrom, slaPolicy } from './cases.js';
import { addWorkingDays, localIso } from './working-days.js';

/** Which status may follow which; a finished case can be reopened from `selesai` only. */
export const TRANSITIONS: Record<CaseStatus, readonly CaseStatus[]> = {
  baru: ['diverifikasi', 'ditolak'],
  diverifikasi: ['diteruskan', 'ditolak'],
  diteruskan: ['diproses', 'ditolak'],
  diproses: ['selesai'],
  selesai: ['ditutup', 'diproses'],
  ditutup: [],
  ditolak: [],
};

/** SP4N-LAPOR!: a report is deemed complete 10 working days after the follow-up if nobody replies. */
const DEEMED_COMPLETE_DAYS = 10;

export class StatusChangeError extends Error {}

export interface StatusChange {
  ticket: string;
  to: CaseStatus;
  /** A staff id, or 'system'. */
  actor: string;
  /** Shown to the citizen; required for `ditolak` (the reason). */
  note?: string;
  now: Date;
  /** Whether the Cloud API is configured, so pushes to web.js citizens can go through it. */
  cloudPushes: boolean;
}

/** Where a push to the citizen behind `identityId` goes. */
async function pushTarget(tx: Tx, identityId: number, cloudPushes: boolean) {
  const [identity] = await tx.select().from(t.channelIdentities).where(eq(t.channelIdentities.id, identityId));
  if (identity.channel !== 'whatsapp-web' || !cloudPushes || !identity.phone) return identity;
  // The same person on the official number: WhatsApp ids are the phone number's digits.
  const waId = identity.phone.replace(/\D/g, '');
  const [cloud] = await tx
    .insert(t.channelIdentities)
    .values({ channel: 'whatsapp-cloud', chatId: waId, phone: identity.phone, citizenId: identity.citizenId })
    .onConflictDoUpdate({ target: [t.channelIdentities.channel, t.channelIdentities.chatId], set: { citizenId: identity.citizenId } })
    .returning();
  return cloud;
}

async function languageOf(tx: Tx, identityId: number): Promise<Lang> {
  const [conversation] = await tx.select({ snapshot: t.conversations.snapshot }).from(t.conversations).where(eq(t.conversations.identityId, identityId));
  return langOf((conversation?.snapshot as PersistedSnapshot | null) ?? null) ?? 'id';
}

export async function changeCaseStatus(tx: Tx, change: StatusChange): Promise<{ identityId: number; outboxId: number; channel: ChannelName }> {
  const [found] = await tx.select().from(t.cases).where(eq(t.cases.ticket, change.ticket)).for('update');
  if (!found) throw new StatusChangeError(`no case ${change.ticket}`);
  const from = found.status as CaseStatus;
  if (!TRANSITIONS[from].includes(change.to)) throw new StatusChangeError(`a case cannot go from ${from} to ${change.to}`);
  const note = change.note?.trim() || null;
  if (change.to === 'ditolak' && !note) throw new StatusChangeError('a rejection needs a reason for the citizen');

  const [dinas] = await tx.select().from(t.dinas).where(eq(t.dinas.id, found.dinasId));
  const holidays = await holidaysFrom(tx, change.now);
  const due = (days: number) => addWorkingDays(change.now, days, holidays, dinas.staffAvailability.timeZone);
  const slaDueAt =
    change.to === 'diteruskan' || change.to === 'diproses'
      ? due((await slaPolicy(tx, found.dinasId, found.categoryCode)).followUpDays)
      : change.to === 'selesai'
        ? due(DEEMED_COMPLETE_DAYS)
        : change.to === 'diverifikasi'
          ? found.slaDueAt
          : null;

  await tx.update(t.cases).set({ status: change.to, slaDueAt, updatedAt: change.now }).where(eq(t.cases.id, found.id));
  await tx.insert(t.caseEvents).values({ caseId: found.id, fromStatus: from, toStatus: change.to, actor: change.actor, note, public: true, createdAt: change.now });

  const lang = await languageOf(tx, found.identityId);
  const words = copy[lang];
  const nextStep = change.to in words.status.nextStep ? words.status.nextStep[change.to as keyof typeof words.status.nextStep] : null;
  const next = nextStep && slaDueAt ? words.status.dueBy(nextStep, formatDate(localIso(slaDueAt, dinas.staffAvailability.timeZone), words)) : null;
  const target = await pushTarget(tx, found.identityId, change.cloudPushes);
  const payload: OutboundMessage = {
    kind: 'text',
    chatId: target.chatId,
    text: words.statusUpdate(showTicket(found.ticket), words.status.words[change.to], note, next),
  };
  const [row] = await tx
    .insert(t.outbox)
    // created_at stays Postgres's own: the relay measures the row's age by that clock.
    .values({ identityId: target.id, channel: target.channel, payload, caseId: found.id })
    .returning({ id: t.outbox.id });
  return { identityId: target.id, outboxId: row.id, channel: target.channel as ChannelName };
}

/** Changes the status and sends the notification once the transaction commits. */
export async function notifyStatusChange(ctx: PipelineContext, change: Omit<StatusChange, 'now' | 'cloudPushes'>, cloudPushes: boolean) {
  const result = await ctx.db.db.transaction((tx) => changeCaseStatus(tx, { ...change, now: ctx.now(), cloudPushes }));
  await enqueueOutbox(ctx, result.identityId, [{ id: result.outboxId, channel: result.channel }]);
  return result;
}
