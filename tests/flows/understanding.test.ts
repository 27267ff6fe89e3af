/**
 * Flow scripts for what the understanding step lets citizens do: state their need in the first
 * message, use any intent anywhere without losing a report, be greeted and thanked in kind, write
 * in English, and come back to an unfinished report within 24 hours.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import * as t from '../../src/db/schema.js';
import { advanceClock, Chat, World, useRuntime } from './driver.js';

useRuntime();

const HOUR = 60 * 60_000;
const COMPLAINT = 'mau lapor bantuan PKH ibu saya sudah tiga bulan tidak cair';
/** What the report keeps of it: its opening ("mau lapor") off (`withoutOpening`). */
const DESCRIPTION = 'Bantuan PKH ibu saya sudah tiga bulan tidak cair';

describe('a first message that states the need', () => {
  it('"syarat kis" answers with the KIS documents at once', async () => {
    const chat = new Chat(new World());
    const [detail, next] = await chat.send('syarat kis');
    expect(detail.startsWith(id.notes.welcome)).toBe(true);
    expect(detail).toContain('*KIS / PBI-JK');
    expect(detail).toContain(`${id.services.requirements}:\n1. `);
    expect(next).toContain(id.services.next.prompt);
    expect(chat.state).toBe('persyaratan.askNext');
  });

  it('a stated complaint becomes the description, confirmed with one tap, category pre-selected, and ends with a ticket in 6 citizen messages (at most 8)', async () => {
    const world = new World();
    const chat = new Chat(world);
    let [reply] = await chat.send(COMPLAINT);
    expect(reply).toContain(`"${DESCRIPTION}"`);
    expect(reply).toContain('Kategori: Bantuan sosial');
    expect(reply).toContain('1. Ya, lanjutkan');
    expect(reply).not.toContain(id.description.pengaduan);
    [reply] = await chat.send('1');
    expect(reply).toContain(id.location.prompt);
    await chat.say('lewati', 'lewati');
    [reply] = await chat.send('2');
    expect(reply).toContain(`Uraian: ${DESCRIPTION}`);
    expect(reply).toContain('Kategori: Bantuan sosial');
    const [created] = await chat.send('1');
    expect(created).toContain('Nomor tiket');
    const [kase] = await world.cases();
    expect(kase).toMatchObject({ kind: 'pengaduan', categoryCode: 'bantuan-sosial', description: DESCRIPTION, anonymous: true });
  });

  it('without category words, confirming goes to the category list, and the description is not asked again', async () => {
    const world = new World();
    const chat = new Chat(world);
    const said = 'saya mau mengadu, pelayanan di kantor lambat sekali dan petugasnya kasar';
    let [reply] = await chat.send(said);
    expect(reply).toContain('Kategori: belum dipilih');
    [reply] = await chat.send('1');
    expect(reply).toContain(id.category.prompt);
    [reply] = await chat.send('7');
    expect(reply).toContain(id.location.prompt);
    await chat.say('lewati', 'lewati', '2', '1');
    expect((await world.cases())[0]).toMatchObject({ categoryCode: 'lainnya', description: 'Pelayanan di kantor lambat sekali dan petugasnya kasar' });
  });

  it('lets the stated description be rewritten, then asks the category', async () => {
    const chat = new Chat(new World());
    await chat.send('saya mau mengadu, pelayanan di kantor lambat sekali');
    let [reply] = await chat.send('2');
    expect(reply).toContain(id.description.pengaduan);
    [reply] = await chat.send('Pelayanan di kantor dinas lambat, saya antre dari pagi sampai sore.');
    expect(reply).toContain(id.category.prompt);
  });

  it('answers a salam in kind, then welcomes', async () => {
    const chat = new Chat(new World());
    const [reply] = await chat.send('Assalamualaikum');
    expect(reply.startsWith(`${id.notes.greetSalam}\n\n${id.notes.welcome}`)).toBe(true);
    expect(reply).toContain(id.menu.prompt);
  });

  it('answers an English first message in English', async () => {
    const chat = new Chat(new World());
    const [detail] = await chat.send('Hello, what documents do I need for KIS?');
    expect(detail.startsWith(en.notes.welcome)).toBe(true);
    expect(detail).toContain('*KIS / PBI-JK');
    expect(detail).toContain(`${en.services.requirements}:`);
  });

  it('looks up a ticket named in the first message', async () => {
    const world = new World();
    const { ticket } = await world.seedCase('citizen-a');
    const chat = new Chat(world);
    const replies = await chat.send(`status ${ticket.slice(0, 4)}-${ticket.slice(4)}`);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(`Tiket: *${ticket.slice(0, 4)}-${ticket.slice(4)}*`);
    expect(chat.state).toBe('status.askTicket');
  });
});

