/** The understanding step's parts: informal spelling, tickets, NIK, services from the catalogue's words, language, greetings. */
import { describe, expect, it } from 'vitest';
import { splitJoined, standardForm, wordsOf } from '../../flows/understand/normalise.js';
import { understand } from '../../flows/understand/understand.js';
import { buildVocabulary, EMPTY_VOCABULARY } from '../../flows/understand/vocabulary.js';
import { readCatalogue } from '../../src/catalogue/seed.js';

const catalogue = await readCatalogue();
const vocabulary = buildVocabulary(catalogue);

describe('informal Indonesian', () => {
  it.each([
    ['sy mw lapor, bntuan gk cair2', ['saya', 'mau', 'lapor', 'bntuan', 'tidak', 'cair']],
    ['Mhn info yg dgn bpk/ibu', ['mohon', 'info', 'yang', 'dengan', 'bapak', 'ibu']],
    ['tolonggg makasiiih halooo', ['tolong', 'terimakasih', 'halo']],
    ['tdk nggak ga gak', ['tidak', 'tidak', 'tidak', 'tidak']],
    ['MAAF, tunggu', ['maaf', 'tunggu']],
    ['minta 20rb, lalu 50 ribu, lalu rp 150.000', ['minta', 'uang', 'lalu', 'uang', 'lalu', 'uang']],
    ['tidak pernah dapat, belum juga cair', ['tidak', 'dapat', 'belum', 'cair']],
    ['gorong-gorong dan gorong2, cs nya', ['gorong', 'dan', 'gorong', 'cs']],
  ])('%j → %j', (text, words) => {
    expect(wordsOf(text)).toEqual(words);
  });

  it('splits words typed without a space when both halves are known', () => {
    const known = new Set(['syarat', 'kis', 'mau', 'lapor']);
    expect(splitJoined(['syaratkis', 'maulapor', 'sekolah'], known)).toEqual(['syarat', 'kis', 'mau', 'lapor', 'sekolah']);
  });

  it('reads colloquial verb forms as the standard form when that is known: -in for -kan, nge- dropped', () => {
    const known = new Set(['batalkan', 'laporkan', 'cek', 'ingin']);
    expect(['batalin', 'ngelaporin', 'ngecek', 'ingin', 'mungkin'].map((word) => standardForm(word, known))).toEqual([
      'batalkan',
      'laporkan',
      'cek',
      'ingin',
      'mungkin',
    ]);
    expect(understand('batalin aja', vocabulary).intent).toBe('cancel');
    expect(understand('mau ngelaporin kades yg motong blt', vocabulary).intent).toBe('lapor');
  });

  it('does not guess an everyday word into another ("berat" is not "beras"), but forgives a slip', () => {
    expect(understand('jalan desa rusak berat', vocabulary).categoryCode).toBe('infrastruktur');
    expect(understand('syrat kis', vocabulary).intent).toBe('persyaratan');
    expect(understand('haloo kak', vocabulary).intent).toBe('greeting');
  });
});

