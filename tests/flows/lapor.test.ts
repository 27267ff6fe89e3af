/** Lapor: kind → category → description → location → photos → identity → summary → ticket. */
import { describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import { decryptNik, hashNik } from '../../src/pii/nik.js';
import { Chat, World, nikKeys, photo, pin, sendLong, useRuntime } from './driver.js';

useRuntime();

const DESCRIPTION = 'Bantuan PKH keluarga kami tidak cair sejak Agustus, padahal masih terdaftar.';
const NIK = '3273014101900001';

/** From a new chat to the identity question, with a given description. */
async function upToIdentity(chat: Chat, description = DESCRIPTION) {
  await chat.say('halo', '1', '1', '1', description, 'lewati', 'lewati');
  expect(chat.state).toBe('askIdentity');
}


describe('a complete report', () => {
  it('goes from menu to ticket, with location pin, photos, name and NIK', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');

    let [reply] = await chat.send('1');
    expect(reply).toContain(id.kind.prompt);
    expect(reply).toContain('3. Permintaan informasi');
    expect(reply.endsWith(id.footer.back)).toBe(true);

    [reply] = await chat.send('1');
    expect(reply).toContain(id.category.prompt);
    expect(reply).toContain('1. Bantuan sosial');
    expect(reply).toContain('7. Lainnya');

    [reply] = await chat.send('1');
    expect(reply).toContain(id.description.pengaduan);

    [reply] = await chat.send(DESCRIPTION);
    expect(reply).toContain(id.location.prompt);
    expect(chat.replies[0].options).toEqual([{ key: 'lewati', label: 'Lewati' }]);

    [reply] = await chat.send(pin(-6.9175, 107.6191));
    expect(reply).toContain(id.photos.prompt);

    expect(await chat.send(photo('media-1'))).toEqual([`${id.photos.received(1, 3)} ${id.photos.more}`]);
    expect(await chat.send(photo('media-2'))).toEqual([`${id.photos.received(2, 3)} ${id.photos.more}`]);
    expect(await chat.send(photo('media-3'))).toEqual([`${id.photos.received(3, 3)} ${id.photos.full}`]);
    [reply] = await chat.send(photo('media-4'));
    expect(reply).toBe(id.photos.limit(3));
    expect(reply).toContain('maksimal 3 foto');

    [reply] = await chat.send('selesai');
    expect(reply).toContain(id.identity.prompt);

    [reply] = await chat.send('1');
    expect(reply).toContain(id.name.prompt);

    [reply] = await chat.send('Siti Aminah');
    expect(reply).toContain(id.nik.prompt);

    [reply] = await chat.send(NIK);
    // The stored copy of the message keeps only the masked NIK.
    expect((await chat.stored()).at(-1)!.body).toBe('3273••••••••0001');
    expect(reply).toContain(id.confirm.title);
    expect(reply).toContain('Jenis: Pengaduan');
    expect(reply).toContain('Kategori: Bantuan sosial');
    expect(reply).toContain(`Uraian: ${DESCRIPTION}`);
    expect(reply).toContain('Lokasi: 📍 -6.91750, 107.61910');
    expect(reply).toContain('Foto: 3 foto');
    expect(reply).toContain('Identitas: Siti Aminah');
    expect(reply).toContain('NIK: 3273••••••••0001');
    expect(reply).toContain('1. Kirim\n2. Ubah\n3. Batal');

    const replies = await chat.send('1');
    expect(replies).toHaveLength(2);
    const [created, menu] = replies;
    const cases = await world.cases();
    expect(cases).toHaveLength(1);
    const { ticket } = cases[0];
    // Under the ticket, the report's topic is offered with one tap (tests/flows/broadcast-subscriptions.test.ts).
    expect(created).toBe(`${id.created(`${ticket.slice(0, 4)}-${ticket.slice(4)}`, '4 Desember 2026')}\n\n${id.subscribe.offer('Bantuan sosial')}`);
    expect(created).toContain('*2*');
    expect(menu).toContain(id.menu.prompt);
    expect(chat.state).toBe('menu');

    expect(cases[0]).toMatchObject({
      kind: 'pengaduan',
      categoryCode: 'bantuan-sosial',
      serviceCode: null,
      description: DESCRIPTION,
      location: { latitude: -6.9175, longitude: 107.6191 },
      photos: ['media-1', 'media-2', 'media-3'],
      reporterName: 'Siti Aminah',
      anonymous: false,
      confidential: false,
      status: 'baru',
      // Routed by the NIK's kecamatan to the social affairs office of its city.
      regionCode: '327301',
      dinasCode: 'dinsos-bandung',
    });
    const citizen = await world.citizen();
    expect(citizen).toMatchObject({ name: 'Siti Aminah', nikHash: hashNik(NIK, nikKeys) });
    expect(citizen!.nikEncrypted).not.toContain(NIK);
    expect(decryptNik(citizen!.nikEncrypted!, nikKeys)).toBe(NIK);
  });

  it('never keeps the NIK digits in the stored conversation, even ones that were rejected', async () => {
    const chat = new Chat(new World());
    const typed = ['3273 0101 0190 0000', '3273-0141-0190-0001'];
    const snapshots: string[] = [];
    for (const message of ['halo', '1', '1', '1', DESCRIPTION, 'lewati', 'lewati', '1', 'Siti', ...typed, '2']) {
      await chat.send(message);
      snapshots.push(JSON.stringify(chat.snapshot));
    }
    expect(chat.state).toBe('editChoice');
    for (const snapshot of snapshots) {
      expect(snapshot).not.toContain('3273010101900000');
      expect(snapshot).not.toContain(NIK);
      expect(snapshot).not.toContain('0141-0190');
    }
    expect(snapshots.at(-1)).toContain('3273••••••••0001');
    // The stored copies of the messages keep no NIK digits either: the accepted one masked, the rejected one blanked.
    const stored = (await chat.stored()).map((message) => message.body);
    expect(stored).not.toContain(typed[0]);
    expect(stored).not.toContain(typed[1]);
    expect(stored).toContain('3273••••••••0001');
    expect(stored).toContain('•••• •••• •••• ••••');
  });

  it('asks for more detail when the description is too short, counting only visible characters', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1');
    for (const short of ['rusak', '  jalan rusak  ', `${'\u200B'.repeat(40)}rusak parah`]) {
      const [reply] = await chat.send(short);
      expect(reply.startsWith(id.notes.descriptionTooShort)).toBe(true);
      expect(reply).toContain(id.description.pengaduan);
      expect(chat.state).toBe('askDescription');
    }
  });

  it('asks to shorten a description over 4,000 characters, and survives 100,000', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1');
    for (const long of ['a'.repeat(4_001), 'x'.repeat(100_000)]) {
      const [reply] = await sendLong(chat, long);
      expect(reply.startsWith(id.notes.descriptionTooLong)).toBe(true);
      expect(reply.length).toBeLessThan(500);
    }
    const [reply] = await chat.send('b'.repeat(4_000));
    expect(reply).toContain(id.location.prompt);
  });

  it('keeps HTML, SQL, emoji and invisible characters verbatim and echoes them in the summary', async () => {
    const world = new World();
    const chat = new Chat(world);
    const description = "Robert'); DROP TABLE cases;-- <script>alert('x')</script> bantuan\u200B belum cair 😢🙏 &amp;";
    await upToIdentity(chat, description);
    const [summary] = await chat.send('2');
    expect(summary).toContain(`Uraian: ${description}`);
    await chat.send('kirim');
    expect((await world.cases())[0].description).toBe(description);
  });

  it('shows only the start of a long description in the summary but sends all of it', async () => {
    const world = new World();
    const chat = new Chat(world);
    const description = `Awal uraian. ${'Isi laporan yang panjang sekali. '.repeat(60)}AKHIR-URAIAN`;
    await upToIdentity(chat, description);
    const [summary] = await chat.send('2');
    expect(summary).toContain('Awal uraian.');
    expect(summary).toContain('…');
    expect(summary).not.toContain('AKHIR-URAIAN');
    await chat.send('1');
    expect((await world.cases())[0].description).toBe(description);
  });

  it('takes a typed address, and does not mistake one like "Batam" for "batal"', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1', DESCRIPTION);
    const [reply] = await chat.send('Batam');
    expect(reply).toContain(id.photos.prompt);
    await chat.say('lewati', '2', '1');
    expect((await world.cases())[0].location).toEqual({ address: 'Batam' });
  });

  it('asks to shorten an address over 500 characters', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1', DESCRIPTION);
    const [reply] = await chat.send('Jl. '.repeat(200));
    expect(reply.startsWith(id.notes.addressTooLong)).toBe(true);
    expect(chat.state).toBe('askLocation');
  });

  it('lets location and photos be skipped, shown as "-" in the summary', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    const [summary] = await chat.send('2');
    expect(summary).toContain('Lokasi: -');
    expect(summary).toContain('Foto: -');
    await chat.send('1');
    const [stored] = await world.cases();
    expect(stored.location).toBeNull();
    expect(stored.photos).toEqual([]);
  });

  it('files an aspiration and an information request with their own description prompt', async () => {
    const chat = new Chat(new World());
    let [reply] = await chat.say('halo', '1', '2', '4');
    expect(reply).toContain(id.description.aspirasi);
    // The aspiration left unfinished is offered first; "2" starts a new report.
    [reply] = await chat.say('menu', '1');
    expect(reply).toContain(id.resume.options[0]);
    [reply] = await chat.say('2', 'informasi', 'pendidikan');
    expect(reply).toContain(id.description.informasi);
  });
});

