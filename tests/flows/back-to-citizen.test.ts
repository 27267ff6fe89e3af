/**
 * Back to the citizen: the rating after `selesai` (asked in the status push, answered in the chat),
 * reopening by "belum selesai" within the close window, "tambah info" from cek status, and the
 * duplicate hint before a second report of the same category. Cases move through the real
 * lifecycle (`App.cases`), so clocks, events, pushes and staff notifications are the real ones.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import { formatDate } from '../../flows/format.js';
import { addCitizenInfo, openCase } from '../../src/cases/cases.js';
import type { Actor } from '../../src/cases/events.js';
import { inCaseTransaction } from '../../src/cases/lifecycle.js';
import { addNotificationTarget } from '../../src/cases/staff-notifications/targets.js';
import type { CaseStatus } from '../../src/conversation/contract.js';
import * as t from '../../src/db/schema.js';
import { encryptNik } from '../../src/pii/nik.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { localIso } from '../../src/cases/working-days.js';
import { advanceClock, advanceClockToUtc, Chat, World, photo, useRuntime } from './driver.js';

useRuntime();

const SYSTEM: Actor = { kind: 'system' };
const DAY = 24 * 60 * 60_000;
const shown = (ticket: string) => `${ticket.slice(0, 4)}-${ticket.slice(4)}`;
const DESCRIPTION = 'Bantuan PKH keluarga kami tidak cair sejak Agustus, padahal masih terdaftar.';

/** The unit every case here is handled by, and the mail target its staff are told through. */
let unit: { id: number; dinasId: number };
let targetId: number;

beforeAll(async () => {
  const world = new World();
  const { db } = world.app.ctx.db;
  // The unit of the dinas the seeded cases are routed to (the demo catalogue's first category).
  const { ticket } = await world.seedCase('probe');
  const [kase] = await db.select().from(t.cases).where(eq(t.cases.ticket, ticket));
  [unit] = await db.select({ id: t.units.id, dinasId: t.units.dinasId }).from(t.units).where(eq(t.units.dinasId, kase.dinasId)).limit(1);
  targetId = (await addNotificationTarget(db, { dinasId: unit.dinasId, unitId: unit.id, kind: 'email', address: 'unit@dinas.example' })).id;
});

/** A case of the citizen's handled up to `selesai` by staff, a minute after the chat's last message. */
async function finishedCase(world: World, chat: Chat): Promise<string> {
  const { ticket } = await world.seedCase(chat.citizen);
  advanceClock(60_000);
  const cases = world.app.cases;
  await cases.assign(SYSTEM, ticket, { unitId: unit.id });
  for (const status of ['diverifikasi', 'diteruskan', 'diproses', 'selesai'] satisfies CaseStatus[]) await cases.transition(SYSTEM, ticket, status);
  return ticket;
}

async function caseOf(world: World, ticket: string) {
  const [row] = await world.app.ctx.db.db.select().from(t.cases).where(eq(t.cases.ticket, ticket));
  return row;
}

async function eventsOf(world: World, ticket: string, type: string) {
  const kase = await caseOf(world, ticket);
  return world.app.ctx.db.db
    .select()
    .from(t.caseEvents)
    .where(and(eq(t.caseEvents.caseId, kase.id), eq(t.caseEvents.type, type)))
    .orderBy(t.caseEvents.id);
}

/** Staff notifications written to the unit's target for the case's events of `type`. */
async function unitNotices(world: World, ticket: string, type: string) {
  const events = await eventsOf(world, ticket, type);
  if (events.length === 0) return [];
  return world.app.ctx.db.db
    .select()
    .from(t.staffNotifications)
    .where(and(eq(t.staffNotifications.targetId, targetId), eq(t.staffNotifications.caseEventId, events[0].id)));
}

