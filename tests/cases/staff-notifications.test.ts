/**
 * The dinas is told: case events become staff notifications through the product's own wiring
 * (the app's sink and worker), delivered to a local SMTP server, the fake Bot API (a staff group)
 * and the fake Graph API (the staff template). Cases are opened with `openCase` as a chat opens
 * them, and events are handed to the sink inside a transaction, as the lifecycle does.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { openCase } from '../../src/cases/cases.js';
import type { CaseEventRecord, CaseEventType } from '../../src/cases/events.js';
import { staffNotificationSink } from '../../src/cases/staff-notifications/sink.js';
import { addNotificationTarget } from '../../src/cases/staff-notifications/targets.js';
import type { CaseDraft, CaseStatus } from '../../src/conversation/contract.js';
import * as t from '../../src/db/schema.js';
import { encryptNik } from '../../src/pii/nik.js';
import { deliverStaffNotification } from '../../src/queues/staff-notifications.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startFakeSmtp, type FakeSmtp } from '../support/fake-smtp.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';

const PUBLIC_URL = 'https://aduan.example.go.id';
const REPORTER = { name: 'Siti Rahayu', nik: '3273014101900001', masked: '3273••••••••0001', phone: '6281298765432', address: 'Jl. Merdeka No. 5' };

const DAYASOS_GROUP = '-1001111111111';
const DINAS_GROUP = '-1009999999999';
const DAYASOS_WA = '6281200000001';
const DAYASOS_MAIL = 'dayasos@dinsos.example.go.id';
const SEKRETARIAT_MAIL = 'sekretariat@dinsos.example.go.id';
const KADIS_MAIL = 'kadis@dinsos.example.go.id';
const KABID_DAYASOS_MAIL = 'kabid-dayasos@dinsos.example.go.id';

let env: TestEnv;
let app: App;
let smtp: FakeSmtp;
let telegram: FakeTelegram;
let graph: FakeGraph;
let identityId: number;
let dinsos: number;
const unit: Record<string, number> = {};

beforeAll(async () => {
  [env, smtp, telegram, graph] = await Promise.all([createTestEnv(), startFakeSmtp(), startFakeTelegram(), startFakeGraph()]);
  app = await startTestApp(env, {
    config: {
      PUBLIC_URL,
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Kanal Aduan <noreply@aduan.example.go.id>',
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_MODE: 'webhook',
      TELEGRAM_WEBHOOK_SECRET: 'staff-test-secret',
      WHATSAPP_CLOUD_ACCESS_TOKEN: 'staff-test-token',
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: '1001',
      WHATSAPP_CLOUD_APP_SECRET: 'staff-test-app-secret',
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'staff-test-verify',
      WHATSAPP_CLOUD_API_ROOT: graph.apiRoot,
      WHATSAPP_CLOUD_STAFF_TEMPLATE: 'kanal_aduan_staf_uji',
    },
  });
  const db = app.ctx.db.db;
  const [identity] = await db.insert(t.channelIdentities).values({ channel: 'web', chatId: 'staff-notifications', phone: REPORTER.phone }).returning();
  identityId = identity.id;
  const [dinas] = await db.select().from(t.dinas).where(eq(t.dinas.code, 'dinsos-bandung'));
  dinsos = dinas.id;
  for (const u of await db.select().from(t.units).where(eq(t.units.dinasId, dinsos))) unit[u.code] = u.id;
  const [disdik] = await db.select().from(t.dinas).where(eq(t.dinas.code, 'disdik-bandung'));

  // Pemberdayaan Sosial has its own mail, group, WhatsApp and supervisor; other units fall back to the dinas's.
  await addNotificationTarget(db, { dinasId: dinsos, unitId: unit.dayasos, kind: 'email', address: DAYASOS_MAIL });
  await addNotificationTarget(db, { dinasId: dinsos, unitId: unit.dayasos, kind: 'telegram', address: DAYASOS_GROUP });
  await addNotificationTarget(db, { dinasId: dinsos, unitId: unit.dayasos, kind: 'whatsapp-cloud', address: `+${DAYASOS_WA}` });
  await addNotificationTarget(db, { dinasId: dinsos, unitId: unit.dayasos, kind: 'email', address: KABID_DAYASOS_MAIL, audience: 'supervisor' });
  await addNotificationTarget(db, { dinasId: dinsos, kind: 'telegram', address: DINAS_GROUP });
  await addNotificationTarget(db, { dinasId: dinsos, kind: 'email', address: SEKRETARIAT_MAIL, eventTypes: ['created', 'forwarded'] });
  await addNotificationTarget(db, { dinasId: dinsos, kind: 'email', address: KADIS_MAIL, audience: 'supervisor' });
  const retired = await addNotificationTarget(db, { dinasId: dinsos, unitId: unit.dayasos, kind: 'email', address: 'lama@dinsos.example.go.id' });
  await db.update(t.notificationTargets).set({ active: false }).where(eq(t.notificationTargets.id, retired.id));
  await addNotificationTarget(db, { dinasId: disdik.id, kind: 'email', address: 'pengaduan@disdik.example.go.id' });
});

afterAll(async () => {
  await app?.close();
  await Promise.all([env?.dispose(), smtp?.close(), telegram?.close(), graph?.close()]);
});

interface OpenedCase {
  caseId: number;
  ticket: string;
  shown: string;
  dinasId: number;
  unitId: number | null;
  slaDueAt: Date;
  createdEventId: number;
}

/** A case as a chat opens it: the reporter named, with a NIK, the phone on the chat identity. */
async function openTestCase(over: Partial<CaseDraft> = {}): Promise<OpenedCase> {
  const draft: CaseDraft = {
    kind: 'pengaduan',
    categoryCode: 'sosial-ekonomi',
    description: 'Bantuan usaha kelompok belum diterima sejak tiga bulan. Hubungi saya di 0812-9876-5432.',
    location: { address: REPORTER.address },
    photos: [],
    reporterName: REPORTER.name,
    nik: { sealed: encryptNik(REPORTER.nik, app.ctx.nikKeys), masked: REPORTER.masked },
    anonymous: false,
    confidential: false,
    ...over,
  };
  const { ticket } = await app.ctx.db.db.transaction((tx) => openCase({ ctx: { ...app.ctx, caseSinks: [] }, tx, now: app.ctx.now(), after: [] }, { identityId, draft }));
  const [c] = await app.ctx.db.db.select().from(t.cases).where(eq(t.cases.ticket, ticket));
  const [created] = await app.ctx.db.db.select().from(t.caseEvents).where(eq(t.caseEvents.caseId, c.id));
  return { caseId: c.id, ticket, shown: `${ticket.slice(0, 4)}-${ticket.slice(4)}`, dinasId: c.dinasId, unitId: c.unitId, slaDueAt: c.slaDueAt!, createdEventId: created.id };
}