describe('identity', () => {
  it('files an anonymous report without asking a name', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    const [summary] = await chat.send('2');
    expect(summary).toContain('Identitas: Anonim');
    await chat.send('1');
    expect((await world.cases())[0]).toMatchObject({ anonymous: true, confidential: false, reporterName: null });
    expect(await world.citizen()).toMatchObject({ name: null, nikEncrypted: null, nikHash: null });
  });

  it('files a confidential report with a name and no NIK', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    await chat.say('3', 'Budi Santoso');
    const [summary] = await chat.send('lewati');
    expect(summary).toContain('Identitas: Budi Santoso (rahasia)');
    expect(summary).not.toContain('NIK:');
    await chat.send('1');
    expect((await world.cases())[0]).toMatchObject({ reporterName: 'Budi Santoso', anonymous: false, confidential: true });
    expect(await world.citizen()).toMatchObject({ name: 'Budi Santoso', nikEncrypted: null, nikHash: null });
  });

  it('explains what is wrong with a NIK and asks again', async () => {
    const chat = new Chat(new World());
    await upToIdentity(chat);
    await chat.say('1', 'Siti');
    const cases: [string, string][] = [
      ['12345', id.notes.nikLength],
      ['3273O14101900001', id.notes.nikDigits],
      ['1073014101900001', id.notes.nikRegion],
      ['3273013202900001', id.notes.nikBirthdate],
      ['3273014101900000', id.notes.nikSerial],
      ['9'.repeat(100_000), id.notes.nikLength],
    ];
    for (const [typed, problem] of cases) {
      const [reply] = await sendLong(chat, typed);
      expect(reply.startsWith(problem)).toBe(true);
      expect(reply).toContain(id.nik.prompt);
      expect(chat.state).toBe('askNik');
    }
    const [summary] = await chat.send('3273 0141 0190 0001\u200B');
    expect(summary).toContain('NIK: 3273••••••••0001');
  });

  it('rejects a name over 100 characters and takes one from a shared contact', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    await chat.send('1');
    const [reply] = await chat.send('N'.repeat(101));
    expect(reply.startsWith(id.notes.nameTooLong)).toBe(true);
    await chat.send({ type: 'citizen.contact', phone: '+6281234567890', name: 'Dewi Lestari' });
    expect(chat.state).toBe('askNik');
    await chat.say('lewati', '1');
    expect((await world.cases())[0].reporterName).toBe('Dewi Lestari');
    expect(JSON.stringify(chat.snapshot)).not.toContain('6281234567890');
  });
});