describe('intents honoured anywhere, the report kept', () => {
  it('"syarat pkh" in the cek status list gives PKH\'s requirements', async () => {
    const world = new World();
    await world.seedCase('citizen-a');
    const chat = new Chat(world);
    await chat.say('halo', '2');
    const [detail] = await chat.send('syarat pkh');
    expect(detail).toContain('*Program Keluarga Harapan (PKH)*');
  });

  it('"status ABCD-2345" at the description prompt checks the ticket, and lapor later offers the report back', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1');
    let [reply] = await chat.send('status ABCD-2345');
    expect(reply.startsWith(id.notes.caseNotFound)).toBe(true);
    [reply] = await chat.say('menu', 'lapor');
    expect(reply).toContain(id.resume.options[0]);
    [reply] = await chat.send('1');
    expect(reply).toContain(id.description.pengaduan);
    [reply] = await chat.say('Bantuan beras tidak dibagikan merata di RW 05.', 'lewati', 'lewati', '2');
    expect(reply).toContain('Kategori: Bantuan sosial');
  });

  it('a complaint written where the kind is asked is taken as the report, and confirmed', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    const [reply] = await chat.send('lampu jalan di gang kami mati semua sejak seminggu');
    expect(reply).toContain('"lampu jalan di gang kami mati semua sejak seminggu"');
    expect(reply).toContain('Kategori: Infrastruktur');
    expect(chat.state).toBe('askStated');
  });

  it('"petugas" at a free-text question asks for a human', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1');
    const [reply] = await chat.send('mau bicara dengan petugas');
    expect(reply).toContain(id.petugas.recorded);
    expect(await world.handoffs()).toHaveLength(1);
  });

  it('"berhenti" opts out of broadcasts, says the report is kept, and a complaint about stopped aid is not an opt-out', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.');
    const [reply] = await chat.send('berhenti');
    expect(reply.startsWith(`${id.notes.stopped}\n\n${id.notes.draftKept}`)).toBe(true);
    expect(chat.state).toBe('menu');
    const identityId = await world.identityOf(chat.citizen);
    const [identity] = await world.app.ctx.db.db.select().from(t.channelIdentities).where(eq(t.channelIdentities.id, identityId));
    expect(identity.broadcastOptOutAt).not.toBeNull();
    const [stated] = await chat.send('bantuan PKH saya berhenti sejak januari tanpa alasan');
    expect(stated).toContain(id.stated.prompt('x', 'y', null).split('\n\n')[0]);
  });

  it('a request about one\'s personal data is answered in the chat, not handed to staff', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const [erase] = await chat.send('tolong hapus data saya');
    expect(erase).toContain(id.privacy.erase.prompt);
    expect(chat.state).toBe('eraseData');
    const [shown] = await chat.send('saya mau lihat data pribadi yang disimpan');
    expect(shown).toContain(id.privacy.held.title);
    expect(chat.state).toBe('myData');
    expect(await world.handoffs()).toHaveLength(0);
  });
});

