/**
 * Runs flow scripts through the real runtime: each message the citizen sends is stored with the
 * channels' own `ingest` (web chat), stepped with `processConversation` (the same code the inbound
 * worker runs: row lock, machine step, effects on Postgres, snapshot, outbox) and answered with
 * the reply texts the step wrote to the outbox. Catalogue search, cases, NIK sealing and the staff
 * desk are the runtime's own, on a real Postgres database seeded with the demo catalogue.
 *
 * One database and one app per test file (`useRuntime()`), started in the web role so no worker
 * competes for the messages: the test steps each conversation itself, right after storing the
 * message, which keeps every step deterministic. Each `World` names its citizens' chats apart, so
 * the tests of a file share the database without seeing each other's chats or cases.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { App } from '../../src/app.js';
import { id } from '../../flows/copy/id.js';
import { openCase } from '../../src/cases/cases.js';
import { inCaseTransaction } from '../../src/cases/lifecycle.js';
import { readCatalogue } from '../../src/catalogue/seed.js';
import type { InboundContent } from '../../src/domain/messages.js';
import type { CaseStatus, CitizenEvent } from '../../src/conversation/contract.js';
import { ingest } from '../../src/conversation/ingest.js';
import { processConversation } from '../../src/conversation/runtime.js';
import type { PersistedSnapshot, ReplyEffect } from '../../src/conversation/step.js';
import * as t from '../../src/db/schema.js';
import { nikKeyring, type NikKeys } from '../../src/pii/nik.js';
import { DEFAULT_TEST_INSTANT } from '../support/clock.js';
import { createTestEnv, startTestApp, TEST_KEYS, type TestEnv } from '../support/env.js';

/** The demo catalogue the app seeds its database with. */
export const catalogue = await readCatalogue();

/** The keys the test app seals NIKs with, for checking what it stored. */
export const nikKeys: NikKeys = nikKeyring({ encryption: TEST_KEYS.NIK_ENCRYPTION_KEY, hash: TEST_KEYS.NIK_HASH_KEY });

const CHANNEL = 'web';
/**
 * Fixed, not `KANAL_TEST_CLOCK`: the scripts assert literal dates (due "4 Desember 2026"), and
 * this clock only moves when the script does.
 */
const START = Date.parse(DEFAULT_TEST_INSTANT);

let env: TestEnv | null = null;
let app: App | null = null;
/** The app's clock: a second passes with each message, a minute with each seeded case. */
let clock = START;
let messageCount = 0;

/** Time passes for the app (staff act later, the citizen answers days later). */
export function advanceClock(ms: number) {
  clock += ms;
}

/** Time passes for the app up to the next `hh:mm` UTC (17:30 UTC is 00:30 WIB, the next day there). */
export function advanceClockToUtc(hour: number, minute: number) {
  const at = new Date(clock);
  at.setUTCHours(hour, minute, 0, 0);
  if (at.getTime() <= clock) at.setUTCDate(at.getUTCDate() + 1);
  clock = at.getTime();
}

/**
 * Gives the calling test file its own database and app for all its tests. Call once, at the top
 * level of the file. Staff availability is reset to the seeded hours before each test.
 */
export function useRuntime() {
  beforeAll(async () => {
    env = await createTestEnv();
    await commitWithoutWaitingForDisk(env.databaseUrl);
    app = await startTestApp(env, { role: 'web', now: () => new Date(clock) });
  });
  beforeEach(async () => {
    const desk = catalogue.dinas[0];
    await running().ctx.db.db.update(t.dinas).set({ staffAvailability: desk.staffAvailability }).where(eq(t.dinas.code, desk.code));
  });
  afterAll(async () => {
    await app?.close();
    await env?.dispose();
    app = null;
    env = null;
  });
}

/**
 * Each message commits two or three transactions; not waiting for the disk at each commit makes
 * the scripts run about a third faster. Locks, visibility and atomicity are unchanged: only a
 * crash of the Postgres server could lose the last commits, and this database is thrown away.
 */