describe('changing the report from the summary', () => {
  it('changes one field and comes back to the summary each time', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    await chat.say('1', 'Siti', 'lewati');
    expect(chat.state).toBe('confirm');

    let [reply] = await chat.send('2');
    expect(reply).toContain(id.edit.prompt);
    expect(reply).toContain('7. Kembali ke ringkasan');

    [reply] = await chat.say('1', '2');
    expect(reply).toContain('Jenis: Aspirasi');

    [reply] = await chat.say('ubah', '2', '4');
    expect(reply).toContain('Kategori: Pendidikan');

    [reply] = await chat.say('2', '3', 'Mohon sekolah negeri menambah kuota siswa miskin.');
    expect(reply).toContain('Uraian: Mohon sekolah negeri menambah kuota siswa miskin.');

    [reply] = await chat.say('2', '4', 'Jl. Asia Afrika No. 1');
    expect(reply).toContain('Lokasi: Jl. Asia Afrika No. 1');

    await chat.say('2', '5', photo('a'), 'selesai');
    [reply] = await chat.say('2', '5');
    expect(reply.startsWith(id.notes.photosReset)).toBe(true);
    [reply] = await chat.say(photo('b'), photo('c'), 'selesai');
    expect(reply).toContain('Foto: 2 foto');

    [reply] = await chat.say('2', '6', '2');
    expect(reply).toContain('Identitas: Anonim');

    [reply] = await chat.say('2', '7');
    expect(reply).toContain(id.confirm.title);

    await chat.send('1');
    expect((await world.cases())[0]).toMatchObject({
      kind: 'aspirasi',
      categoryCode: 'pendidikan',
      description: 'Mohon sekolah negeri menambah kuota siswa miskin.',
      location: { address: 'Jl. Asia Afrika No. 1' },
      photos: ['b', 'c'],
      anonymous: true,
    });
  });

  it('offers words typed at the summary for the description, adds them on a yes, and files both', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    let [reply] = await chat.send('2');
    expect(reply).toContain(id.confirm.title);

    const detail = 'oh iya, ibu saya sudah lapor ke kelurahan tapi belum ada jawaban';
    [reply] = await chat.send(detail);
    expect(reply).toContain(id.addition.prompt(detail));
    expect(reply).toContain(`1. ${id.addition.options[0]}`);
    [reply] = await chat.send('1');
    expect(reply.startsWith(id.notes.addedToDescription)).toBe(true);
    expect(reply).toContain(`Uraian: ${DESCRIPTION}\n${detail}`);
    expect(reply).toContain(id.confirm.title);

    // Offered again and declined: the summary as it was.
    [reply] = await chat.say('dan rumah kami di ujung gang dekat masjid', 'tidak');
    expect(reply).not.toContain(id.notes.addedToDescription);
    expect(reply).not.toContain('dekat masjid');
    expect(reply).toContain(id.confirm.title);

    await chat.send('1');
    expect((await world.cases())[0].description).toBe(`${DESCRIPTION}\n${detail}`);
  });

  it('answers a question typed at the summary with what sending brings, and asks again', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    let [reply] = await chat.send('2');
    expect(reply).toContain(id.confirm.title);

    for (const question of ['berapa lama prosesnya pak?', 'kapan ditindaklanjuti', 'apakah laporan ini diproses hari ini']) {
      [reply] = await chat.send(question);
      expect(reply.startsWith(id.notes.summaryQuestion)).toBe(true);
      expect(reply).not.toContain(id.hints.choice);
      expect(reply).toContain(id.confirm.title);
      expect(reply).toContain(`1. ${id.confirm.options[0]}`);
    }
    // A question with its "?" at the end (which the reading drops), and one without a question word.
    for (const question of ['apa bisa diproses minggu ini?', 'knp lama sekali prosesnya', 'prosesnya lama tidak?']) {
      [reply] = await chat.send(question);
      expect(reply.startsWith(id.notes.summaryQuestion)).toBe(true);
      expect(reply).not.toContain(id.addition.prompt(question));
    }
    // Not a question, or a wish to change the summary: the hint, as before.
    for (const other of ['4', 'kategorinya salah, bagaimana?']) {
      [reply] = await chat.send(other);
      expect(reply).toContain(id.hints.choice);
      expect(reply).not.toContain(id.notes.summaryQuestion);
    }
    // A genuine detail with "apa-apa" in it is still offered for the description.
    const detail = 'ibu saya tidak dapat apa-apa dari bantuan itu';
    [reply] = await chat.send(detail);
    expect(reply).toContain(id.addition.prompt(detail));
    await chat.send('2');

    await chat.send('1');
    expect((await world.cases())[0].description).toBe(DESCRIPTION);
  });

  it('answers a question about who sees the name with what the identity chosen means, and how to change it', async () => {
    // Anonymous: asked, or asked for ("tolong rahasiakan nama saya"), never offered as a detail.
    const anonymous = new Chat(new World());
    await upToIdentity(anonymous);
    await anonymous.send('2');
    for (const question of ['apakah nama saya dirahasiakan', 'apa nama saya akan dirahasiakan?', 'siapa yang bisa lihat identitas saya', 'tolong rahasiakan nama saya ya pak']) {
      const [reply] = await anonymous.send(question);
      expect(reply.startsWith(id.notes.identityAnonymous)).toBe(true);
      expect(reply).toContain(id.confirm.title);
      expect(reply).not.toContain(id.addition.prompt(question));
    }
    // The way it names, Ubah then 6, leads to the identity question.
    await anonymous.send('2');
    let [reply] = await anonymous.send('6');
    expect(reply).toContain(id.identity.prompt);

    // With a name, then confidential.
    const named = new Chat(new World());
    await upToIdentity(named);
    await named.say('1', 'Siti Rahayu', 'lewati');
    [reply] = await named.send('nama saya nanti ketahuan tidak?');
    expect(reply.startsWith(id.notes.identityNamed)).toBe(true);
    const world = new World();
    const confidential = new Chat(world);
    await upToIdentity(confidential);
    await confidential.say('3', 'Siti Rahayu', 'lewati');
    [reply] = await confidential.send('siapa saja yang bisa melihat identitas saya?');
    expect(reply.startsWith(id.notes.identityConfidential)).toBe(true);
    // Any other question still gets what sending brings.
    [reply] = await confidential.send('berapa lama prosesnya?');
    expect(reply.startsWith(id.notes.summaryQuestion)).toBe(true);
    await confidential.send('1');
    expect((await world.cases())[0]).toMatchObject({ anonymous: false, confidential: true });
  });

  it('leaves to the report, to a change and to a data request what only names the name', async () => {
    const chat = new Chat(new World());
    await upToIdentity(chat);
    await chat.send('2');
    const identityNotes = [id.notes.identityAnonymous, id.notes.identityNamed, id.notes.identityConfidential];
    // About the report: "atas nama saya" is whose aid it is.
    for (const question of ['kenapa bantuan atas nama saya belum cair?', 'nama saya tidak terdaftar di DTKS, bagaimana?']) {
      const [reply] = await chat.send(question);
      expect(reply.startsWith(id.notes.summaryQuestion)).toBe(true);
    }
    // A change of the summary: the hint's numbers.
    let [reply] = await chat.send('nama saya salah, bagaimana?');
    expect(reply).toContain(id.hints.choice);
    // The citizen's data, asked for: not this report's identity.
    [reply] = await chat.send('data saya apa saja yang disimpan?');
    for (const note of identityNotes) expect(reply).not.toContain(note);
    expect(reply).not.toContain(id.confirm.title);
  });

  it('answers a question at the summary in English', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('english', '1', '1', '1', 'The PKH payment for my mother has not arrived since August.', 'skip', 'skip', '2');
    let [reply] = await chat.send('how long will it take?');
    expect(reply.startsWith(en.notes.summaryQuestion)).toBe(true);
    expect(reply).not.toContain(en.hints.choice);
    expect(reply).toContain(en.confirm.title);
    [reply] = await chat.send('who will see my name?');
    expect(reply.startsWith(en.notes.identityAnonymous)).toBe(true);
    const named = new Chat(new World());
    await named.say('english', '1', '1', '1', 'The PKH payment for my mother has not arrived since August.', 'skip', 'skip', '1', 'Siti Rahayu', 'skip');
    [reply] = await named.send('will the officers know my name?');
    expect(reply.startsWith(en.notes.identityNamed)).toBe(true);
    const confidential = new Chat(new World());
    await confidential.say('english', '1', '1', '1', 'The PKH payment for my mother has not arrived since August.', 'skip', 'skip', '3', 'Siti Rahayu', 'skip');
    [reply] = await confidential.send('is this confidential?');
    expect(reply.startsWith(en.notes.identityConfidential)).toBe(true);
  });

  it('still honours, at the summary, a long question asking for staff or to stop', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    await chat.send('2');
    let [reply] = await chat.send('apakah saya bisa bicara dengan petugas sekarang juga ya pak?');
    expect(reply).not.toContain(id.notes.summaryQuestion);
    expect(reply).not.toContain(id.confirm.title);

    const again = new Chat(new World());
    await upToIdentity(again);
    await again.send('2');
    [reply] = await again.send('kenapa saya terus dapat pesan, tolong berhenti kirim pesan ke saya');
    expect(reply).not.toContain(id.notes.summaryQuestion);
    expect(reply).not.toContain(id.confirm.title);
  });

  it('counts a question at the summary as understood: the next wrong choice gets the first hint, not the offer of staff', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    await chat.send('2');
    await chat.say('4', '5');
    await chat.send('berapa lama prosesnya pak?');
    const [reply] = await chat.send('6');
    expect(reply).toContain(id.hints.choice);
    expect(reply).not.toContain(id.examples.choice);
  });

  it('offers in English on an English summary', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('english', '1', '1', '1', 'The PKH payment for my mother has not arrived since August.', 'skip', 'skip', '2');
    let [reply] = await chat.send('also, the village office never answered my letter');
    expect(reply).toContain(en.addition.prompt('also, the village office never answered my letter'));
    [reply] = await chat.send('yes');
    expect(reply.startsWith(en.notes.addedToDescription)).toBe(true);
    expect(reply).toContain(en.confirm.title);
  });

  it('cancels from the summary with 3, creating nothing', async () => {
    const world = new World();
    const chat = new Chat(world);
    await upToIdentity(chat);
    await chat.send('2');
    const [reply] = await chat.send('3');
    expect(reply.startsWith(id.notes.cancelled)).toBe(true);
    expect(reply).toContain(id.menu.prompt);
    expect(await world.cases()).toEqual([]);
  });
});

describe('in English', () => {
  it('runs the whole report in English', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('english', '1', '1', '1', 'My PKH assistance has not been paid since August.', 'skip');
    let [reply] = await chat.send(photo('p'));
    expect(reply).toBe(`${en.photos.received(1, 3)} ${en.photos.more}`);
    [reply] = await chat.say('done', '2');
    expect(reply).toContain('Kind: Complaint');
    expect(reply).toContain('Category: Social assistance');
    expect(reply).toContain('Photos: 1 photo');
    expect(reply).toContain('Identity: Anonymous');
    const [created] = await chat.send('send');
    expect(created).toContain('4 December 2026');
    expect(created).toContain(en.created('X', 'Y').split('\n\n')[0]);
  });
});
