/**
 * Live chats through the real runtime, as scripts of citizen messages in and replies out (see
 * tests/flows/driver.ts), with staff acting through the live-chat service: the queue and its
 * scope, one officer per chat, the bot's silence while an officer holds the chat, the officer's
 * messages through the outbox, the hand back, the clocks, and what a citizen is told out of hours.
 */
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { id } from '../../flows/copy/id.js';
import { openCase } from '../../src/cases/cases.js';
import type { Actor } from '../../src/cases/events.js';
import { inCaseTransaction } from '../../src/cases/lifecycle.js';
import { ingest } from '../../src/conversation/ingest.js';
import { processConversation } from '../../src/conversation/runtime.js';
import * as t from '../../src/db/schema.js';
import { handBack, listLivechats, livechatTranscript, LivechatNotFound, LivechatRefused, sendAsOfficer, takeLivechat } from '../../src/livechat/service.js';
import { fireLivechatTimer, rebuildLivechatTimers } from '../../src/livechat/timers.js';
import { advanceClock, catalogue, Chat, photo, useRuntime, World } from '../flows/driver.js';

useRuntime();

let staffCount = 0;

/** A staff member of the dinas with this catalogue code (null: an admin over every dinas). */
async function staffOf(world: World, dinasCode: string | null, role: 'admin' | 'verifikator' | 'petugas' | 'pimpinan' = 'petugas'): Promise<Actor> {
  const { db } = world.app.ctx.db;
  const [desk] = dinasCode ? await db.select().from(t.dinas).where(eq(t.dinas.code, dinasCode)) : [null];
  const [row] = await db
    .insert(t.staff)
    .values({ name: `Petugas ${++staffCount}`, email: `livechat-${staffCount}@example.go.id`, role, dinasId: desk?.id ?? null })
    .returning();
  return { kind: 'staff', staffId: row.id, role, dinasId: row.dinasId, unitId: null, regionPrefix: null };
}

/** The open request of the citizen's chat, as the queue of an officer who sees every dinas shows it. */
async function requestOf(world: World, chat: Chat) {
  const identityId = await world.identityOf(chat.citizen);
  const [row] = await world.app.ctx.db.db
    .select()
    .from(t.handoffRequests)
    .where(eq(t.handoffRequests.identityId, identityId))
    .orderBy(asc(t.handoffRequests.id));
  return row;
}

async function outboxTexts(world: World, chat: Chat): Promise<string[]> {
  const identityId = await world.identityOf(chat.citizen);
  const rows = await world.app.ctx.db.db.select().from(t.outbox).where(eq(t.outbox.identityId, identityId)).orderBy(asc(t.outbox.id));
  return rows.map((row) => (row.payload.kind === 'text' ? row.payload.text : ''));
}

const dinsos = catalogue.dinas[0].code;
const disdik = catalogue.dinas[1].code;

/** A citizen who asked for petugas, and the Dinas Sosial officer who took the chat. */
async function takenChat() {
  const world = new World();
  const chat = new Chat(world);
  const officer = await staffOf(world, dinsos);
  await chat.say('halo', 'petugas');
  const request = await requestOf(world, chat);
  await takeLivechat(world.app.ctx, officer, request.id);
  return { world, chat, officer, request };
}

