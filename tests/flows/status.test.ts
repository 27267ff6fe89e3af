/** Cek status: the citizen's own recent tickets, or a typed ticket; never someone else's. */
import { describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import { Chat, World, useRuntime } from './driver.js';

useRuntime();

const shown = (ticket: string) => `${ticket.slice(0, 4)}-${ticket.slice(4)}`;

describe('cek status', () => {
  it('says so when the citizen has no reports and offers to make one', async () => {
    const world = new World();
    const chat = new Chat(world);
    let [reply] = await chat.say('halo', '2');
    expect(reply).toContain(id.status.none);
    expect(reply).toContain('1. Buat laporan');
    [reply] = await chat.send('1');
    expect(reply).toContain(id.kind.prompt);
  });

  it('lists the five most recent reports, newest first, and shows one by number', async () => {
    const world = new World();
    const tickets: string[] = [];
    for (let i = 0; i < 6; i++) tickets.push((await world.seedCase('citizen-a')).ticket);
    const chat = new Chat(world);
    let [reply] = await chat.say('halo', 'status');
    expect(reply).toContain(id.status.listTitle);
    expect(reply).toContain(`1. ${shown(tickets[5])} · Diterima, menunggu verifikasi · 1 Desember 2026`);
    expect(reply).toContain(`5. ${shown(tickets[1])}`);
    expect(reply).not.toContain(shown(tickets[0]));
    expect(reply).toContain(id.status.typeTicket);
    expect(chat.replies[0].options?.map((o) => o.key)).toEqual(['1', '2', '3', '4', '5']);

    [reply] = await chat.send('2');
    expect(reply).toContain(`Tiket: *${shown(tickets[4])}*`);
    expect(reply).toContain('Status: Diterima, menunggu verifikasi');
    expect(reply).toContain('Langkah berikutnya: verifikasi oleh petugas, paling lambat 4 Desember 2026');
    expect(reply).toContain(id.status.another);
  });

  it('finds a typed ticket in lower case, with spaces or a dash', async () => {
    const world = new World();
    const { ticket } = await world.seedCase('citizen-a');
    const chat = new Chat(world);
    await chat.say('halo', '2');
    for (const typed of [ticket.toLowerCase(), `${ticket.slice(0, 4)} ${ticket.slice(4)}`, `#${shown(ticket)}`, ` tiket ${shown(ticket).toLowerCase()} `]) {
      const [reply] = await chat.send(typed);
      expect(reply).toContain(`Tiket: *${shown(ticket)}*`);
    }
  });

  it('gives the same "not found" whether the ticket does not exist or is someone else\'s', async () => {
    const world = new World();
    const hers = (await world.seedCase('citizen-a')).ticket;
    await world.seedCase('citizen-b');
    const chat = new Chat(world, 'citizen-b');
    await chat.say('halo', '2');

    const [unknown] = await chat.send('ABCD-2345');
    expect(unknown.startsWith(id.notes.caseNotFound)).toBe(true);
    const [someoneElses] = await chat.send(shown(hers));
    expect(someoneElses).toBe(unknown);
    expect(someoneElses).not.toContain(hers);
  });

  it('looks up a typed ticket even with no reports of one\'s own, and still says not found', async () => {
    const world = new World();
    const theirs = (await world.seedCase('citizen-a')).ticket;
    const chat = new Chat(world, 'citizen-b');
    await chat.say('halo', '2');
    const [reply] = await chat.send(theirs);
    expect(reply.startsWith(id.notes.caseNotFound)).toBe(true);
    expect(reply).toContain(id.status.none);
  });

  it('hints at the ticket format for text that is not a ticket', async () => {
    const world = new World();
    await world.seedCase('citizen-a');
    const chat = new Chat(world);
    await chat.say('halo', '2');
    for (const typed of ['xyz', 'ABCD-0000', 'ABCD-23456', '9']) {
      const [reply] = await chat.send(typed);
      expect(reply.startsWith(id.hints.ticket)).toBe(true);
      expect(chat.state).toBe('status.askTicket');
      await chat.send('bantuan');
    }
  });

  it('dates a change by the local day: 00:30 WIB on 5 December is 17:30 UTC on the 4th', async () => {
    const world = new World();
    const { ticket } = await world.seedCase('citizen-a');
    const chat = new Chat(world);
    await chat.say('halo', '2');

    await world.update(ticket, { status: 'diverifikasi', updatedAt: '2026-12-04T17:30:00Z' });
    const [reply] = await chat.send(ticket);
    expect(reply).toContain('Pembaruan terakhir: 5 Desember 2026');
  });

  it('describes each status in words, with the reason of a rejection and the next due date', async () => {
    const world = new World();
    const { ticket } = await world.seedCase('citizen-a');
    const chat = new Chat(world);
    await chat.say('halo', '2');

    await world.update(ticket, { status: 'diproses', updatedAt: '2026-12-03T03:00:00Z', dueAt: '2026-12-10T09:00:00Z' });
    let [reply] = await chat.send(ticket);
    expect(reply).toContain('Status: Sedang ditindaklanjuti');
    expect(reply).toContain('Pembaruan terakhir: 3 Desember 2026');
    expect(reply).toContain('paling lambat 10 Desember 2026');

    await world.update(ticket, { status: 'ditolak', note: 'Bukan kewenangan Dinas Sosial.', dueAt: null });
    [reply] = await chat.send(ticket);
    expect(reply).toContain('Status: Ditolak');
    expect(reply).toContain('Alasan: Bukan kewenangan Dinas Sosial.');
    expect(reply).not.toContain('Langkah berikutnya');

    await world.update(ticket, { status: 'diteruskan', note: 'Diteruskan ke Bidang Linjamsos.', dueAt: '2026-12-17' });
    [reply] = await chat.send(ticket);
    expect(reply).toContain(`Status: ${id.status.words.diteruskan}`);
    expect(reply).toContain('Catatan petugas: Diteruskan ke Bidang Linjamsos.');
    expect(reply).toContain('tindak lanjut oleh dinas, paling lambat 17 Desember 2026');

    await world.update(ticket, { status: 'ditutup', note: null, dueAt: null });
    [reply] = await chat.send(ticket);
    expect(reply).toContain('Status: Ditutup');
    expect(reply).not.toContain('Langkah berikutnya');
  });

  it('finds a report just made in the same chat, in English', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('english', '1', '3', '7', 'When is the next PKH payment for our area?', 'skip', 'skip', '2', 'send');
    const [{ ticket }] = await world.cases();
    let [reply] = await chat.send('2');
    expect(reply).toContain(en.status.listTitle);
    expect(reply).toContain(`${shown(ticket)} · Received, awaiting verification · 1 December 2026`);
    [reply] = await chat.send('1');
    expect(reply).toContain('Kind: Information request · Category: Other');
    expect(reply).toContain('Next step: verification by staff, by 4 December 2026');
  });
});