describe('rating after selesai', () => {
  it('asks in the status push and takes a number, then a comment', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const ticket = await finishedCase(world, chat);
    const pushed = await chat.pushed();
    expect(pushed.at(-1)).toContain(id.status.words.selesai);
    expect(pushed.at(-1)).toContain(id.rating.asked);

    let [reply] = await chat.send('5');
    expect(reply).toContain(id.rating.comment);
    [reply] = await chat.send('Petugas cepat tanggap, terima kasih.');
    expect(reply.startsWith(id.notes.ratingThanks)).toBe(true);
    expect(reply).toContain(id.menu.prompt);

    expect((await caseOf(world, ticket)).rating).toBe(5);
    const [rating] = await eventsOf(world, ticket, 'rating');
    expect(rating.data).toEqual({ score: 5, comment: 'Petugas cepat tanggap, terima kasih.' });
    expect(rating.public).toBe(false);
    expect((await world.app.cases.getCase(SYSTEM, ticket)).rating).toBe(5);
    // Rated once: the next message is the menu's again.
    [reply] = await chat.send('2');
    expect(reply).toContain(id.status.listTitle);
  });

  it('takes puas / tidak puas, and the comment is optional', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const happy = await finishedCase(world, chat);
    await chat.pushed();
    await chat.say('puas', 'lewati');
    expect(chat.replies[0].text.startsWith(id.notes.ratingThanks)).toBe(true);
    expect((await eventsOf(world, happy, 'rating'))[0].data).toEqual({ score: 5, comment: null });

    const unhappy = await finishedCase(world, chat);
    await chat.pushed();
    const [reply] = await chat.send('tidak puas');
    expect(reply).toContain(id.rating.lowComment);
    await chat.send('lewati');
    expect((await caseOf(world, unhappy)).rating).toBe(1);
    // A low rating without a reason is only a rating.
    expect((await caseOf(world, unhappy)).status).toBe('selesai');
  });

  it('is offered again from cek status, in English too', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', 'english');
    const ticket = await finishedCase(world, chat);
    expect((await chat.pushed()).at(-1)).toContain(en.rating.asked);
    // The citizen does something else first: the rating waits in cek status.
    await chat.say('0', '2', '1');
    expect(chat.replies[0].text).toContain(en.status.rateHint);
    let [reply] = await chat.send('rate');
    expect(reply).toContain(en.rating.prompt(shown(ticket)));
    [reply] = await chat.send('4');
    expect(reply).toContain(en.rating.comment);
    [reply] = await chat.send('skip');
    expect(reply.startsWith(en.notes.ratingThanks)).toBe(true);
    expect((await caseOf(world, ticket)).rating).toBe(4);
  });

  it('re-asks an answer that is not a rating, and 0 or batal leave every rating question', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const ticket = await finishedCase(world, chat);
    await chat.pushed();
    let [reply] = await chat.send('hmm entahlah');
    expect(reply.startsWith(id.hints.rating)).toBe(true);
    expect(reply).toContain(id.footer.back);
    [reply] = await chat.send('0');
    expect(reply).toContain(id.menu.prompt);

    for (const leave of ['0', 'batal']) {
      for (const path of [['nilai'], ['nilai', '5'], ['belum selesai']]) {
        await chat.say('2', '1', ...path);
        expect(chat.state.startsWith('rating.')).toBe(true);
        [reply] = await chat.send(leave);
        expect(reply).toContain(id.menu.prompt);
        expect(chat.state).toBe('menu');
      }
    }
    const kase = await caseOf(world, ticket);
    expect(kase.rating).toBeNull();
    expect(kase.status).toBe('selesai');
  });
});

describe('reopen', () => {
  it('belum selesai within the window reopens the case to diproses, with a reopened event, and tells the unit', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const ticket = await finishedCase(world, chat);
    await chat.pushed();
    advanceClock(3 * DAY);
    let [reply] = await chat.send('belum selesai');
    expect(reply).toContain(id.rating.reopenReason);
    [reply] = await chat.send('Jalannya baru ditambal separuh, sisanya masih berlubang.');
    expect(reply.startsWith(id.notes.reopened)).toBe(true);

    expect((await caseOf(world, ticket)).status).toBe('diproses');
    const [reopened] = await eventsOf(world, ticket, 'reopened');
    expect(reopened).toMatchObject({ fromStatus: 'selesai', toStatus: 'diproses', actor: 'citizen', note: 'Jalannya baru ditambal separuh, sisanya masih berlubang.', public: false });
    expect(await unitNotices(world, ticket, 'reopened')).toHaveLength(1);
    // The citizen's reason is not shown back to them as a staff note.
    await chat.say('2', '1');
    expect(chat.replies[0].text).not.toContain('ditambal');
    // The chat answered; no status push on top of it.
    expect(await chat.pushed()).toEqual([]);
  });

  it('a low rating with a reason reopens too', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const ticket = await finishedCase(world, chat);
    await chat.pushed();
    await chat.say('2', 'Bantuannya belum juga masuk ke rekening.');
    expect(chat.replies[0].text.startsWith(id.notes.reopened)).toBe(true);
    const kase = await caseOf(world, ticket);
    expect(kase).toMatchObject({ status: 'diproses', rating: 2 });
    expect(await eventsOf(world, ticket, 'rating')).toHaveLength(1);
    expect(await unitNotices(world, ticket, 'reopened')).toHaveLength(1);
  });

  it('is refused once the close window has passed', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const ticket = await finishedCase(world, chat);
    await chat.pushed();
    // Ten working days are at most two weeks and a few holidays; the close job has not run here.
    advanceClock(30 * DAY);
    const [reply] = await chat.say('belum selesai', 'lewati');
    expect(reply.startsWith(id.notes.reopenTooLate)).toBe(true);
    expect((await caseOf(world, ticket)).status).toBe('selesai');
    expect(await eventsOf(world, ticket, 'reopened')).toEqual([]);
  });

  it('is refused when the case was closed while the citizen was answering', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const ticket = await finishedCase(world, chat);
    await chat.pushed();
    await chat.send('belum selesai');
    await world.app.cases.transition(SYSTEM, ticket, 'ditutup');
    await chat.pushed();
    const [reply] = await chat.send('Masih belum beres.');
    expect(reply.startsWith(id.notes.reopenTooLate)).toBe(true);
    expect((await caseOf(world, ticket)).status).toBe('ditutup');
    expect(await eventsOf(world, ticket, 'reopened')).toEqual([]);
  });
});