describe('the queue', () => {
  it('puts a citizen who asks for petugas in the default triage dinas queue, once, with the waiting time', async () => {
    const world = new World();
    const chat = new Chat(world);
    const officer = await staffOf(world, dinsos);
    const other = await staffOf(world, disdik);
    await chat.say('halo', 'petugas');
    advanceClock(90_000);
    // Asking again keeps the place in the queue: the answer is repeated, no second request.
    const [again] = await chat.send('petugas');
    expect(again).toContain(id.petugas.recorded);
    const request = await requestOf(world, chat);
    const queue = await listLivechats(world.app.ctx, officer);
    const mine = queue.filter((item) => item.id === request.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].takenBy).toBeNull();
    expect(mine[0].waitingMs).toBeGreaterThanOrEqual(90_000);
    expect(mine[0].citizenMessages).toBe(2);
    expect((await listLivechats(world.app.ctx, other)).some((item) => item.id === request.id)).toBe(false);
    await expect(livechatTranscript(world.app.ctx, other, request.id)).rejects.toBeInstanceOf(LivechatNotFound);
    await expect(takeLivechat(world.app.ctx, other, request.id)).rejects.toBeInstanceOf(LivechatNotFound);
  });

  it("belongs to the dinas of the citizen's latest case", async () => {
    const world = new World();
    const chat = new Chat(world);
    // An earlier report about education, routed to Dinas Pendidikan.
    await chat.send('halo');
    const identityId = await world.identityOf(chat.citizen);
    await inCaseTransaction(world.app.ctx, (work) =>
      openCase(work, {
        identityId,
        draft: { kind: 'pengaduan', categoryCode: 'pendidikan', description: 'Pungutan sekolah tanpa dasar yang jelas.', photos: [], anonymous: false, confidential: false },
      }),
    );
    expect((await world.cases(chat.citizen))[0].dinasCode).toBe(disdik);
    await chat.say('menu', 'petugas');
    const request = await requestOf(world, chat);
    const officer = await staffOf(world, disdik);
    expect((await listLivechats(world.app.ctx, officer)).map((item) => item.id)).toContain(request.id);
    expect((await listLivechats(world.app.ctx, await staffOf(world, dinsos))).map((item) => item.id)).not.toContain(request.id);
  });

  it('keeps a waiting citizen in the queue past the conversation idle limit', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', 'petugas');
    await chat.idle();
    const [reply] = await chat.send('Masih menunggu petugas, Pak.');
    expect(reply).not.toContain(id.notes.restartIdle);
    expect(reply).toContain(id.petugas.forwarded);
    expect(chat.state).toBe('petugas');
    expect((await requestOf(world, chat)).resolvedAt).toBeNull();
  });

  it('lets the citizen withdraw a request nobody took by leaving the petugas flow', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', 'petugas');
    const [menu] = await chat.send('menu');
    expect(menu).toContain(id.menu.prompt);
    const request = await requestOf(world, chat);
    expect(request.resolution).toBe('withdrawn');
    expect((await listLivechats(world.app.ctx, await staffOf(world, null, 'admin'))).map((item) => item.id)).not.toContain(request.id);
  });
});