async function commitWithoutWaitingForDisk(databaseUrl: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`alter database "${decodeURIComponent(new URL(databaseUrl).pathname.slice(1))}" set synchronous_commit = off`);
  } finally {
    await sql.end();
  }
}

function running(): App {
  if (!app) throw new Error('no runtime: call useRuntime() at the top of the test file');
  return app;
}

export type CaseRow = typeof t.cases.$inferSelect & { dinasCode: string };
export type CitizenRow = typeof t.citizens.$inferSelect;

/**
 * The runtime's side of the world, as a handle on the real database: seeds and moves cases the
 * way staff would, sets the staff desk's hours, and reads back what the conversation stored.
 */
export class World {
  private static count = 0;
  private readonly id = ++World.count;

  get app(): App {
    return running();
  }

  /** The runtime's database, for a connection of a test's own (a claim session, say). */
  get databaseUrl(): string {
    if (!env) throw new Error('no runtime: call useRuntime() at the top of the test file');
    return env.databaseUrl;
  }

  /** The web chat session of a citizen in this world; another world's "citizen-a" is someone else. */
  chatId(citizen: string): string {
    return `${citizen}.world-${this.id}`;
  }

  /** The citizen's channel identity, created as a first message would create it. */
  async identityOf(citizen: string): Promise<number> {
    const { db } = this.app.ctx.db;
    const chatId = this.chatId(citizen);
    await db.insert(t.channelIdentities).values({ channel: CHANNEL, chatId }).onConflictDoNothing();
    const [identity] = await db
      .select({ id: t.channelIdentities.id })
      .from(t.channelIdentities)
      .where(and(eq(t.channelIdentities.channel, CHANNEL), eq(t.channelIdentities.chatId, chatId)));
    return identity.id;
  }

  /** Opens a case through the runtime's own case code, as if the citizen had reported it earlier. */
  async seedCase(citizen: string): Promise<{ ticket: string }> {
    const identityId = await this.identityOf(citizen);
    const now = new Date(clock);
    clock += 60_000;
    const { ticket } = await inCaseTransaction(
      this.app.ctx,
      (work) =>
        openCase(work, {
          identityId,
          draft: {
            kind: 'pengaduan',
            categoryCode: catalogue.categories[0].code,
            description: 'Laporan lama untuk pengujian',
            photos: [],
            anonymous: false,
            confidential: false,
          },
        }),
      now,
    );
    return { ticket };
  }

  /**
   * Moves a case along its lifecycle, as staff would in the console: the case row changes and a
   * public case event records the step, with the note the citizen may read.
   */
  async update(ticket: string, change: { status?: CaseStatus; note?: string | null; dueAt?: string | null; updatedAt?: string }) {
    const { db } = this.app.ctx.db;
    const at = change.updatedAt ? new Date(change.updatedAt) : new Date(clock);
    await db.transaction(async (tx) => {
      const [found] = await tx.select().from(t.cases).where(eq(t.cases.ticket, ticket));
      if (!found) throw new Error(`no case ${ticket}`);
      const status = change.status ?? found.status;
      await tx
        .update(t.cases)
        .set({
          status,
          updatedAt: at,
          ...(change.dueAt !== undefined ? { slaDueAt: change.dueAt === null ? null : new Date(change.dueAt) } : {}),
        })
        .where(eq(t.cases.id, found.id));
      await tx
        .insert(t.caseEvents)
        .values({ caseId: found.id, fromStatus: found.status, toStatus: status, actor: 'staff-test', note: change.note ?? null, public: true, createdAt: at });
    });
  }

  /** Staff at their desks around the clock, or never: the hours the runtime reads for `petugas`. */
  async setStaffOnline(online: boolean) {
    const desk = catalogue.dinas[0];
    const availability = { ...desk.staffAvailability, days: online ? [0, 1, 2, 3, 4, 5, 6] : [], from: '00:00', to: '23:59' };
    await this.app.ctx.db.db.update(t.dinas).set({ staffAvailability: availability }).where(eq(t.dinas.code, desk.code));
  }

