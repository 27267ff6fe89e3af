/**
 * What a staff notice says, as pure functions: which events make one, the due date on the
 * dinas's clock, and a body built from the case's own fields with contact details masked.
 */
import { describe, expect, it } from 'vitest';
import type { CaseEventRecord, CaseEventType } from '../../src/cases/events.js';
import { caseLink, formatDue, maskContacts, staffMessage, type StaffMessageFacts } from '../../src/cases/staff-notifications/message.js';
import { noticeKind, notificationTargetInput, type StaffNoticeKind } from '../../src/cases/staff-notifications/targets.js';
import type { CaseStatus } from '../../src/conversation/contract.js';

const event = (type: CaseEventType, over: Partial<CaseEventRecord> = {}): CaseEventRecord => ({
  id: 1, type, caseId: 1, ticket: 'ABCD2345', dinasId: 1, unitId: 2, regionCode: '327301', confidential: false, categoryCode: 'lainnya', fromStatus: null, toStatus: 'baru',
  actor: 'system', public: false, note: null, slaDueAt: null, at: new Date('2026-12-01T02:00:00Z'), data: null, ...over,
});

describe('which case events staff hear about', () => {
  const table: [string, CaseEventRecord, StaffNoticeKind | null][] = [
    ['a new case', event('created'), 'created'],
    ['rerouted to another dinas or unit', event('rerouted'), 'forwarded'],
    ['assigned to a unit', event('assigned', { unitId: 3 }), 'forwarded'],
    ['assigned with no unit', event('assigned', { unitId: null }), null],
    ['status → diteruskan', event('status', { fromStatus: 'diverifikasi', toStatus: 'diteruskan' }), 'forwarded'],
    ['an SLA reminder', event('reminder'), 'reminder'],
    ['an SLA escalation', event('escalation'), 'escalation'],
    ['the citizen added information', event('citizen-info'), 'citizen-info'],
    ['the citizen reopened it', event('reopened', { fromStatus: 'selesai', toStatus: 'diproses' }), 'reopened'],
    ['a staff note', event('note'), null],
    ['a rating', event('rating'), null],
    ['a merge into another case', event('merged'), null],
  ];
  for (const [what, e, kind] of table) it(`${what} → ${kind ?? 'nothing'}`, () => expect(noticeKind(e)).toBe(kind));

  const otherTransitions: CaseStatus[] = ['diverifikasi', 'diproses', 'selesai', 'ditutup', 'ditolak'];
  for (const to of otherTransitions) it(`status → ${to} → nothing`, () => expect(noticeKind(event('status', { toStatus: to }))).toBeNull());
});

describe('the SLA due date on the dinas clock', () => {
  const yearEnd = new Date('2026-12-31T18:30:00Z');
  it.each([
    ['Asia/Jakarta', '1 Januari 2027 pukul 01.30 WIB'],
    ['Asia/Makassar', '1 Januari 2027 pukul 02.30 WITA'],
    ['Asia/Jayapura', '1 Januari 2027 pukul 03.30 WIT'],
  ])('%s reads %s', (zone, shown) => expect(formatDue(yearEnd, zone)).toBe(shown));
});

describe('contact details typed into a description are masked', () => {
  it.each([
    ['hubungi saya di 0812-3456-7890 ya', 'hubungi saya di ••••-••••-•••• ya'],
    ['NIK 3273014101900001 belum terdaftar', 'NIK •••••••••••••••• belum terdaftar'],
    ['wa +62 812 3456 7890', 'wa +•• ••• •••• ••••'],
    ['email siti.rahayu@example.com', 'email [email]'],
    ['telepon (022) 7654321 kantor', 'telepon (•••) ••••••• kantor'],
    ['sudah 3 bulan, 2 anak sekolah, sejak 2024', 'sudah 3 bulan, 2 anak sekolah, sejak 2024'],
    ['dipotong Rp 1.500.000 pada 12-12-2025', 'dipotong Rp 1.500.000 pada 12-12-2025'],
  ])('%s', (typed, shown) => expect(maskContacts(typed)).toBe(shown));
});

const facts = (over: Partial<StaffMessageFacts> = {}): StaffMessageFacts => ({
  kind: 'created',
  ticket: 'ABCD2345',
  categoryName: 'Bantuan sosial',
  slaDueAt: new Date('2026-12-04T02:00:00Z'),
  timeZone: 'Asia/Jakarta',
  description: 'Bantuan PKH belum cair sejak tiga bulan.',
  confidential: false,
  anonymous: false,
  publicUrl: 'https://aduan.example.go.id/',
  ...over,
});

