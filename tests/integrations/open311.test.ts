/**
 * Open311 GeoReport v2 as a client sees it: the spec's fields and errors (400/403/404 as
 * `[{ code, description }]`), confidential cases never listed, nothing personal in any answer.
 * And the round trip through a dinas's system: a case a citizen files over (fake) Telegram shows
 * in requests.json, and a status update the dinas posts back reaches the citizen's chat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TICKET_ALPHABET } from '../../src/cases/ticket.js';
import { openTestCase, seedIdentity } from '../support/cases.js';
import { telegramCitizen } from '../support/citizens.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { apiKeyFor, dinasId, open311Get, open311Post, postStatus } from '../support/open311.js';
import { telegramConfig } from '../support/telegram.js';

/** Status changes in these tests are the system's: the integrations see them like any other. */
const SYSTEM = { kind: 'system' } as const;

const TICKET = new RegExp(`\\*([${TICKET_ALPHABET}]{4})-([${TICKET_ALPHABET}]{4})\\*`);
const REPORT = ['halo', '1', '1', '1', 'Bantuan PKH kami belum cair sejak tiga bulan lalu.', 'lewati', 'lewati', '2', '1'];
const REQUEST_FIELDS = [
  'agency_responsible', 'description', 'expected_datetime', 'lat', 'long', 'requested_datetime', 'service_code', 'service_name',
  'service_request_id', 'status', 'status_notes', 'updated_datetime',
].sort();

let env: TestEnv;
let telegram: FakeTelegram;
let app: App;
let dinsosKey: string;
let disdikKey: string;

const person = { first_name: 'Budi', last_name: 'Santoso', email: 'budi.santoso@example.id', phone: '081234567890' };
const base = { service_code: 'pkh', lat: -6.9147444, long: 107.6098111, address_string: 'Jl. Melati No. 5 RT 03/RW 02, Cihapit' };

async function file(fields: Record<string, string | number>, as: 'json' | 'form' = 'json'): Promise<string> {
  const res = await open311Post(app, { api_key: dinsosKey, ...base, ...fields }, as);
  expect(res.status).toBe(201);
  return res.body[0].service_request_id;
}

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  app = await startTestApp(env, { config: telegramConfig(telegram) });
  dinsosKey = await apiKeyFor(app, 'dinsos-bandung');
  disdikKey = await apiKeyFor(app, 'disdik-bandung');
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await env?.dispose();
});

describe('services', () => {
  it('lists catalogue services and complaint categories with the spec fields', async () => {
    const { status, body } = await open311Get(app, 'services.json');
    expect(status).toBe(200);
    const pkh = body.find((s: { service_code: string }) => s.service_code === 'pkh');
    expect(pkh).toEqual({ service_code: 'pkh', service_name: expect.stringContaining('PKH'), description: expect.any(String), metadata: true, type: 'realtime', keywords: expect.stringContaining('pkh'), group: 'Bantuan sosial' });
    expect(body.find((s: { service_code: string }) => s.service_code === 'kategori-infrastruktur')).toMatchObject({ type: 'realtime', group: 'Kategori pengaduan' });
  });

  it('narrows to a jurisdiction (a dinas code), and 404s an unknown one', async () => {
    const disdik = await open311Get(app, 'services.json?jurisdiction_id=disdik-bandung');
    const codes = disdik.body.map((s: { service_code: string }) => s.service_code);
    expect(codes).toContain('kip-pip');
    expect(codes).not.toContain('pkh');
    expect(await open311Get(app, 'services.json?jurisdiction_id=dinas-entah')).toEqual({ status: 404, body: [{ code: 404, description: 'jurisdiction_id dinas-entah not found' }] });
  });

  it('defines a service by its attributes, and 404s an unknown code', async () => {
    const { status, body } = await open311Get(app, 'services/pkh.json');
    expect(status).toBe(200);
    expect(body.service_code).toBe('pkh');
    expect(body.attributes.map((a: { code: string }) => a.code)).toEqual(['jenis', 'anonim', 'rahasia']);
    expect(body.attributes[0]).toMatchObject({ variable: true, datatype: 'singlevaluelist', required: false, order: 1 });
    expect(await open311Get(app, 'services/tidak-ada.json')).toEqual({ status: 404, body: [{ code: 404, description: 'service_code tidak-ada not found' }] });
  });

  it('answers JSON only: .xml is a 400 with the spec error body', async () => {
    const { status, body } = await open311Get(app, 'services.xml');
    expect(status).toBe(400);
    expect(body).toEqual([{ code: 400, description: expect.stringContaining('JSON only') }]);
    expect((await open311Get(app, 'requests/ABCD2345.xml')).status).toBe(400);
    expect((await open311Get(app, 'lainnya.json')).status).toBe(404);
  });
});