  /** The citizen's cases as stored, oldest first, with the code of the dinas each was routed to. */
  async cases(citizen = 'citizen-a'): Promise<CaseRow[]> {
    const rows = await this.app.ctx.db.db
      .select({ case: t.cases, dinasCode: t.dinas.code })
      .from(t.cases)
      .innerJoin(t.channelIdentities, eq(t.channelIdentities.citizenId, t.cases.citizenId))
      .innerJoin(t.dinas, eq(t.dinas.id, t.cases.dinasId))
      .where(and(eq(t.channelIdentities.channel, CHANNEL), eq(t.channelIdentities.chatId, this.chatId(citizen))))
      .orderBy(asc(t.cases.id));
    return rows.map((row) => ({ ...row.case, dinasCode: row.dinasCode }));
  }

  /** The citizen record behind the chat, or null before anything created one. */
  async citizen(citizen = 'citizen-a'): Promise<CitizenRow | null> {
    const [row] = await this.app.ctx.db.db
      .select({ citizen: t.citizens })
      .from(t.citizens)
      .innerJoin(t.channelIdentities, eq(t.channelIdentities.citizenId, t.citizens.id))
      .where(and(eq(t.channelIdentities.channel, CHANNEL), eq(t.channelIdentities.chatId, this.chatId(citizen))));
    return row?.citizen ?? null;
  }

  /** Requests for a human the citizen's chat left for the console. */
  async handoffs(citizen = 'citizen-a') {
    return this.app.ctx.db.db
      .select({ handoff: t.handoffRequests })
      .from(t.handoffRequests)
      .innerJoin(t.channelIdentities, eq(t.channelIdentities.id, t.handoffRequests.identityId))
      .where(and(eq(t.channelIdentities.channel, CHANNEL), eq(t.channelIdentities.chatId, this.chatId(citizen))))
      .then((rows) => rows.map((row) => row.handoff));
  }
}

function contentOf(event: CitizenEvent): InboundContent {
  switch (event.type) {
    case 'citizen.text':
      return { kind: 'text', text: event.text };
    case 'citizen.photo':
      return { kind: 'photo', mediaRef: event.mediaRef, ...(event.caption !== undefined ? { caption: event.caption } : {}) };
    case 'citizen.location':
      return { kind: 'location', latitude: event.latitude, longitude: event.longitude, ...(event.address !== undefined ? { address: event.address } : {}) };
    case 'citizen.contact':
      return { kind: 'contact', phone: event.phone, ...(event.name !== undefined ? { name: event.name } : {}) };
    case 'citizen.unsupported':
      return { kind: 'unsupported', what: event.what };
  }
}

/** One citizen's web chat. `send` returns the reply texts of that step. */
export class Chat {
  /** The conversation's snapshot as stored after the last step. */
  snapshot: PersistedSnapshot | null = null;
  /** The replies of the last step, as written to the outbox. */
  replies: ReplyEffect[] = [];
  private identityId: number | null = null;
  private lastOutboxId = 0;

  constructor(
    private readonly world: World,
    readonly citizen = 'citizen-a',
  ) {}

  async send(message: string | CitizenEvent): Promise<string[]> {
    const event: CitizenEvent = typeof message === 'string' ? { type: 'citizen.text', text: message } : message;
    const { ctx } = this.world.app;
    const chatId = this.world.chatId(this.citizen);
    const sentAt = new Date(clock);
    clock += 1_000;
    const { duplicate } = await ingest(ctx, { channel: CHANNEL, chatId, externalId: `${chatId}#${++messageCount}`, content: contentOf(event), sentAt });
    if (duplicate) throw new Error('the message was dropped as a duplicate');
    this.identityId ??= await this.world.identityOf(this.citizen);
    const identityId = this.identityId;

    const stepped = await processConversation(ctx, identityId);
    if (stepped === 'busy' || stepped.processed !== 1) throw new Error(`expected one message processed, got ${JSON.stringify(stepped)}`);

    this.replies = await this.written(identityId);
    const [conversation] = await ctx.db.db.select().from(t.conversations).where(eq(t.conversations.identityId, identityId));
    this.snapshot = conversation.snapshot as PersistedSnapshot | null;
    return this.replies.map((reply) => reply.text);
  }

