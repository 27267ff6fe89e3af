/**
 * What staff read of an anonymous case's chat: the reporter withheld wherever the chat shows them
 * (a name typed before *anonim* was chosen, the summary that echoed it, a contact card, the display
 * name, the phone, the NIK as stored, another case's ticket), and the rest left readable.
 */
import { describe, expect, it } from 'vitest';
import { copy } from '../../flows/copy/index.js';
import { anonymousMask, type TranscriptEntry } from '../../src/cases/service.js';
import { MASKED } from '../../src/pii/public-text.js';

let clock = Date.parse('2026-12-03T02:00:00Z');
const out = (text: string): TranscriptEntry => ({ direction: 'out', at: new Date((clock += 1_000)), kind: 'text', text });
const inText = (text: string, kind = 'text'): TranscriptEntry => ({ direction: 'in', at: new Date((clock += 1_000)), kind, text });
const known = { names: [], wholeNames: [], phones: ['+6281234567890'], isNik: () => false, otherTickets: ['3WQWU9NM'] };
/** The chat as staff read it: each entry through the case's mask (`byArrival`: the entries as Postgres stored them). */
function anonymousTranscript(shown: TranscriptEntry[], byArrival: TranscriptEntry[], values: Parameters<typeof anonymousMask>[1]): TranscriptEntry[] {
  const mask = anonymousMask(byArrival, values);
  return shown.map((entry) => (entry.text ? { ...entry, text: mask(entry.text) } : entry));
}
const texts = (entries: TranscriptEntry[]) => entries.map((e) => e.text);

describe('an anonymous case as staff read it', () => {
  it('withholds the answer to the name question, and every later mention of it and of its words', () => {
    const chat = [
      out(copy.id.name.prompt),
      inText('Siti Rahayu'),
      out('Mohon periksa laporan Anda:\nIdentitas: Siti Rahayu\n1. Kirim'),
      inText('bu Siti sudah menunggu lama, rumah Rahayu di ujung gang'),
    ];
    expect(texts(anonymousTranscript(chat, chat, known))).toEqual([
      copy.id.name.prompt,
      MASKED,
      `Mohon periksa laporan Anda:\nIdentitas: ${MASKED}\n1. Kirim`,
      `bu ${MASKED} sudah menunggu lama, rumah ${MASKED} di ujung gang`,
    ]);
  });

  it('takes the answer that follows the question as Postgres stored them, whatever the platform clock said', () => {
    const prompt = out(copy.en.name.prompt);
    const answer: TranscriptEntry = { direction: 'in', at: new Date(prompt.at.getTime() - 5_000), kind: 'text', text: 'Budi Santoso' };
    const shown = [answer, prompt];
    expect(texts(anonymousTranscript(shown, [prompt, answer], known))).toEqual([MASKED, copy.en.name.prompt]);
  });

  it('keeps forms of address and answers that are no name readable', () => {
    const chat = [out(copy.id.name.prompt), inText('Ibu Siti'), out('Terima kasih.'), inText('ibu saya sakit')];
    expect(texts(anonymousTranscript(chat, chat, known))).toEqual([copy.id.name.prompt, `Ibu ${MASKED}`, 'Terima kasih.', 'ibu saya sakit']);
    for (const answer of ['apakah nama saya dirahasiakan?', 'batal', 'bantuan', 'saya tidak mau', 'rumah saya di Jl. Merdeka No. 10 dekat masjid agung kota']) {
      const asked = [out(copy.id.name.prompt), inText(answer), out('Bantuan PKH belum cair, saya menunggu di rumah.')];
      expect(texts(anonymousTranscript(asked, asked, known)).at(-1)).toBe('Bantuan PKH belum cair, saya menunggu di rumah.');
    }
  });

  it('withholds a contact card, the display name as a whole, the phone and the NIK as the door stored it', () => {
    const chat = [
      inText('Andi Wijaya', 'contact'),
      inText('Info Laporan PKH bilang hubungi 0812-3456-7890, NIK 3204••••••••0001'),
      out('Laporan PKH Anda diterima, Andi.'),
    ];
    expect(texts(anonymousTranscript(chat, chat, { ...known, wholeNames: ['Info Laporan PKH'] }))).toEqual([
      MASKED,
      `${MASKED} bilang hubungi ${MASKED}, NIK ${MASKED}`,
      `Laporan PKH Anda diterima, ${MASKED}.`,
    ]);
  });

  it("keeps its own ticket and withholds the citizen's other cases', however typed, which would lead to their reporter", () => {
    const chat = [
      out('Nomor tiket: *3WQW-U9NM*'),
      out('Laporan serupa sudah ada (tiket *3WQW-U9NM*).'),
      inText('sama dengan 3wqw u9nm ya, atau 3WQW - U9NM, 3WQW.U9NM, 3WQW–U9NM, 3WQW-U9NMnya'),
      out('Nomor tiket: *K7MR-4QXT*'),
    ];
    expect(texts(anonymousTranscript(chat, chat, known))).toEqual([
      `Nomor tiket: *${MASKED}*`,
      `Laporan serupa sudah ada (tiket *${MASKED}*).`,
      `sama dengan ${MASKED} ya, atau ${MASKED}, ${MASKED}, ${MASKED}, ${MASKED}`,
      'Nomor tiket: *K7MR-4QXT*',
    ]);
  });

  it('leaves words that only look like tickets, amounts and dates readable', () => {
    const chat = [inText('PETUGAS BERTINDAK SEMENA-MENA, DANA-DESA DIPOTONG Rp 10.000.000 SEJAK 12-05-2026')];
    expect(texts(anonymousTranscript(chat, chat, known))).toEqual(['PETUGAS BERTINDAK SEMENA-MENA, DANA-DESA DIPOTONG Rp 10.000.000 SEJAK 12-05-2026']);
  });
});