/** The event the lifecycle would hand its sinks; a `case_events` row is written for every type but `created`. */
async function eventOf(c: OpenedCase, type: CaseEventType, over: Partial<CaseEventRecord> & { toStatus?: CaseStatus } = {}): Promise<CaseEventRecord> {
  const base: CaseEventRecord = {
    id: c.createdEventId, type, caseId: c.caseId, ticket: c.ticket, dinasId: c.dinasId, unitId: c.unitId, regionCode: '327301', confidential: false, categoryCode: 'sosial-ekonomi',
    fromStatus: null, toStatus: 'baru', actor: 'system', public: false, note: null, slaDueAt: c.slaDueAt, at: app.ctx.now(), data: null, ...over,
  };
  if (type === 'created') return base;
  const [row] = await app.ctx.db.db
    .insert(t.caseEvents)
    .values({ caseId: c.caseId, fromStatus: base.fromStatus, toStatus: base.toStatus, actor: base.actor, note: base.note, public: base.public })
    .returning({ id: t.caseEvents.id });
  return { ...base, id: row.id };
}

/** Runs the sink inside a transaction, then (unless told not to) the work it asked for after commit. */
async function emit(event: CaseEventRecord, options: { afterCommit?: boolean } = {}) {
  const afterCommit = await app.ctx.db.db.transaction((tx) => sink()(tx, event));
  if (options.afterCommit !== false) await afterCommit?.();
  return afterCommit;
}