describe('cancelling in other words', () => {
  it('"gak jadi" at the location question cancels, is not stored as the address, and the report is offered back', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.');
    let [reply] = await chat.send('gak jadi');
    expect(reply.startsWith(`${id.notes.cancelled}\n\n${id.notes.draftKept}`)).toBe(true);
    expect(chat.state).toBe('menu');
    expect(JSON.stringify(chat.snapshot)).not.toContain('gak jadi');
    [reply] = await chat.send('lapor');
    expect(reply).toContain(id.resume.prompt('Bantuan beras tidak dibagikan merata di RW 05.'));
    [reply] = await chat.send('1');
    expect(reply).toContain(id.location.prompt);
    [reply] = await chat.say('Jl. Sukajadi no 12', 'lewati', '2');
    expect(reply).toContain('Lokasi: Jl. Sukajadi no 12');
    await chat.send('1');
    expect((await world.cases())[0]).toMatchObject({ location: { address: 'Jl. Sukajadi no 12' } });
  });

  it('honours "tidak jadi lapor", "ga jadi deh" and "cancel" at choice and free-text questions alike', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    for (const [path, cancel, question] of [
      [['1'], 'ga jadi deh', 'askKind'],
      [['1', '1', '1'], 'tidak jadi lapor', 'askDescription'],
      [['1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.', 'lewati', 'lewati', '1'], 'cancel', 'askName'],
      [['2'], 'gak jadi', 'status.noCases'],
    ] as const) {
      await chat.say(...path);
      expect(chat.state).toBe(question);
      const [reply] = await chat.send(cancel);
      expect(reply.startsWith(id.notes.cancelled)).toBe(true);
      expect(chat.state).toBe('menu');
      // Start each path afresh rather than from the report just kept.
      if (reply.includes(id.notes.draftKept)) await chat.say('1', '2', 'menu');
    }
  });

  it('keeps a description that merely contains such words: "bantuan tidak jadi cair" is the report', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1');
    let [reply] = await chat.send('bantuan tidak jadi cair');
    expect(reply).toContain(id.location.prompt);
    [reply] = await chat.say('lewati', 'lewati', '2');
    expect(reply).toContain('Uraian: bantuan tidak jadi cair');
  });
});

describe('greetings, thanks and goodbyes', () => {
  it('answers selamat siang, sore and malam in kind, first or later, in either language', async () => {
    let [reply] = await new Chat(new World()).send('Selamat siang');
    expect(reply.startsWith(`${id.notes.greetSiang}\n\n${id.notes.welcome}`)).toBe(true);
    [reply] = await new Chat(new World()).send('Good evening');
    expect(reply.startsWith(`${en.notes.greetMalam}\n\n${en.notes.welcome}`)).toBe(true);

    const chat = new Chat(new World());
    await chat.say('halo', '1');
    [reply] = await chat.send('selamat sore pak');
    expect(reply.startsWith(id.notes.greetSore)).toBe(true);
    expect(reply).toContain(id.kind.prompt);
    await chat.send('menu');
    [reply] = await chat.send('met malam kak');
    expect(reply.startsWith(`${id.notes.greetMalam}\n\n${id.menu.prompt}`)).toBe(true);
  });

  it('answers a greeting mid-report in kind and asks the question again', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    const [reply] = await chat.send('selamat pagi');
    expect(reply.startsWith(id.notes.greetPagi)).toBe(true);
    expect(reply).toContain(id.kind.prompt);
  });

  it('answers the greeting in front of a request made mid-conversation', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    const [reply] = await chat.send('Assalamualaikum, mau tanya syarat pkh');
    expect(reply.startsWith(id.notes.greetSalam)).toBe(true);
    expect(reply).toContain('*Program Keluarga Harapan (PKH)*');
  });

  it('answers thanks after a ticket briefly, and a goodbye', async () => {
    const chat = new Chat(new World());
    await chat.say(COMPLAINT, '1', 'lewati', 'lewati', '2', '1');
    expect(await chat.send('terima kasih')).toEqual([id.notes.thanks]);
    expect(await chat.send('dadah')).toEqual([id.notes.goodbye]);
  });

  it('says the report waits when thanked in the middle of it', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.');
    const [reply] = await chat.send('makasih kak');
    expect(reply.startsWith(`${id.notes.thanks}\n\n${id.notes.draftWaits}`)).toBe(true);
    expect(reply).toContain(id.location.prompt);
  });
});

