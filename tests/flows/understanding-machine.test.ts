/**
 * The machine stepped directly, without Postgres: a text event carries the understanding step's
 * reading (as the runtime gives it) and the effects come back as data. Shows the machine's part
 * on its own: intents to effects, the report kept, nothing of a NIK in the snapshot.
 */
import { describe, expect, it } from 'vitest';
import { conversationMachine } from '../../flows/conversation.js';
import { en } from '../../flows/copy/en.js';
import { id } from '../../flows/copy/id.js';
import { understand } from '../../flows/understand/understand.js';
import { buildVocabulary } from '../../flows/understand/vocabulary.js';
import { readCatalogue } from '../../src/catalogue/seed.js';
import type { Effect, ResultEvent } from '../../src/conversation/contract.js';
import { step, type PersistedSnapshot } from '../../src/conversation/step.js';

const catalogue = await readCatalogue();
const vocabulary = buildVocabulary(catalogue);

/** A chat with the machine alone; effects are recorded and answered from the demo catalogue. */
class MachineChat {
  snapshot: PersistedSnapshot | null = null;
  effects: Effect[] = [];

  async send(text: string, at = '2026-12-01T03:00:00.000Z'): Promise<string[]> {
    this.effects = [];
    const outcome = await step(conversationMachine, this.snapshot, {}, { type: 'citizen.text', text, understood: understand(text, vocabulary), at }, async (effect) => {
      this.effects.push(effect);
      return answer(effect);
    });
    this.snapshot = outcome.snapshot;
    return outcome.replies.map((reply) => reply.text);
  }
}

function answer(effect: Effect): ResultEvent | null {
  switch (effect.type) {
    case 'listCategories':
      return { type: 'result.categories', categories: catalogue.categories.map(({ code, name }) => ({ code, name })) };
    case 'searchServices': {
      const found = catalogue.services.filter((s) => effect.query === '' || s.code === effect.query);
      return { type: 'result.services', query: effect.query, services: found.map(({ code, name }) => ({ code, name })) };
    }
    case 'getService': {
      const found = catalogue.services.find((s) => s.code === effect.code);
      return { type: 'result.service', service: found ? { ...found } : null };
    }
    case 'listOwnCases':
      return { type: 'result.ownCases', cases: [] };
    case 'findCase':
      return { type: 'result.case', ticket: effect.ticket, case: null };
    default:
      return null;
  }
}

