/**
 * The retention purge on the test clock, as a timeline: citizens report, one leaves a report
 * half-written, staff close the cases; then the clock moves on past each period in turn (30 days:
 * idle conversations and sent replies; 180: message texts and set-aside updates; 365: photos;
 * 730 after closing: the cases' personal fields). At each step the purge removes what is past its
 * period and nothing else, and a second run right after changes nothing.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import { createWebChatSender } from '../../src/channels/webchat/sender.js';
import { chatIdOfSession, endSession, openSession } from '../../src/channels/webchat/sessions.js';
import type { Actor } from '../../src/cases/events.js';
import { setAside } from '../../src/conversation/set-aside.js';
import { ERASED_DESCRIPTION } from '../../src/privacy/erase.js';
import { fetchMedia } from '../../src/media/fetch.js';
import { createLocalStorage } from '../../src/media/storage.js';
import { ChannelBreakers } from '../../src/queues/breaker.js';
import { SendPacer } from '../../src/queues/pacer.js';
import { openClaimSession } from '../../src/queues/claims.js';
import { createClaimer, createSendRecorder, sendTurn, type Sending } from '../../src/queues/outbound.js';
import { Settler } from '../../src/queues/settle.js';
import { REMOVED_DESCRIPTION, type PurgeCounts } from '../../src/retention/purge.js';
import { purgeNow, retentionSettings, type RetentionSettings } from '../../src/retention/schedule.js';
import { dumpDatabase, holdsDigits } from '../support/dump.js';
import { testConfig } from '../support/env.js';
import { advanceClock, Chat, photo, useRuntime, World } from '../flows/driver.js';

useRuntime();

const DAY = 86_400_000;
/** An admin above every dinas, reading the case page. */
const ADMIN: Actor = { kind: 'staff', staffId: 1, role: 'admin', dinasId: null, unitId: null, regionPrefix: null };
const NOTHING: PurgeCounts = { messages: 0, drafts: 0, media: 0, cases: 0, citizens: 0, outbox: 0, setAside: 0, webSessions: 0 };

const REPORTER = {
  name: 'Siti Aminah',
  nik: '3273014101900001',
  address: 'Jl. Melati No. 7 RT 03 RW 05, Cicadas',
  description: 'Bantuan PKH keluarga kami tidak cair sejak Agustus, padahal masih terdaftar.',
};
const ACTIVE = {
  name: 'Budi Santoso',
  nik: '3273010101900001',
  address: 'Gang Kenanga 12, Sukaluyu',
  description: 'Lampu penerangan jalan di gang kami mati sudah dua minggu lebih.',
};
const DRAFT = 'The bridge railing near the market has been broken for a month now.';
/** Reports, then has their data erased at their request (*hapus data saya*) before any period ends. */
const ERASED = {
  name: 'Rina Wulandari',
  nik: '3273017112900001',
  address: 'Jl. Flamboyan 3, Antapani',
  description: 'Pengajuan KIP anak kami belum ada kabar sejak tiga bulan yang lalu.',
};

const world = new World();
const reporter = new Chat(world, 'reporter');
const active = new Chat(world, 'active');
const drafter = new Chat(world, 'drafter');
const erased = new Chat(world, 'erased');
/** Photos go to a folder of this file's own: the purge deletes files by their keys. */
const storage = createLocalStorage(mkdtempSync(join(tmpdir(), 'kanal-retention-')));
let settings: RetentionSettings;
const tickets: Record<'reporter' | 'active' | 'open' | 'erased', string> = { reporter: '', active: '', open: '', erased: '' };
let photoKeys: string[] = [];

/** A report through the whole flow, with a typed address, name and NIK, and maybe a photo. */
async function report(chat: Chat, who: typeof REPORTER, photoRef?: string) {
  await chat.say('halo', '1', '1', '1', who.description, who.address);
  if (photoRef) await chat.send(photo(photoRef));
  await chat.say(photoRef ? 'selesai' : 'lewati', '1', who.name, who.nik, '1');
}

