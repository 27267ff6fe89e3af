/**
 * The words that signal what a citizen wants, in normalised form (see `wordsOf`). The catalogue
 * (services, categories) is data staff edit and comes in through `Vocabulary`; what is here is
 * the language of asking, which does not change when a service does.
 */

/** One word, or several in a row ("cek status"). */
export type Phrase = readonly string[];

const phrases = (...items: string[]): Phrase[] => items.map((item) => item.split(' '));

/** Words that say how, not what: greetings, politeness, pronouns, particles, forms of address. */
export const FILLERS = new Set(
  (
    'saya kami aku bapak ibu kakak admin dinas sosial mohon tolong bantu dong deh sih nih ya yah kok lah kah pun juga ' +
    'mau ingin minta boleh bisa apa apakah ada yang dengan untuk dari di ke ini itu tersebut dan atau tapi sama please pls plz ' +
    'hi hello hey dear sir madam i my me we you can could would to the a an is are of for in on about do does please mas mbak ' +
    'permisi punten maaf sebelumnya selamat pagi siang sore malam halo hallo hai helo hey assalamualaikum salam warahmatullahi ' +
    'wabarakatuh wr wb alaikum walaikumsalam waalaikumsalam om swastiastu shalom good morning afternoon evening ' +
    'atas sudah udah bagaimana terimakasih terima kasih thanks thank banyak much oke ya baik siap mohon info informasinya ' +
    // Particles and intensifiers: "batal aja", "sampai jumpa lagi", "thank you so much", "cs nya mana".
    'saja lagi dulu eh ah wah lho loh mana sangat sekali banget so very really lot u informasi ' +
    // The chat's own words: "belum ada foto" is no complaint about a missing thing, "bot ini" no subject.
    'foto gambar photo picture bot chatbot layanan aplikasi'
  ).split(' '),
);

export const GREETINGS: { kind: 'salam' | 'pagi' | 'siang' | 'sore' | 'malam' | 'halo'; phrases: Phrase[] }[] = [
  { kind: 'salam', phrases: phrases('assalamualaikum', 'salam', 'assalamualaikum warahmatullahi', 'om swastiastu', 'shalom') },
  { kind: 'pagi', phrases: phrases('selamat pagi', 'pagi', 'good morning') },
  { kind: 'siang', phrases: phrases('selamat siang', 'siang', 'good afternoon') },
  { kind: 'sore', phrases: phrases('selamat sore', 'sore') },
  { kind: 'malam', phrases: phrases('selamat malam', 'malam', 'good evening') },
  { kind: 'halo', phrases: phrases('halo', 'hallo', 'hai', 'helo', 'hi', 'hello', 'hey', 'permisi', 'punten', 'start', 'mulai') },
];

export const THANKS = phrases('atas bantuan', 'for your help', 'for the help', 'sangat membantu', 'membantu sekali', 'membantu banget', 'helpful', 'terimakasih', 'terima kasih', 'terima kasih atas bantuan', 'terimakasih atas bantuan', 'thanks for help', 'thanks', 'thank you', 'thank', 'makasih', 'matur nuwun', 'nuwun', 'hatur nuhun');
export const GOODBYES = phrases(
  'dadah', 'dah', 'bye', 'goodbye', 'sampai jumpa', 'sampai ketemu', 'see you', 'wassalam', 'wassalamualaikum', 'itu saja',
  'cukup', 'sudah cukup', 'sekian', 'selesai', 'sudah jelas', 'permisi dulu', 'pamit',
);
/** Words that, with nothing else of substance, answer a greeting or thanks: "oke", "siap". */
export const ACKNOWLEDGEMENTS = new Set('oke ya sip siap baik mantap noted'.split(' '));

export const STOP_ALONE = new Set('stop berhenti unsubscribe unreg unsub optout'.split(' '));
export const STOP = phrases(
  'berhenti langganan', 'stop langganan', 'berhenti berlangganan', 'jangan kirim', 'stop kirim', 'stop pesan', 'tidak mau terima',
  'tidak usah kirim', 'keluar dari daftar', 'hapus dari daftar', 'stop broadcast', 'stop notifikasi', 'berhenti kirim', 'opt out',
  'stop sending', 'unsubscribe me',
);

export const CANCEL = phrases('batal', 'batalkan', 'cancel', 'tidak jadi', 'dibatalkan', 'never mind', 'nevermind');

/** Saying one mistyped: "eh salah ketik" is not a complaint about something wrong. */
export const MISTYPED = phrases('salah ketik', 'salah kirim', 'salah tulis', 'salah pencet', 'salah tekan', 'salah pilih', 'salah klik', 'typo', 'keliru ketik');