describe('POST requests.json', () => {
  it('creates a case from a JSON body and answers with the ticket, a token and a notice', async () => {
    const res = await open311Post(app, { api_key: dinsosKey, ...base, ...person, description: 'Bantuan PKH belum cair.', account_id: 'akun-77' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual([{ service_request_id: expect.stringMatching(new RegExp(`^[${TICKET_ALPHABET}]{8}$`)), token: expect.any(String), service_notice: expect.stringContaining('Diverifikasi'), account_id: 'akun-77' }]);
    const { body } = await open311Get(app, `tokens/${res.body[0].token}.json`);
    expect(body).toEqual([{ service_request_id: res.body[0].service_request_id, token: res.body[0].token }]);
  });

  it('reads the form body most clients send, attributes included', async () => {
    const ticket = await file({ description: 'Usul jalan lingkungan diperbaiki.', service_code: 'kategori-infrastruktur', 'attribute[jenis]': 'aspirasi' }, 'form');
    const [row] = await app.ctx.db.sql<{ kind: string; category_code: string; service_code: string | null }[]>`select kind, category_code, service_code from cases where ticket = ${ticket}`;
    expect(row).toEqual({ kind: 'aspirasi', category_code: 'infrastruktur', service_code: null });
  });

  it.each([
    ['no api_key', {}],
    ['a wrong api_key', { api_key: 'kak_not-a-key' }],
  ])('refuses %s with 403', async (_what, key) => {
    const res = await open311Post(app, { ...base, description: 'Bantuan belum cair.', ...key });
    expect(res).toEqual({ status: 403, body: [{ code: 403, description: 'api_key was not provided or is invalid' }] });
  });

  it.each([
    ['no service_code', { service_code: '' }, /service_code/],
    ['an unknown service_code', { service_code: 'tidak-ada' }, /service_code tidak-ada not found/],
    ['no description', { description: '' }, /description is required/],
    ['no location', { lat: '', long: '', address_string: '' }, /location is required/],
    ['a latitude off the globe', { lat: 123 }, /lat/],
    ['an unknown kind', { 'attribute[jenis]': 'gosip' }, /attribute\[jenis\]/],
  ])('refuses %s with 400', async (_what, fields, description) => {
    const res = await open311Post(app, { api_key: dinsosKey, ...base, description: 'Bantuan belum cair.', ...fields } as Record<string, string | number>, 'form');
    expect(res.status).toBe(400);
    expect(res.body).toEqual([{ code: 400, description: expect.stringMatching(description) }]);
  });
});

describe('GET requests.json', () => {
  it('shows a request with the spec fields and nothing about the reporter', async () => {
    const ticket = await file({ ...person, description: 'PKH belum cair. Hubungi saya di 0812-3456-7890, NIK 3273012345670001.' });
    const { status, body } = await open311Get(app, `requests.json?service_request_id=${ticket}`);
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    const [request] = body;
    expect(Object.keys(request).sort()).toEqual(REQUEST_FIELDS);
    expect(request).toMatchObject({
      service_request_id: ticket,
      status: 'open',
      status_notes: null,
      service_code: 'pkh',
      agency_responsible: 'Dinas Sosial Kota Bandung (demo)',
      lat: -6.915,
      long: 107.61,
    });
    expect(Date.parse(request.expected_datetime)).toBeGreaterThan(Date.parse(request.requested_datetime));
    // The reporter's own phone is taken out of what they wrote, other long numbers masked; the typed address is not published.
    expect(request.description).toBe('PKH belum cair. Hubungi saya di [disamarkan], NIK ••••••••••••••••.');
    const text = JSON.stringify(body);
    for (const personal of ['Budi', 'Santoso', 'budi.santoso', '081234567890', 'Melati', '3273012345670001']) expect(text).not.toContain(personal);
    expect(await open311Get(app, `requests/${ticket}.json`)).toEqual({ status: 200, body });
  });

  it('takes out a NIK as a chat stores it (region and serial shown): fit for staff, not for the public', async () => {
    // The door stores a NIK typed in a chat as its first and last four digits; a report's description keeps that shape.
    const ticket = await file({ ...person, description: 'PKH ibu saya belum cair, NIK 3273••••••••0001.' });
    const { body } = await open311Get(app, `requests/${ticket}.json`);
    expect(body[0].description).toBe('PKH ibu saya belum cair, NIK [disamarkan].');
  });

  it("takes the reporter's own name, address and phone out of the description and the status notes", async () => {
    const ticket = await file({
      ...person,
      description:
        'Saya BUDI Santoso, tinggal di Jl. Melati No. 5 RT 03/RW 02, Cihapit. Jalan Melati di depan rumah kebanjiran. ' +
        'Telepon +62 812-3456-7890 atau (0812) 3456 7890, e-mail budi.santoso@example.id. Budidaya ikan warga terganggu sejak 12 Mei.',
    });
    await app.cases.transition(SYSTEM, ticket, 'diverifikasi', { note: 'Pak budi sudah kami hubungi di 0812 3456 7890 (Cihapit).' });
    for (const { status, body } of [await open311Get(app, `requests.json?service_request_id=${ticket}`), await open311Get(app, `requests/${ticket}.json`)]) {
      expect(status).toBe(200);
      const [request] = body;
      expect(request.description).toBe(
        'Saya [disamarkan], tinggal di [disamarkan]. Jalan [disamarkan] di depan rumah kebanjiran. ' +
          'Telepon [disamarkan] atau [disamarkan], e-mail [disamarkan]. Budidaya ikan warga terganggu sejak 12 Mei.',
      );
      expect(request.status_notes).toBe('Pak [disamarkan] sudah kami hubungi di [disamarkan] ([disamarkan]).');
      const text = JSON.stringify(body);
      for (const personal of [/\bbudi\b/i, /santoso/i, /melati/i, /cihapit/i, /3456/]) expect(text).not.toMatch(personal);
    }
  });

  it('lists an anonymous request without any personal field', async () => {
    const ticket = await file({ ...person, description: 'Laporan anonim.', 'attribute[anonim]': 'true' });
    const { body } = await open311Get(app, `requests/${ticket}.json`);
    expect(Object.keys(body[0]).sort()).toEqual(REQUEST_FIELDS);
    expect(JSON.stringify(body)).not.toMatch(/Budi|Santoso|budi\.santoso|081234567890|Melati/);
  });

  it('never shows a confidential request: not listed, not found by id', async () => {
    const ticket = await file({ description: 'Laporan rahasia.', 'attribute[rahasia]': 'true' });
    expect((await open311Get(app, 'requests.json')).body.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(ticket);
    expect((await open311Get(app, `requests.json?service_request_id=${ticket}`)).body).toEqual([]);
    expect(await open311Get(app, `requests/${ticket}.json`)).toEqual({ status: 404, body: [{ code: 404, description: `service_request_id ${ticket} not found` }] });
  });

  it('filters by ids, service, status and dates; the last 90 days by default', async () => {
    const a = await file({ description: 'Satu.' });
    const b = await file({ description: 'Dua.', service_code: 'dtks' });
    const old = await file({ description: 'Lama.' });
    // Dates on the product's clock (the test clock), never the wall clock: a run at 23:59 WIB on another day sees the same.
    const now = app.ctx.now().getTime();
    await app.ctx.db.sql`update cases set created_at = ${new Date(now - 100 * 86_400_000).toISOString()}::timestamptz where ticket = ${old}`;
    await app.cases.transition(SYSTEM, a, 'ditolak', { note: 'Bukan kewenangan dinas.' });
    const ids = async (query: string) => (await open311Get(app, `requests.json?${query}`)).body.map((r: { service_request_id: string }) => r.service_request_id);

    expect((await ids(`service_request_id=${a},${b}`)).sort()).toEqual([a, b].sort());
    expect(await ids('service_code=dtks')).toEqual([b]);
    expect(await ids('status=closed')).toEqual([a]);
    expect(await ids('status=open')).not.toContain(a);
    expect(await ids('')).not.toContain(old);
    const start = new Date(now - 101 * 86_400_000).toISOString();
    expect(await ids(`start_date=${start}&end_date=${new Date(now - 99 * 86_400_000).toISOString()}`)).toEqual([old]);
    expect(await ids(`start_date=${new Date(now + 86_400_000).toISOString()}`)).toEqual([]);
    const [closed] = (await open311Get(app, `requests/${a}.json`)).body;
    expect(closed).toMatchObject({ status: 'closed', status_notes: 'Bukan kewenangan dinas.', expected_datetime: null });
  });

  it.each([
    ['start_date=kemarin', /start_date/],
    ['status=pending', /status/],
  ])('refuses %s with 400', async (query, description) => {
    const res = await open311Get(app, `requests.json?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual([{ code: 400, description: expect.stringMatching(description) }]);
  });

  it('404s an unknown request and an unknown token', async () => {
    expect((await open311Get(app, 'requests/ZZZZ2222.json')).status).toBe(404);
    expect(await open311Get(app, 'tokens/00000000-0000-0000-0000-000000000000.json')).toEqual({ status: 404, body: [{ code: 404, description: 'token 00000000-0000-0000-0000-000000000000 not found' }] });
  });
});

describe('what a request says of its handling', () => {
  it("shows the last public note with long numbers masked, never a staff reply into the citizen's chat", async () => {
    const ticket = await openTestCase(app, await seedIdentity(app, 'telegram', '9400101'), { description: 'Bantuan belum cair.' });
    await app.cases.transition(SYSTEM, ticket, 'diverifikasi', { note: 'Dicek dengan nomor KK 3273012345678901.' });
    await app.cases.replyToCitizen(SYSTEM, ticket, 'Bu Siti, mohon hubungi petugas kami di 081298765432.');
    const [request] = (await open311Get(app, `requests/${ticket}.json`)).body;
    expect(request.status_notes).toBe('Dicek dengan nomor KK ••••••••••••••••.');
    expect(JSON.stringify(request)).not.toMatch(/Siti|081298765432|3273012345678901/);
  });

  it('shows a duplicate as closed', async () => {
    const original = await file({ description: 'Jalan rusak di depan kantor kelurahan.' });
    const again = await file({ description: 'Jalan rusak depan kelurahan.' });
    await app.cases.markDuplicate(SYSTEM, again, original);
    expect((await open311Get(app, `requests/${again}.json`)).body[0]).toMatchObject({ status: 'closed', expected_datetime: null });
    const ids = async (status: string) => (await open311Get(app, `requests.json?status=${status}`)).body.map((r: { service_request_id: string }) => r.service_request_id);
    expect(await ids('closed')).toContain(again);
    expect(await ids('open')).not.toContain(again);
  });
});

describe('status posted back for a confidential case', () => {
  it('is accepted from the dinas that owns the case, and answered like an unknown ticket for another', async () => {
    const ticket = await file({ description: 'Laporan rahasia tentang pungutan.', 'attribute[rahasia]': 'true' });
    expect((await postStatus(app, ticket, { status: 'diverifikasi' }, disdikKey)).status).toBe(404);
    expect(await postStatus(app, ticket, { status: 'diverifikasi', note: 'Ditangani langsung oleh inspektorat dinas.' }, dinsosKey)).toEqual({ status: 200, body: { ticket, status: 'diverifikasi' } });
  });
});

describe('a case filed over Open311 has no chat', () => {
  it('so a status change owes nobody a message: nothing is left pending in the outbox', async () => {
    const ticket = await file({ ...person, description: 'Tanpa chat.' });
    await app.cases.transition(SYSTEM, ticket, 'diverifikasi', { note: 'Sudah dicek.' });
    const [row] = await app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from outbox o join cases c on c.id = o.case_id where c.ticket = ${ticket}`;
    expect(row.n).toBe(0);
    await waitForIdle(app, 5_000);
    expect((await open311Get(app, `requests/${ticket}.json`)).body[0].status_notes).toBe('Sudah dicek.');
  });
});

describe('round trip with a dinas system', () => {
  it('a case filed over Telegram appears in requests.json; a status posted back reaches the citizen', async () => {
    const citizen = telegramCitizen(app, telegram, 9_400_001);
    let last: string[] = [];
    for (const text of REPORT) last = await citizen.say(text);
    const match = TICKET.exec(last.join('\n'));
    if (!match) throw new Error(`no ticket in ${JSON.stringify(last)}`);
    const ticket = match[1] + match[2];

    const listed = (await open311Get(app, 'requests.json')).body.find((r: { service_request_id: string }) => r.service_request_id === ticket);
    expect(listed).toMatchObject({ status: 'open', agency_responsible: 'Dinas Sosial Kota Bandung (demo)', description: 'Bantuan PKH kami belum cair sejak tiga bulan lalu.' });

    // Another dinas's key, no key, a bad body and an illegal step change nothing.
    expect((await postStatus(app, ticket, { status: 'diverifikasi' }, disdikKey)).status).toBe(404);
    expect((await postStatus(app, ticket, { status: 'diverifikasi' }, null)).status).toBe(401);
    expect((await postStatus(app, ticket, { status: 'beres' }, dinsosKey)).status).toBe(400);
    expect((await postStatus(app, ticket, { status: 'selesai' }, dinsosKey)).status).toBe(409);
    const before = telegram.sent('9400001').length;

    const res = await postStatus(app, `${ticket.slice(0, 4)}-${ticket.slice(4)}`, { status: 'diverifikasi', note: 'Data Anda sudah kami cek di sistem dinas.' }, dinsosKey);
    expect(res).toEqual({ status: 200, body: { ticket, status: 'diverifikasi' } });
    await waitForIdle(app);
    const pushes = telegram.sent('9400001').slice(before).map((m) => m.text);
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toContain(`Kabar laporan *${ticket.slice(0, 4)}-${ticket.slice(4)}*: Sudah diverifikasi.`);
    expect(pushes[0]).toContain('Data Anda sudah kami cek di sistem dinas.');

    const [event] = await app.ctx.db.sql<{ actor: string }[]>`select e.actor from case_events e join cases c on c.id = e.case_id where c.ticket = ${ticket} order by e.id desc limit 1`;
    expect(event.actor).toBe(`integration:${await dinasId(app, 'dinsos-bandung')}:sistem-dinas`);
    expect((await open311Get(app, `requests/${ticket}.json`)).body[0].status_notes).toBe('Data Anda sudah kami cek di sistem dinas.');
  });
});
