/** Persyaratan: service requirements by number or by word, then a report about the service. */
import { describe, expect, it } from 'vitest';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import { Chat, World, catalogue, useRuntime } from './driver.js';

useRuntime();

const numberOf = (code: string) => catalogue.services.findIndex((s) => s.code === code) + 1;

describe('persyaratan', () => {
  it('lists every service as numbered options', async () => {
    const chat = new Chat(new World());
    const [reply] = await chat.say('halo', '3');
    expect(reply).toContain(id.services.prompt);
    catalogue.services.forEach((service, index) => expect(reply).toContain(`${index + 1}. ${service.name.id}`));
    expect(reply).toContain(id.services.hint);
    expect(chat.replies[0].options).toHaveLength(catalogue.services.length);
  });

  it('shows requirements, procedure and where for a number, then offers what next', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '3');
    const replies = await chat.send(String(numberOf('pkh')));
    expect(replies).toHaveLength(2);
    const [detail, next] = replies;
    expect(detail).toContain('*Program Keluarga Harapan (PKH)*');
    expect(detail).toContain(`${id.services.requirements}:\n1. Terdaftar di DTKS\n2. KTP-el`);
    expect(detail).toContain(`${id.services.procedure}:\n1. `);
    expect(detail).toContain(`${id.services.where}:\nPendamping PKH`);
    expect(next).toContain('1. Lapor masalah tentang layanan ini');
    expect(next).toContain('2. Lihat layanan lain');
    expect(next).toContain(id.footer.back);
  });

  it('finds a service by a word the citizen types', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '3');
    for (const [word, name] of [
      ['kis', 'KIS / PBI-JK'],
      ['DTKS', 'Usulan masuk DTKS'],
      ['sktm', 'Rekomendasi SKTM'],
      ['pkj', 'Program Keluarga Harapan (PKH)'],
      ['Banjir!', 'Bantuan korban bencana'],
    ]) {
      const [detail] = await chat.send(word);
      expect(detail).toContain(`*${name}`);
      await chat.send('2');
    }
  });

  it('lists several matches as numbers to choose from', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '3');
    const [reply] = await chat.send('kartu');
    expect(reply.startsWith(id.notes.serviceMatches)).toBe(true);
    expect(reply).toContain('1. KIS / PBI-JK');
    expect(reply).toContain('2. KIP / PIP');
    const [detail] = await chat.send('2');
    expect(detail).toContain('*KIP / PIP (Program Indonesia Pintar)*');
  });

  it('never answers a service the catalogue lacks with one that differs by a letter (KTP is not KIP)', async () => {
    const chat = new Chat(new World());
    // KTP is a category's word, not a service of this catalogue: no typo of "KIP".
    const [reply] = await chat.send('mau tanya syarat bikin KTP');
    expect(reply).toContain(id.notes.serviceNotFound);
    expect(reply).not.toContain(`${id.services.requirements}:`);
    expect(chat.state).toBe('persyaratan.askService');
    // A word no one knows is still forgiven its typo.
    const [detail] = await chat.send('pkj');
    expect(detail).toContain('*Program Keluarga Harapan (PKH)*');
  });

  it('says kindly when nothing matches and shows the full list', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '3');
    const [reply] = await chat.send('pajak kendaraan');
    expect(reply.startsWith(id.notes.serviceNotFound)).toBe(true);
    expect(reply).toContain(`${catalogue.services.length}. ${catalogue.services.at(-1)!.name.id}`);
    expect(chat.state).toBe('persyaratan.askService');
  });

  it('starts a report about the service with its category preset, skipping the category question', async () => {
    const world = new World();
    const chat = new Chat(world);
    await chat.say('halo', '3', 'pkh');
    let [reply] = await chat.send('1');
    expect(reply).toContain(id.kind.prompt);
    [reply] = await chat.send('1');
    expect(reply).toContain(id.description.pengaduan);
    expect(reply).not.toContain(id.category.prompt);
    [reply] = await chat.say('Pendamping PKH tidak pernah datang ke RW kami.', 'lewati', 'lewati', '2');
    expect(reply).toContain('Kategori: Bantuan sosial');
    expect(reply).toContain('Layanan: Program Keluarga Harapan (PKH)');
    await chat.send('1');
    expect((await world.cases())[0]).toMatchObject({ categoryCode: 'bantuan-sosial', serviceCode: 'pkh', anonymous: true, dinasCode: 'dinsos-bandung' });
  });

  it('goes back to the list for another service', async () => {
    const chat = new Chat(new World());
    await chat.say('halo', '3', 'kube');
    const [reply] = await chat.send('2');
    expect(reply).toContain(id.services.prompt);
    expect(chat.state).toBe('persyaratan.askService');
  });

  it('gives the requirements in English', async () => {
    const chat = new Chat(new World());
    const [detail, next] = await chat.say('english', '3', 'kip');
    expect(detail).toContain('*KIP / PIP (Smart Indonesia Programme)*');
    expect(detail).toContain(`${en.services.requirements}:\n1. Family card`);
    expect(next).toContain('1. Report a problem with this service');
  });
});