describe('an officer in the chat', () => {
  it('takes the chat, the bot stays quiet, messages go both ways in order, and the hand back brings the bot back at the menu', async () => {
    const world = new World();
    const chat = new Chat(world);
    const officer = await staffOf(world, dinsos);
    await chat.say('halo', 'petugas');
    const request = await requestOf(world, chat);

    const taken = await takeLivechat(world.app.ctx, officer, request.id);
    expect(taken.takenBy?.id).toBe(officer.kind === 'staff' ? officer.staffId : null);
    expect(await chat.pushed()).toEqual([id.petugas.joined]);

    // While taken, nothing the citizen sends steps the machine, global words included.
    expect(await chat.send('Bantuan PKH saya belum cair sejak Agustus.')).toEqual([]);
    expect(await chat.send('menu')).toEqual([]);
    expect(await chat.send(photo('kk-foto'))).toEqual([]);
    expect(chat.state).toBe('petugas');
    const stored = await chat.stored();
    expect(stored.slice(-3).every((m) => m.processedAt !== null)).toBe(true);

    await sendAsOfficer(world.app.ctx, officer, request.id, 'Selamat siang, kami cek dulu datanya.', 'key-1');
    // The page retried the same send: written once.
    await sendAsOfficer(world.app.ctx, officer, request.id, 'Selamat siang, kami cek dulu datanya.', 'key-1');
    await sendAsOfficer(world.app.ctx, officer, request.id, 'Datanya sudah kami teruskan.', 'key-2');
    expect(await chat.pushed()).toEqual(['Selamat siang, kami cek dulu datanya.', 'Datanya sudah kami teruskan.']);

    const { entries } = await livechatTranscript(world.app.ctx, officer, request.id);
    const lines = entries.map((e) => [e.from, e.kind, e.text]);
    expect(lines[0]).toEqual(['citizen', 'text', 'petugas']);
    expect(lines.slice(-6)).toEqual([
      ['bot', 'text', id.petugas.joined],
      ['citizen', 'text', 'Bantuan PKH saya belum cair sejak Agustus.'],
      ['citizen', 'text', 'menu'],
      ['citizen', 'photo', null],
      ['officer', 'text', 'Selamat siang, kami cek dulu datanya.'],
      ['officer', 'text', 'Datanya sudah kami teruskan.'],
    ]);
    // The photo the citizen sent the officer is kept like a report's.
    const kept = await world.app.ctx.db.db.select().from(t.media).where(eq(t.media.platformRef, 'kk-foto'));
    expect(kept).toHaveLength(1);

    await handBack(world.app.ctx, officer, request.id);
    const [back] = await chat.pushed();
    expect(back.startsWith(id.notes.handedBack)).toBe(true);
    expect(back).toContain(id.menu.prompt);
    expect((await requestOf(world, chat)).resolution).toBe('handed-back');
    // The bot answers again, from the menu.
    const [status] = await chat.send('2');
    expect(chat.state).not.toBe('petugas');
    expect(status).not.toEqual('');
    await expect(sendAsOfficer(world.app.ctx, officer, request.id, 'Masih di sana?', 'key-3')).rejects.toBeInstanceOf(LivechatNotFound);
  });

  it('lets one officer take a chat when two take it at once, and only the taker write or hand back', async () => {
    const world = new World();
    const chat = new Chat(world);
    const first = await staffOf(world, dinsos);
    const second = await staffOf(world, dinsos, 'verifikator');
    await chat.say('halo', 'petugas');
    const request = await requestOf(world, chat);
    const results = await Promise.allSettled([takeLivechat(world.app.ctx, first, request.id), takeLivechat(world.app.ctx, second, request.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(LivechatRefused);
    expect((refused.reason as LivechatRefused).reason).toBe('taken');
    // The citizen was told once that a person joined.
    expect((await chat.pushed()).filter((text) => text === id.petugas.joined)).toHaveLength(1);

    const winner = (await requestOf(world, chat)).takenByStaffId;
    const loser = winner === (first.kind === 'staff' && first.staffId) ? second : first;
    await expect(sendAsOfficer(world.app.ctx, loser, request.id, 'Halo', 'x')).rejects.toMatchObject({ reason: 'not-taker' });
    await expect(handBack(world.app.ctx, loser, request.id)).rejects.toMatchObject({ reason: 'not-taker' });
    await expect(takeLivechat(world.app.ctx, await staffOf(world, dinsos, 'pimpinan'), request.id)).rejects.toMatchObject({ reason: 'read-only' });
  });

  it('keeps the rating a status push asked for while the officer held the chat, for after the hand back', async () => {
    const { world, chat, officer, request } = await takenChat();
    // Meanwhile staff finish one of the citizen's cases; its push asks for a rating.
    const { ticket } = await world.seedCase(chat.citizen);
    const { db } = world.app.ctx.db;
    const [kase] = await db.select().from(t.cases).where(eq(t.cases.ticket, ticket));
    const [unit] = await db.select().from(t.units).where(eq(t.units.dinasId, kase.dinasId)).limit(1);
    advanceClock(60_000);
    await world.app.cases.assign({ kind: 'system' }, ticket, { unitId: unit.id });
    for (const status of ['diverifikasi', 'diteruskan', 'diproses', 'selesai'] as const) await world.app.cases.transition({ kind: 'system' }, ticket, status);
    expect((await chat.pushed()).at(-1)).toContain(id.rating.asked);
    await handBack(world.app.ctx, officer, request.id);
    await chat.pushed();
    const [reply] = await chat.send('5');
    expect(reply).toContain(id.rating.comment);
  });

  it('sets a message that keeps failing in a taken chat aside without the bot apologising or starting over', async () => {
    const { world, chat, officer, request } = await takenChat();
    await chat.pushed();
    const { ctx } = world.app;
    await ingest(ctx, { channel: 'web', chatId: world.chatId(chat.citizen), externalId: `poison-${request.id}`, content: { kind: 'text', text: 'Pesan yang gagal' }, sentAt: new Date() });
    const identityId = await world.identityOf(chat.citizen);
    const outcome = await processConversation(ctx, identityId, { giveUpOnFirst: { error: new Error('keeps failing'), attempts: 3 } });
    expect(outcome).toMatchObject({ processed: 1, gaveUp: { channel: 'web' } });
    expect(await chat.pushed()).toEqual([]);
    const [conversation] = await ctx.db.db.select().from(t.conversations).where(eq(t.conversations.identityId, identityId));
    expect((conversation.snapshot as { value: unknown }).value).toBe('petugas');
    const [failed] = (await chat.stored()).slice(-1);
    expect([failed.body, failed.error]).toEqual(['Pesan yang gagal', 'gave up after repeated failures']);
  });
});

describe('the clocks', () => {
  it('reminds staff of a request nobody took, once, after the remind time', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', 'petugas');
    const request = await requestOf(world, chat);
    const { remindMs } = world.app.ctx.livechat;
    expect(await fireLivechatTimer(world.app.ctx, request.id)).toBeNull();
    advanceClock(remindMs);
    // The relay's round finds it from Postgres alone, with no job in Redis.
    expect((await rebuildLivechatTimers(world.app.ctx)).fired).toBeGreaterThanOrEqual(1);
    expect((await requestOf(world, chat)).remindedAt).not.toBeNull();
    expect(await fireLivechatTimer(world.app.ctx, request.id)).toBeNull();
    const queue = await listLivechats(world.app.ctx, await staffOf(world, dinsos));
    expect(queue.find((item) => item.id === request.id)?.reminded).toBe(true);
  });

  it('returns a chat the officer took but never answered, and one gone idle, to the queue', async () => {
    const { world, chat, officer, request } = await takenChat();
    const { remindMs, idleMs } = world.app.ctx.livechat;
    // The citizen writing does not buy an officer who never answers more time.
    await chat.send('Halo pak?');
    advanceClock(remindMs);
    expect(await fireLivechatTimer(world.app.ctx, request.id)).toBe('returned');
    let row = await requestOf(world, chat);
    expect([row.takenByStaffId, row.returns]).toEqual([null, 1]);
    // Back in the queue the bot is heard again: the chat still waits for staff.
    const [waiting] = await chat.send('Masih menunggu');
    expect(waiting).toContain(id.petugas.forwarded);

    await takeLivechat(world.app.ctx, officer, request.id);
    await sendAsOfficer(world.app.ctx, officer, request.id, 'Ada yang bisa kami bantu?', 'idle-1');
    advanceClock(idleMs - 10_000);
    await chat.send('Ya, soal PKH.');
    advanceClock(idleMs - 10_000);
    // A message a moment ago keeps the chat alive.
    expect(await fireLivechatTimer(world.app.ctx, request.id)).toBeNull();
    advanceClock(20_000);
    expect(await fireLivechatTimer(world.app.ctx, request.id)).toBe('returned');
    row = await requestOf(world, chat);
    expect([row.takenByStaffId, row.returns]).toEqual([null, 2]);
  });
});

describe('outside staff hours', () => {
  it('tells the citizen when someone will answer', async () => {
    const world = new World();
    const { db } = world.app.ctx.db;
    const desk = catalogue.dinas[0];
    // The test clock reads Tuesday 09:00 WIB; these hours start at 16:00.
    await db
      .update(t.dinas)
      .set({ staffAvailability: { ...desk.staffAvailability, from: '16:00', to: '17:00' } })
      .where(eq(t.dinas.code, desk.code));
    const chat = new Chat(world);
    const [reply] = await chat.say('halo', 'petugas');
    expect(reply).toContain(id.petugas.answerFrom('Selasa, 1 Desember 2026', '16.00', desk.hours.id));
  });

  it('skips holidays: staff are not there on the day off', async () => {
    const world = new World();
    const { db } = world.app.ctx.db;
    await db.insert(t.holidays).values({ day: '2026-12-01', name: 'Libur uji', kind: 'local' }).onConflictDoNothing();
    try {
      const chat = new Chat(world);
      const [reply] = await chat.say('halo', 'petugas');
      expect(reply).toContain(id.petugas.answerFrom('Rabu, 2 Desember 2026', '08.00', catalogue.dinas[0].hours.id));
    } finally {
      await db.delete(t.holidays).where(and(eq(t.holidays.day, '2026-12-01'), eq(t.holidays.kind, 'local')));
    }
  });
});