describe('entities', () => {
  it('reads tickets as typed, and not plain words of eight letters', () => {
    expect(understand('status abcd 2345', vocabulary).tickets).toEqual(['ABCD2345']);
    expect(understand('tiket saya PQ3R-8STU', vocabulary).tickets).toEqual(['PQ3R8STU']);
    expect(understand('#HT4N9WRZ', vocabulary).tickets).toEqual(['HT4N9WRZ']);
    expect(understand('sekarang cara urus', vocabulary).tickets).toEqual([]);
  });

  it('finds a 16-digit NIK and checks its structure', () => {
    expect(understand('nik saya 3273 0141 0190 0001', vocabulary).nik).toEqual({ digits: '3273014101900001', valid: true });
    expect(understand('3273014101900000', vocabulary).nik).toEqual({ digits: '3273014101900000', valid: false });
    expect(understand('no hp 081234567890', vocabulary).nik).toBeNull();
  });

  it('names services from the catalogue: codes, keywords, acronyms, typos of longer words', () => {
    expect(understand('syarat kis', vocabulary).services).toEqual(['kis-pbi']);
    expect(understand('mau daftar program keluarga harapan', vocabulary).services).toEqual(['pkh']);
    expect(understand('kebakran rumah', vocabulary).services).toEqual(['bantuan-bencana']);
    // Three letters are too short to guess: "kip" is not "kis".
    expect(understand('syarat kip', vocabulary).services).toEqual(['kip-pip']);
  });

  it('names services by their full names in either language, typos forgiven, even with no keyword', () => {
    const named = structuredClone(catalogue);
    for (const service of named.services) service.keywords = [];
    const kis = named.services.find((s) => s.code === 'kis-pbi')!;
    kis.name = { id: 'Kartu Indonesia Sehat (KIS)', en: 'Healthy Indonesia Card (KIS)' };
    const bare = buildVocabulary(named);
    expect(understand('syarat kartu indonesia sehat', bare)).toMatchObject({ intent: 'persyaratan', services: ['kis-pbi'] });
    expect(understand('syarat kartu indonesa sehat', bare).services).toEqual(['kis-pbi']);
    expect(understand('what do i need for the healthy indonesia card', bare).services).toEqual(['kis-pbi']);
    expect(understand('cara daftar progam keluarga harapn', bare)).toMatchObject({ intent: 'persyaratan', services: ['pkh'] });
    expect(understand('bantuan kelompok usaha bersama', bare).services).toEqual(['kube']);
  });

  it('follows the catalogue staff edit: a new keyword is understood, with its category', () => {
    const edited = structuredClone(catalogue);
    edited.services.find((s) => s.code === 'kube')!.keywords.push('usaha mikro');
    edited.categories.find((c) => c.code === 'infrastruktur')!.keywords.push('tiang listrik');
    const fresh = buildVocabulary(edited);
    expect(understand('syarat usaha mikro', fresh)).toMatchObject({ intent: 'persyaratan', services: ['kube'] });
    expect(understand('syarat usaha mikro', vocabulary).services).toEqual([]);
    expect(understand('tiang listrik roboh di gang kami', fresh)).toMatchObject({ intent: 'lapor', categoryCode: 'infrastruktur' });
  });

  it('hints a category when the words say so, and none when they do not', () => {
    expect(understand('jalan rusak di depan sd', vocabulary).categoryCode).toBe('infrastruktur');
    expect(understand('pelayanan lambat sekali', vocabulary).categoryCode).toBeNull();
    expect(understand('the bridge in our village collapsed', vocabulary).categoryCode).toBe('infrastruktur');
  });

  it('takes a category word right after another\'s as qualifying it: the first names the thing', () => {
    expect(understand('puskesmas lansia di desa kami tutup', vocabulary).categoryCode).toBe('kesehatan');
  });

  it('tells English from Indonesian, and says nothing for a number', () => {
    expect(understand('Hello, what documents do I need for KIS?', vocabulary).lang).toBe('en');
    expect(understand('halo, syarat kis apa ya', vocabulary).lang).toBe('id');
    expect(understand('2', vocabulary).lang).toBeNull();
  });

  it('names the greeting to answer in kind', () => {
    expect(understand('Assalamualaikum wr wb', vocabulary).greeting).toBe('salam');
    expect(understand('selamat sore pak, mau lapor', vocabulary)).toMatchObject({ greeting: 'sore', intent: 'lapor' });
  });
});

describe('intents', () => {
  it('reads the intents without a catalogue too (the machine falls back on that)', () => {
    expect(understand('syarat apa saja', EMPTY_VOCABULARY).intent).toBe('persyaratan');
    expect(understand('status ABCD-2345', EMPTY_VOCABULARY).intent).toBe('status');
  });

  it('does not read "berhenti" in a complaint as an opt-out, nor "Batam" as "batal"', () => {
    expect(understand('berhenti', vocabulary).intent).toBe('stop');
    expect(understand('bantuan saya berhenti sejak januari', vocabulary).intent).toBe('lapor');
    expect(understand('Batam', vocabulary).intent).toBe('other');
  });

  it('reads a free-worded cancel as cancel, but not when the words tell of a problem', () => {
    for (const text of ['gak jadi', 'tidak jadi lapor', 'ga jadi deh', 'cancel', 'batal aja']) expect(understand(text, vocabulary).intent).toBe('cancel');
    for (const text of ['bantuan tidak jadi cair', 'pkh ibu saya tidak jadi cair']) expect(understand(text, vocabulary).intent).toBe('lapor');
  });

  it('reads help from words of confusion, and a slip of the keyboard as nothing wrong', () => {
    for (const text of ['bingung', 'gimana caranya', 'tolong bantu', 'saya bingung gimana caranya']) expect(understand(text, vocabulary).intent).toBe('help');
    expect(understand('gimana caranya daftar pkh', vocabulary).intent).toBe('persyaratan');
    expect(understand('maaf salah kirim', vocabulary).intent).toBe('other');
    expect(understand('syarat sktm untuk rumah sakit', vocabulary).intent).toBe('persyaratan');
  });

  it('takes punctuation or emoji as something said, not as nothing', () => {
    for (const text of ['??', '🙏', '...']) expect(understand(text, vocabulary).intent).toBe('other');
  });

  it('is deterministic and reads only the start of a huge message', () => {
    const huge = `syarat kis ${'x'.repeat(100_000)}`;
    expect(understand(huge, vocabulary)).toEqual(understand(huge, vocabulary));
    expect(understand(huge, vocabulary).intent).toBe('persyaratan');
  });
});