describe('tambah info', () => {
  it('adds text and a photo from cek status to the timeline, keeps the photo and tells the unit', async () => {
    const world = new World();
    const { ticket } = await world.seedCase('citizen-a');
    await world.app.cases.assign(SYSTEM, ticket, { unitId: unit.id });
    const chat = new Chat(world);
    await chat.say('halo', '2', '1');
    expect(chat.replies[0].text).toContain(id.status.addInfoHint);

    let [reply] = await chat.send('tambah info');
    expect(reply).toContain(id.addInfo.prompt(shown(ticket)));
    expect(reply).toContain(id.footer.back);
    [reply] = await chat.send('Lubangnya sekarang makin lebar, sudah dua motor jatuh.');
    expect(reply).toBe(id.addInfo.added(shown(ticket)));
    [reply] = await chat.send({ type: 'citizen.photo', mediaRef: 'web:photo-info-1', caption: 'Foto pagi ini' });
    expect(reply).toBe(id.addInfo.added(shown(ticket)));
    [reply] = await chat.send('selesai');
    expect(reply).toContain(id.menu.prompt);

    const infos = await eventsOf(world, ticket, 'citizen-info');
    expect(infos.map((e) => ({ note: e.note, data: e.data, actor: e.actor }))).toEqual([
      { note: 'Lubangnya sekarang makin lebar, sudah dua motor jatuh.', data: null, actor: 'citizen' },
      { note: 'Foto pagi ini', data: { photos: ['web:photo-info-1'] }, actor: 'citizen' },
    ]);
    const media = await world.app.ctx.db.db.select().from(t.media).where(eq(t.media.platformRef, 'web:photo-info-1'));
    expect(media).toHaveLength(1);
    expect(await unitNotices(world, ticket, 'citizen-info')).toHaveLength(1);
    const timeline = (await world.app.cases.getCase(SYSTEM, ticket)).timeline.map((e) => e.type);
    expect(timeline.filter((type) => type === 'citizen-info')).toHaveLength(2);
  });

  it('takes at most three photos a visit, and 0 or batal leave it', async () => {
    const world = new World();
    const { ticket } = await world.seedCase('citizen-a');
    const chat = new Chat(world);
    await chat.say('halo', '2', '1', 'tambah info');
    for (let i = 1; i <= 3; i++) await chat.send(photo(`web:photo-limit-${i}`));
    const [reply] = await chat.send(photo('web:photo-limit-4'));
    expect(reply.startsWith(id.notes.infoPhotoLimit)).toBe(true);
    expect(await world.app.ctx.db.db.select().from(t.media).where(eq(t.media.platformRef, 'web:photo-limit-4'))).toEqual([]);
    expect(await eventsOf(world, ticket, 'citizen-info')).toHaveLength(3);
    // A bare number is a button from an older message, not information.
    const [stale] = await chat.send('2');
    expect(stale.startsWith(id.notes.staleChoice)).toBe(true);
    await chat.send('selesai');

    for (const leave of ['0', 'batal']) {
      await chat.say('2', '1', 'tambah info');
      expect(chat.state).toBe('addInfo');
      const [left] = await chat.send(leave);
      expect(left).toContain(id.menu.prompt);
    }
    expect(await eventsOf(world, ticket, 'citizen-info')).toHaveLength(3);
  });

  it('is not offered for a closed case', async () => {
    const world = new World();
    const { ticket } = await world.seedCase('citizen-a');
    await world.app.cases.transition(SYSTEM, ticket, 'ditolak', { note: 'Bukan kewenangan dinas ini.' });
    const chat = new Chat(world);
    await chat.say('halo', '2', '1');
    expect(chat.replies[0].text).not.toContain(id.status.addInfoHint);
    await chat.send('tambah info');
    expect(chat.state).toBe('status.askTicket');
    expect(await eventsOf(world, ticket, 'citizen-info')).toEqual([]);
  });
});

