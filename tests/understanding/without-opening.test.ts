/**
 * A stated complaint's opening ("saya mau lapor", "laporan tentang") is not its description: it is
 * taken off, and nothing the complaint is about goes with it.
 */
import { describe, expect, it } from 'vitest';
import { withoutOpening } from '../../flows/understand/understand.js';
import { limits } from '../../flows/limits.js';

const cut = (text: string) => withoutOpening(text, limits.descriptionMin);

describe('withoutOpening', () => {
  it.each([
    ['lapor jalan rusak parah di depan SD 3, sudah ada motor jatuh', 'Jalan rusak parah di depan SD 3, sudah ada motor jatuh'],
    ['saya mau mengadu, pelayanan di kantor lambat sekali', 'Pelayanan di kantor lambat sekali'],
    ['Selamat pagi pak, saya mau buat laporan tentang lampu jalan mati di gang 5', 'Lampu jalan mati di gang 5'],
    ['sy mw lapor dong, jalan di desa kami rusak parah', 'Jalan di desa kami rusak parah'],
    ['Laporan: sampah menumpuk di pasar baru', 'Sampah menumpuk di pasar baru'],
    ['lapor pak, jalan di depan rumah berlubang', 'Jalan di depan rumah berlubang'],
    ['mau lapor lagi, pkh ibu saya belum cair', 'Pkh ibu saya belum cair'],
    ['I want to report a broken street light near the market', 'Broken street light near the market'],
    ["I'd like to make a complaint about the garbage near the market", 'Garbage near the market'],
    // Who or what the complaint is about stays.
    ['Saya mau melaporkan ibu saya yang terlantar tidak diurus anaknya', 'Ibu saya yang terlantar tidak diurus anaknya'],
    ['mau lapor, bapak saya lansia tidak dapat bansos', 'Bapak saya lansia tidak dapat bansos'],
    ['lapor emak sy blm dpt bansos dr bulan lalu', 'Emak sy blm dpt bansos dr bulan lalu'],
    ['mau lapor ibu RT minta potongan bansos', 'Ibu RT minta potongan bansos'],
    ['Lapor Bapak Bupati, jalan di desa kami rusak parah', 'Bapak Bupati, jalan di desa kami rusak parah'],
    ['lapor ibu-ibu di RT 05 belum dapat bansos', 'Ibu-ibu di RT 05 belum dapat bansos'],
    ['lapor, iPhone saya dicuri di terminal', 'iPhone saya dicuri di terminal'],
    ['lapor!!! 😡 jalan rusak parah sekali', '😡 jalan rusak parah sekali'],
    ["Assalamu'alaikum, saya mau lapor jalan di depan SD rusak parah", 'Jalan di depan SD rusak parah'],
    ['lapor min jalan di depan SD rusak parah sekali', 'Jalan di depan SD rusak parah sekali'],
    ['lapor pak 🙏 jalan di depan SD rusak parah', '🙏 jalan di depan SD rusak parah'],
    ['mau lapor soal jalan rusak parah di depan SD', 'Jalan rusak parah di depan SD'],
    ['mau lapor ttg jalan rusak parah di depan SD', 'Jalan rusak parah di depan SD'],
    ['pengaduan terkait pungli di kantor kelurahan', 'Pungli di kantor kelurahan'],
    ['saya komplain pelayanan di kantor lambat sekali', 'Pelayanan di kantor lambat sekali'],
  ])('%j → %j', (text, description) => {
    expect(cut(text)).toBe(description);
  });

  it.each([
    ['no opening', 'pkh ibu saya belum cair sejak januari'],
    ['what it is about before the word', 'ibu saya mengadu karena bansos dipotong 200rb oleh ketua RT'],
    ['reported before: the history is the complaint', 'sudah lapor 3 kali tapi jalan masih rusak'],
    ['the one complained about first', 'dinas sosial mau saya laporkan karena bansos tidak cair'],
    ['a rest that needs the opening', 'saya mau lapor dan minta tolong jalan diperbaiki'],
    ['a rest that needs the opening (to whom)', 'mau lapor ke dinas sosial, bansos kami dipotong'],
    ['a noun of reporting that starts what it is about', 'laporan keuangan dana desa tidak transparan, tidak pernah diumumkan'],
    ['a noun of reporting with its subject', 'pengaduan warga tentang sampah menumpuk di pasar tidak direspon'],
    ['a suggestion of ours', 'saran saya lampu jalan di gang 5 segera diperbaiki karena mati'],
    ['a rest too short to stand alone', 'lapor pak, jalan rusak'],
    ['a rest short once its invisible padding is left out', 'lapor, jalan rusak\u200b\u200b\u200b\u200b\u200b      '],
  ])('keeps the text whole: %s', (_why, text) => {
    expect(cut(text)).toBe(text);
  });
});