describe('the machine with the understanding step', () => {
  it('asks the runtime for the service named in the first message, not for the whole list', async () => {
    const chat = new MachineChat();
    await chat.send('mhn info syarat pengajuan kis pbi');
    expect(chat.effects[0]).toEqual({ type: 'searchServices', query: 'kis-pbi' });
    expect(chat.effects[1]).toEqual({ type: 'getService', code: 'kis-pbi' });
  });

  it('asks to find the ticket named, wherever the citizen is, and keeps the report', async () => {
    const chat = new MachineChat();
    await chat.send('halo');
    await chat.send('1');
    await chat.send('1');
    await chat.send('6');
    await chat.send('Jalan di depan SD 3 berlubang besar sejak dua bulan.');
    const [reply] = await chat.send('status HT4N-9WRZ');
    expect(chat.effects).toContainEqual({ type: 'findCase', ticket: 'HT4N9WRZ' });
    expect(reply.startsWith(id.notes.caseNotFound)).toBe(true);
    expect(JSON.stringify(chat.snapshot)).toContain('Jalan di depan SD 3 berlubang besar');
  });

  it('starts a report at the menu when the citizen writes that they want to report, in a few words', async () => {
    const chat = new MachineChat();
    await chat.send('halo');
    const [reply] = await chat.send('mau lapor soal bansos pkh');
    expect(reply).not.toContain(id.hints.choice);
    expect(reply).toContain(id.kind.prompt);
  });

  it.each([
    ['lapor bansos pkh ibu sy blm cair udh 3 bln', 'Bantuan sosial', 'Bansos pkh ibu sy blm cair udh 3 bln'],
    ['pkh ibu saya belum cair sudah 3 bulan', 'Bantuan sosial', 'pkh ibu saya belum cair sudah 3 bulan'],
    ['lampu jalan gang mawar mati', 'Infrastruktur', 'lampu jalan gang mawar mati'],
    ['Selamat pagi pak, saya mau buat laporan tentang lampu jalan mati di gang 5', 'Infrastruktur', 'Lampu jalan mati di gang 5'],
    ['I want to report a broken street light near the market', 'Infrastructure', 'Broken street light near the market'],
  ])('takes %j, what went wrong and what it is about, as the description (its opening off), category %s', async (text, category, description) => {
    const chat = new MachineChat();
    const [reply] = await chat.send(text);
    expect(reply).toContain((/^I /.test(text) ? en : id).stated.prompt('x', 'y', null).split('\n\n')[0]);
    expect(reply).toContain(`${/^I /.test(text) ? 'Category' : 'Kategori'}: ${category}`);
    expect((chat.snapshot?.context as { draft: { description: string } }).draft.description).toBe(description);
  });

  it('keeps an opening whose rest would be too short to stand alone', async () => {
    const chat = new MachineChat();
    const [reply] = await chat.send('lapor pak, jalan rusak');
    expect(reply).toContain(id.stated.prompt('x', 'y', null).split('\n\n')[0]);
    expect((chat.snapshot?.context as { draft: { description: string } }).draft.description).toBe('lapor pak, jalan rusak');
  });

  it.each(['mau lapor soal bansos pkh', 'mau lapor pak, penting', 'mau lapor masalah bansos', 'lapor masalah pkh', 'saya mau bayar listrik', 'mau lapor soal sampah'])(
    'asks for the report of %j, which names nothing particular gone wrong with what it is about',
    async (text) => {
      const chat = new MachineChat();
      await chat.send('halo');
      const [reply] = await chat.send(text);
      expect(reply).toContain(id.kind.prompt);
    },
  );

  it('keeps the description at the category question: a short complaint there does not replace it', async () => {
    const chat = new MachineChat();
    await chat.send('lampu jalan di gang kami mati semua sejak seminggu');
    const [categories] = await chat.send('3');
    expect(categories).toContain(id.category.prompt);
    await chat.send('bansos pkh belum cair pak');
    const { draft } = chat.snapshot?.context as { draft: { description: string } };
    expect(draft.description).toBe('lampu jalan di gang kami mati semua sejak seminggu');
  });

  it('pre-selects the category the words point to in a stated complaint', async () => {
    const chat = new MachineChat();
    const [reply] = await chat.send('lampu jalan di gang kami mati semua sejak seminggu');
    expect(reply).toContain('Kategori: Infrastruktur');
    expect((chat.snapshot?.context as { draft: { categoryCode: string } }).draft.categoryCode).toBe('infrastruktur');
  });

  it.each([
    'berapa lama prosesnya pak?',
    'kirim saja pak, sudah benar',
    'sudah benar semua, terima kasih',
    'kategorinya salah harusnya pendidikan',
    'alamatnya salah, harusnya jalan melati',
    'the category is wrong, it should be education',
    'how long does the process take',
    'bahasa inggriss',
    'terima kasih banyak ya pak',
  ])('at the summary, does not offer %j for the description', async (text) => {
    const chat = new MachineChat();
    for (const step of ['halo', '1', '1', '1', 'Bantuan PKH keluarga kami tidak cair sejak Agustus.', 'lewati', 'lewati']) await chat.send(step);
    const [summary] = await chat.send('2');
    expect(summary).toContain(id.confirm.title);
    const [reply] = await chat.send(text);
    expect(reply).not.toContain(id.addition.prompt(text).split('\n')[0]);
    expect(reply).not.toContain(en.addition.prompt(text).split('\n')[0]);
  });

  it('keeps no NIK read in a message in the snapshot', async () => {
    const chat = new MachineChat();
    await chat.send('syarat kis, nik saya 3273014101900001');
    expect(JSON.stringify(chat.snapshot)).not.toContain('3273014101900001');
  });
});