/**
 * Names whose words sound like a problem but name a thing: a hospital is not a complaint about
 * being ill, aid for victims is not a report of one.
 */
export const NAMES = phrases('rumah sakit', 'bantuan korban');

export const DATA_VERBS = new Set(
  'hapus hapuskan menghapus dihapus lihat melihat cek minta salinan akses tampilkan delete remove erase copy see show view access download unduh apa simpan disimpan menyimpan tersimpan store stored keep'.split(' '),
);
/** Of the data verbs, those that ask to delete rather than to see. */
export const DATA_ERASE_VERBS = new Set('hapus hapuskan menghapus dihapus delete remove erase'.split(' '));
export const DATA_OBJECTS = phrases(
  'data saya', 'data pribadi', 'data diri', 'my data', 'personal data', 'my information', 'data yang disimpan', 'data yang kalian simpan',
  'akun saya', 'nomor saya', 'my account',
);
/** "data … tentang saya": data, said to be about oneself further on. */
export const ABOUT_ME = phrases('tentang saya', 'mengenai saya', 'soal saya', 'about me');

export const HUMAN_WORDS = new Set('petugas admin operator cs staff staf agent human manusia orang pegawai officer someone somebody person representative'.split(' '));
/** Asking how to reach the office: as good as asking for a person. */
export const CONTACTS = phrases('nomor telepon', 'nomor telpon', 'nomor hp', 'nomor wa', 'telepon kantor', 'telpon kantor', 'nomor kantor', 'kontak kantor', 'phone number', 'contact number');
export const HUMAN_VERBS = new Set(
  'butuh need bicara ngobrol berbicara omong hubungi menghubungi hubungkan dihubungkan sambungkan disambungkan kontak ketemu bertemu talk speak chat telepon telpon call contact connect dengan sama langsung asli'.split(' '),
);

export const STATUS = phrases(
  'status', 'cek status', 'cek laporan', 'cek tiket', 'tiket', 'ticket', 'nomor tiket', 'sampai mana', 'sudah sampai mana', 'progres',
  'progress', 'perkembangan', 'tindak lanjut laporan', 'laporan saya bagaimana', 'bagaimana laporan', 'bagaimana aduan', 'bagaimana pengaduan', 'laporan saya sudah', 'laporan saya belum', 'sudah diproses',
  'belum diproses', 'ditanggapi', 'ditindaklanjuti', 'sudah ditanggapi', 'belum ditanggapi', 'belum ada kabar', 'tidak ada kabar', 'ada kabar', 'kabar laporan',
  'my report', 'my complaint', 'report status', 'check status', 'track', 'any news', 'news on', 'update on', 'any update',
);

/** Words a report is called by, and what is done to one: "aduan saya sudah direspon belum" asks its status. */
export const REPORT_NOUNS = new Set('laporan aduan pengaduan keluhan komplain tiket report complaint'.split(' '));
export const HANDLED = new Set(
  'diproses ditindaklanjuti ditanggapi direspon direspons dibalas dibaca dicek diperiksa diverifikasi ditangani diterima processed answered handled'.split(' '),
);

export const PERSYARATAN = phrases(
  'syarat', 'persyaratan', 'syarat syarat', 'dokumen', 'berkas', 'requirements', 'requirement', 'documents', 'document', 'prosedur',
  'cara daftar', 'cara mendaftar', 'cara urus', 'cara mengurus', 'cara buat', 'cara bikin', 'cara membuat', 'cara dapat', 'cara mendapatkan',
  'cara mengajukan', 'cara pengajuan', 'cara ajukan', 'cara apply', 'how to apply', 'how do i apply', 'how to get', 'how to register',
  'bagaimana daftar', 'bagaimana mendaftar', 'bagaimana mengurus', 'bagaimana urus', 'bagaimana cara daftar', 'bagaimana cara mengurus',
  'apa saja yang dibawa', 'yang harus dibawa', 'harus bawa', 'perlu bawa', 'yang diperlukan', 'yang dibutuhkan', 'apa yang perlu',
  'what do i need', 'need to bring', 'apply for', 'how do i get', 'how can i get', 'how can i apply', 'how do i register', 'how can i register',
  'what are the requirements', 'surat pengantar', 'fotokopi', 'pas foto', 'proses bagaimana', 'bagaimana proses', 'daftar', 'mendaftar', 'pendaftaran', 'mengajukan', 'pengajuan', 'urus', 'mengurus', 'bikin',
  'alur', 'tata cara', 'bawa apa', 'bagaimana cara', 'biar masuk', 'supaya masuk', 'masuk dtks', 'cara',  'langkah', 'kemana', 'dimana mengurus', 'dimana daftar', 'lokasi kantor', 'jam buka', 'where',
);