describe('duplicate hint', () => {
  /** The same report as the seeded one (first category), up to the summary. */
  async function reportAgain(chat: Chat) {
    await chat.say('halo', '1', '1', '1', DESCRIPTION, 'lewati', 'lewati', '2');
    expect(chat.state).toBe('confirm');
  }

  it("dates the earlier ticket by the dinas's calendar: filed at 00:30 WIB, it was filed that day", async () => {
    advanceClockToUtc(17, 30);
    const world = new World();
    const { ticket: earlier } = await world.seedCase('citizen-a');
    const filedAt = (await caseOf(world, earlier)).createdAt;
    expect(localIso(filedAt, 'Asia/Jakarta').slice(0, 10)).not.toBe(filedAt.toISOString().slice(0, 10));
    advanceClock(DAY);
    const chat = new Chat(world);
    await reportAgain(chat);
    const [reply] = await chat.send('1');
    expect(reply).toContain(id.duplicate.prompt(shown(earlier), formatDate(localIso(filedAt, 'Asia/Jakarta'), id)));
  });

  it('asks about the earlier ticket; "new" creates the case with the link the verifier sees', async () => {
    const world = new World();
    const { ticket: earlier } = await world.seedCase('citizen-a');
    advanceClock(2 * DAY);
    const chat = new Chat(world);
    await reportAgain(chat);
    let [reply] = await chat.send('1');
    const filed = localIso((await caseOf(world, earlier)).createdAt, 'Asia/Jakarta');
    expect(reply).toContain(id.duplicate.prompt(shown(earlier), formatDate(filed, id)));
    expect(reply).toContain(id.footer.back);
    expect(await world.cases()).toHaveLength(1);

    [reply] = await chat.send('1');
    expect(reply).toContain('Nomor tiket');
    const [, second] = await world.cases();
    expect(second.possibleDuplicateOf).toBe((await caseOf(world, earlier)).id);
    const detail = await world.app.cases.getCase(SYSTEM, second.ticket);
    expect(detail.possibleDuplicateOf).toBe(earlier);
    expect(detail.timeline[0]).toMatchObject({ type: 'created', data: { possibleDuplicateOf: earlier } });
  });

  it('"same" adds the description and photos to the earlier ticket instead of a new case', async () => {
    const world = new World();
    const { ticket: earlier } = await world.seedCase('citizen-a');
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1', DESCRIPTION, 'lewati', photo('web:photo-dup-1'), 'selesai', '2', '1');
    expect(chat.state).toBe('askDuplicate');
    const [reply] = await chat.send('2');
    expect(reply.startsWith(id.notes.addedToEarlier)).toBe(true);
    expect(await world.cases()).toHaveLength(1);
    const [info] = await eventsOf(world, earlier, 'citizen-info');
    expect(info).toMatchObject({ note: DESCRIPTION, data: { photos: ['web:photo-dup-1'] } });
  });

  it('says nothing after 7 days, or for another category, or another citizen', async () => {
    const world = new World();
    await world.seedCase('citizen-a');
    await world.seedCase('citizen-b');
    advanceClock(8 * DAY);
    const a = new Chat(world, 'citizen-a');
    await reportAgain(a);
    await a.send('1');
    expect(await world.cases('citizen-a')).toHaveLength(2);

    const c = new Chat(world, 'citizen-c');
    await reportAgain(c);
    await c.send('1');
    expect(await world.cases('citizen-c')).toHaveLength(1);

    // citizen-a's new case is fresh; a different category is not hinted.
    await a.say('halo', '1', '1', '2', DESCRIPTION, 'lewati', 'lewati', '2', '1');
    expect(await world.cases('citizen-a')).toHaveLength(3);
  });

  it('batal and 0 leave the question without a case, and both keep the report to offer again', async () => {
    const world = new World();
    await world.seedCase('citizen-a');
    const chat = new Chat(world);
    await reportAgain(chat);
    await chat.send('1');
    expect(chat.state).toBe('askDuplicate');
    let [reply] = await chat.send('batal');
    expect(reply.startsWith(`${id.notes.cancelled}\n\n${id.notes.draftKept}`)).toBe(true);
    expect(reply).toContain(id.menu.prompt);
    [reply] = await chat.send('1');
    expect(reply).toContain(id.resume.options[0]);
    await chat.send('1');
    expect(chat.state).toBe('confirm');
    await chat.send('1');
    expect(chat.state).toBe('askDuplicate');
    [reply] = await chat.send('0');
    expect(reply).toContain(id.menu.prompt);
    expect(await world.cases()).toHaveLength(1);
    const [offer] = await chat.send('1');
    expect(offer).toContain(id.resume.options[0]);
  });
});

