/**
 * Everything the citizen reads, in Indonesian. This file defines the shape (`Copy`); `en.ts` must
 * fill the same shape. Messages stay short: many citizens read them on cheap phones over poor networks.
 * `*text*` is WhatsApp bold; other channels show the asterisks harmlessly.
 */

const months = [
  'Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni',
  'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember',
];

export const id = {
  footer: {
    menu: 'Ketik *bantuan* untuk petunjuk. Type *english* for English.',
    back: 'Ketik 0 untuk kembali ke menu, atau *batal* untuk membatalkan.',
    backToMenu: 'Ketik 0 untuk kembali ke menu.',
  },

  /** Short notes put in front of the next question. */
  notes: {
    welcome: 'Halo, selamat datang di *Kanal Aduan*. Di sini Anda bisa melapor, mengecek status laporan, dan melihat persyaratan layanan.',
    handedBack: 'Percakapan dengan petugas sudah selesai. Terima kasih. Anda kembali dilayani oleh asisten otomatis.',
    restartIdle: 'Sesi Anda sebelumnya sudah berakhir karena lama tidak aktif, jadi kita mulai lagi dari awal.',
    restartUpgrade: 'Layanan ini baru saja diperbarui, jadi kita mulai lagi dari awal. Mohon maaf atas ketidaknyamanannya.',
    cancelled: 'Baik, dibatalkan.',
    stuck: 'Maaf, saya masih belum memahami. Ketik *petugas* untuk bicara dengan petugas, atau *0* untuk ke menu. Jawaban Anda sejauh ini tetap tersimpan.',
    unsupported: 'Maaf, saya hanya bisa membaca teks, foto, dan lokasi.',
    strayPhoto: 'Terima kasih, tetapi saat ini saya belum meminta foto. Foto bisa dikirim pada langkah foto saat membuat laporan.',
    strayLocation: 'Terima kasih, tetapi saat ini saya belum meminta lokasi.',
    strayContact: 'Terima kasih, tetapi saat ini saya belum meminta kontak.',
    empty: 'Pesan Anda kosong.',
    /** Greetings answered in kind, before the welcome or the question. */
    greetSalam: 'Waalaikumsalam warahmatullahi wabarakatuh.',
    greetPagi: 'Selamat pagi.',
    greetSiang: 'Selamat siang.',
    greetSore: 'Selamat sore.',
    greetMalam: 'Selamat malam.',
    greetHalo: 'Halo.',
    thanks: 'Sama-sama 🙏 Senang bisa membantu.',
    goodbye: 'Terima kasih sudah menghubungi kami. Sampai jumpa!',
    /** Thanks or goodbye in the middle of a report: the report waits. */
    draftWaits: 'Laporan Anda belum terkirim dan tetap tersimpan; silakan lanjutkan kapan saja.',
    stopped: 'Baik, kami tidak akan mengirim pesan siaran kepada Anda lagi. Kabar tentang laporan Anda tetap dikirim ke sini. Ketik *mulai* bila ingin menerimanya lagi.',
    resumed: 'Baik, Anda akan menerima pesan siaran lagi sesuai langganan Anda. Berhenti kapan saja: ketik *berhenti*.',
    regionNotFound: 'Maaf, wilayah itu tidak kami temukan. Periksa ejaannya, atau ketik *lewati*.',
    eraseCancelled: 'Baik, data Anda tidak dihapus.',
    draftKept: 'Laporan yang sedang Anda tulis tetap tersimpan. Ketik *lapor* untuk melanjutkannya.',
    /** A message that kept failing in its conversation step, answered instead of stepped. */
    failed: 'Maaf, terjadi gangguan di sistem kami. Ketik *menu* untuk mulai lagi.',
    /** A message the database refused to store: set aside for operators. */
    setAside: 'Maaf, pesan Anda tidak dapat kami proses. Silakan kirim lagi dengan kata-kata lain, atau ketik *menu*.',
    staleChoice: 'Sepertinya itu pilihan dari pesan sebelumnya.',
    langSwitched: 'Baik, saya akan membalas dalam Bahasa Indonesia.',
    help: [
      'Cara memakai layanan ini:',
      '• Balas dengan *nomor* pilihan, misalnya *1*.',
      '• *0* atau *menu*: kembali ke menu utama.',
      '• *batal*: keluar ke menu; laporan yang sedang ditulis tetap disimpan.',
      '• *petugas*: bicara dengan petugas.',
      '• *langganan*: terima info dari dinas; *berhenti*: berhenti menerimanya.',
    '• *english*: reply in English.',
    ].join('\n'),
    descriptionTooShort: 'Uraiannya masih terlalu singkat. Mohon ceritakan lebih rinci (minimal 15 karakter) agar petugas bisa menindaklanjuti.',
    descriptionTooLong: 'Uraiannya terlalu panjang (maksimal 4.000 karakter). Mohon dipersingkat, lalu kirim lagi.',
    addressTooLong: 'Alamatnya terlalu panjang (maksimal 500 karakter). Mohon dipersingkat.',
    nameTooLong: 'Nama terlalu panjang (maksimal 100 karakter).',
    photosReset: 'Foto sebelumnya sudah dihapus.',
    nikLength: 'NIK harus 16 angka.',
    nikDigits: 'NIK hanya berisi angka.',
    nikRegion: 'Kode wilayah pada NIK (6 angka pertama) tidak dikenal.',
    nikBirthdate: 'Tanggal lahir pada NIK (angka ke-7 sampai ke-12) tidak sesuai.',
    nikSerial: 'Empat angka terakhir NIK tidak boleh 0000.',
    caseNotFound: 'Tiket itu tidak ditemukan di antara laporan Anda. Mohon periksa kembali nomornya.',
    serviceMatches: 'Ada beberapa layanan yang cocok:',
    serviceNotFound: 'Maaf, layanan itu belum ada di daftar kami. Berikut semua layanan yang tersedia.',
    ratingThanks: 'Terima kasih, penilaian Anda sudah kami catat.',
    reopened: 'Laporan Anda kami buka kembali dan sudah diteruskan lagi ke petugas.',
    reopenTooLate: 'Maaf, batas waktu untuk membuka kembali laporan itu sudah lewat. Bila masalahnya masih ada, silakan buat laporan baru.',
    notRateable: 'Laporan itu belum selesai ditindaklanjuti, jadi belum bisa dinilai.',
    infoNotAdded: 'Maaf, laporan itu sudah ditutup, jadi tidak bisa ditambah. Bila perlu, silakan buat laporan baru.',
    infoPhotoLimit: 'Maaf, maksimal 3 foto sekali tambah. Ketik *selesai* bila sudah.',
    addedToDescription: 'Baik, saya tambahkan ke uraian laporan Anda.',
    summaryQuestion:
      'Setelah laporan terkirim (pilih *1*), Anda mendapat nomor tiket dan tanggal paling lambat petugas memverifikasi laporan. Pertanyaan lain bisa Anda sampaikan ke petugas setelah laporan terkirim: ketik *petugas*.',
    addedToEarlier: 'Uraian dan foto Anda sudah ditambahkan ke laporan sebelumnya dan diteruskan ke petugas.',
    identityNamed:
      'Laporan ini dikirim *dengan nama*: nama dan nomor Anda tercantum untuk petugas dinas yang menanganinya. Ingin anonim atau rahasia? Pilih *2* (Ubah), lalu *6* (Identitas).',
    identityAnonymous:
      'Laporan ini *anonim*: nama dan nomor Anda tidak dicantumkan pada laporan yang diterima petugas, dan kabar laporan tetap sampai di chat ini. Untuk mengubahnya, pilih *2* (Ubah), lalu *6* (Identitas).',
    identityConfidential:
      'Laporan ini *rahasia*: nama Anda tercantum, tetapi hanya petugas yang menanganinya yang dapat membuka laporan ini, dan isinya tidak dipublikasikan. Untuk mengubahnya, pilih *2* (Ubah), lalu *6* (Identitas).',
  },

  /** Said in front of a question again after input we could not use. */
  hints: {
    choice: 'Maaf, pilihan itu tidak ada. Balas dengan salah satu nomor di bawah.',
    photos: 'Maaf, saya sedang menunggu foto. Kirim foto, atau ketik *selesai*.',
    ticket: 'Maaf, itu bukan nomor tiket. Nomor tiket berisi 8 huruf/angka, misalnya ABCD-2345.',
    topics: 'Maaf, balas dengan nomor topik dari daftar, misalnya *1* atau *1 3*.',
    rating: 'Maaf, balas dengan angka 1–5, *puas*, *tidak puas*, atau *belum selesai*.',
  },

  /** The second time in a row: the same question, with an example of an answer. */
  examples: {
    choice: 'Cukup balas dengan angkanya saja, misalnya *1* untuk pilihan pertama.',
    menu: 'Anda juga bisa langsung menulis keperluan Anda, misalnya *syarat kis*, *status ABCD-2345*, atau *lapor jalan rusak di depan SD 3*.',
    ticket: 'Nomor tiket ada di pesan saat laporan diterima, misalnya *ABCD-2345*. Atau balas angka dari daftar.',
    photos: 'Kirim foto lewat tombol lampiran 📎, atau ketik *selesai* bila tidak ada foto lagi.',
    rating: 'Misalnya balas *5* bila sangat puas, atau *1* bila tidak puas.',
  },

  /** A report stated in the first words: what we understood, confirmed with one tap. */
  stated: {
    prompt: (description: string, kind: string, category: string | null) =>
      [
        'Baik, saya catat laporan Anda:',
        `"${description}"`,
        `Jenis: ${kind}\nKategori: ${category ?? 'belum dipilih'}`,
        'Apakah sudah benar?',
      ].join('\n\n'),
    options: (hasCategory: boolean) =>
      hasCategory ? ['Ya, lanjutkan', 'Ubah uraian', 'Pilih kategori lain'] : ['Ya, lanjut pilih kategori', 'Ubah uraian'],
  },

  /** Coming back to lapor with an unfinished report from the last 24 hours. */
  resume: {
    prompt: (description: string) => `Anda punya laporan yang belum selesai:\n\n"${description}"\n\nMau dilanjutkan?`,
    options: ['Lanjutkan laporan itu', 'Mulai laporan baru'],
    none: '(uraian belum diisi)',
  },

  menu: {
    prompt: 'Silakan pilih layanan:',
    options: [
      'Lapor (pengaduan, aspirasi, permintaan informasi)',
      'Cek status laporan',
      'Persyaratan layanan',
      'Bicara dengan petugas',
      'Bantuan',
    ],
  },

  kinds: {
    pengaduan: 'Pengaduan',
    aspirasi: 'Aspirasi',
    informasi: 'Permintaan informasi',
  },

  kind: {
    prompt: 'Apa jenis laporan Anda?',
    options: ['Pengaduan (keluhan atas layanan)', 'Aspirasi (usulan atau saran)', 'Permintaan informasi'],
  },

  category: {
    prompt: 'Laporan Anda tentang apa? Pilih kategori:',
  },

  description: {
    pengaduan: 'Ceritakan masalahnya: apa yang terjadi, di mana, dan sejak kapan.',
    aspirasi: 'Tuliskan aspirasi atau usulan Anda.',
    informasi: 'Tuliskan informasi apa yang Anda butuhkan.',
  },

  location: {
    prompt: 'Di mana lokasinya? Ketik alamat (jalan, RT/RW, kelurahan) atau kirim lokasi 📍. Jika tidak ada, ketik *lewati*.',
    skip: 'Lewati',
  },

  photos: {
    prompt: 'Kirim foto pendukung bila ada (maksimal 3). Setelah selesai, ketik *selesai*. Jika tidak ada, ketik *lewati*.',
    received: (count: number, max: number) => `Foto ${count}/${max} diterima.`,
    more: 'Kirim foto lain, atau ketik *selesai*.',
    full: 'Ketik *selesai* untuk lanjut.',
    limit: (max: number) => `Maaf, maksimal ${max} foto. Ketik *selesai* untuk lanjut.`,
    done: 'Selesai',
    skip: 'Lewati',
  },

  identity: {
    prompt: 'Bagaimana identitas Anda dicantumkan?',
    options: [
      'Dengan nama',
      'Anonim (nama Anda tidak diketahui pihak yang dilaporkan)',
      'Rahasia (dengan nama, isi laporan tidak dipublikasikan)',
    ],
  },

  name: {
    prompt: 'Siapa nama Anda?',
  },

  nik: {
    prompt: 'Ketik NIK Anda (16 angka di KTP-el) agar laporan lebih mudah diverifikasi. NIK disimpan terenkripsi. Jika tidak ingin, ketik *lewati*.',
    skip: 'Lewati',
  },

  confirm: {
    title: 'Mohon periksa laporan Anda:',
    labels: {
      kind: 'Jenis',
      category: 'Kategori',
      service: 'Layanan',
      description: 'Uraian',
      location: 'Lokasi',
      photos: 'Foto',
      identity: 'Identitas',
      nik: 'NIK',
    },
    none: '-',
    pin: (latitude: string, longitude: string) => `📍 ${latitude}, ${longitude}`,
    photoCount: (count: number) => `${count} foto`,
    anonymous: 'Anonim',
    confidential: '(rahasia)',
    options: ['Kirim', 'Ubah', 'Batal'],
  },

  edit: {
    prompt: 'Bagian mana yang ingin diubah?',
    options: ['Jenis laporan', 'Kategori', 'Uraian', 'Lokasi', 'Foto', 'Identitas', 'Kembali ke ringkasan'],
  },

  created: (ticket: string, verifyBy: string) =>
    [
      '✅ Laporan Anda sudah kami terima.',
      `Nomor tiket: *${ticket}*`,
      `Simpan nomor ini. Petugas akan memverifikasi laporan Anda paling lambat ${verifyBy}.`,
      'Untuk mengecek status, pilih *2* di menu atau ketik *status*.',
    ].join('\n\n'),

  /** Broadcasts (*sosialisasi*): subscribing to topics and a region. What the citizen agrees to is stored word for word. */
  subscribe: {
    topics: 'Pilih topik info dari dinas yang ingin Anda terima. Boleh lebih dari satu, misalnya *1 3*.',
    consent: 'Dengan memilih, Anda setuju menerima pesan siaran dari dinas tentang topik itu di chat ini. Berhenti kapan saja: ketik *berhenti*.',
    region: 'Ingin info khusus wilayah Anda? Ketik nama kelurahan atau kecamatan Anda, atau *lewati*.',
    skip: 'Lewati',
    regionChoice: 'Ada beberapa wilayah dengan nama itu. Pilih yang benar:',
    levels: { provinsi: 'Provinsi', kota: 'Kota', kabupaten: 'Kabupaten', kecamatan: 'Kecamatan', kelurahan: 'Kelurahan', desa: 'Desa' } as Record<string, string>,
    done: (topics: string, region: string | null) =>
      `✅ Anda berlangganan info *${topics}*${region ? ` untuk wilayah ${region}` : ''}. Berhenti kapan saja: ketik *berhenti*.`,
    /** Under the ticket of a new report: one tap subscribes to the report's topic. */
    offer: (topic: string) => `📢 Ingin menerima info *${topic}* dari dinas di chat ini? Ketik *langganan*. Berhenti kapan saja: ketik *berhenti*.`,
    offerButton: 'Langganan',
  },

  /** A notice the agency broadcasts: `{nama}` for a citizen whose name we do not know. */
  broadcast: { noName: 'Bapak/Ibu' },

  /** A status change the agency pushes to the citizen (outside a conversation). */
  statusUpdate: (ticket: string, status: string, note: string | null, next: string | null, detail: string | null = null) =>
    [
      `Kabar laporan *${ticket}*: ${status}.`,
      detail,
      note ? `Catatan petugas: ${note}` : null,
      next ? `Langkah berikutnya: ${next}.` : null,
      'Balas *status* untuk melihat rinciannya.',
    ]
      .filter(Boolean)
      .join('\n\n'),

  /** A staff member writes into the citizen's chat about a case. */
  staffReply: (ticket: string, text: string) => `Balasan petugas untuk laporan *${ticket}*:\n\n${text}`,
  /** What `{nama}` in a staff's ready answer becomes when the name may not be shown (anonymous) or is unknown. */
  unnamedCitizen: 'Bapak/Ibu',
  /** Why the case moved, told with the status update. */
  rerouted: (dinas: string) => `Laporan Anda dialihkan ke ${dinas} yang berwenang menanganinya.`,
  duplicateOf: (original: string | null) =>
    original
      ? `Laporan ini sama dengan laporan Anda *${original}*; penanganannya dilanjutkan di sana.`
      : 'Laporan ini sama dengan laporan yang sudah ditangani; penanganannya dilanjutkan di sana.',

  status: {
    listTitle: 'Laporan Anda yang terakhir:',
    typeTicket: 'Pilih nomor, atau ketik nomor tiket (contoh: ABCD-2345).',
    none: 'Anda belum punya laporan.',
    startReport: 'Buat laporan',
    words: {
      baru: 'Diterima, menunggu verifikasi',
      diverifikasi: 'Sudah diverifikasi',
      diteruskan: 'Diteruskan ke unit yang menangani',
      diproses: 'Sedang ditindaklanjuti',
      selesai: 'Selesai ditindaklanjuti',
      ditutup: 'Ditutup',
      ditolak: 'Ditolak',
      duplikat: 'Digabung dengan laporan lain yang sama',
    },
    nextStep: {
      baru: 'verifikasi oleh petugas',
      diverifikasi: 'diteruskan ke unit yang menangani',
      diteruskan: 'tindak lanjut oleh dinas',
      diproses: 'penyelesaian tindak lanjut',
      selesai: 'laporan ditutup bila tidak ada tanggapan',
    },
    labels: {
      ticket: 'Tiket',
      kind: 'Jenis',
      category: 'Kategori',
      status: 'Status',
      reason: 'Alasan',
      note: 'Catatan petugas',
      updated: 'Pembaruan terakhir',
      next: 'Langkah berikutnya',
    },
    dueBy: (step: string, date: string) => `${step}, paling lambat ${date}`,
    another: 'Ketik nomor tiket lain, atau 0 untuk kembali ke menu.',
    addInfoHint: 'Ketik *tambah info* untuk menambah keterangan atau foto.',
    rateHint: 'Ketik *nilai* untuk menilai penanganannya, atau *belum selesai* bila masalahnya belum beres.',
    rateOnlyHint: 'Ketik *nilai* untuk menilai penanganannya.',
  },

  /** After `selesai`: the question in the status push, and the chat that follows. */
  rating: {
    asked: 'Apakah masalah Anda sudah beres? Balas dengan nilai 1–5 (5 = sangat puas), *puas* atau *tidak puas*. Bila belum beres, balas *belum selesai*.',
    prompt: (ticket: string) =>
      `Bagaimana penanganan laporan *${ticket}*? Balas dengan nilai 1–5 (5 = sangat puas), *puas* atau *tidak puas*. Bila masalahnya belum beres, balas *belum selesai*.`,
    comment: 'Terima kasih. Ada saran atau komentar? Tulis di sini, atau ketik *lewati*.',
    lowComment: 'Mohon maaf penanganannya belum memuaskan. Apa yang kurang? Bila masalahnya belum beres, tulis apa yang belum: laporan akan dibuka kembali. Atau ketik *lewati*.',
    reopenReason: 'Apa yang belum beres? Tulis singkat agar petugas bisa menindaklanjuti, atau ketik *lewati*.',
    satisfied: 'Puas',
    unsatisfied: 'Tidak puas',
    notFinished: 'Belum selesai',
    skip: 'Lewati',
  },

  /** "tambah info": the citizen adds to an open case. */
  addInfo: {
    prompt: (ticket: string) => `Kirim keterangan tambahan atau foto untuk laporan *${ticket}*. Ketik *selesai* bila sudah.`,
    added: (ticket: string) => `Sudah ditambahkan ke laporan *${ticket}* dan diteruskan ke petugas. Kirim keterangan atau foto lain, atau ketik *selesai*.`,
  },

  /** Words typed at the summary, offered for the description. */
  addition: {
    prompt: (text: string) => `Tambahkan ke uraian laporan?\n\n"${text}"`,
    options: ['Ya, tambahkan', 'Tidak'],
  },

  /** The duplicate hint before a report is sent. */
  duplicate: {
    prompt: (ticket: string, date: string) => `Anda sudah melapor tentang kategori ini pada ${date} (tiket *${ticket}*). Apakah ini laporan baru?`,
    options: (ticket: string) => ['Ya, ini masalah baru', `Masalah yang sama: tambahkan ke *${ticket}*`],
  },

  services: {
    prompt: 'Layanan apa yang ingin Anda ketahui persyaratannya?',
    hint: 'Ketik nomor, atau nama layanan (misalnya *pkh* atau *kis*).',
    requirements: 'Persyaratan',
    procedure: 'Cara mengurus',
    where: 'Tempat dan waktu',
    next: {
      prompt: 'Ada lagi yang bisa dibantu?',
      options: ['Lapor masalah tentang layanan ini', 'Lihat layanan lain'],
    },
  },

  petugas: {
    recorded: 'Permintaan Anda untuk bicara dengan petugas sudah dicatat.',
    online: 'Petugas sedang bertugas dan akan membalas di sini. Silakan tulis pertanyaan Anda.',
    offline: (hours: string) =>
      `Saat ini di luar jam layanan (${hours}). Petugas akan membalas di sini pada jam layanan. Silakan tulis pertanyaan Anda.`,
    forwarded: 'Pesan Anda sudah kami terima dan akan dibaca petugas.',
    /** Outside staff hours: when someone will answer ("Senin, 7 Desember 2026", "08.00"). */
    answerFrom: (day: string, time: string, hours: string) =>
      `Saat ini di luar jam layanan (${hours}). Petugas akan membalas di sini mulai ${day} pukul ${time}. Silakan tulis pertanyaan Anda.`,
    /** An officer took the chat from the console: from now on a person answers. */
    joined: 'Petugas sudah terhubung dan akan membalas Anda di sini.',
  },

  /** Fair use: said by the runtime, not the conversation (src/conversation/fair-use.ts). */
  fairUse: {
    /** Once a minute at most, to a chat sending more than it may in a minute. */
    slowDown:
      'Mohon maaf, pesan Anda masuk terlalu cepat. Pesan yang Anda kirim dalam satu menit ini tetap kami simpan, tetapi tidak kami jawab satu per satu. Mohon tunggu sebentar, lalu kirim lagi pesan yang belum terjawab.',
    /** A text or caption longer than the limit, cut before it was stored ("8.000"). */
    shortened: (limit: string) => `Pesan Anda sangat panjang, jadi hanya ${limit} karakter pertama yang kami simpan dan baca.`,
    /** Numbers the way Indonesian writes them (8.000). */
    number: (n: number) => n.toLocaleString('id-ID'),
  },

  /** The web chat page's own words (src/channels/webchat/page.html); the conversation itself is the rest of this file. */
  webChat: {
    lang: 'id',
    title: 'Kanal Aduan — web chat',
    intro: 'Sampaikan laporan atau pertanyaan Anda seperti di WhatsApp/Telegram. Ketik *halo* untuk mulai.',
    placeholder: 'Tulis pesan…',
    messageLabel: 'Pesan',
    send: 'Kirim',
    newConversation: 'Percakapan baru',
    /** Asked before a new conversation replaces the one on screen. */
    confirmNew: 'Mulai percakapan baru? Percakapan ini akan ditutup dan tidak tampil lagi di perangkat ini.',
    retrying: 'Jaringan bermasalah, mencoba lagi…',
    notSent: 'Pesan belum terkirim. Periksa koneksi Anda, lalu kirim lagi.',
    tooFast: 'Pesan terlalu cepat. Tunggu sebentar, lalu kirim lagi.',
    /** The session ended (unused for WEBCHAT_SESSION_HOURS, or closed): a new one begins. */
    ended: 'Percakapan sebelumnya sudah berakhir. Ini percakapan baru.',
    privacyLink: 'Privasi',
    otherLanguage: { label: 'English', href: '/chat?lang=en' },
  },

  /** UU 27/2022 (Pelindungan Data Pribadi): the short notice at first contact, *data saya*, *hapus data saya* and the full notice page. */
  privacy: {
    /** Under the first reply of a chat, once; `base` is the product's public address. */
    notice: (base: string) =>
      `🔒 Data pribadi Anda kami olah untuk menangani laporan, sesuai UU 27/2022 tentang Pelindungan Data Pribadi. Ketik *data saya* untuk melihat atau menghapusnya. Selengkapnya: ${base}/privasi`,
    held: {
      title: 'Data Anda yang kami simpan:',
      chats: 'Chat',
      name: 'Nama',
      nik: 'NIK',
      cases: 'Laporan',
      messages: 'Pesan tersimpan',
      photos: 'Foto tersimpan',
      none: '-',
      phone: (masked: string) => `nomor ${masked}`,
      moreCases: (count: number) => `dan ${count} laporan lain`,
      channels: { telegram: 'Telegram', web: 'Web chat', 'whatsapp-web': 'WhatsApp', 'whatsapp-cloud': 'WhatsApp' } as Record<string, string>,
      howToErase: 'Untuk menghapus data pribadi Anda, pilih 1 atau ketik *hapus data saya*.',
    },
    /** Asked again at *data saya* (after a slip): the list itself is not kept. */
    again: 'Ketik *data saya* untuk melihat data Anda lagi.',
    eraseOption: 'Hapus data saya',
    erase: {
      prompt:
        'Yakin ingin menghapus data pribadi Anda? Nama, NIK, nomor telepon, alamat, isi pesan, dan foto Anda akan dihapus dan tidak bisa dikembalikan. Laporan Anda tetap tersimpan tanpa data pribadi (untuk statistik), tetapi tidak bisa dicek lagi dari chat ini.',
      options: ['Ya, hapus data saya', 'Tidak, batalkan'],
      done: 'Data pribadi Anda sudah kami hapus. Bila Anda menulis lagi, percakapan dimulai dari awal.',
    },
    /** The full notice, served at `/privasi`. `*text*` shows in bold. */
    page: {
      path: '/privasi',
      title: 'Pemberitahuan Privasi',
      intro:
        'Pemberitahuan ini menjelaskan data pribadi apa yang kami olah saat Anda memakai Kanal Aduan (WhatsApp, Telegram, atau web chat), untuk apa, berapa lama disimpan, dan bagaimana memakai hak Anda menurut Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi.',
      controllerTitle: 'Pengendali data',
      controller: (name: string) => `Pengendali data pribadi Anda di layanan ini adalah *${name}*.`,
      recipients: (names: string) => `Laporan Anda hanya diteruskan kepada dinas yang berwenang menanganinya: ${names}.`,
      purposesTitle: 'Untuk apa data Anda dipakai',
      purposes: [
        'Menerima, memverifikasi, dan meneruskan laporan Anda kepada dinas yang berwenang.',
        'Mengabarkan perkembangan laporan dan menjawab pertanyaan Anda di chat yang sama.',
        'Menyusun statistik layanan; statistik hanya berisi angka, tanpa nama.',
      ],
      heldTitle: 'Data yang kami simpan',
      held: [
        'Identitas chat: nomor WhatsApp atau akun Telegram, dan nama tampilan dari aplikasi.',
        'Isi pesan, foto, dan lokasi yang Anda kirim.',
        'Nama dan NIK bila Anda memberikannya saat melapor. NIK disimpan terenkripsi dan hanya ditampilkan tersamar.',
        'Laporan Anda: jenis, kategori, uraian, lokasi, status, dan riwayat penanganannya.',
      ],
      retentionTitle: 'Berapa lama disimpan',
      retention: (r: { messageDays: string; draftDays: string; mediaDays: string; closedCaseDays: string }) => [
        `Isi pesan chat: ${r.messageDays}.`,
        `Laporan yang belum selesai ditulis: ${r.draftDays}.`,
        `Foto: ${r.mediaDays}.`,
        `Data pribadi pada laporan yang sudah ditutup: ${r.closedCaseDays} setelah ditutup. Sesudahnya laporan hanya menyimpan data tanpa identitas, untuk statistik.`,
      ],
      days: (count: number) => (count % 365 === 0 ? `${count / 365} tahun` : `${count} hari`),
      rightsTitle: 'Hak Anda dan cara memakainya',
      rights: [
        'Melihat data Anda: ketik *data saya* di chat.',
        'Menghapus data Anda: ketik *hapus data saya* di chat, lalu konfirmasi. Nama, NIK, nomor telepon, alamat, isi pesan, dan foto Anda dihapus; laporan tetap ada tanpa data pribadi, untuk statistik.',
        'Memperbaiki data atau menyampaikan keberatan: ketik *petugas* di chat, atau hubungi kami (lihat Kontak).',
        'Berhenti menerima pesan siaran: ketik *berhenti*.',
      ],
      contactTitle: 'Kontak',
      contact: (contact: string) => `Pertanyaan tentang data pribadi Anda: ${contact}.`,
      inChat: (hours: string) => `Atau ketik *petugas* di chat; petugas melayani pada ${hours}.`,
      otherLanguage: { label: 'Read in English', path: '/privacy' },
    },
  },

  date: (day: number, month: number, year: number) => `${day} ${months[month - 1]} ${year}`,
  weekdays: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  time: (hour: number, minute: number) => `${String(hour).padStart(2, '0')}.${String(minute).padStart(2, '0')}`,
};

export type Copy = typeof id;