describe('help from words of confusion', () => {
  it('"bingung" as the first message welcomes with the help', async () => {
    const [reply] = await new Chat(new World()).send('bingung');
    expect(reply.startsWith(id.notes.welcome)).toBe(true);
    expect(reply).toContain(id.notes.help);
    expect(reply).toContain(id.menu.prompt);
  });

  it('"gimana caranya" at a choice, and "tolong bantu saya" or "saya bingung" at free-text questions, give the help and ask again', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    let [reply] = await chat.send('gimana caranya');
    expect(reply.startsWith(`${id.notes.help}\n\n`)).toBe(true);
    expect(reply).toContain(id.kind.prompt);
    await chat.say('1', '1');
    [reply] = await chat.send('saya bingung');
    expect(reply.startsWith(`${id.notes.help}\n\n`)).toBe(true);
    expect(reply).not.toContain(id.notes.descriptionTooShort);
    expect(chat.state).toBe('askDescription');
    await chat.send('Bantuan beras tidak dibagikan merata di RW 05.');
    [reply] = await chat.send('tolong bantu saya');
    expect(reply.startsWith(`${id.notes.help}\n\n`)).toBe(true);
    expect(reply).toContain(id.location.prompt);
    [reply] = await chat.say('lewati', 'lewati', '2');
    expect(reply).not.toContain('tolong bantu');
  });
});

describe('coming back to an unfinished report', () => {
  it('offers it within 24 hours, and not after', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.', 'menu');
    advanceClock(2 * HOUR);
    let [reply] = await chat.send('1');
    expect(reply).toContain(id.resume.prompt('Bantuan beras tidak dibagikan merata di RW 05.'));
    [reply] = await chat.send('1');
    expect(reply).toContain(id.location.prompt);

    await chat.send('menu');
    advanceClock(25 * HOUR);
    [reply] = await chat.send('1');
    expect(reply).toContain(id.kind.prompt);
    expect(reply).not.toContain(id.resume.options[0]);
  });
});

describe('a report survives the session ending', () => {
  it('offers the report back after the chat was idle mid-report', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.');
    await chat.idle();
    let [reply] = await chat.send('halo');
    expect(reply.startsWith(`${id.notes.restartIdle}\n\n${id.notes.draftKept}`)).toBe(true);
    [reply] = await chat.send('lapor');
    expect(reply).toContain(id.resume.prompt('Bantuan beras tidak dibagikan merata di RW 05.'));
    [reply] = await chat.send('1');
    expect(reply).toContain(id.location.prompt);
  });
});

describe('a NIK within words', () => {
  it('takes "NIK saya …" as the NIK, stored masked', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.', 'lewati', 'lewati', '1', 'Siti');
    const [summary] = await chat.send('NIK saya 3273 0141 0190 0001');
    expect(summary).toContain('NIK: 3273••••••••0001');
    expect(JSON.stringify(chat.snapshot)).not.toContain('3273014101900001');
  });
});

describe('after an update of the service', () => {
  it('still offers the report being written', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.');
    await chat.outdated();
    let [reply] = await chat.send('halo');
    expect(reply.startsWith(`${id.notes.restartUpgrade}\n\n${id.notes.draftKept}`)).toBe(true);
    [reply] = await chat.send('1');
    expect(reply).toContain(id.resume.options[0]);
  });
});

describe('a service named with a typo', () => {
  it('"syarat pkj" searches the catalogue for what is left, and finds PKH', async () => {
    const chat = new Chat(new World());
    const [detail] = await chat.send('syarat pkj');
    expect(detail).toContain('*Program Keluarga Harapan (PKH)*');
  });
});