/** A message that opens with these asks for requirements, whatever problem it names next ("syarat bantuan korban gempa"). */
export const REQUIREMENT_HEADS = new Set('syarat persyaratan requirements requirement'.split(' '));

/** Saying outright that one reports. */
export const LAPOR = phrases(
  'lapor', 'melapor', 'laporkan', 'melaporkan', 'dilaporkan', 'mengadu', 'mengadukan', 'aduan', 'pengaduan', 'adukan', 'komplain',
  'complain', 'complaint', 'keluhan', 'mengeluh', 'mengeluhkan', 'report', 'buat laporan', 'bikin laporan', 'membuat laporan',
  'laporan baru', 'aspirasi', 'usul', 'usulan', 'saran', 'protes',
);

/** What a problem sounds like: a complaint stated without the word "lapor". */
export const PROBLEMS = phrases(
  'tidak cair', 'belum cair', 'tidak pernah cair', 'cair', 'tidak dapat', 'belum dapat', 'tidak menerima', 'belum menerima', 'tidak terima',
  'belum terima', 'tidak dikasih', 'tidak diberi', 'dipotong', 'potongan', 'pungli', 'pungutan', 'dipungut', 'diminta uang', 'minta uang',
  'disuruh bayar', 'bayar', 'rusak', 'berlubang', 'lubang', 'ambrol', 'roboh', 'retak', 'mati', 'padam', 'macet', 'bocor', 'tersumbat',
  'mampet', 'menumpuk', 'numpuk', 'kotor', 'bau', 'tergenang', 'terendam', 'ditolak', 'dicoret', 'dihapus', 'dikeluarkan', 'terhapus',
  'salah sasaran', 'tidak tepat sasaran', 'tidak merata', 'kecewa', 'lambat', 'lama sekali', 'dipersulit', 'diperlakukan', 'kasar', 'judes',
  'tidak datang', 'tidak pernah datang', 'tidak ada', 'tidak dilayani', 'tidak ditanggapi', 'tidak terdaftar', 'belum terdaftar',
  'hilang', 'terlantar', 'telantar', 'kelaparan', 'sakit', 'ditelantarkan', 'diusir', 'korban', 'kebakaran', 'kebanjiran', 'longsor',
  'penipuan', 'ditipu', 'nepotisme', 'kkn', 'dijual', 'disalahgunakan', 'tidak sesuai', 'kurang', 'telat', 'terlambat', 'masalah',
  'not paid', 'not received', 'broken', 'never came', 'problem', 'bocoran', 'sampah', 'gelandangan', 'pengemis', 'odgj', 'anak jalanan',
  'hancur', 'ambles', 'amblas', 'ambruk', 'jebol', 'jarang', 'tolong diperbaiki', 'mohon diperbaiki', 'minta diperbaiki',
  'tidak punya', 'tidak sekolah', 'putus sekolah', 'disuruh', 'dipaksa', 'ngamen', 'mengemis', 'eksploitasi', 'kekerasan', 'dipukul', 'dianiaya',
  'oknum', 'mengaku', 'palsu', 'gadungan', 'menjual', 'diperjualbelikan', 'acara pribadi', 'kepentingan pribadi', 'keperluan pribadi',
  'tercemar', 'pencemaran', 'limbah', 'polusi', 'nobody', 'no one', 'bedridden', 'neglected', 'abandoned', 'sick', 'hungry', 'cut', 'stolen', 'corrupt', 'corruption', 'bribe', 'unfair', 'delayed', 'rejected', 'removed', 'damaged', 'collapsed', 'flooded',
  'tidak adil', 'ngamuk', 'mengamuk', 'dinonaktifkan', 'nonaktif', 'tidak aktif', 'tidak bisa dipakai', 'tidak bisa', 'memotong', 'kosong', 'habis', 'tidak digaji', 'ditahan', 'menunggak', 'salah', 'salah nama', 'butuh bantuan', 'phk', 'kena phk', 'meninggal', 'tidak masuk', 'belum masuk', 'belum jadi', 'not been paid', 'has not', 'have not', 'not paid', 'no longer', 'berhenti', 'diberhentikan', 'dihentikan', 'lapar', 'ketahuan', 'ilegal', 'curang', 'kecurangan', 'bermasalah', 'error', 'gagal',
);