describe('news of a finished case mid-report', () => {
  it('waits: the report goes on, and the rating stays in cek status', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1');
    expect(chat.state).toBe('askDescription');
    const ticket = await finishedCase(world, chat);
    await chat.pushed();
    await chat.send(DESCRIPTION);
    expect(chat.state).toBe('askLocation');
    await chat.say('0', '2');
    expect(chat.replies[0].text).toContain(shown(ticket));
  });
});

describe('duplicate hint by NIK', () => {
  it('finds the earlier report of the same NIK from another chat', async () => {
    const world = new World();
    const NIK = '3273014101900001';
    const named = ['halo', '1', '1', '1', DESCRIPTION, 'lewati', 'lewati', '1', 'Siti Aminah', NIK];
    const first = new Chat(world, 'citizen-phone');
    await first.say(...named, '1');
    const [earlier] = await world.cases('citizen-phone');

    // "Same" from another chat: the report lands on the earlier case of the same NIK, no new case.
    const second = new Chat(world, 'citizen-laptop');
    let [reply] = await second.say(...named, '1');
    expect(second.state).toBe('askDuplicate');
    expect(reply).toContain(shown(earlier.ticket));
    [reply] = await second.send('2');
    expect(reply.startsWith(id.notes.addedToEarlier)).toBe(true);
    expect(await world.cases('citizen-laptop')).toHaveLength(0);
    const [info] = await eventsOf(world, earlier.ticket, 'citizen-info');
    expect(info).toMatchObject({ note: DESCRIPTION, actor: 'citizen' });

    // "New" from a third chat: a case of its own, linked to the earlier one for the verifier.
    const third = new Chat(world, 'citizen-tablet');
    [reply] = await third.say(...named, '1');
    expect(reply).toContain(shown(earlier.ticket));
    [reply] = await third.send('1');
    expect(reply).toContain('Nomor tiket');
    const [linked] = await world.cases('citizen-tablet');
    expect(linked.citizenId).not.toBe(earlier.citizenId);
    expect(linked.possibleDuplicateOf).toBe(earlier.id);
    const detail = await world.app.cases.getCase(SYSTEM, linked.ticket);
    expect(detail.possibleDuplicateOf).toBe(earlier.ticket);
    expect(detail.timeline[0]).toMatchObject({ type: 'created', data: { possibleDuplicateOf: earlier.ticket } });
  });

  it('links and adds to a ticket of another chat only when the NIK matches', async () => {
    const world = new World();
    const { ticket: theirs } = await world.seedCase('stranger');
    const [other] = await world.cases('stranger');
    const NIK = '3273014101900001';
    const identityId = await world.identityOf('citizen-a');
    const ctx = world.app.ctx;
    const nik = { sealed: encryptNik(NIK, ctx.nikKeys), masked: maskNik(NIK) };
    // The stranger's case, named as if the hint had shown it: neither the link nor "same" takes it.
    const added = await inCaseTransaction(ctx, (work) => addCitizenInfo(work, identityId, { ticket: theirs, text: 'bukan milik saya', photos: [], nik }));
    expect(added).toBe(false);
    expect(await eventsOf(world, theirs, 'citizen-info')).toHaveLength(0);
    const draft = { kind: 'pengaduan' as const, categoryCode: other.categoryCode, description: DESCRIPTION, photos: [], anonymous: false, confidential: false, nik };
    const { ticket } = await inCaseTransaction(ctx, (work) => openCase(work, { identityId, draft: { ...draft, possibleDuplicateOf: theirs } }));
    expect((await caseOf(world, ticket)).possibleDuplicateOf).toBeNull();
  });
});
