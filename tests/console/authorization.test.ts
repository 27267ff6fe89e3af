/**
 * The authorization table: every route of /api/v1 (read from its own OpenAPI description, so a new
 * route without a row fails this test) × every role × inside and outside the role's dinas. Each
 * call gets a fresh target owned by Dinas Sosial (a case of its linjamsos unit, a live chat, a
 * ready answer, a unit, an account…), so what one role did never decides what the next one sees.
 *
 * Each row's string has one letter per role, in the order of `ROLES`:
 *   A — allowed: the route did its work or refused on the merits (400/409), never 401/403/404;
 *   F — 403, the role may not do this;
 *   N — 404, outside the role's scope (indistinguishable from a target that does not exist);
 *   X — 403 or 404: outside the scope and not allowed either way; nothing is shown.
 * Without a session every route but login and the description answers 401.
 *
 * Within a dinas, the second table puts one case and one person side by side over the case routes
 * (the list and its search, the case, its photo, its NIK, its choices): a petugas of another unit,
 * a verifikator limited to a region prefix, a confidential case (its assigned unit only) and an
 * anonymous case (read, but with no identity in it). Outside the scope every route answers exactly
 * as for a ticket that does not exist, and nothing is audited as seen.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { CaseDraft } from '../../src/conversation/contract.js';
import * as t from '../../src/db/schema.js';
import { encryptNik } from '../../src/pii/nik.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { ConsoleClient, createStaff, startConsoleApp, type ApiAnswer } from './support.js';

const ROLES = [
  ['admin of every dinas', 'admin', null, null],
  ['admin of Dinas Sosial', 'admin', 'dinsos-bandung', null],
  ['verifikator of Dinas Sosial', 'verifikator', 'dinsos-bandung', 'verifikator'],
  ['petugas of Dinas Sosial (linjamsos)', 'petugas', 'dinsos-bandung', 'linjamsos'],
  ['pimpinan of Dinas Sosial', 'pimpinan', 'dinsos-bandung', null],
  ['admin of Dinas Pendidikan', 'admin', 'disdik-bandung', null],
  ['verifikator of Dinas Pendidikan', 'verifikator', 'disdik-bandung', 'sekretariat'],
  ['petugas of Dinas Pendidikan', 'petugas', 'disdik-bandung', 'pembinaan-sd'],
  ['pimpinan of Dinas Pendidikan', 'pimpinan', 'disdik-bandung', null],
] as const;

const NIK = '3273014506900002';
/** A NIK of Kabupaten Bandung (region 3204), outside Kota Bandung's 3273. */
const REGENCY_NIK = '3204014506900003';
const REPORTER = { name: 'Siti Aminah', phone: '+6281234500099', displayName: 'Siti A.' };
let env: TestEnv;
let app: App;
let telegram: FakeTelegram;
let receiver: WebhookReceiver;
let central: ConsoleClient;
const clients: ConsoleClient[] = [];
const passwords: string[] = [];
/** Stands for the calling role's own password in a row's body. */
const OWN_PASSWORD = '<own password>';
const ids = { dinsos: 0, disdik: 0, linjamsos: 0, rehsos: 0 };
let nextChat = 8_800_000;
let serial = 0;

/**
 * A fresh case of Dinas Sosial's linjamsos unit, with a NIK (whose region the case takes), a photo,
 * and a reporter who has a name, a phone number and a chat display name.
 */
async function freshCase(over: Partial<CaseDraft> = {}, nik = NIK): Promise<{ ticket: string; photoId: number }> {
  const n = ++serial;
  const identity = await seedIdentity(app, 'telegram', `auth-${n}`, { lang: 'id', phone: REPORTER.phone });
  const { db } = app.ctx.db;
  await db.update(t.channelIdentities).set({ displayName: REPORTER.displayName }).where(eq(t.channelIdentities.id, identity));
  const ticket = await openTestCase(app, identity, {
    serviceCode: 'pkh',
    reporterName: REPORTER.name,
    nik: { sealed: encryptNik(nik, app.ctx.nikKeys), masked: maskNik(nik) },
    photos: [`telegram:file:auth-${n}`],
    ...over,
  });
  // The photo came with the report, so its conversation step is done: a row left unprocessed would
  // be stepped later by the relay, whose ages are on Postgres's clock, not the test's.
  const [message] = await db
    .insert(t.messages)
    .values({ identityId: identity, channel: 'telegram', externalId: `auth-photo-${n}`, kind: 'photo', body: null, sentAt: app.ctx.now(), receivedAt: app.ctx.now(), processedAt: app.ctx.now() })
    .returning();
  const [media] = await db
    .insert(t.media)
    .values({ identityId: identity, messageId: message.id, channel: 'telegram', platformRef: `telegram:file:auth-${n}`, status: 'stored', storageKey: 'photos/auth/1.jpg', thumbnailKey: 'photos/auth/1.thumb.webp', contentType: 'image/jpeg', width: 4, height: 3 })
    .returning();
  return { ticket, photoId: media.id };
}

