/** The first message of a conversation, restarts, language and help. */
import { describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import { Chat, World, photo, useRuntime } from './driver.js';

useRuntime();

describe('first message', () => {
  it('welcomes with the menu when the first message states no need', async () => {
    for (const first of ['halo', '/start', 'P', 'apa ini']) {
      const chat = new Chat(new World());
      const [reply, ...rest] = await chat.send(first);
      expect(rest).toEqual([]);
      expect(reply.startsWith(id.notes.welcome)).toBe(true);
      expect(reply).toContain('1. Lapor (pengaduan, aspirasi, permintaan informasi)');
      expect(reply).toContain('5. Bantuan');
      expect(reply).not.toContain(id.notes.restartIdle);
      expect(chat.state).toBe('menu');
    }
  });

  it('offers the menu as buttons keyed by number, the same as typing the number', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    expect(chat.replies[0].options).toEqual([
      { key: '1', label: id.menu.options[0] },
      { key: '2', label: id.menu.options[1] },
      { key: '3', label: id.menu.options[2] },
      { key: '4', label: id.menu.options[3] },
      { key: '5', label: id.menu.options[4] },
    ]);
  });

  it('welcomes a photo or sticker as a first message too', async () => {
    const chat = new Chat(new World());
    const [reply] = await chat.send(photo('first-photo'));
    expect(reply.startsWith(id.notes.welcome)).toBe(true);
    expect(reply).toContain(id.menu.prompt);
  });

  it('acts on a menu number sent as the first message, after the welcome', async () => {
    const chat = new Chat(new World());
    const [reply] = await chat.send('1');
    expect(reply.startsWith(id.notes.welcome)).toBe(true);
    expect(reply).toContain(id.kind.prompt);
    expect(chat.state).toBe('askKind');
  });

  it('starts in English when the first word is "english"', async () => {
    const chat = new Chat(new World());
    const [reply] = await chat.send('English');
    expect(reply.startsWith(en.notes.welcome)).toBe(true);
    expect(reply).toContain('1. Report (complaint, aspiration, information request)');
  });

  it('starts over in the language the runtime remembered', async () => {
    const chat = new Chat(new World());
    await chat.say('english', '1');
    await chat.idle();
    const [reply] = await chat.send('hi');
    expect(reply.startsWith(en.notes.restartIdle)).toBe(true);
    expect(reply).toContain(en.menu.prompt);
  });
});

describe('restart after the previous session ended', () => {
  it('says first that an idle session ended', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    await chat.idle();
    const [reply] = await chat.send('2');
    expect(reply.startsWith(id.notes.restartIdle)).toBe(true);
    expect(reply).toContain(id.notes.welcome);
  });

  it('carries on without a notice when the idle chat was resting at the menu', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    await chat.idle();
    const [reply] = await chat.send('1');
    expect(reply).not.toContain(id.notes.restartIdle);
    expect(reply).not.toContain(id.notes.welcome);
    expect(reply).toContain(id.kind.prompt);
  });

  it('says first that the service was updated', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    await chat.outdated();
    const [reply] = await chat.send('batal');
    expect(reply.startsWith(id.notes.restartUpgrade)).toBe(true);
    expect(reply).toContain(id.menu.prompt);
  });

  it('says it in English when the citizen switches language with that message', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    await chat.idle();
    const [reply] = await chat.send('english');
    expect(reply.startsWith(en.notes.restartIdle)).toBe(true);
  });

  it('puts the note before the answer to a request for a human', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    await chat.outdated();
    const [reply] = await chat.send('petugas');
    expect(reply.startsWith(id.notes.restartUpgrade)).toBe(true);
    expect(reply).toContain(id.petugas.recorded);
  });

  it('says it only once', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    await chat.idle();
    await chat.send('halo');
    const [reply] = await chat.send('menu');
    expect(reply).not.toContain(id.notes.restartIdle);
    expect(reply).not.toContain(id.notes.welcome);
  });
});

describe('language', () => {
  it('switches to English anywhere and back with "bahasa", keeping the question', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '1');
    let [reply] = await chat.send('english');
    expect(reply.startsWith(en.notes.langSwitched)).toBe(true);
    expect(reply).toContain(en.kind.prompt);
    expect(reply).toContain(en.footer.back);
    expect(chat.state).toBe('askKind');

    [reply] = await chat.send('1');
    expect(reply).toContain('1. Social assistance');

    [reply] = await chat.send('Bahasa');
    expect(reply.startsWith(id.notes.langSwitched)).toBe(true);
    expect(reply).toContain('1. Bantuan sosial');
  });

  it('forgives a typo in the language word', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    const [reply] = await chat.send('Englis');
    expect(reply).toContain(en.menu.prompt);
  });
});

describe('help', () => {
  it('explains the keywords from the menu (5) and by word, then asks again', async () => {
    const chat = new Chat(new World());
    await chat.send('halo');
    let [reply] = await chat.send('5');
    expect(reply.startsWith(id.notes.help)).toBe(true);
    expect(reply).toContain(id.menu.prompt);

    await chat.send('1');
    [reply] = await chat.send('bantuan');
    expect(reply.startsWith(id.notes.help)).toBe(true);
    expect(reply).toContain(id.kind.prompt);
    expect(chat.state).toBe('askKind');
  });

  it('is given in English to English speakers', async () => {
    const chat = new Chat(new World());
    await chat.send('english');
    const [reply] = await chat.send('help');
    expect(reply.startsWith(en.notes.help)).toBe(true);
  });
});