let sending: Sending | null = null;
afterAll(async () => {
  sending?.breakers.stop();
  sending?.settler.stop();
  await sending?.session.close();
});

/** Every reply written so far, as the web chat's sender would mark them: sent, at the domain clock. */
async function sendReplies() {
  const { ctx } = world.app;
  sending ??= {
    senders: new Map([['web', createWebChatSender()]]),
    session: await openClaimSession(world.databaseUrl, ctx.log),
    breakers: new ChannelBreakers({ afterFailures: 5, probeIntervalMs: 1_000 }, ctx.log),
    pacer: new SendPacer(ctx.db.sql, {}),
    claims: createClaimer(ctx.db.sql),
    sent: createSendRecorder(ctx.db.sql),
    settler: new Settler(ctx.log),
  };
  for (const citizen of ['reporter', 'active', 'drafter', 'erased']) {
    await sendTurn(ctx, sending, await world.identityOf(citizen), { max: Number.POSITIVE_INFINITY });
  }
}

async function purge(): Promise<PurgeCounts> {
  return purgeNow({ ...world.app.ctx, mediaStorage: storage }, settings);
}

/** The purge as the timeline expects it, then once more: the second run finds nothing left to do. */
async function purgeExpecting(counts: Partial<PurgeCounts>) {
  expect(await purge()).toEqual({ ...NOTHING, ...counts });
  expect(await purge()).toEqual(NOTHING);
}

async function messagesOf(citizen: string) {
  return world.app.ctx.db.sql<{ body: string | null; payload: Record<string, unknown> | null; sent_at: string }[]>`
    select m.body, m.payload, m.sent_at from messages m join channel_identities i on i.id = m.identity_id
    where i.chat_id = ${world.chatId(citizen)} order by m.id`;
}

async function outboxOf(citizen: string) {
  return world.app.ctx.db.sql<{ status: string; payload: { kind: string; text?: string } }[]>`
    select o.status, o.payload from outbox o join channel_identities i on i.id = o.identity_id
    where i.chat_id = ${world.chatId(citizen)} order by o.id`;
}

beforeAll(async () => {
  settings = retentionSettings(testConfig());
  const { ctx } = world.app;
  await report(reporter, REPORTER, 'retention-photo-1');
  await report(active, ACTIVE);
  // The reporter's photo, fetched as the media worker would.
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 120, b: 60 } } }).jpeg().toBuffer();
  const [media] = await ctx.db.sql<{ id: string }[]>`select id from media where platform_ref = 'retention-photo-1'`;
  const fetcher = { storage, sources: { web: { fetch: async () => jpeg } }, maxBytes: 1_000_000, maxAttempts: 1 };
  expect(await fetchMedia(ctx, fetcher, Number(media.id))).toBe('stored');
  const [stored] = await ctx.db.sql<{ storage_key: string; thumbnail_key: string }[]>`select storage_key, thumbnail_key from media where id = ${media.id}`;
  photoKeys = [stored.storage_key, stored.thumbnail_key];

  // A report left half-written, in English.
  await drafter.say('english', '1', '1', '1', DRAFT);
  expect(drafter.state).toBe('askLocation');
  await setAside(ctx, { channel: 'web', chatId: world.chatId('drafter'), externalId: 'retention-aside-1', raw: { text: 'rusak' }, error: new Error('refused'), attempts: 3 });
  expect(await drafter.pushed()).toEqual([en.notes.setAside]);
  await report(erased, ERASED);
  [{ ticket: tickets.erased }] = await world.cases('erased');
  await world.update(tickets.erased, { status: 'ditutup' });
  await erased.say('hapus data saya', '1');
  expect(await world.cases('erased')).toEqual([]);
  await sendReplies();

  [{ ticket: tickets.reporter }] = await world.cases('reporter');
  [{ ticket: tickets.active }] = await world.cases('active');
  ({ ticket: tickets.open } = await world.seedCase('active'));
  await world.update(tickets.reporter, { status: 'ditutup' });
  await world.update(tickets.active, { status: 'ditolak', note: 'Bukan kewenangan dinas.' });
}, 120_000);

