/**
 * Informal Indonesian as typed on a phone, turned into comparable words: "sy mw lapoor, bntuan
 * pkh gk cair2" → ["saya", "mau", "lapor", "bantuan", "pkh", "tidak", "cair"]. Pure and linear in
 * the length of the message, so a 100,000-character paste costs nothing.
 */
import { normalise } from '../text.js';

/**
 * Chat spellings and abbreviations → the word they stand for. Only forms that mean one thing:
 * "tp" is "tapi", but "kk" (Kartu Keluarga or *kakak*) is left alone.
 */
const SPELLINGS: Record<string, string> = {
  gk: 'tidak', ga: 'tidak', gak: 'tidak', nggak: 'tidak', ngga: 'tidak', enggak: 'tidak', engga: 'tidak', gag: 'tidak',
  g: 'tidak', tdk: 'tidak', tak: 'tidak', kagak: 'tidak', ndak: 'tidak', nda: 'tidak', ndk: 'tidak', teu: 'tidak', hong: 'tidak',
  sy: 'saya', sya: 'saya', aq: 'saya', aku: 'saya', gw: 'saya', gue: 'saya', gua: 'saya', sayah: 'saya', kulo: 'saya', abdi: 'saya',
  mhn: 'mohon', mohn: 'mohon', yg: 'yang', dgn: 'dengan', dg: 'dengan', sm: 'sama', ama: 'sama',
  bpk: 'bapak', pak: 'bapak', bp: 'bapak', bu: 'ibu', ibuk: 'ibu', bunda: 'ibu', mak: 'ibu', emak: 'ibu', mamak: 'ibu', nyokap: 'ibu',
  utk: 'untuk', untk: 'untuk', krn: 'karena', karna: 'karena', soalnya: 'karena',
  sdh: 'sudah', udh: 'sudah', udah: 'sudah', dah: 'sudah', sudh: 'sudah', wis: 'sudah', blm: 'belum', blum: 'belum', durung: 'belum',
  bs: 'bisa', bsa: 'bisa', gmn: 'bagaimana', gimana: 'bagaimana', gmana: 'bagaimana', bgmn: 'bagaimana', piye: 'bagaimana', kumaha: 'bagaimana',
  knp: 'kenapa', napa: 'kenapa', tlg: 'tolong', tlong: 'tolong', brp: 'berapa', dr: 'dari', jg: 'juga', lg: 'lagi', skrg: 'sekarang',
  kpn: 'kapan', dmn: 'dimana', dmana: 'dimana', tp: 'tapi', org: 'orang', bln: 'bulan', thn: 'tahun', hr: 'hari', rmh: 'rumah',
  sklh: 'sekolah', ortu: 'orangtua', jgn: 'jangan', jd: 'jadi', notif: 'notifikasi', ngapain: 'apa', ancur: 'hancur', malem: 'malam', bnyk: 'banyak', byk: 'banyak', bnyak: 'banyak', ngaku: 'mengaku', pake: 'pakai', ngerti: 'mengerti', ngeti: 'mengerti', mudeng: 'paham', mw: 'mau', mo: 'mau', pengen: 'ingin', pingin: 'ingin', pgn: 'ingin', kepingin: 'ingin',
  aja: 'saja', doang: 'saja', apa2: 'apa', dpt: 'dapat', dapet: 'dapat', ngurus: 'urus', ngadu: 'mengadu', nanya: 'tanya', tny: 'tanya',
  sampe: 'sampai', smp: 'sampai', kalo: 'kalau', klo: 'kalau', kl: 'kalau', gt: 'begitu', gitu: 'begitu', bgt: 'banget',
  trims: 'terimakasih', makasih: 'terimakasih', makasi: 'terimakasih', mksh: 'terimakasih', mks: 'terimakasih', maksih: 'terimakasih',
  trimakasih: 'terimakasih', trmksh: 'terimakasih', thx: 'thanks', tq: 'thanks', ty: 'thanks', tks: 'thanks', nuhun: 'terimakasih',
  hatur: 'terimakasih', suwun: 'terimakasih', ass: 'assalamualaikum', askum: 'assalamualaikum', assalamu: 'assalamualaikum',
  asalamualaikum: 'assalamualaikum', assalamualaikom: 'assalamualaikum', assalammualaikum: 'assalamualaikum', salam: 'salam',
  wr: 'warahmatullahi', wb: 'wabarakatuh', met: 'selamat', slmt: 'selamat', pgi: 'pagi', mlm: 'malam', siank: 'siang',
  min: 'kakak', mimin: 'kakak', kak: 'kakak', ka: 'kakak', gan: 'kakak', sis: 'kakak', bro: 'kakak', mas: 'kakak', mba: 'kakak', mbak: 'kakak',
  infonya: 'info', infokan: 'info', syaratnya: 'syarat', sarat: 'syarat', saratnya: 'syarat', persaratan: 'persyaratan', prsyaratan: 'persyaratan',
  laporannya: 'laporan', laporanku: 'laporan', aduannya: 'aduan', statusnya: 'status', tiketnya: 'tiket', petugasnya: 'petugas',
  bansosnya: 'bansos', bantuannya: 'bantuan', datanya: 'data', caranya: 'cara', berkasnya: 'berkas', dokumennya: 'dokumen',
  ok: 'oke', okey: 'oke', okay: 'oke', okee: 'oke', sip: 'oke', siap: 'oke', baik: 'oke', y: 'ya', iya: 'ya', yaa: 'ya', yup: 'ya',
  ngajuin: 'mengajukan', ngajukan: 'mengajukan', pakainya: 'pakai', dipake: 'dipakai', make: 'pakai', motong: 'memotong', nunggak: 'menunggak', dtg: 'datang', dteng: 'datang', tpi: 'tapi', jln: 'jalan', jl: 'jalan', kmn: 'kemana', gmna: 'bagaimana', sklah: 'sekolah', kmrn: 'kemarin', kmren: 'kemarin', dl: 'dulu', dlu: 'dulu', tgl: 'tanggal', no: 'nomor', nmr: 'nomor', nomer: 'nomor',
};

