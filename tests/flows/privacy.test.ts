/**
 * The citizen's rights over their data in the chat (UU 27/2022): the short privacy notice under a
 * chat's first reply (once) and the full notice page it links to; *data saya* lists what is held,
 * masked, from anywhere in the conversation; *hapus data saya* asks first, and erases or keeps
 * everything as answered. Each look and each erasure is an audit-log row without personal data.
 */
import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import * as t from '../../src/db/schema.js';
import { ERASED_DESCRIPTION } from '../../src/privacy/erase.js';
import { Chat, World, useRuntime } from './driver.js';

useRuntime();

/** Each report's own NIK: two chats giving the same NIK within 7 days would meet the duplicate hint. */
let reports = 0;
const nik = () => `327301410190${String(++reports).padStart(4, '0')}`;
const NAME = 'Siti Aminah';
const DESCRIPTION = 'Bantuan PKH ibu saya belum cair sejak tiga bulan lalu.';
const shown = (ticket: string) => `${ticket.slice(0, 4)}-${ticket.slice(4)}`;

/** A report with the citizen's name and NIK, from the first message to its ticket. */
async function report(chat: Chat, world: World): Promise<{ ticket: string; nik: string }> {
  const given = nik();
  await chat.say('halo', '1', '1', '1', DESCRIPTION, 'Jl. Kenanga 17, RT 03', 'lewati', '1', NAME, given, '1');
  const cases = await world.cases(chat.citizen);
  return { ticket: cases.at(-1)!.ticket, nik: given };
}

async function auditRows(world: World, action: string) {
  return world.app.ctx.db.db.select().from(t.auditLog).where(eq(t.auditLog.action, action));
}

describe('the privacy notice', () => {
  it('comes under the first reply of a chat, once, and is recorded', async () => {
    const world = new World();
    const chat = new Chat(world);
    const base = world.app.ctx.publicUrl;
    const [first, ...rest] = await chat.send('halo');
    expect(rest).toEqual([]);
    expect(first.startsWith(id.notes.welcome)).toBe(true);
    expect(first.endsWith(`\n\n${id.privacy.notice(base)}`)).toBe(true);
    expect(first).toContain(`${base}/privasi`);
    expect(chat.replies[0].options?.map((o) => o.key)).toEqual(['1', '2', '3', '4', '5']);

    const [second] = await chat.send('3');
    expect(second).not.toContain(id.privacy.notice(base));
    const [identity] = await world.app.ctx.db.db
      .select()
      .from(t.channelIdentities)
      .where(eq(t.channelIdentities.id, await world.identityOf(chat.citizen)));
    expect(identity.privacyNoticeAt).not.toBeNull();

    // A session that starts over later is not the chat's first contact.
    await chat.idle();
    const [again] = await chat.send('halo');
    expect(again.startsWith(id.notes.restartIdle)).toBe(true);
    expect(again).not.toContain(id.privacy.notice(base));
  });

  it('is in English for a chat that starts in English', async () => {
    const world = new World();
    const chat = new Chat(world);
    const [first] = await chat.send('hello, I need to check my report status please');
    expect(first).toContain(en.privacy.notice(world.app.ctx.publicUrl));
    expect(first).toContain(`${world.app.ctx.publicUrl}/privacy`);
  });

  it('links to a full notice page in both languages: controller, purposes, retention, rights, contact', async () => {
    const world = new World();
    const page = await fetch(`${world.app.url}/privasi`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<html lang="id">');
    expect(html).toContain(id.privacy.page.controller('x').split('*')[0]);
    expect(html).toContain('<strong>Dinas Sosial Kota Bandung (demo)</strong>');
    expect(html).toContain('Dinas Pendidikan Kota Bandung (demo)');
    expect(html).toContain(id.privacy.page.purposesTitle);
    expect(html).toContain('Isi pesan chat: 180 hari.');
    expect(html).toContain('Foto: 1 tahun.');
    expect(html).toContain('30 hari');
    expect(html).toContain('2 tahun setelah ditutup');
    expect(html).toContain('<strong>data saya</strong>');
    expect(html).toContain('<strong>hapus data saya</strong>');
    expect(html).toContain('Senin–Jumat, 08.00–15.00 WIB');
    expect(html).toContain('href="/privacy"');

    const english = await (await fetch(`${world.app.url}/privacy`)).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain(en.privacy.page.title);
    expect(english).toContain('Chat message texts: 180 days.');
    expect(english).toContain('<strong>delete my data</strong>');
    expect(english).toContain('Monday–Friday, 08:00–15:00 WIB');
  });
});

describe('data saya', () => {
  it('lists the chat, the name, the NIK masked to its last four digits, the tickets and what is stored', async () => {
    const world = new World();
    const chat = new Chat(world);
    const { ticket, nik: given } = await report(chat, world);
    const [reply, ...rest] = await chat.send('data saya');
    expect(rest).toEqual([]);
    expect(reply.startsWith(id.privacy.held.title)).toBe(true);
    expect(reply).toContain('• Chat: Web chat');
    expect(reply).toContain(`• Nama: ${NAME}`);
    expect(reply).toContain(`• NIK: ••••••••••••${given.slice(-4)}`);
    expect(reply).not.toContain('3273');
    expect(reply).toContain(`• Laporan: ${shown(ticket)} (${id.status.words.baru})`);
    expect(reply).toMatch(/• Pesan tersimpan: 1[0-9]\n/);
    expect(reply).toContain('• Foto tersimpan: 0');
    expect(reply).toContain(id.privacy.held.howToErase);
    expect(reply).toContain(`1. ${id.privacy.eraseOption}`);
    expect(chat.state).toBe('myData');

    // The look is audited: who (the chat's identity), what, when; nothing of what was shown.
    const identityId = await world.identityOf(chat.citizen);
    const rows = (await auditRows(world, 'citizen.data.view')).filter((row) => row.details?.identityId === identityId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ staffId: null, ticket: null, details: { identityId, cases: 1 } });
    expect(JSON.stringify(rows[0])).not.toContain(NAME);
  });

  it('shows a masked phone number when the platform gave one, and works in English', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('english');
    await world.app.ctx.db.db
      .update(t.channelIdentities)
      .set({ phone: '+62 812-3456-7890' })
      .where(eq(t.channelIdentities.id, await world.identityOf(chat.citizen)));
    const [reply] = await chat.send('show my data please');
    expect(reply.startsWith(en.privacy.held.title)).toBe(true);
    expect(reply).toContain('• Chats: Web chat (number •••••••••7890)');
    expect(reply).toContain('• Name: -');
    expect(reply).toContain('• Reports: -');
    expect(reply).not.toContain('3456');
  });

  it('works in the middle of a report, and the report is kept', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1', DESCRIPTION);
    expect(chat.state).toBe('askLocation');
    const [reply] = await chat.send('lihat data saya');
    expect(reply).toContain(id.privacy.held.title);
    await chat.send('0');
    const [offer] = await chat.send('lapor');
    expect(offer).toContain(id.resume.prompt(DESCRIPTION).split('\n\n')[0]);
    expect(offer).toContain(DESCRIPTION);
  });
});