describe('the retention purge, period by period', () => {
  it('keeps everything within its period', async () => {
    advanceClock(29 * DAY);
    await purgeExpecting({});
    expect(JSON.stringify(drafter.snapshot)).toContain(DRAFT);
  });

  it('after 30 days starts idle conversations over, in their language, and blanks sent replies', async () => {
    advanceClock(2 * DAY);
    // Every reply so far was sent; the erased chat's, written before its erasure, are gone already.
    const sent = (await world.app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from outbox where payload ->> 'kind' <> 'removed'`)[0].n;
    expect(sent).toBeGreaterThan(20);
    // Three conversations; the erased chat's started over at its erasure and holds nothing.
    await purgeExpecting({ drafts: 3, outbox: sent });

    for (const citizen of ['reporter', 'active', 'drafter']) {
      expect((await outboxOf(citizen)).every((row) => row.payload.kind === 'removed')).toBe(true);
      // The texts themselves are younger than their own period.
      expect((await messagesOf(citizen)).every((m) => m.payload?.removed === undefined)).toBe(true);
    }
    const [conversation] = await world.app.ctx.db.sql<{ snapshot: { value: string; context: { lang: string } } }[]>`
      select c.snapshot from conversations c join channel_identities i on i.id = c.identity_id where i.chat_id = ${world.chatId('drafter')}`;
    expect(JSON.stringify(conversation.snapshot)).not.toContain('bridge railing');
    expect(conversation.snapshot).toMatchObject({ value: 'start', context: { lang: 'en' } });
    // Coming back, the citizen is welcomed in their language, with nothing to resume.
    const [welcome] = await drafter.send('hello');
    expect(welcome).toContain(en.menu.prompt);
    expect(welcome).not.toContain(en.notes.restartIdle);
    await sendReplies();
  });

  it('after 180 days blanks message texts, keeping the rows, and deletes set-aside updates', async () => {
    advanceClock(150 * DAY);
    // The drafter's conversation has been idle since day 31; its last replies were sent then.
    const replied = (await outboxOf('drafter')).filter((row) => row.payload.kind !== 'removed').length;
    const counts = await purge();
    expect(counts).toMatchObject({ drafts: 1, media: 0, cases: 0, citizens: 0, outbox: replied, setAside: 1 });
    expect(await purge()).toEqual(NOTHING);

    const reporterMessages = await messagesOf('reporter');
    expect(reporterMessages.length).toBeGreaterThan(10);
    expect(reporterMessages.every((m) => m.body === null && m.payload?.removed === true)).toBe(true);
    // The erased chat's messages were blanked by the erasure already.
    expect(counts.messages).toBe(
      reporterMessages.length + (await messagesOf('active')).length + (await messagesOf('drafter')).length - 1,
    );
    expect((await messagesOf('erased')).every((m) => m.body === null && m.payload === null)).toBe(true);
    // The drafter's message of day 31 is 150 days old: kept.
    const drafterMessages = await messagesOf('drafter');
    expect(drafterMessages.at(-1)).toMatchObject({ body: 'hello', payload: null });
    expect((await world.app.ctx.db.sql`select 1 from set_aside_updates`).length).toBe(0);
    // The case page's transcript shows that the messages were there, not what they said.
    const { transcript } = await world.app.cases.getCase(ADMIN, tickets.reporter);
    expect(transcript.length).toBeGreaterThan(10);
    expect(transcript.every((entry) => entry.kind === 'removed' && entry.text === null)).toBe(true);
    expect((await storage.get(photoKeys[0])) !== null).toBe(true);
  });

  it('after 365 days deletes photos from media storage, then marks their rows', async () => {
    advanceClock(185 * DAY);
    // With the drafter's message of day 31, now past its 180 days.
    await purgeExpecting({ media: 1, messages: 1 });
    for (const key of photoKeys) expect(await storage.get(key)).toBeNull();
    const [row] = await world.app.ctx.db.sql`select status, storage_key, thumbnail_key, sha256 from media where platform_ref = 'retention-photo-1'`;
    expect(row).toMatchObject({ status: 'removed', storage_key: null, thumbnail_key: null });
    expect((await world.app.cases.getCase(ADMIN, tickets.reporter)).photoFiles).toEqual([expect.objectContaining({ status: 'removed' })]);
  });

  it('after 730 days removes a closed case\'s personal fields, and the person once no open case needs them', async () => {
    advanceClock(363 * DAY);
    await purgeExpecting({});
    advanceClock(2 * DAY);
    await purgeExpecting({ cases: 2, citizens: 1 });

    const [closed] = await world.cases('reporter');
    expect(closed).toMatchObject({
      ticket: tickets.reporter,
      status: 'ditutup',
      kind: 'pengaduan',
      categoryCode: 'bantuan-sosial',
      regionCode: '327301',
      description: REMOVED_DESCRIPTION,
      location: null,
      reporterName: null,
      photos: [],
    });
    expect(closed.personalDataRemovedAt).not.toBeNull();
    expect(await world.citizen('reporter')).toMatchObject({ name: null, nikEncrypted: null, nikHash: null });

    // The active citizen's rejected case is blanked too; their open case keeps them, and itself.
    const [rejected, open] = await world.cases('active');
    expect(rejected).toMatchObject({ ticket: tickets.active, description: REMOVED_DESCRIPTION, reporterName: null });
    expect(open).toMatchObject({ ticket: tickets.open, personalDataRemovedAt: null, description: 'Laporan lama untuk pengujian' });
    expect(await world.citizen('active')).toMatchObject({ name: ACTIVE.name });
    // A case erased at the citizen's request keeps saying so.
    const [erasedCase] = await world.app.ctx.db.sql<{ description: string; personal_data_removed_at: string | null }[]>`
      select description, personal_data_removed_at from cases where ticket = ${tickets.erased}`;
    expect(erasedCase).toEqual({ description: ERASED_DESCRIPTION, personal_data_removed_at: null });
    expect((await world.citizen('active'))!.nikHash).not.toBeNull();

    const dump = await dumpDatabase(world.app.ctx.db.sql);
    expect(holdsDigits(dump, REPORTER.nik)).toBe(false);
    expect(holdsDigits(dump, ERASED.nik)).toBe(false);
    for (const gone of [REPORTER.name, 'Melati', REPORTER.description, ACTIVE.description, 'Kenanga', DRAFT, ERASED.name, 'Flamboyan', ERASED.description]) {
      expect(dump).not.toContain(gone);
    }
  });

  it('still lets the citizen find the closed ticket with cek status', async () => {
    const [list] = await reporter.send('2');
    expect(list).toContain(`${tickets.reporter.slice(0, 4)}-${tickets.reporter.slice(4)}`);
    const [detail] = await reporter.send('1');
    expect(detail).toContain(id.status.words.ditutup);
    expect(detail).not.toContain('Melati');
  });

  it('deletes web chat sessions a day after they ended or expired, and keeps live ones', async () => {
    const { sql } = world.app.ctx.db;
    const opened = () => openSession(sql, world.app.ctx.now(), 12);
    const [expiring, ended, live] = [await opened(), await opened(), await openSession(sql, world.app.ctx.now(), 72)];
    expect(await endSession(sql, ended.token, world.app.ctx.now())).toBe(true);
    expect((await purge()).webSessions).toBe(0);

    advanceClock(2 * DAY);
    expect((await purge()).webSessions).toBe(2);
    const left = await sql<{ chat_id: string }[]>`select chat_id from web_chat_sessions`;
    expect(left.map((row) => row.chat_id)).toEqual([chatIdOfSession(live.token)]);
    expect(chatIdOfSession(expiring.token)).not.toBe(chatIdOfSession(live.token));
  });
});
