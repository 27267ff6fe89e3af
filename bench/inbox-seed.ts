/**
 * Seeds a migrated database with the catalogue for the inbox bench: by default 1,000,000 cases over
 * three years and 10,000,000 inbound messages, all set-based SQL (generate_series), so it takes
 * minutes rather than hours. The shape follows the field: two dinas (dinsos busier than disdik),
 * their units, categories per dinas, four channels, most old cases closed with a backlog of open
 * ones whose clocks ran out, recent cases still being verified, descriptions drawn from a
 * complaint vocabulary with a long tail (a few words in almost every case, district names in a
 * hundred or so each). Ids grow with time, as they do in production.
 *
 * Standalone: `npx tsx bench/inbox-seed.ts <database-url> [cases] [messages]` on a database the
 * app has migrated and seeded with its catalogue.
 */
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { TICKET_ALPHABET, TICKET_LENGTH } from '../src/cases/ticket.js';
import { cpuSeconds } from './processes.js';

export interface InboxSeedOptions {
  cases: number;
  messages: number;
  /** The newest case is opened just before this moment. */
  now: Date;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** Ordered by frequency: the first words appear in nearly every complaint, the last in about 1%. */
export const VOCABULARY = (
  'bantuan belum tidak sudah warga kami mohon data rt rw kelurahan pkh bpnt sembako terdaftar dtks kartu keluarga ' +
  'ktp sekolah petugas bulan tahun ibu bapak anak rumah dana cair pencairan tolong segera ditindaklanjuti kecamatan ' +
  'desa lansia disabilitas kis bpjs rumah_sakit biaya pendaftaran surat keterangan pengantar dinas sosial nama nik ' +
  'salah hilang rusak banjir longsor kebakaran korban terlantar gizi buruk beasiswa kip pip seragam pungutan guru ' +
  'kepala komite zonasi ppdb ijazah tunggakan spp mutasi pindah domisili akta kelahiran kematian nikah kk baru ' +
  'cetak ulang antrian lama pelayanan kantor telepon tidak_diangkat pegawai kasar pungli calo uang rupiah ribu juta ' +
  'jalan rusak lampu mati saluran air got sampah menumpuk bau limbah pabrik tetangga pengemis anak_jalanan odgj ' +
  'panti asuhan jompo kube usaha modal pelatihan kerja pengangguran phk ekonomi miskin ekstrem rentan penerima ' +
  'tepat sasaran mampu mobil motor dicoret verifikasi validasi musyawarah pendamping sosial korlap agen bank ' +
  'himbara atm saldo kosong dipotong potongan e-warong beras telur minyak harga naik kualitas jelek busuk basi ' +
  'kurang jatah dibagi rata kepala_desa lurah camat bupati walikota gubernur tanggapan laporan aduan sebelumnya ' +
  'tiga kali datang langsung ditolak alasan jelas informasi syarat persyaratan berkas lengkap kurang_lengkap foto ' +
  'lokasi alamat belakang pasar masjid sekolah_dasar smp sma puskesmas posyandu balita stunting vaksin imunisasi ' +
  'obat rujukan rawat inap kamar penuh igd ambulans terlambat meninggal duka santunan kematian_keluarga yatim piatu'
).split(' ');

/** Syllables of made-up district names: 20³ = 8,000 names, each in about 0.0125% of cases. */
const SYLLABLES = 'ci ba su ka ra ja ti ma nga lu pa wa sa de go ke ra ne bo hu'.split(' ');

const literalArray = (words: readonly string[]) => `(array[${words.map((w) => `'${w.replace(/'/g, "''")}'`).join(',')}]::text[])`;

/** A district name `place` (0 ≤ place < 8,000) as the seed writes it. */
export function placeName(place: number): string {
  const n = SYLLABLES.length;
  return `${SYLLABLES[place % n]}${SYLLABLES[Math.floor(place / n) % n]}${SYLLABLES[Math.floor(place / n / n) % n]}`;
}