/**
 * Problem words that say little on their own ("ada masalah", "mau bayar", "ktp hilang", "kapan
 * cair"): a complaint still, but with what it is about not yet its own description.
 */
export const VAGUE_PROBLEMS = phrases(
  'masalah', 'bermasalah', 'problem', 'bayar', 'hilang', 'tidak punya', 'tidak ada', 'tidak bisa', 'kurang', 'salah', 'disuruh',
  'butuh bantuan', 'error', 'gagal', 'korban', 'sakit', 'cair', 'habis', 'kosong', 'sampah',
);

/** The problem words that name a particular thing gone wrong ("belum cair", "rusak", "mati"). */
export const PARTICULAR_PROBLEMS = PROBLEMS.filter((problem) => !VAGUE_PROBLEMS.some((vague) => vague.join(' ') === problem.join(' ')));

/** Asking when, or how long: a request for information even about signing up ("kapan pendaftaran kip dibuka"). */
export const TIMING = phrases('kapan', 'berapa lama', 'when', 'how long');

/** Questions that ask to be told something: a request for information, filed like a report. */
export const QUESTION_WORDS = new Set('kapan berapa kenapa mengapa when why apakah benarkah'.split(' '));

export const HELP = phrases(
  'bantuan', 'help', 'tolong', 'panduan', 'petunjuk', 'cara pakai', 'cara menggunakan', 'bingung',
  'bisa apa', 'bisa bantu apa', 'menu apa saja', 'fitur', 'how does this work', 'what can you do', 'how to use', 'instructions', 'guide',
  'tidak mengerti', 'tidak paham', 'bagaimana ini', 'bagaimana cara', 'cara bagaimana', 'bagaimana cara pakai', 'bagaimana cara menggunakan',
  'tolong bantu', 'bantu', 'fungsi', 'what is this', 'kurang mengerti', 'kurang paham', 'kurang jelas', 'pilih yang mana', 'pilih mana',
  'harus apa', 'harus bagaimana', 'pakai', 'jelaskan', 'jelaskan cara', 'explain', 'how does it work', 'how does this bot work', 'how do i use',
);

/** Words only English speakers use; shared words ("ok", "help", "status") count for neither language. */
export const ENGLISH = new Set(
  (
    'the is are am was were i my me you your we our what which who how where when why do does did need want would could should ' +
    'hello hi hey good morning afternoon evening thanks thank please documents document requirements report complaint check ' +
    'staff talk speak person human with for of to and in on it this that have has not no yes get apply register card been ' +
    'since months weeks days received paid broken road street school hospital about can will there here they their mother father ' +
    'family assistance payment still yet never bye goodbye see later delete data a so much lot very really'
  ).split(' '),
);
export const INDONESIAN = new Set(
  (
    'saya kami mau ingin yang tidak belum sudah apa ada bagaimana dimana kapan berapa kenapa dengan untuk dari di ke ini itu dan atau ' +
    'tapi bapak ibu mohon tolong syarat persyaratan lapor laporan bantuan cair rusak jalan sekolah rumah sakit bulan tahun hari sejak ' +
    'terima kasih selamat pagi siang sore malam halo petugas cara daftar urus dapat kartu keluarga anak orang kok sih dong ya juga lagi ' +
    'sama karena masih sekarang kemarin kenapa gimana nya data hapus cek bisa ditangani tangani tidur ' +
    // Everyday words, known so that a typo is never guessed into them ("kelurahan" is not "keluhan").
    'kelurahan kecamatan kabupaten kota desa kampung dusun warga tetangga kantor pasar masjid toko jembatan harus perlu ' +
    'sudah pernah waktu tiap setiap minggu lalu depan belakang dekat samping keluarga suami istri anak kakek nenek orangtua ' +
    'uang bayar beli jual ambil kasih kirim datang pergi pulang tunggu tanya jawab baru lama besar kecil banyak sedikit ' +
    'berat ringan parah barat timur utara selatan pintu lantai atap tanah sawah kebun sungai hujan panas dingin'
  ).split(' '),
);

/** "pengaduan" unless the words ask or suggest. */
export const KIND_HINTS: { kind: 'aspirasi' | 'informasi'; phrases: Phrase[] }[] = [
  { kind: 'aspirasi', phrases: phrases('usul', 'usulan', 'saran', 'aspirasi', 'sebaiknya', 'mohon ditambah', 'harap ditambah', 'suggest', 'suggestion') },
  { kind: 'informasi', phrases: phrases('kapan', 'berapa', 'informasi', 'info', 'tanya', 'bertanya', 'apakah', 'when', 'how much', 'is it true') },
];