type Row = { id: number; address: string; kind: string; status: string; attempts: number; lastError: string | null };

async function rowsOf(event: CaseEventRecord): Promise<Row[]> {
  return app.ctx.db.db
    .select({
      id: t.staffNotifications.id,
      address: t.notificationTargets.address,
      kind: t.notificationTargets.kind,
      status: t.staffNotifications.status,
      attempts: t.staffNotifications.attempts,
      lastError: t.staffNotifications.lastError,
    })
    .from(t.staffNotifications)
    .innerJoin(t.notificationTargets, eq(t.notificationTargets.id, t.staffNotifications.targetId))
    .where(eq(t.staffNotifications.caseEventId, event.id))
    .orderBy(t.staffNotifications.id);
}

/** Resolves once none of the event's notifications is still pending. */
async function settled(event: CaseEventRecord, timeoutMs = 15_000): Promise<Row[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await rowsOf(event);
    if (rows.length > 0 && rows.every((r) => r.status !== 'pending')) return rows;
    if (Date.now() > deadline) throw new Error(`staff notifications of event ${event.id} still pending: ${JSON.stringify(rows)}`);
    // Polls a condition in the database; the interval only limits load, correctness does not depend on it.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const mailsAbout = (c: OpenedCase, to?: string) => (to ? smtp.mailsTo(to) : smtp.mails).filter((m) => m.subject.includes(c.shown));
const groupMessagesAbout = (c: OpenedCase, chatId?: string) => telegram.sent(chatId).filter((m) => m.text.includes(c.shown));
const templatesAbout = (c: OpenedCase) =>
  graph.requests.filter((r) => JSON.stringify(r.body).includes(c.shown)).map((r) => r.body as { to: string; type: string; template: { name: string; language: { code: string }; components: { parameters: { text: string }[] }[] } });

/** Everything staff were shown about a case, on every channel. */
function everythingShown(c: OpenedCase): string {
  return [
    ...mailsAbout(c).map((m) => `${m.subject}\n${m.text}`),
    ...groupMessagesAbout(c).map((m) => m.text),
    ...templatesAbout(c).map((b) => JSON.stringify(b)),
  ].join('\n');
}

function expectNoPersonalData(c: OpenedCase) {
  const shown = everythingShown(c);
  expect(shown.length).toBeGreaterThan(0);
  for (const personal of [REPORTER.name, 'Siti', 'Rahayu', REPORTER.nik, REPORTER.masked, REPORTER.phone, '0812-9876-5432', REPORTER.address, 'Merdeka']) {
    expect(shown).not.toContain(personal);
  }
}

describe('a new case', () => {
  let c: OpenedCase;
  let event: CaseEventRecord;

  beforeAll(async () => {
    c = await openTestCase();
    expect(c.unitId).toBe(unit.dayasos);
    event = await eventOf(c, 'created');
    await emit(event);
    await settled(event);
  });

  it("reaches the unit's e-mail with ticket, category, due date on the dinas clock and the console link", async () => {
    const [mail] = mailsAbout(c, DAYASOS_MAIL);
    expect(mailsAbout(c, DAYASOS_MAIL)).toHaveLength(1);
    expect(mail.subject).toBe(`[Kanal Aduan] Laporan baru: ${c.shown}`);
    expect(mail.fromName).toBe('Kanal Aduan');
    const due = new Intl.DateTimeFormat('id-ID', {
      timeZone: 'Asia/Jakarta', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
    }).format(c.slaDueAt);
    expect(due).toMatch(/WIB$/);
    expect(mail.text.trim().split('\n')).toEqual([
      `Laporan baru — Tiket ${c.shown}`,
      'Kategori: Sosial ekonomi',
      `Tenggat: ${due}`,
      'Uraian: Bantuan usaha kelompok belum diterima sejak tiga bulan. Hubungi saya di ••••-••••-••••.',
      `Buka: ${PUBLIC_URL}/console/cases/${c.ticket}`,
    ]);
  });

  it("reaches the unit's Telegram group through the product's bot", () => {
    const messages = groupMessagesAbout(c);
    expect(messages.map((m) => m.chatId)).toEqual([DAYASOS_GROUP]);
    expect(messages[0].text).toBe(mailsAbout(c, DAYASOS_MAIL)[0].text.trim());
  });

  it("reaches the unit's WhatsApp number as the approved staff template", () => {
    const [body, ...more] = templatesAbout(c);
    expect(more).toEqual([]);
    expect(body).toMatchObject({ to: DAYASOS_WA, type: 'template', template: { name: 'kanal_aduan_staf_uji', language: { code: 'id' } } });
    expect(body.template.components[0].parameters.map((p) => p.text)).toEqual([
      'Laporan baru', c.shown, 'Sosial ekonomi', expect.stringMatching(/ WIB$/), `${PUBLIC_URL}/console/cases/${c.ticket}`,
    ]);
  });

  it('goes nowhere else: not to the dinas-wide targets the unit replaces, a supervisor, an inactive target or another dinas', async () => {
    expect((await rowsOf(event)).map((r) => [r.kind, r.address, r.status])).toEqual([
      ['email', DAYASOS_MAIL, 'sent'],
      ['telegram', DAYASOS_GROUP, 'sent'],
      ['whatsapp-cloud', DAYASOS_WA, 'sent'],
    ]);
    expect(mailsAbout(c).flatMap((m) => m.to)).toEqual([DAYASOS_MAIL]);
  });

  it("never shows the reporter's name, NIK, phone or address", () => {
    expectNoPersonalData(c);
  });
});

it('forwarded to a unit with no targets of its own: the dinas-wide defaults are told', async () => {
  const c = await openTestCase();
  const event = await eventOf(c, 'status', { fromStatus: 'diverifikasi', toStatus: 'diteruskan', unitId: unit.linjamsos });
  await emit(event);
  expect((await settled(event)).map((r) => [r.address, r.status])).toEqual([
    [DINAS_GROUP, 'sent'],
    [SEKRETARIAT_MAIL, 'sent'],
  ]);
  expect(groupMessagesAbout(c, DINAS_GROUP)[0].text).toMatch(/^Laporan diteruskan ke unit Anda — Tiket /);
  expect(mailsAbout(c, SEKRETARIAT_MAIL)[0].subject).toBe(`[Kanal Aduan] Laporan diteruskan ke unit Anda: ${c.shown}`);
  expectNoPersonalData(c);
});

it("an escalation goes to the supervisor: the unit's own, else the dinas's", async () => {
  const c = await openTestCase();
  const atDayasos = await eventOf(c, 'escalation');
  await emit(atDayasos);
  expect((await settled(atDayasos)).map((r) => r.address)).toEqual([KABID_DAYASOS_MAIL]);
  const atLinjamsos = await eventOf(c, 'escalation', { unitId: unit.linjamsos });
  await emit(atLinjamsos);
  expect((await settled(atLinjamsos)).map((r) => r.address)).toEqual([KADIS_MAIL]);
  expect(mailsAbout(c, KADIS_MAIL)[0].subject).toBe(`[Kanal Aduan] Eskalasi: tenggat terlewati: ${c.shown}`);
  expect(groupMessagesAbout(c)).toEqual([]);
});

it('reminders, added information and reopening reach the unit; notes and other transitions do not', async () => {
  const c = await openTestCase();
  for (const [type, headline] of [['reminder', 'Pengingat: tenggat segera tiba'], ['citizen-info', 'Pelapor menambah informasi'], ['reopened', 'Laporan dibuka kembali oleh pelapor']] as const) {
    const event = await eventOf(c, type);
    await emit(event);
    expect((await settled(event)).map((r) => r.address)).toEqual([DAYASOS_MAIL, DAYASOS_GROUP, DAYASOS_WA]);
    expect(groupMessagesAbout(c, DAYASOS_GROUP).at(-1)!.text).toMatch(new RegExp(`^${headline} — `));
  }
  for (const event of [await eventOf(c, 'note', { note: 'Sudah dicek ke lapangan.' }), await eventOf(c, 'status', { toStatus: 'diproses' })]) {
    expect(await emit(event)).toBeUndefined();
    expect(await rowsOf(event)).toEqual([]);
  }
});

it('a confidential case never shows its description', async () => {
  const c = await openTestCase({ confidential: true, description: 'Petugas kelurahan meminta imbalan agar nama kami masuk DTKS.' });
  const event = await eventOf(c, 'created');
  await emit(event);
  await settled(event);
  const shown = everythingShown(c);
  expect(shown).not.toContain('Petugas kelurahan');
  expect(shown).not.toContain('imbalan');
  expect(mailsAbout(c, DAYASOS_MAIL)[0].text).toContain('Laporan rahasia: uraian hanya dapat dibaca di konsol.');
  expectNoPersonalData(c);
});

it('the same event given to the sink twice notifies each target once', async () => {
  const c = await openTestCase();
  const event = await eventOf(c, 'created');
  const first = await emit(event);
  expect(first).toBeTypeOf('function');
  expect(await emit(event)).toBeUndefined();
  const rows = await settled(event);
  expect(rows).toHaveLength(3);
  // The after-commit enqueue run again, and each job run again, finds nothing owed.
  await first!();
  for (const row of rows) expect(await deliverStaffNotification(app.ctx, {}, row.id)).toBe('gone');
  expect(mailsAbout(c)).toHaveLength(1);
  expect(groupMessagesAbout(c)).toHaveLength(1);
  expect(templatesAbout(c)).toHaveLength(1);
});

it('an SMTP server that refuses for now and then accepts: retried, delivered once', async () => {
  const c = await openTestCase();
  const before = smtp.attempts('rcpt');
  smtp.refuseNext('rcpt', 451, '4.3.0 Mailbox temporarily unavailable', 2);
  const event = await eventOf(c, 'escalation');
  await emit(event);
  const [row] = await settled(event);
  expect(row).toMatchObject({ address: KABID_DAYASOS_MAIL, status: 'sent', attempts: 3 });
  expect(smtp.attempts('rcpt') - before).toBe(3);
  expect(mailsAbout(c, KABID_DAYASOS_MAIL)).toHaveLength(1);
});

it('a permanent refusal is recorded on the row and not retried', async () => {
  const c = await openTestCase();
  smtp.refuseNext('rcpt', 550, '5.1.1 Recipient address rejected: User unknown');
  const event = await eventOf(c, 'escalation');
  await emit(event);
  const [row] = await settled(event);
  expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('550') });
  expect(mailsAbout(c)).toEqual([]);
});

