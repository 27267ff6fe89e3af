/** What citizens really send: empty and huge messages, typos, stray media, old buttons, dead ends. */
import { describe, expect, it } from 'vitest';
import { id } from '../../flows/copy/id.js';
import { Chat, World, photo, pin, sendLong, unsupported, useRuntime } from './driver.js';

useRuntime();


describe('bad input', () => {
  it('answers an empty message kindly and asks again', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    for (const empty of ['', '   ', '\u200B\u200C\uFEFF']) {
      const [reply] = await chat.send(empty);
      expect(reply.startsWith(id.notes.empty)).toBe(true);
      expect(reply).toContain(id.menu.prompt);
    }
  });

  it('takes punctuation or emoji as something said, not as an empty message', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    for (const text of ['??', '🙏']) {
      const [reply] = await chat.send(text);
      expect(reply).not.toContain(id.notes.empty);
      expect(reply).toContain(id.hints.choice);
      expect(reply).toContain(id.kind.prompt);
    }
  });

  it('answers 100,000 characters kindly in every kind of question, without echoing them', async () => {
    const huge = 'ሀ'.repeat(100_000);
    const chat = new Chat(new World());
    for (const setup of [['halo'], ['1'], ['1', '1'], ['menu', '2'], ['menu', '3']]) {
      await chat.say(...setup);
      const [reply] = await sendLong(chat, huge);
      expect(reply.length).toBeLessThan(2_000);
    }
    const fresh = new Chat(new World());
    const [first] = await sendLong(fresh, huge);
    expect(first.startsWith(id.notes.welcome)).toBe(true);
  });

  it('reads keywords through case, spaces, punctuation, invisible characters, bold and typos', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    for (const cancel of ['  BATAL!! ', '\u200Bbatal\u200D', '*batal*', 'btal', 'Batla', 'cancel.']) {
      await chat.send('1');
      const [reply] = await chat.send(cancel);
      expect(reply.startsWith(id.notes.cancelled)).toBe(true);
    }
    for (const menu of ['MeNu', 'mneu', '0', '0️⃣', '/menu']) {
      await chat.send('1');
      const [reply] = await chat.send(menu);
      expect(reply.startsWith(id.menu.prompt)).toBe(true);
    }
    const [reply] = await chat.send('1️⃣');
    expect(reply).toContain(id.kind.prompt);
    const [kind] = await chat.send('Pengaduan.');
    expect(kind).toContain(id.category.prompt);
  });

  it('says a bare number in a free-text question is probably an old button', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1');
    const [reply] = await chat.send('2');
    expect(reply.startsWith(id.notes.staleChoice)).toBe(true);
    expect(reply).toContain(id.description.pengaduan);
    expect(chat.state).toBe('askDescription');
  });

  it('re-asks with a hint for an option that is not on the list', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    const [reply] = await chat.send('9');
    expect(reply.startsWith(id.hints.choice)).toBe(true);
    expect(reply).toContain(id.kind.prompt);
  });
});

describe('three misses in a row', () => {
  it('hints, then hints with an example, then offers a human, keeping the question and the report', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.', 'lewati');
    let [reply] = await chat.send('apa ya');
    expect(reply.startsWith(id.hints.photos)).toBe(true);
    expect(reply).not.toContain(id.examples.photos);
    [reply] = await chat.send('apa ya');
    expect(reply.startsWith(`${id.hints.photos}\n\n${id.examples.photos}`)).toBe(true);
    const [third] = await chat.send('apa ya');
    expect(third.startsWith(id.notes.stuck)).toBe(true);
    expect(third).toContain(id.photos.prompt);
    expect(chat.state).toBe('askPhotos');
    const [fourth] = await chat.send('apa ya');
    expect(fourth.startsWith(id.notes.stuck)).toBe(true);
    expect(JSON.stringify(chat.snapshot)).toContain('Bantuan beras tidak dibagikan merata');
    // The report carries on where it was.
    const [identity] = await chat.send('lewati');
    expect(identity).toContain(id.identity.prompt);
  });

  it('counts only consecutive misses: a valid answer starts the count again', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', 'x', 'x', '1');
    let reply: string[] = [];
    for (let i = 0; i < 2; i++) reply = await chat.send('x');
    expect(reply[0].startsWith(id.hints.choice)).toBe(true);
    expect(chat.state).toBe('askCategory');
  });

  it('counts misses in the menu too, with an example of writing one\'s need', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    await chat.send('x');
    const [second] = await chat.send('y');
    expect(second).toContain(id.examples.menu);
    const [third] = await chat.send('z');
    expect(third.startsWith(id.notes.stuck)).toBe(true);
    expect(chat.state).toBe('menu');
  });
});

