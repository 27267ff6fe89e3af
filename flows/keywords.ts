/**
 * Words citizens type instead of a number, in both languages whatever the chosen language, all
 * in normalised form (see `normalise`). Global words work in every state; the others only where
 * their question is asked.
 */
export const globalWords = {
  menu: ['menu', '0', 'menu utama', 'main menu', 'kembali', 'back', 'home', 'start', 'mulai'],
  cancel: ['batal', 'batalkan', 'cancel'],
  help: ['bantuan', 'help', 'tolong', 'panduan'],
  human: ['petugas', 'bicara dengan petugas', 'hubungi petugas', 'operator', 'admin', 'staff', 'agent', 'human', 'cs'],
  english: ['english', 'inggris', 'bahasa inggris', 'eng', 'en'],
  indonesian: ['bahasa', 'indonesia', 'bahasa indonesia', 'indonesian', 'id'],
} as const;

export const choiceWords = {
  lapor: ['lapor', 'laporan', 'buat laporan', 'report', 'make a report'],
  status: ['status', 'cek status', 'cek', 'check status', 'tiket', 'ticket'],
  persyaratan: ['persyaratan', 'syarat', 'layanan', 'requirements', 'services'],
  pengaduan: ['pengaduan', 'aduan', 'keluhan', 'komplain', 'complaint'],
  aspirasi: ['aspirasi', 'usulan', 'saran', 'aspiration', 'suggestion'],
  informasi: ['informasi', 'info', 'permintaan informasi', 'information', 'information request'],
  named: ['nama', 'dengan nama', 'name', 'with my name'],
  anonymous: ['anonim', 'anonymous', 'tanpa nama'],
  confidential: ['rahasia', 'confidential'],
  send: ['kirim', 'ya', 'send', 'yes', 'ok', 'oke'],
  change: ['ubah', 'edit', 'change', 'ganti'],
  otherService: ['layanan lain', 'lain', 'other', 'other services'],
  /** Moving on from optional steps (location, photos, NIK). */
  skip: ['lewati', 'lewat', 'skip', 'tidak ada', 'tidak', 'gak ada', 'ga ada', 'none', 'no'],
  done: ['selesai', 'lanjut', 'sudah', 'cukup', 'done', 'next', 'continue'],
  addInfo: ['tambah info', 'tambah informasi', 'tambah keterangan', 'tambah', 'add info', 'add information'],
  rate: ['nilai', 'beri nilai', 'penilaian', 'rating', 'rate'],
  satisfied: ['puas', 'sangat puas', 'satisfied'],
  unsatisfied: ['tidak puas', 'kurang puas', 'not satisfied', 'unsatisfied', 'dissatisfied'],
  notFinished: ['belum selesai', 'belum', 'belum beres', 'not finished', 'not done', 'not solved'],
  newReport: ['baru', 'laporan baru', 'new', 'new report'],
  sameReport: ['sama', 'tambahkan', 'same'],
  /** From the *data saya* list: on to erasing. */
  erase: ['hapus', 'hapus data', 'hapus data saya', 'delete', 'delete my data', 'erase'],
  /** Broadcasts: choose topics (and a region) to get the agency's news in this chat. */
  subscribe: ['langganan', 'berlangganan', 'langganan info', 'daftar info', 'subscribe', 'subscribe me'],
  /** After *berhenti*: broadcasts again. (Otherwise it is the menu word it always was.) */
  resume: ['mulai', 'mulai lagi', 'langganan lagi'],
  /** Erasing is for good, so only a clear yes confirms it; the option labels typed out count too. */
  eraseYes: ['ya', 'yes', 'setuju', 'ya hapus', 'ya, hapus', 'ya hapus data saya', 'ya, hapus data saya', 'yes delete my data', 'yes, delete my data'],
  /** Words typed at the summary go into the description only on a yes. */
  addYes: ['ya', 'yes', 'tambahkan', 'ya tambahkan', 'ya, tambahkan', 'add', 'yes add', 'yes, add it'],
  addNo: ['tidak', 'no', 'jangan', 'tidak usah', 'gak usah', 'ga usah', 'no thanks'],
  eraseNo: ['tidak', 'no', 'tidak jadi', 'jangan', 'batal', 'batalkan', 'cancel', 'tidak batalkan', 'tidak, batalkan', 'no cancel', 'no, cancel'],
} as const;