it('a Telegram group the bot was removed from is recorded as failed; the other targets still get it', async () => {
  const c = await openTestCase();
  telegram.failNext('sendMessage', { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' } });
  const event = await eventOf(c, 'reminder');
  await emit(event);
  const rows = await settled(event);
  expect(rows.map((r) => [r.kind, r.status])).toEqual([
    ['email', 'sent'],
    ['telegram', 'failed'],
    ['whatsapp-cloud', 'sent'],
  ]);
  expect(rows[1].lastError).toContain('kicked');
});

it('an enqueue lost after commit (Redis flushed) is rebuilt from Postgres by the relay', async () => {
  const c = await openTestCase();
  const event = await eventOf(c, 'created');
  await emit(event, { afterCommit: false });
  await env.flushQueues();
  expect((await settled(event)).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  expect(mailsAbout(c)).toHaveLength(1);
  expect(groupMessagesAbout(c)).toHaveLength(1);
  expect(templatesAbout(c)).toHaveLength(1);
});

it('nothing is left pending at the end', async () => {
  const [left] = await app.ctx.db.db
    .select({ n: sql<number>`count(*)::int` })
    .from(t.staffNotifications)
    .where(eq(t.staffNotifications.status, 'pending'));
  expect(left.n).toBe(0);
});

/** The staff sink as the app registers it; the tests hand it events themselves, outside the lifecycle. */
function sink() {
  return staffNotificationSink({ enqueue: app.ctx.enqueue, publicUrl: PUBLIC_URL, settings: app.ctx.caseSettings });
}
