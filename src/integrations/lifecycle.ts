/**
 * The only places integrations (webhooks, Open311, the status-update API) call the case
 * lifecycle. Today's lifecycle (`openCase`, `changeCaseStatus`) writes the `case_events` row but
 * knows no sinks, so this adapter reads the event it wrote back as a `CaseEventRecord` and hands
 * it to the sinks in the same transaction, running their after-commit work once committed. When
 * the lifecycle calls the sinks itself, these two functions become plain calls into it.
 */
import { desc, eq } from 'drizzle-orm';
import { openCase } from '../cases/cases.js';
import type { AfterCommit, CaseEventRecord, CaseEventSink } from '../cases/events.js';
import { changeCaseStatus, type StatusChange } from '../cases/status.js';
import type { CaseDraft, CaseStatus } from '../conversation/contract.js';
import type { PipelineContext } from '../conversation/context.js';
import { enqueueOutbox } from '../conversation/runtime.js';
import type { Tx } from '../db/client.js';
import * as t from '../db/schema.js';

/** The newest event of a case, as the sinks see it. */
async function latestEvent(tx: Tx, caseId: number): Promise<CaseEventRecord> {
  const [row] = await tx
    .select({ event: t.caseEvents, case: t.cases })
    .from(t.caseEvents)
    .innerJoin(t.cases, eq(t.cases.id, t.caseEvents.caseId))
    .where(eq(t.caseEvents.caseId, caseId))
    .orderBy(desc(t.caseEvents.id))
    .limit(1);
  const { event, case: c } = row;
  return {
    id: event.id,
    type: event.fromStatus === null ? 'created' : 'status',
    caseId: c.id,
    ticket: c.ticket,
    dinasId: c.dinasId,
    unitId: c.unitId,
    categoryCode: c.categoryCode,
    fromStatus: event.fromStatus as CaseStatus | null,
    toStatus: event.toStatus as CaseStatus,
    actor: event.actor,
    public: event.public,
    note: event.note,
    slaDueAt: c.slaDueAt,
    at: event.createdAt,
  };
}

async function runSinks(tx: Tx, sinks: readonly CaseEventSink[], caseId: number): Promise<AfterCommit[]> {
  const event = await latestEvent(tx, caseId);
  const after: AfterCommit[] = [];
  for (const sink of sinks) {
    const work = await sink(tx, event);
    if (work) after.push(work);
  }
  return after;
}

async function afterCommit(ctx: PipelineContext, work: readonly AfterCommit[]) {
  for (const run of work) {
    try {
      await run();
    } catch (err) {
      // The sink's rows are committed; its relay finds them.
      ctx.log.warn({ err }, 'after-commit work of a case event failed');
    }
  }
}

/**
 * Opens a case filed by another system: `identity` makes the chat-less identity it belongs to and
 * `also` writes the caller's own rows, both in the case's transaction.
 */
export async function openCaseWithEvents(
  ctx: PipelineContext,
  sinks: readonly CaseEventSink[],
  args: { draft: CaseDraft; identity: (tx: Tx) => Promise<number>; also: (tx: Tx, caseId: number) => Promise<void> },
): Promise<{ ticket: string; dueAt: Date }> {
  const { opened, work } = await ctx.db.db.transaction(async (tx) => {
    const identityId = await args.identity(tx);
    const opened = await openCase(tx, { identityId, draft: args.draft, nikKeys: ctx.nikKeys, now: ctx.now() });
    const [row] = await tx.select({ id: t.cases.id }).from(t.cases).where(eq(t.cases.ticket, opened.ticket));
    await args.also(tx, row.id);
    return { opened, work: await runSinks(tx, sinks, row.id) };
  });
  await afterCommit(ctx, work);
  return opened;
}

/** Moves a case to a new status: the citizen is notified (if the case has a chat) and the sinks see the event. */
export async function changeStatusWithEvents(
  ctx: PipelineContext,
  sinks: readonly CaseEventSink[],
  change: Omit<StatusChange, 'now' | 'cloudPushes'>,
  cloudPushes: boolean,
) {
  const { notification, work } = await ctx.db.db.transaction(async (tx) => {
    const notification = await changeCaseStatus(tx, { ...change, now: ctx.now(), cloudPushes });
    const [row] = await tx.select({ id: t.cases.id }).from(t.cases).where(eq(t.cases.ticket, change.ticket));
    return { notification, work: await runSinks(tx, sinks, row.id) };
  });
  if (notification) await enqueueOutbox(ctx, notification.identityId, [{ id: notification.outboxId, channel: notification.channel }]);
  await afterCommit(ctx, work);
  return notification;
}