/** A citizen of Dinas Sosial (they reported a PKH case) waiting for an officer in a live chat. */
async function freshLiveChat(): Promise<number> {
  const chatId = nextChat++;
  const identity = await seedIdentity(app, 'telegram', String(chatId), { lang: 'id' });
  await openTestCase(app, identity, { serviceCode: 'pkh' });
  await postUpdate(app.url!, textUpdate(chatId, 1, 'halo'));
  await postUpdate(app.url!, textUpdate(chatId, 2, 'petugas'));
  await waitForIdle(app);
  const [row] = await app.ctx.db.sql<{ id: string }[]>`
    select h.id from handoff_requests h join channel_identities i on i.id = h.identity_id
    where i.chat_id = ${String(chatId)} and h.resolved_at is null`;
  return Number(row.id);
}

/** Creates something as the admin of every dinas and returns its key (an id; a holiday's day). */
async function created(path: string, body: unknown): Promise<number | string> {
  const answer = await central.post(path, body);
  if (answer.status !== 200 && answer.status !== 201) throw new Error(`${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const found = answer.body.id ?? answer.body.day;
  if (found === undefined) throw new Error(`${path}: no id in ${JSON.stringify(answer.body)}`);
  return found;
}

const bilingual = (text: string) => ({ id: text, en: text });
const lines = (text: string) => ({ id: [text], en: [text] });
const availability = { timeZone: 'Asia/Jakarta', days: [1, 2, 3, 4, 5], from: '08:00', to: '15:00' };

/** A broadcast of Dinas Sosial to everyone subscribed, as the body staff would send. */
const broadcastBody = () => ({ dinasId: ids.dinsos, title: `Sosialisasi ${++serial}`, text: bilingual('Pendaftaran bantuan dibuka, {nama}.'), segment: {} });
/** A fresh draft broadcast of Dinas Sosial, by the admin of every dinas. */
const freshBroadcast = () => created('/broadcasts', broadcastBody());

interface Call {
  path: string;
  body?: unknown;
}
/** How to call one route on a fresh target. */
type Prepare = () => Promise<Call>;

const TABLE: Record<string, [expected: string, prepare: Prepare]> = {
  'GET /api/v1/me': ['AAAAAAAAA', async () => ({ path: '/me' })],
  'PATCH /api/v1/me': ['AAAAAAAAA', async () => ({ path: '/me', body: { lang: 'id' } })],
  'POST /api/v1/auth/logout': ['AAAAAAAAA', async () => ({ path: '/auth/logout' })],
  // The password stays what it was: `current` and `next` are the same (filled in per role below).
  'POST /api/v1/me/password': ['AAAAAAAAA', async () => ({ path: '/me/password', body: { current: OWN_PASSWORD, next: OWN_PASSWORD } })],
  'POST /api/v1/me/totp/setup': ['AAAAAAAAA', async () => ({ path: '/me/totp/setup' })],
  'POST /api/v1/me/totp/enable': ['AAAAAAAAA', async () => ({ path: '/me/totp/enable', body: { code: '000000' } })],
  'POST /api/v1/me/totp/disable': ['AAAAAAAAA', async () => ({ path: '/me/totp/disable', body: { password: OWN_PASSWORD } })],
  'GET /api/v1/reference': ['AAAAAAAAA', async () => ({ path: '/reference' })],
  'GET /api/v1/events': ['AAAAAAAAA', async () => ({ path: '/events' })],

  // Lists answer everyone who reads cases; what they list is scoped (tests/console/inbox-api.test.ts).
  'GET /api/v1/cases': ['AAAAAAAAA', async () => ({ path: '/cases' })],
  'GET /api/v1/cases/counts': ['AAAAAAAAA', async () => ({ path: '/cases/counts' })],
  'GET /api/v1/cases/{ticket}': ['AAAAANNNN', async () => ({ path: `/cases/${(await freshCase()).ticket}` })],
  'GET /api/v1/cases/{ticket}/choices': ['AAAAANNNN', async () => ({ path: `/cases/${(await freshCase()).ticket}/choices` })],
  'GET /api/v1/cases/{ticket}/photos/{id}': [
    'AAAAANNNN',
    async () => {
      const { ticket, photoId } = await freshCase();
      return { path: `/cases/${ticket}/photos/${photoId}?size=thumb` };
    },
  ],
  'POST /api/v1/cases/{ticket}/nik': ['AAAFFXXXX', async () => ({ path: `/cases/${(await freshCase()).ticket}/nik` })],
  'POST /api/v1/cases/{ticket}/transition': ['AAAFFXXXX', async () => ({ path: `/cases/${(await freshCase()).ticket}/transition`, body: { to: 'diverifikasi' } })],
  'POST /api/v1/cases/{ticket}/assign': ['AAAAFXXXX', async () => ({ path: `/cases/${(await freshCase()).ticket}/assign`, body: { unitId: ids.linjamsos } })],
  'POST /api/v1/cases/{ticket}/notes': ['AAAAFXXXX', async () => ({ path: `/cases/${(await freshCase()).ticket}/notes`, body: { text: 'Catatan internal.', internal: true } })],
  'POST /api/v1/cases/{ticket}/reply': ['AAAAFXXXX', async () => ({ path: `/cases/${(await freshCase()).ticket}/reply`, body: { text: 'Laporan Anda sedang kami periksa.' } })],
  'POST /api/v1/cases/{ticket}/duplicate': [
    'AAAFFXXXX',
    async () => ({ path: `/cases/${(await freshCase()).ticket}/duplicate`, body: { of: (await freshCase()).ticket } }),
  ],
  // Within the dinas (another unit) a petugas may pass a case on; another dinas needs triage.
  'POST /api/v1/cases/{ticket}/reroute': ['AAAAFXXXX', async () => ({ path: `/cases/${(await freshCase()).ticket}/reroute`, body: { dinasId: ids.dinsos, unitId: ids.rehsos } })],

  'GET /api/v1/canned-replies': ['AAAAAAAAA', async () => ({ path: '/canned-replies' })],
  // A ready answer of one's own dinas: admins and verifikators, of either dinas.
  'POST /api/v1/canned-replies': ['AAAFFAAFF', async () => ({ path: '/canned-replies', body: { title: `Salam ${++serial}`, text: bilingual('Terima kasih, {nama}.') } })],
  'PUT /api/v1/canned-replies/{id}': [
    'AAAFFXXXX',
    async () => {
      const id = await created('/canned-replies', { title: `Jawaban ${++serial}`, text: bilingual('Halo {nama}.'), dinasId: ids.dinsos });
      return { path: `/canned-replies/${id}`, body: { title: `Jawaban ${serial} (ubah)`, text: bilingual('Halo lagi.'), dinasId: ids.dinsos } };
    },
  ],
  'DELETE /api/v1/canned-replies/{id}': [
    'AAAFFXXXX',
    async () => ({ path: `/canned-replies/${await created('/canned-replies', { title: `Hapus ${++serial}`, text: bilingual('Halo.'), dinasId: ids.dinsos })}` }),
  ],

  'GET /api/v1/livechats': ['AAAAFAAAF', async () => ({ path: '/livechats' })],
  'POST /api/v1/livechats/{id}/take': ['AAAAFXNNX', async () => ({ path: `/livechats/${await freshLiveChat()}/take` })],
  'GET /api/v1/livechats/{id}/messages': ['AAAAFXNNX', async () => ({ path: `/livechats/${await freshLiveChat()}/messages` })],
  'POST /api/v1/livechats/{id}/messages': ['AAAAFXNNX', async () => ({ path: `/livechats/${await freshLiveChat()}/messages`, body: { text: 'Selamat siang.', clientKey: `k${++serial}` } })],
  'POST /api/v1/livechats/{id}/hand-back': ['AAAAFXNNX', async () => ({ path: `/livechats/${await freshLiveChat()}/hand-back` })],

  'GET /api/v1/statistics': ['AAAAAAAAA', async () => ({ path: '/statistics?from=2026-11-01&to=2026-12-31' })],
  'GET /api/v1/statistics.csv': ['AAAAAAAAA', async () => ({ path: '/statistics.csv?from=2026-11-01&to=2026-12-31' })],

  // Broadcasts: verifikator and admin write, pimpinan and admin approve, petugas neither; a fresh
  // draft of Dinas Sosial each time (sending it reaches nobody: 409, on the merits).
  'GET /api/v1/broadcasts': ['AAAFAAAFA', async () => ({ path: '/broadcasts' })],
  'POST /api/v1/broadcasts': ['AAAFFFFFF', async () => ({ path: '/broadcasts', body: broadcastBody() })],
  'GET /api/v1/broadcasts/{id}': ['AAAFANNXN', async () => ({ path: `/broadcasts/${await freshBroadcast()}` })],
  'PATCH /api/v1/broadcasts/{id}': ['AAAFFNNXX', async () => ({ path: `/broadcasts/${await freshBroadcast()}`, body: broadcastBody() })],
  'GET /api/v1/broadcasts/{id}/audience': ['AAAFANNXN', async () => ({ path: `/broadcasts/${await freshBroadcast()}/audience` })],
  'GET /api/v1/broadcasts/{id}/recipients': ['AAAFANNXN', async () => ({ path: `/broadcasts/${await freshBroadcast()}/recipients` })],
  'POST /api/v1/broadcasts/{id}/send': ['AAAFFNNXX', async () => ({ path: `/broadcasts/${await freshBroadcast()}/send`, body: {} })],
  'POST /api/v1/broadcasts/{id}/approve': ['AAFFANXXN', async () => ({ path: `/broadcasts/${await freshBroadcast()}/approve` })],
  'POST /api/v1/broadcasts/{id}/pause': ['AAAFFNNXX', async () => ({ path: `/broadcasts/${await freshBroadcast()}/pause` })],
  'POST /api/v1/broadcasts/{id}/resume': ['AAAFFNNXX', async () => ({ path: `/broadcasts/${await freshBroadcast()}/resume` })],
  'POST /api/v1/broadcasts/{id}/cancel': ['AAAFFNNXX', async () => ({ path: `/broadcasts/${await freshBroadcast()}/cancel` })],
  'GET /api/v1/operations/queues': ['AFFFFFFFF', async () => ({ path: '/operations/queues' })],
  'GET /api/v1/operations/whatsapp': ['AFFFFFFFF', async () => ({ path: '/operations/whatsapp' })],
  'GET /api/v1/operations/whatsapp/qr': ['AFFFFFFFF', async () => ({ path: '/operations/whatsapp/qr' })],
  'GET /api/v1/operations/webhooks/deliveries': ['AAFFFAFFF', async () => ({ path: '/operations/webhooks/deliveries' })],
  'POST /api/v1/operations/webhooks/deliveries/{id}/redeliver': [
    'AAFFFXFFF',
    async () => {
      const { ticket } = await freshCase();
      const [row] = await app.ctx.db.sql<{ id: string }[]>`select d.id from webhook_deliveries d join cases c on c.id = d.case_id where c.ticket = ${ticket} limit 1`;
      return { path: `/operations/webhooks/deliveries/${row.id}/redeliver` };
    },
  ],
  'GET /api/v1/operations/audit': ['AAFFFAFFF', async () => ({ path: '/operations/audit' })],
  'GET /api/v1/operations/set-aside': ['AFFFFFFFF', async () => ({ path: '/operations/set-aside' })],
  'GET /api/v1/operations/set-aside/{id}': [
    'AFFFFFFFF',
    async () => {
      const [row] = await app.ctx.db.db
        .insert(t.setAsideUpdates)
        .values({ channel: 'telegram', stage: 'store', chatId: '1', externalId: `auth-${++serial}`, raw: '{}', error: 'refused', attempts: 3 })
        .returning();
      return { path: `/operations/set-aside/${row.id}` };
    },
  ],

  'GET /api/v1/catalogue': ['AAFFFAFFF', async () => ({ path: '/catalogue' })],
  'POST /api/v1/catalogue/dinas': [
    'AFFFFFFFF',
    async () => ({ path: '/catalogue/dinas', body: { code: `dinas-${++serial}`, name: `Dinas ${serial}`, regionCode: '3273', hours: bilingual('Senin–Jumat'), staffAvailability: availability } }),
  ],
  'PATCH /api/v1/catalogue/dinas/{id}': ['AAFFFXFFF', async () => ({ path: `/catalogue/dinas/${ids.dinsos}`, body: { hours: bilingual('Senin–Jumat, 08.00–15.00 WIB') } })],
  'DELETE /api/v1/catalogue/dinas/{id}': [
    'AFFFFFFFF',
    async () => ({
      path: `/catalogue/dinas/${await created('/catalogue/dinas', { code: `hapus-${++serial}`, name: `Hapus ${serial}`, regionCode: '3273', hours: bilingual('-'), staffAvailability: availability })}`,
    }),
  ],
  'POST /api/v1/catalogue/units': ['AAFFFXFFF', async () => ({ path: '/catalogue/units', body: { dinasId: ids.dinsos, code: `unit-${++serial}`, name: `Unit ${serial}` } })],
  'PATCH /api/v1/catalogue/units/{id}': [
    'AAFFFXFFF',
    async () => ({ path: `/catalogue/units/${await created('/catalogue/units', { dinasId: ids.dinsos, code: `u-${++serial}`, name: 'Unit' })}`, body: { name: 'Unit (ubah)' } }),
  ],
  'DELETE /api/v1/catalogue/units/{id}': ['AAFFFXFFF', async () => ({ path: `/catalogue/units/${await created('/catalogue/units', { dinasId: ids.dinsos, code: `d-${++serial}`, name: 'Unit' })}` })],
  'POST /api/v1/catalogue/categories': ['AFFFFFFFF', async () => ({ path: '/catalogue/categories', body: { code: `kategori-${++serial}`, name: bilingual('Kategori') } })],
  'PATCH /api/v1/catalogue/categories/{id}': [
    'AFFFFFFFF',
    async () => ({ path: `/catalogue/categories/${await created('/catalogue/categories', { code: `k-${++serial}`, name: bilingual('Kategori') })}`, body: { name: bilingual('Kategori (ubah)') } }),
  ],
  'DELETE /api/v1/catalogue/categories/{id}': ['AFFFFFFFF', async () => ({ path: `/catalogue/categories/${await created('/catalogue/categories', { code: `h-${++serial}`, name: bilingual('Kategori') })}` })],
  'POST /api/v1/catalogue/services': ['AAFFFXFFF', async () => ({ path: '/catalogue/services', body: serviceBody() })],
  'PATCH /api/v1/catalogue/services/{id}': ['AAFFFXFFF', async () => ({ path: `/catalogue/services/${await created('/catalogue/services', serviceBody())}`, body: { name: bilingual('Layanan (ubah)') } })],
  'DELETE /api/v1/catalogue/services/{id}': ['AAFFFXFFF', async () => ({ path: `/catalogue/services/${await created('/catalogue/services', serviceBody())}` })],
  'POST /api/v1/catalogue/routing-rules': ['AFFFFFFFF', async () => ({ path: '/catalogue/routing-rules', body: { priority: 50, regionPrefix: '3273', dinasId: ids.dinsos } })],
  'PATCH /api/v1/catalogue/routing-rules/{id}': [
    'AFFFFFFFF',
    async () => ({ path: `/catalogue/routing-rules/${await created('/catalogue/routing-rules', { priority: 50, regionPrefix: '3273', dinasId: ids.dinsos })}`, body: { priority: 51 } }),
  ],
  'DELETE /api/v1/catalogue/routing-rules/{id}': [
    'AFFFFFFFF',
    async () => ({ path: `/catalogue/routing-rules/${await created('/catalogue/routing-rules', { priority: 50, regionPrefix: '3273', dinasId: ids.dinsos })}` }),
  ],

  'GET /api/v1/settings': ['AAFFFAFFF', async () => ({ path: '/settings' })],
  'POST /api/v1/settings/sla-policies': ['AAFFFXFFF', async () => ({ path: '/settings/sla-policies', body: { dinasId: ids.dinsos, categoryCode: await freshCategory(), verifyDays: 3, followUpDays: 14, closeAfterDays: 7 } })],
  'PATCH /api/v1/settings/sla-policies/{id}': [
    'AAFFFXFFF',
    async () => ({
      path: `/settings/sla-policies/${await created('/settings/sla-policies', { dinasId: ids.dinsos, categoryCode: await freshCategory(), verifyDays: 3, followUpDays: 14, closeAfterDays: 7 })}`,
      body: { verifyDays: 2 },
    }),
  ],
  'DELETE /api/v1/settings/sla-policies/{id}': [
    'AAFFFXFFF',
    async () => ({ path: `/settings/sla-policies/${await created('/settings/sla-policies', { dinasId: ids.dinsos, categoryCode: await freshCategory(), verifyDays: 3, followUpDays: 14, closeAfterDays: 7 })}` }),
  ],
  'POST /api/v1/settings/holidays': ['AFFFFFFFF', async () => ({ path: '/settings/holidays', body: { day: freshDay(), name: 'Cuti bersama', kind: 'cuti-bersama' } })],
  'PATCH /api/v1/settings/holidays/{id}': [
    'AFFFFFFFF',
    async () => ({ path: `/settings/holidays/${await created('/settings/holidays', { day: freshDay(), name: 'Cuti bersama', kind: 'cuti-bersama' })}`, body: { name: 'Cuti bersama (ubah)' } }),
  ],
  'DELETE /api/v1/settings/holidays/{id}': ['AFFFFFFFF', async () => ({ path: `/settings/holidays/${await created('/settings/holidays', { day: freshDay(), name: 'Cuti', kind: 'cuti-bersama' })}` })],
  'POST /api/v1/settings/notification-targets': ['AAFFFXFFF', async () => ({ path: '/settings/notification-targets', body: { dinasId: ids.dinsos, kind: 'email', address: `unit${++serial}@dinsos.test` } })],
  'PATCH /api/v1/settings/notification-targets/{id}': [
    'AAFFFXFFF',
    async () => ({ path: `/settings/notification-targets/${await created('/settings/notification-targets', { dinasId: ids.dinsos, kind: 'email', address: `t${++serial}@dinsos.test` })}`, body: { active: false } }),
  ],
  'DELETE /api/v1/settings/notification-targets/{id}': [
    'AAFFFXFFF',
    async () => ({ path: `/settings/notification-targets/${await created('/settings/notification-targets', { dinasId: ids.dinsos, kind: 'email', address: `d${++serial}@dinsos.test` })}` }),
  ],
  'POST /api/v1/settings/webhooks': ['AAFFFXFFF', async () => ({ path: '/settings/webhooks', body: { dinasId: ids.dinsos, url: `${receiver.url}/w${++serial}` } })],
  'PATCH /api/v1/settings/webhooks/{id}': ['AAFFFXFFF', async () => ({ path: `/settings/webhooks/${await created('/settings/webhooks', { dinasId: ids.dinsos, url: `${receiver.url}/p${++serial}` })}`, body: { active: false } })],
  'DELETE /api/v1/settings/webhooks/{id}': ['AAFFFXFFF', async () => ({ path: `/settings/webhooks/${await created('/settings/webhooks', { dinasId: ids.dinsos, url: `${receiver.url}/d${++serial}` })}` })],

  'GET /api/v1/staff': ['AAFFFAFFF', async () => ({ path: '/staff' })],
  'POST /api/v1/staff': ['AAFFFXFFF', async () => ({ path: '/staff', body: staffBody() })],
  'PATCH /api/v1/staff/{id}': ['AAFFFXFFF', async () => ({ path: `/staff/${await created('/staff', staffBody())}`, body: { name: 'Petugas (ubah)' } })],
  'POST /api/v1/staff/{id}/password': ['AAFFFXFFF', async () => ({ path: `/staff/${await created('/staff', staffBody())}/password`, body: { password: 'another long password' } })],
  'POST /api/v1/staff/{id}/unlock': ['AAFFFXFFF', async () => ({ path: `/staff/${await created('/staff', staffBody())}/unlock` })],
  'POST /api/v1/staff/{id}/totp/remove': ['AAFFFXFFF', async () => ({ path: `/staff/${await created('/staff', staffBody())}/totp/remove` })],
};

function serviceBody() {
  const n = ++serial;
  return { code: `layanan-${n}`, name: bilingual(`Layanan ${n}`), requirements: lines('KTP'), procedure: lines('Datang ke kantor'), where: bilingual('Kantor dinas'), categoryCode: 'bantuan-sosial', dinasId: ids.dinsos };
}
function staffBody() {
  return { name: 'Petugas baru', email: `baru${++serial}@dinsos.test`, role: 'petugas', dinasId: ids.dinsos, unitId: ids.linjamsos, password: 'a long first password' };
}
async function freshCategory(): Promise<string> {
  const code = `sla-${++serial}`;
  await created('/catalogue/categories', { code, name: bilingual('Kategori SLA') });
  return code;
}
function freshDay(): string {
  const day = new Date(Date.UTC(2027, 0, 1) + ++serial * 86_400_000);
  return day.toISOString().slice(0, 10);
}

function matches(letter: string, status: number): boolean {
  if (letter === 'A') return ![401, 403, 404, 500].includes(status);
  if (letter === 'F') return status === 403;
  if (letter === 'N') return status === 404;
  if (letter === 'X') return status === 403 || status === 404;
  throw new Error(`unknown letter ${letter}`);
}

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  receiver = await startWebhookReceiver('unused');
  app = await startConsoleApp(env, { config: telegramConfig(telegram) });
  const { db } = app.ctx.db;
  for (const row of await db.select().from(t.dinas)) ids[row.code === 'dinsos-bandung' ? 'dinsos' : 'disdik'] = row.id;
  for (const row of await db.select().from(t.units).where(eq(t.units.dinasId, ids.dinsos))) {
    if (row.code === 'linjamsos') ids.linjamsos = row.id;
    if (row.code === 'rehsos') ids.rehsos = row.id;
  }
  for (const [, role, dinasCode, unitCode] of ROLES) {
    const staff = await createStaff(app, { role, dinasCode, unitCode });
    clients.push(await new ConsoleClient(app.url!).loginAs(staff));
    passwords.push(staff.password);
  }
  await app.mediaStorage.put('photos/auth/1.jpg', Buffer.from('full-size-bytes'), 'image/jpeg');
  await app.mediaStorage.put('photos/auth/1.thumb.webp', Buffer.from('thumb-bytes'), 'image/webp');
  central = clients[0];
  // Dinas Sosial's system hears of its cases: every fresh case has a delivery to redeliver.
  expect([200, 201]).toContain((await central.post('/settings/webhooks', { dinasId: ids.dinsos, url: `${receiver.url}/dinsos` })).status);
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await receiver?.close();
  await env?.dispose();
});

describe('the authorization table', () => {
  it('has a row for every route of the API, and no row for a route that does not exist', async () => {
    const spec = (await central.get('/openapi.json')).body;
    const operations = Object.entries<Record<string, unknown>>(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    const routes = operations.filter((op) => op !== 'POST /api/v1/auth/login');
    expect(Object.keys(TABLE).sort()).toEqual(routes.sort());
  });

  it('answers 401 to every route without a session', async () => {
    const anonymous = new ConsoleClient(app.url!);
    for (const op of Object.keys(TABLE)) {
      const [method, template] = op.split(' ');
      const path = template.replace('/api/v1', '').replace(/\{[^}]+\}/g, '1');
      expect([op, (await anonymous.raw(method, path, { body: method === 'GET' ? undefined : {}, csrf: false })).status]).toEqual([op, 401]);
    }
  });

  it.each(Object.keys(TABLE))('%s: every role, in and out of scope', async (op) => {
    const [expected, prepare] = TABLE[op];
    const method = op.split(' ')[0];
    const seen: string[] = [];
    for (let i = 0; i < ROLES.length; i++) {
      const call = await prepare();
      // Logging out ends the session: that row uses a session of its own.
      const client = op === 'POST /api/v1/auth/logout' ? await loginAgain(i) : clients[i];
      const body = method === 'GET' || method === 'DELETE' ? undefined : JSON.parse(JSON.stringify(call.body ?? {}).replaceAll(OWN_PASSWORD, passwords[i]));
      const answer = method === 'GET' && call.path === '/events' ? await streamStatus(client) : await client.raw(method, call.path, { body });
      const status = answer.status;
      seen.push(`${ROLES[i][0]}: ${status}`);
      if (!matches(expected[i], status)) throw new Error(`${op} as ${ROLES[i][0]} answered ${status} (${JSON.stringify(answer.body).slice(0, 200)}), expected ${expected[i]}\n${seen.join('\n')}`);
      // Outside the scope nothing of the target shows: the answer is the bare refusal.
      if (status === 404) {
        expect(answer.body.error).toBe('not_found');
        expect(Object.keys(answer.body).filter((k) => k !== 'error' && k !== 'message')).toEqual([]);
      }
    }
  });
});

async function loginAgain(i: number): Promise<ConsoleClient> {
  const [, role, dinasCode, unitCode] = ROLES[i];
  return new ConsoleClient(app.url!).loginAs(await createStaff(app, { role, dinasCode, unitCode }));
}

/** The live stream answers 200 and stays open: only its status is read, then it is closed. */
async function streamStatus(client: ConsoleClient): Promise<{ status: number; body: unknown }> {
  const controller = new AbortController();
  const response = await fetch(`${client.baseUrl}/api/v1/events`, { headers: { cookie: client['cookie'] ?? '' }, signal: controller.signal });
  controller.abort();
  return { status: response.status, body: null };
}

/** The people the second table puts beside a case, by catalogue codes. */
const VIEWERS = {
  'petugas of linjamsos': { role: 'petugas', dinasCode: 'dinsos-bandung', unitCode: 'linjamsos' },
  'petugas of rehsos (the same dinas)': { role: 'petugas', dinasCode: 'dinsos-bandung', unitCode: 'rehsos' },
  'verifikator of Dinas Sosial': { role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator' },
  'verifikator of Dinas Sosial for region 3204': { role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator', regionPrefix: '3204' },
  'verifikator of Dinas Sosial for region 3273': { role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator', regionPrefix: '3273' },
  'admin of Dinas Sosial': { role: 'admin', dinasCode: 'dinsos-bandung', unitCode: null },
  'pimpinan of Dinas Sosial': { role: 'pimpinan', dinasCode: 'dinsos-bandung', unitCode: null },
  'admin of every dinas': { role: 'admin', dinasCode: null, unitCode: null },
} as const;
type Viewer = keyof typeof VIEWERS;

/** Cases of Dinas Sosial's linjamsos unit: in Kota Bandung (327301), in Kabupaten Bandung (320401), rahasia, anonim. */
const CASES = {
  'in Kota Bandung': () => freshCase(),
  'in Kabupaten Bandung': () => freshCase({}, REGENCY_NIK),
  'marked confidential': () => freshCase({ confidential: true, description: 'Pendamping PKH meminta uang.' }),
  'marked anonymous': () => freshCase({ anonymous: true }),
};

/** hidden: outside the scope; shown: read with the reporter (masked); no identity: read, the reporter never shown. */
type Seen = 'hidden' | 'shown' | 'no identity';
const SCOPE_TABLE: [Viewer, keyof typeof CASES, Seen][] = [
  ['petugas of linjamsos', 'in Kota Bandung', 'shown'],
  ['petugas of rehsos (the same dinas)', 'in Kota Bandung', 'hidden'],
  ['verifikator of Dinas Sosial for region 3273', 'in Kota Bandung', 'shown'],
  ['verifikator of Dinas Sosial for region 3204', 'in Kota Bandung', 'hidden'],
  ['verifikator of Dinas Sosial for region 3204', 'in Kabupaten Bandung', 'shown'],
  ['verifikator of Dinas Sosial for region 3273', 'in Kabupaten Bandung', 'hidden'],
  ['petugas of linjamsos', 'marked confidential', 'shown'],
  ['petugas of rehsos (the same dinas)', 'marked confidential', 'hidden'],
  ['verifikator of Dinas Sosial', 'marked confidential', 'hidden'],
  ['admin of Dinas Sosial', 'marked confidential', 'hidden'],
  ['pimpinan of Dinas Sosial', 'marked confidential', 'hidden'],
  ['admin of every dinas', 'marked confidential', 'hidden'],
  ['admin of every dinas', 'marked anonymous', 'no identity'],
  ['admin of Dinas Sosial', 'marked anonymous', 'no identity'],
  ['verifikator of Dinas Sosial', 'marked anonymous', 'no identity'],
  ['petugas of linjamsos', 'marked anonymous', 'no identity'],
  ['pimpinan of Dinas Sosial', 'marked anonymous', 'no identity'],
  ['petugas of rehsos (the same dinas)', 'marked anonymous', 'hidden'],
];

describe('the scope table within a dinas', () => {
  const viewers = new Map<Viewer, { id: number; client: ConsoleClient }>();
  async function viewer(name: Viewer) {
    if (!viewers.has(name)) {
      const staff = await createStaff(app, VIEWERS[name]);
      viewers.set(name, { id: staff.id, client: await new ConsoleClient(app.url!).loginAs(staff) });
    }
    return viewers.get(name)!;
  }

  /** Every case route that reads: the list, its search, the case, its photo, its NIK, its choices. */
  async function readAll(client: ConsoleClient, ticket: string, photoId: number) {
    const listed = async (query: string) => ((await client.get(`/cases?limit=100${query}`)).body.cases as { ticket: string }[]).some((c) => c.ticket === ticket);
    return {
      listed: await listed(''),
      found: await listed(`&q=${ticket}`),
      page: await client.get(`/cases/${ticket}`),
      photo: await client.get(`/cases/${ticket}/photos/${photoId}?size=full`),
      nik: await client.post(`/cases/${ticket}/nik`),
      choices: await client.get(`/cases/${ticket}/choices`),
    };
  }
  const answer = (a: ApiAnswer) => ({ status: a.status, body: a.body });
  const identityIn = (text: string) => [REPORTER.name, REPORTER.phone, REPORTER.displayName, maskNik(NIK), NIK, REGENCY_NIK].filter((value) => text.includes(value));

  it.each(SCOPE_TABLE)('%s × a case %s: %s', async (name, kind, seen) => {
    const { id, client } = await viewer(name);
    const unmasks = VIEWERS[name].role === 'admin' || VIEWERS[name].role === 'verifikator';
    const { ticket, photoId } = await CASES[kind]();
    const got = await readAll(client, ticket, photoId);

    if (seen === 'hidden') {
      // Exactly what a ticket that does not exist gets: no content, not even that it exists.
      const missing = await readAll(client, 'ZZZZ2345', photoId);
      expect({ listed: got.listed, found: got.found }).toEqual({ listed: false, found: false });
      for (const route of ['page', 'photo', 'nik', 'choices'] as const) expect([route, answer(got[route])]).toEqual([route, answer(missing[route])]);
      expect(got.page.status).toBe(404);
      expect(got.photo.status).toBe(404);
      expect(got.choices.status).toBe(404);
      expect(got.nik.status).toBe(unmasks ? 404 : 403);
      const audited = await app.ctx.db.db.select().from(t.auditLog).where(and(eq(t.auditLog.staffId, id), eq(t.auditLog.ticket, ticket)));
      expect(audited).toEqual([]);
      return;
    }

    expect({ listed: got.listed, found: got.found, page: got.page.status, photo: got.photo.status, choices: got.choices.status }).toEqual({ listed: true, found: true, page: 200, photo: 200, choices: 200 });
    if (seen === 'shown') {
      expect(got.page.body.case.reporter).toMatchObject({ name: REPORTER.name, phone: REPORTER.phone, displayName: REPORTER.displayName });
      expect(answer(got.nik)).toEqual(unmasks ? { status: 200, body: { nik: kind === 'in Kabupaten Bandung' ? REGENCY_NIK : NIK } } : { status: 403, body: { error: 'forbidden' } });
    } else {
      expect(got.page.body.case.reporter).toBeNull();
      expect(identityIn(JSON.stringify(got.page.body))).toEqual([]);
      expect(answer(got.nik)).toEqual({ status: 403, body: { error: 'forbidden' } });
    }
  });
});
