/**
 * Cases as a citizen's earlier report leaves them, opened through the runtime's own case code
 * (routing, clocks, `created` event), without driving nine chat messages each; and a sink that
 * records every case event and when its after-commit work ran.
 */
import { and, eq } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import { openCase } from '../../src/cases/cases.js';
import type { Actor, CaseEventRecord, CaseEventSink } from '../../src/cases/events.js';
import { inCaseTransaction } from '../../src/cases/lifecycle.js';
import type { ChannelName } from '../../src/domain/messages.js';
import type { CaseDraft, Lang } from '../../src/conversation/contract.js';
import * as t from '../../src/db/schema.js';
import { freshSnapshot } from '../../src/conversation/step.js';

/** A chat identity, with a conversation in `lang` when given (pushes are written in it). */
export async function seedIdentity(app: App, channel: ChannelName, chatId: string, options: { lang?: Lang; phone?: string } = {}): Promise<number> {
  const { db } = app.ctx.db;
  await db.insert(t.channelIdentities).values({ channel, chatId, phone: options.phone ?? null }).onConflictDoNothing();
  const [identity] = await db
    .select({ id: t.channelIdentities.id })
    .from(t.channelIdentities)
    .where(and(eq(t.channelIdentities.channel, channel), eq(t.channelIdentities.chatId, chatId)));
  if (options.lang) {
    await db
      .insert(t.conversations)
      // A whole conversation at the menu, as the machine would persist it: a context of `{ lang }`
      // alone had no notes, and the first greeting in the chat failed its step (found at 23:59 WIB).
      .values({ identityId: identity.id, snapshot: { ...freshSnapshot(app.ctx.machine, { lang: options.lang }), value: 'menu' }, version: app.ctx.machineVersion })
      .onConflictDoNothing();
  }
  return identity.id;
}

export function draft(over: Partial<CaseDraft> = {}): CaseDraft {
  return {
    kind: 'pengaduan',
    categoryCode: 'bantuan-sosial',
    description: 'Bantuan PKH belum cair sejak tiga bulan lalu.',
    photos: [],
    anonymous: false,
    confidential: false,
    ...over,
  };
}

/** Opens a case for `identityId` at `now` (default: the app's clock) and returns its ticket. */
export async function openTestCase(app: App, identityId: number, over: Partial<CaseDraft> = {}, now?: Date): Promise<string> {
  const { ticket } = await inCaseTransaction(app.ctx, (work) => openCase(work, { identityId, draft: draft(over) }), now ?? app.ctx.now());
  return ticket;
}

export const SYSTEM: Actor = { kind: 'system' };

/** Records every event a sink is handed, and which events' after-commit work ran. */
export function recordingSink() {
  const events: CaseEventRecord[] = [];
  const afterCommit: number[] = [];
  const sink: CaseEventSink = async (_tx, event) => {
    events.push(event);
    return async () => {
      afterCommit.push(event.id);
    };
  };
  return { sink, events, afterCommit };
}

export async function caseRow(app: App, ticket: string) {
  const [row] = await app.ctx.db.db.select().from(t.cases).where(eq(t.cases.ticket, ticket));
  return row;
}

export async function eventsOf(app: App, ticket: string) {
  const row = await caseRow(app, ticket);
  return app.ctx.db.db.select().from(t.caseEvents).where(eq(t.caseEvents.caseId, row.id)).orderBy(t.caseEvents.id);
}

/** Polls a condition against the database until it holds or the deadline passes. */
export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    // The interval only limits load; correctness does not depend on it.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