  /** Messages pushed to the chat since the last look (status updates from staff), without sending anything. */
  async pushed(): Promise<string[]> {
    this.identityId ??= await this.world.identityOf(this.citizen);
    return (await this.written(this.identityId)).map((reply) => reply.text);
  }

  /** The outbox rows written for the chat since the last look. */
  private async written(identityId: number): Promise<ReplyEffect[]> {
    const written = await this.world.app.ctx.db.db
      .select({ id: t.outbox.id, payload: t.outbox.payload })
      .from(t.outbox)
      .where(and(eq(t.outbox.identityId, identityId), gt(t.outbox.id, this.lastOutboxId)))
      .orderBy(asc(t.outbox.id));
    this.lastOutboxId = written.at(-1)?.id ?? this.lastOutboxId;
    return written.map(({ payload }) => {
      if (payload.kind !== 'text') throw new Error(`unexpected ${payload.kind} reply`);
      return { type: 'reply', text: payload.text, ...(payload.options ? { options: payload.options } : {}) };
    });
  }

  /** Sends messages in order and returns the replies to the last one. */
  async say(...messages: (string | CitizenEvent)[]): Promise<string[]> {
    let last: string[] = [];
    for (const message of messages) last = await this.send(message);
    return last;
  }

  /** The state the machine rests in, e.g. "askKind" or "status.askTicket". */
  get state(): string {
    const flatten = (value: unknown): string =>
      typeof value === 'string'
        ? value
        : Object.entries(value as Record<string, unknown>)
            .map(([key, inner]) => `${key}.${flatten(inner)}`)
            .join(',');
    return flatten(this.snapshot?.value);
  }

  /** The citizen's messages as stored, oldest first. */
  async stored() {
    if (this.identityId === null) return [];
    return this.world.app.ctx.db.db
      .select()
      .from(t.messages)
      .where(eq(t.messages.identityId, this.identityId))
      .orderBy(asc(t.messages.id));
  }

  /** The chat falls silent for longer than the runtime's idle limit. */
  async idle() {
    const { ctx } = this.world.app;
    await ctx.db.db
      .update(t.conversations)
      .set({ updatedAt: new Date(clock - ctx.idleMs - 60_000) })
      .where(eq(t.conversations.identityId, this.requireIdentity()));
  }

  /** The service is redeployed with a new conversation machine since the chat's last message. */
  async outdated() {
    const { ctx } = this.world.app;
    await ctx.db.db
      .update(t.conversations)
      .set({ version: ctx.machineVersion - 1 })
      .where(eq(t.conversations.identityId, this.requireIdentity()));
  }

  private requireIdentity(): number {
    if (this.identityId === null) throw new Error('the chat has no conversation yet');
    return this.identityId;
  }
}

export const photo = (mediaRef: string): CitizenEvent => ({ type: 'citizen.photo', mediaRef });
export const pin = (latitude: number, longitude: number): CitizenEvent => ({ type: 'citizen.location', latitude, longitude });
export const unsupported = (what: Extract<CitizenEvent, { type: 'citizen.unsupported' }>['what']): CitizenEvent => ({
  type: 'citizen.unsupported',
  what,
});

/** A text over the ingest cap (8,000 characters) is cut before it is stored and answered with a note first: the replies after it. */
const SHORTENED = id.fairUse.shortened(id.fairUse.number(8_000));
export async function sendLong(chat: Chat, text: string): Promise<string[]> {
  const replies = await chat.send(text);
  if (text.length <= 8_000) return replies;
  expect(replies[0]).toBe(SHORTENED);
  return replies.slice(1);
}