describe('going back and cancelling', () => {
  it('goes to the menu with 0 or "menu" from deep states', async () => {
    const world = new World();
    await world.seedCase('citizen-a');
    const chat = new Chat(world);
    const paths = [
      ['1', '1', '1', 'Jalan di depan kantor kelurahan berlubang besar.', 'lewati', 'lewati', '1', 'Siti'],
      ['2'],
      ['3', 'pkh'],
      ['1', '1', '1', 'Jalan di depan kantor kelurahan berlubang besar.', 'lewati', 'lewati', '2', '2'],
    ];
    await chat.send('halo');
    for (const path of paths) {
      for (const back of ['0', 'menu']) {
        await chat.say(...path);
        const [reply] = await chat.send(back);
        expect(reply.startsWith(id.menu.prompt)).toBe(true);
        expect(chat.state).toBe('menu');
      }
    }
  });

  it('cancels with "batal": says so, goes to the menu, and keeps the report to offer back, to resume or drop', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '1', '1', '1', 'Bantuan beras tidak dibagikan merata di RW 05.');
    let [reply] = await chat.send('batal');
    expect(reply.startsWith(`${id.notes.cancelled}\n\n${id.notes.draftKept}`)).toBe(true);
    expect(reply).toContain(id.menu.prompt);
    expect(chat.state).toBe('menu');

    // Offered back, and carried on where it was left: the location question.
    [reply] = await chat.send('lapor');
    expect(reply).toContain(id.resume.prompt('Bantuan beras tidak dibagikan merata di RW 05.'));
    [reply] = await chat.send('1');
    expect(reply).toContain(id.location.prompt);
    await chat.say('lewati', 'lewati', '2', '1');
    expect((await world.cases())[0]).toMatchObject({ description: 'Bantuan beras tidak dibagikan merata di RW 05.', categoryCode: 'bantuan-sosial' });

    // Cancelled again, then dropped: a new report starts empty.
    await chat.say('1', '1', '1', 'Lampu jalan di gang kami mati sejak seminggu.');
    [reply] = await chat.send('batal');
    expect(reply.startsWith(`${id.notes.cancelled}\n\n${id.notes.draftKept}`)).toBe(true);
    await chat.send('1');
    [reply] = await chat.send('2');
    expect(reply).toContain(id.kind.prompt);
    expect(JSON.stringify(chat.snapshot)).not.toContain('Lampu jalan');
  });

  it('says nothing of a kept report when batal leaves a question with nothing written yet', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    const [reply] = await chat.send('batal');
    expect(reply.startsWith(`${id.notes.cancelled}\n\n${id.menu.prompt}`)).toBe(true);
  });
});

describe('things the current question does not expect', () => {
  it('answers stickers, voice notes and the like, then repeats the question', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1', '1');
    for (const what of ['sticker', 'voice', 'video', 'document', 'edited', 'other'] as const) {
      const [reply] = await chat.send(unsupported(what));
      expect(reply.startsWith(id.notes.unsupported)).toBe(true);
      expect(reply).toContain(id.category.prompt);
      expect(reply).toContain('1. Bantuan sosial');
    }
    expect(chat.state).toBe('askCategory');
  });

  it('answers a photo, location or contact sent out of turn, then repeats the question', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    let [reply] = await chat.send(photo('stray'));
    expect(reply.startsWith(id.notes.strayPhoto)).toBe(true);
    expect(reply).toContain(id.menu.prompt);

    await chat.send('1');
    [reply] = await chat.send(pin(-6.9, 107.6));
    expect(reply.startsWith(id.notes.strayLocation)).toBe(true);
    expect(reply).toContain(id.kind.prompt);

    [reply] = await chat.send({ type: 'citizen.contact', phone: '+628111', name: 'X' });
    expect(reply.startsWith(id.notes.strayContact)).toBe(true);
    expect(chat.state).toBe('askKind');
  });
});

describe('petugas', () => {
  it('requests a human and says staff are on duty', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.send('halo');
    const [reply] = await chat.send('4');
    expect(await world.handoffs()).toHaveLength(1);
    expect(reply).toContain(id.petugas.recorded);
    expect(reply).toContain(id.petugas.online);
  });

  it('gives the service hours when no staff are on duty, from any state', async () => {
    const world = new World();
    await world.setStaffOnline(false);
    const chat = new Chat(world);
    await chat.say('halo', '1', '1');
    const [reply] = await chat.send('Petugas');
    expect(reply).toContain(id.petugas.recorded);
    expect(reply).toContain(id.petugas.offline('Senin–Jumat, 08.00–15.00 WIB'));
  });

  it('acknowledges the first message for staff once, then stays quiet until the menu', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', 'petugas');
    expect(await chat.send('Pak, bantuan PKH saya kapan cair?')).toEqual([`${id.petugas.forwarded}\n\n${id.footer.backToMenu}`]);
    expect(await chat.send('1')).toEqual([]);
    expect(await chat.send(photo('kk'))).toEqual([]);
    const [reply] = await chat.send('0');
    expect(reply.startsWith(id.menu.prompt)).toBe(true);
  });
});