/** A run of three or more of one letter is typed emphasis ("tolonggg", "makasiiih") and reads as one; two stay ("maaf", "tunggu"). */
function collapseRepeats(word: string): string {
  return word.replace(/(\p{L})\1{2,}/gu, '$1');
}

const AMOUNT = /^\d+(?:rb|ribu|k|jt|juta)$/;
const AMOUNT_UNITS = new Set(['rb', 'ribu', 'jt', 'juta', 'rupiah']);
/** Between a negation and its verb, words that do not change what is said: "tidak pernah dapat" is "tidak dapat". */
const NEGATION_FILLERS = new Set(['pernah', 'juga', 'kunjung']);

/**
 * Words of a message: letters and digits, split at everything else; "cair2" (reduplication) reads
 * as "cair", a sum of money ("20rb", "50 ribu", "rp 50.000") as "uang", "tidak pernah dapat" as
 * "tidak dapat".
 */
export function wordsOf(text: string): string[] {
  const said = normalise(text);
  const words: string[] = [];
  let typedBefore = '';
  for (const raw of said.split(/[^\p{L}\p{N}]+/u)) {
    if (raw === '') continue;
    const collapsed = collapseRepeats(raw.replace(/(\p{L}{2,})2(nya)?$/u, '$1$2'));
    const word = SPELLINGS[collapsed] ?? collapsed;
    const previous = words.at(-1);
    const typedTwice = collapsed === typedBefore && /\p{L}/u.test(collapsed);
    typedBefore = collapsed;
    if (AMOUNT.test(word)) words.push('uang');
    else if (AMOUNT_UNITS.has(word) && previous !== undefined && /^\d+$/.test(previous)) words[words.length - 1] = 'uang';
    else if (/^\d+$/.test(word) && (previous === 'rp' || (previous === 'uang' && /^\d{3}$/.test(word)))) words[words.length - 1] = 'uang';
    else if (NEGATION_FILLERS.has(word) && (previous === 'tidak' || previous === 'belum')) continue;
    // "cs nya", "laporan nya": the suffix typed apart belongs to the word before.
    else if (word === 'nya' && previous !== undefined) continue;
    // "gorong-gorong", like "gorong2", is one word said twice.
    else if (typedTwice) continue;
    else words.push(word);
  }
  return words;
}

/**
 * Splits words typed without their spaces ("syaratkis", "maulapor", "cekstatus") into two known
 * words, when the whole is not known itself and both parts are.
 */
export function splitJoined(words: readonly string[], known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const word of words) {
    if (known.has(word) || word.length < 5 || word.length > 24 || /\d/.test(word)) {
      out.push(word);
      continue;
    }
    let split: [string, string] | null = null;
    for (let at = 2; at <= word.length - 2 && !split; at++) {
      const head = SPELLINGS[word.slice(0, at)] ?? word.slice(0, at);
      const tail = SPELLINGS[word.slice(at)] ?? word.slice(at);
      if (known.has(head) && known.has(tail)) split = [head, tail];
    }
    out.push(...(split ?? [word]));
  }
  return out;
}

/**
 * Colloquial (Jakarta) verb forms and suffixed words read as the standard form, when that is known
 * and the word as typed is not: "batalin" → "batalkan", "ngelaporin" → "laporkan", "ngecek" →
 * "cek", "fungsinya" → "fungsi". The suffix *-in* stands for *-kan*, *nge-* or *ng-* is the
 * informal active prefix, and *-nya* the possessive.
 */
export function standardForm(word: string, known: ReadonlySet<string>): string {
  if (known.has(word) || word.length < 5) return word;
  // The possessive "-nya" ("fungsinya", "fotonya") leaves the word it is added to.
  if (word.endsWith('nya') && known.has(word.slice(0, -3))) return word.slice(0, -3);
  const stems = [word];
  for (const prefix of ['nge', 'ng']) if (word.startsWith(prefix) && word.length - prefix.length >= 3) stems.push(word.slice(prefix.length));
  for (const stem of stems) {
    if (stem !== word && known.has(stem)) return stem;
    if (stem.endsWith('in') && stem.length >= 5) {
      const root = stem.slice(0, -2);
      if (known.has(`${root}kan`)) return `${root}kan`;
      if (known.has(root)) return root;
    }
  }
  return word;
}
