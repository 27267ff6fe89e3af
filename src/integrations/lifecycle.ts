/**
 * Where integrations open cases: another system (an Open311 client) files a case that has no chat
 * behind it. The case goes through the same lifecycle as a chat's, so its `created` event reaches
 * every sink (webhooks, staff notifications); the caller adds its own rows in the same transaction.
 */
import { eq } from 'drizzle-orm';
import { openCase } from '../cases/cases.js';
import { inCaseTransaction } from '../cases/lifecycle.js';
import type { CaseDraft } from '../conversation/contract.js';
import type { PipelineContext } from '../conversation/context.js';
import type { Tx } from '../db/client.js';
import * as t from '../db/schema.js';

/**
 * Opens a case filed by another system: `identity` makes the chat-less identity it belongs to and
 * `also` writes the caller's own rows, both in the case's transaction.
 */
export async function openCaseFromIntegration(
  ctx: PipelineContext,
  args: { draft: CaseDraft; identity: (tx: Tx) => Promise<number>; also: (tx: Tx, caseId: number) => Promise<void> },
): Promise<{ ticket: string; dueAt: Date }> {
  return inCaseTransaction(ctx, async (work) => {
    const identityId = await args.identity(work.tx);
    const opened = await openCase(work, { identityId, draft: args.draft });
    const [row] = await work.tx.select({ id: t.cases.id }).from(t.cases).where(eq(t.cases.ticket, opened.ticket));
    await args.also(work.tx, row.id);
    return opened;
  });
}