/** Same formula as the SQL below: which channel identity `i` chats on. */
const CHANNEL_OF_IDENTITY = `(case when i % 20 < 7 then 'telegram' when i % 20 < 13 then 'whatsapp-cloud' when i % 20 < 19 then 'whatsapp-web' else 'web' end)`;

export async function seedInbox(databaseUrl: string, options: InboxSeedOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const started = Date.now();
  // The seed's one backend does the work: its CPU time says what the seed costs when other
  // processes share the cores and stretch the wall-clock time.
  const [{ pid }] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  const cpuStart = cpuSeconds(pid);
  const step = async (what: string, work: () => Promise<unknown>) => {
    const t0 = Date.now();
    const cpu0 = cpuSeconds(pid);
    await work();
    log(`  seed: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s, postgres CPU ${(cpuSeconds(pid) - cpu0).toFixed(1)} s)`);
  };
  try {
    const n = options.cases;
    const identities = Math.max(1, Math.round(n / 3));
    const spanSeconds = 3 * 365 * 86_400;
    const nowIso = options.now.toISOString();
    // Seconds between consecutive cases, so the newest is about a minute old.
    const gap = spanSeconds / n;
    await sql`select setseed(0.42)`;
    await sql`set synchronous_commit = off`;
    await sql`set maintenance_work_mem = '256MB'`;

    await step('staff', () =>
      sql.unsafe(`
        insert into staff (dinas_id, unit_id, name, email, role, supervisor)
        select u.dinas_id, u.id, 'Petugas ' || u.code || ' ' || k, 'petugas' || k || '.' || u.code || '.' || u.dinas_id || '@bench.test', 'petugas', k = 1
        from units u, generate_series(1, 6) k
        union all
        select d.id, null, r || ' ' || d.code, r || '.' || d.code || '@bench.test', r, false
        from dinas d, unnest(array['verifikator', 'pimpinan', 'admin']) r`),
    );

    await step(`${identities.toLocaleString('en')} citizens and chat identities`, async () => {
      await sql.unsafe(`insert into citizens (id, created_at) overriding system value select i, '${nowIso}'::timestamptz - interval '3 years' from generate_series(1, ${identities}) i`);
      await sql.unsafe(`select setval('citizens_id_seq', ${identities})`);
      await sql.unsafe(`
        insert into channel_identities (id, citizen_id, channel, chat_id, created_at) overriding system value
        select i, i, ${CHANNEL_OF_IDENTITY}, 'bench-' || i, '${nowIso}'::timestamptz - interval '3 years'
        from generate_series(1, ${identities}) i`);
      await sql.unsafe(`select setval('channel_identities_id_seq', ${identities})`);
    });

    // Base-31 digits of an affine permutation of g: unique 8-character tickets from the real alphabet.
    const ticketDigits = Array.from({ length: TICKET_LENGTH }, (_, k) => `substr('${TICKET_ALPHABET}', 1 + ((x / ${31 ** k}::bigint) % 31)::int, 1)`).join(' || ');
    const syllables = literalArray(SYLLABLES);
    const vocabulary = literalArray(VOCABULARY);
    // Descriptions come from a pool drawn once (each case adds its own district name): drawing
    // words for every case would cost more than everything else the seed does.
    const pool = Math.min(n, 20_000);
    await step(`${pool.toLocaleString('en')} descriptions to draw from`, () =>
      sql.unsafe(`
        create temporary table description_pool as
        select k, (select string_agg(${vocabulary}[1 + floor(power(random(), 4) * ${VOCABULARY.length})::int], ' ')
                   from generate_series(1, 6 + (k % 20))) as words
        from generate_series(0, ${pool - 1}) k`),
    );
    // Indexes are built once after the rows are in, which is several times faster than keeping
    // each one up to date row by row; they are recreated exactly as the migrations wrote them.
    const indexes = await sql<{ name: string; definition: string }[]>`
      select indexname as name, indexdef as definition from pg_indexes
      where schemaname = 'public' and tablename in ('cases', 'messages') and indexname not in (select conname from pg_constraint)`;
    for (const { name } of indexes) await sql.unsafe(`drop index "${name}"`);
    await step(`${n.toLocaleString('en')} cases`, () =>
      sql.unsafe(`
        with unit_ids as (
          select d.code as dinas, array_agg(u.id order by u.code) as ids
          from units u join dinas d on d.id = u.dinas_id group by d.code
        ),
        unit_staff as (select unit_id, array_agg(id order by id) as ids from staff where role = 'petugas' group by unit_id),
        dinas_ids as (select code, id from dinas),
        raw as (
          select g,
                 (g::bigint * 387420489 + 12345) % ${31 ** TICKET_LENGTH}::bigint as x,
                 1 + (g::bigint * 2654435761 % ${identities}) as i,
                 '${nowIso}'::timestamptz - make_interval(secs => (${n} - g) * ${gap} + 60) as created,
                 (${n} - g) * ${gap} / 86400.0 as age_days,
                 random() as r_dinas, random() as r_cat, random() as r_unit, random() as r_status, random() as r_assign, random() as r_region
          from generate_series(1, ${n}) g
        ),
        shaped as (
          select raw.*,
                 case when r_dinas < 0.65 then 'dinsos-bandung' else 'disdik-bandung' end as dinas,
                 case
                   when age_days < 3 then case when r_status < 0.6 then 'baru' when r_status < 0.85 then 'diverifikasi' when r_status < 0.95 then 'diteruskan' else 'ditolak' end
                   when age_days < 14 then case when r_status < 0.1 then 'baru' when r_status < 0.2 then 'diverifikasi' when r_status < 0.45 then 'diteruskan'
                                                when r_status < 0.7 then 'diproses' when r_status < 0.85 then 'selesai' when r_status < 0.95 then 'ditolak' else 'duplikat' end
                   when age_days < 60 then case when r_status < 0.08 then 'diteruskan' when r_status < 0.2 then 'diproses' when r_status < 0.4 then 'selesai'
                                                when r_status < 0.85 then 'ditutup' when r_status < 0.95 then 'ditolak' else 'duplikat' end
                   else case when r_status < 0.01 then 'baru' when r_status < 0.02 then 'diteruskan' when r_status < 0.04 then 'diproses'
                             when r_status < 0.87 then 'ditutup' when r_status < 0.96 then 'ditolak' else 'duplikat' end
                 end as status
          from raw
        ),
        placed as (
          select s.*, d.id as dinas_id,
                 case when s.dinas = 'dinsos-bandung'
                      then case when r_cat < 0.4 then 'bantuan-sosial' when r_cat < 0.55 then 'data-kependudukan' when r_cat < 0.7 then 'sosial-ekonomi'
                                when r_cat < 0.85 then 'kesehatan' when r_cat < 0.9 then 'infrastruktur' else 'lainnya' end
                      else case when r_cat < 0.8 then 'pendidikan' else 'lainnya' end end as category,
                 -- dinsos units by code order: dayasos, linjamsos, rehsos, verifikator; disdik: pembinaan-sd, pembinaan-smp, sekretariat.
                 case when s.dinas = 'dinsos-bandung'
                      then case when r_unit < 0.15 then u.ids[1] when r_unit < 0.6 then u.ids[2] when r_unit < 0.8 then u.ids[3] when r_unit < 0.9 then u.ids[4] end
                      else case when r_unit < 0.4 then u.ids[1] when r_unit < 0.7 then u.ids[2] else u.ids[3] end end as unit_id
          from shaped s join dinas_ids d on d.code = s.dinas join unit_ids u on u.dinas = s.dinas
        )
        insert into cases (id, ticket, citizen_id, identity_id, kind, category_code, description, region_code, dinas_id, unit_id, status, channel,
                           sla_due_at, sla_remind_at, anonymous, confidential, assignee_staff_id, created_at, updated_at) overriding system value
        select p.g, ${ticketDigits}, p.i, p.i,
               case when p.g % 10 < 8 then 'pengaduan' when p.g % 10 = 8 then 'aspirasi' else 'informasi' end,
               p.category,
               dp.words || ' di ' || ${syllables}[1 + p.g % 20] || ${syllables}[1 + (p.g / 20) % 20] || ${syllables}[1 + (p.g / 400) % 20],
               case when p.r_region < 0.85 then '3273' || lpad((1 + p.g % 30)::text, 2, '0') else '3204' || lpad((1 + p.g % 31)::text, 2, '0') end,
               p.dinas_id, p.unit_id, p.status, ${CHANNEL_OF_IDENTITY.replace(/\bi\b/g, 'p.i')},
               case when p.status in ('baru', 'diverifikasi') then p.created + interval '4 days 6 hours'
                    when p.status in ('diteruskan', 'diproses') then p.created + interval '9 days'
                    when p.status = 'selesai' then p.created + interval '20 days' end,
               case when p.status in ('baru', 'diverifikasi') then p.created + interval '3 days 10 hours'
                    when p.status in ('diteruskan', 'diproses') then p.created + interval '7 days 4 hours' end,
               p.r_assign < 0.03, p.r_assign > 0.99,
               case when p.status in ('diproses', 'selesai', 'ditutup') and p.r_assign < 0.8 or p.status = 'diteruskan' and p.r_assign < 0.4
                    then st.ids[1 + (p.g % coalesce(array_length(st.ids, 1), 1))] end,
               p.created, p.created + make_interval(secs => least(p.age_days, 20) * 86400 * p.r_status)
        from placed p left join unit_staff st on st.unit_id = p.unit_id
        join description_pool dp on dp.k = (p.g::bigint * 7919) % ${pool}`),
    );
    await sql.unsafe(`select setval('cases_id_seq', ${n})`);

    await step('running SLA clocks', () =>
      sql.unsafe(`
        insert into case_timers (case_id, kind, started_at, due_at, remind_at, next_at)
        select id, case when status in ('baru', 'diverifikasi') then 'verify' when status = 'selesai' then 'close' else 'follow_up' end,
               created_at, sla_due_at, sla_remind_at, null
        from cases where sla_due_at is not null`),
    );

    const messages = options.messages;
    const chunk = 1_000_000;
    const mspan = spanSeconds / Math.max(1, messages);
    await step(`${messages.toLocaleString('en')} inbound messages`, async () => {
      for (let from = 1; from <= messages; from += chunk) {
        const to = Math.min(messages, from + chunk - 1);
        await sql.unsafe(`
          insert into messages (id, identity_id, channel, external_id, kind, body, sent_at, received_at, processed_at) overriding system value
          select m, i, ${CHANNEL_OF_IDENTITY}, 'bench-' || m, 'text',
                 ${literalArray(['1', 'lapor', 'ya', 'cek status', 'petugas', 'Bantuan PKH belum cair pak', 'terima kasih', 'menu', 'batal', 'baik'])}[1 + m % 10],
                 at, at, at
          from (select m, 1 + (m::bigint * 40503 % ${identities}) as i, '${nowIso}'::timestamptz - make_interval(secs => (${messages} - m) * ${mspan}) as at
                from generate_series(${from}, ${to}) m) s`);
        log(`  seed: messages ${to.toLocaleString('en')} / ${messages.toLocaleString('en')}`);
      }
      await sql.unsafe(`select setval('messages_id_seq', ${Math.max(1, messages)})`);
    });

    await step(`${indexes.length} indexes of cases and messages`, async () => {
      for (const { definition } of indexes) await sql.unsafe(definition);
    });

    // Statistics for the planner and a visibility map for index-only counts, as autovacuum leaves them.
    await step('vacuum analyze', () => sql.unsafe('vacuum (analyze) cases, case_timers, staff, channel_identities, citizens, messages'));
    log(`  seed: done in ${((Date.now() - started) / 1000).toFixed(0)} s (postgres CPU ${(cpuSeconds(pid) - cpuStart).toFixed(0)} s)`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [url, cases = '1000000', messages = '10000000'] = process.argv.slice(2);
  if (!url) {
    process.stderr.write('usage: tsx bench/inbox-seed.ts <database-url> [cases] [messages]\n');
    process.exit(2);
  }
  await seedInbox(url, { cases: Number(cases), messages: Number(messages), now: new Date(), log: (line) => process.stdout.write(`${line}\n`) });
}