describe('the message', () => {
  it('says what happened, the ticket, category, due date, a short description and the link', () => {
    const m = staffMessage(facts());
    expect(m.subject).toBe('[Kanal Aduan] Laporan baru: ABCD-2345');
    expect(m.text).toBe(
      [
        'Laporan baru — Tiket ABCD-2345',
        'Kategori: Bantuan sosial',
        'Tenggat: 4 Desember 2026 pukul 09.00 WIB',
        'Uraian: Bantuan PKH belum cair sejak tiga bulan.',
        'Buka: https://aduan.example.go.id/console/cases/ABCD2345',
      ].join('\n'),
    );
    expect(m.templateParameters).toEqual([
      'Laporan baru', 'ABCD-2345', 'Bantuan sosial', '4 Desember 2026 pukul 09.00 WIB', 'https://aduan.example.go.id/console/cases/ABCD2345',
    ]);
  });

  it('never shows the description of a confidential case', () => {
    const m = staffMessage(facts({ confidential: true, description: 'Kepala desa meminta uang agar nama saya masuk DTKS.' }));
    expect(m.text).not.toContain('Kepala desa');
    expect(m.text).toContain('Laporan rahasia: uraian hanya dapat dibaca di konsol.');
  });

  it('never shows the description of an anonymous case: its words may give the reporter away', () => {
    const m = staffMessage(facts({ anonymous: true, description: 'Saya tetangga Pak RT di gang Melati, bantuan saya dipotong.' }));
    expect(m.text).not.toContain('Melati');
    expect(m.text).toContain('Laporan anonim: uraian hanya dapat dibaca di konsol.');
  });

  it('cuts a long description to an excerpt on one line', () => {
    const long = `${'Jalan menuju kantor kelurahan rusak parah. '.repeat(10)}\n\nMohon segera diperbaiki.`;
    const line = staffMessage(facts({ description: long })).text.split('\n')[3];
    expect(line.startsWith('Uraian: Jalan menuju')).toBe(true);
    expect(line.endsWith('…')).toBe(true);
    expect(Array.from(line.slice('Uraian: '.length)).length).toBeLessThanOrEqual(141);
  });

  it('says so when no clock runs, and names an unknown category "Lainnya"', () => {
    const m = staffMessage(facts({ kind: 'reopened', slaDueAt: null, categoryName: null }));
    expect(m.text).toContain('Tenggat: tidak ada');
    expect(m.text).toContain('Kategori: Lainnya');
    expect(m.subject).toBe('[Kanal Aduan] Laporan dibuka kembali oleh pelapor: ABCD-2345');
  });

  it('links to the console with the stored ticket', () => {
    expect(caseLink('https://aduan.example.go.id//', 'ABCD2345')).toBe('https://aduan.example.go.id/console/cases/ABCD2345');
  });
});

describe('a target is checked before it is stored', () => {
  it.each([
    [{ kind: 'email', address: 'linjamsos@dinsos.example.go.id' }, 'linjamsos@dinsos.example.go.id'],
    [{ kind: 'telegram', address: '-1001234567890' }, '-1001234567890'],
    [{ kind: 'whatsapp-cloud', address: '+62 812-3456-7890' }, '6281234567890'],
  ] as const)('%o', (target, address) => {
    expect(notificationTargetInput.parse({ dinasId: 1, ...target })).toMatchObject({ address, unitId: null, audience: 'unit' });
  });

  it.each([
    { kind: 'email', address: 'not-an-address' },
    { kind: 'telegram', address: '@dinsos_group' },
    { kind: 'whatsapp-cloud', address: '0812-3456-7890' },
  ] as const)('refuses %o', (target) => {
    expect(notificationTargetInput.safeParse({ dinasId: 1, ...target }).success).toBe(false);
  });

  it('fills the wanted events from the audience', () => {
    expect(notificationTargetInput.parse({ dinasId: 1, kind: 'email', address: 'kadis@dinsos.example.go.id', audience: 'supervisor' }).eventTypes).toEqual(['escalation']);
    expect(notificationTargetInput.parse({ dinasId: 1, kind: 'email', address: 'a@dinsos.example.go.id' }).eventTypes).toEqual([
      'created', 'forwarded', 'reminder', 'citizen-info', 'reopened',
    ]);
  });
});