describe('hapus data saya', () => {
  it('asks first; yes erases the person, the chat starts afresh and cek status finds nothing', async () => {
    const world = new World();
    const chat = new Chat(world);
    const { ticket } = await report(chat, world);

    const [question] = await chat.send('hapus data saya');
    expect(question).toContain(id.privacy.erase.prompt);
    expect(question).toContain(`1. ${id.privacy.erase.options[0]}\n2. ${id.privacy.erase.options[1]}`);
    expect(chat.state).toBe('eraseData');

    const [done, ...rest] = await chat.send('ya');
    expect(rest).toEqual([]);
    expect(done).toBe(id.privacy.erase.done);
    expect(chat.state).toBe('start');
    expect(JSON.stringify(chat.snapshot)).not.toContain(NAME);

    // The case stays for statistics, without anything personal, and no longer this chat's.
    expect(await world.cases(chat.citizen)).toEqual([]);
    const [kase] = await world.app.ctx.db.db.select().from(t.cases).where(eq(t.cases.ticket, ticket));
    expect(kase).toMatchObject({ description: ERASED_DESCRIPTION, reporterName: null, location: null, photos: [], categoryCode: 'bantuan-sosial', regionCode: '327301' });
    expect(kase.erasedAt).not.toBeNull();
    expect(await world.citizen(chat.citizen)).toBeNull();
    expect((await chat.stored()).every((message) => message.body === null && message.payload === null)).toBe(true);

    const [afresh] = await chat.send('cek status');
    expect(afresh.startsWith(id.notes.welcome)).toBe(true);
    expect(afresh).toContain(id.status.none);
    const [typed] = await chat.send(`status ${shown(ticket)}`);
    expect(typed).toContain(id.notes.caseNotFound);

    const identityId = await world.identityOf(chat.citizen);
    const rows = (await auditRows(world, 'citizen.data.erase')).filter((row) => row.details?.identityId === identityId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ staffId: null, ticket: null, details: { identityId, cases: 1, chats: 1 } });
  });

  it('is reached from the data saya list too', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', 'data saya');
    const [question] = await chat.send('1');
    expect(question).toContain(id.privacy.erase.prompt);
    expect(chat.state).toBe('eraseData');
  });

  it('no keeps everything, the report being written too', async () => {
    const world = new World();
    const chat = new Chat(world);
    const { ticket } = await report(chat, world);
    await chat.say('1', '1', '1', DESCRIPTION);
    await chat.send('hapus data saya');
    const [kept] = await chat.send('tidak');
    expect(kept.startsWith(`${id.notes.eraseCancelled}\n\n${id.notes.draftKept}`)).toBe(true);
    expect(kept).toContain(id.menu.prompt);
    expect(chat.state).toBe('menu');
    expect((await world.cases(chat.citizen)).map((c) => c.ticket)).toEqual([ticket]);
    expect(await world.citizen(chat.citizen)).toMatchObject({ name: NAME });
    const [offer] = await chat.send('lapor');
    expect(offer).toContain(DESCRIPTION);

    const identityId = await world.identityOf(chat.citizen);
    expect((await auditRows(world, 'citizen.data.erase')).filter((row) => row.details?.identityId === identityId)).toEqual([]);
  });

  it('cancel (or batal) keeps it as well, in English too, and a slip asks again', async () => {
    const world = new World();
    const chat = new Chat(world);
    await report(chat, world);
    const [question] = await chat.send('delete my data');
    expect(question).toContain(en.privacy.erase.prompt);
    const [slip] = await chat.send('mungkin');
    expect(slip).toContain(en.hints.choice);
    expect(slip).toContain(en.privacy.erase.prompt);
    const [cancelled] = await chat.send('cancel');
    expect(cancelled.startsWith(en.notes.eraseCancelled)).toBe(true);
    expect(await world.cases(chat.citizen)).toHaveLength(1);
    const stored = await world.app.ctx.db.db
      .select()
      .from(t.messages)
      .where(and(eq(t.messages.identityId, await world.identityOf(chat.citizen)), like(t.messages.body, `%${DESCRIPTION.slice(0, 20)}%`)));
    expect(stored).toHaveLength(1);
  });
});
