/**
 * The case page in a real browser (Debian's Chromium through playwright-core) against the running
 * product: a citizen reports over the fake Telegram Bot API, a verifikator opens the case, replies,
 * changes its status with a public note and writes an internal note. The reply and the status
 * change reach that citizen's chat; the internal note does not. A change made elsewhere shows up
 * on the open page without reloading it. On a named case with a photo and a NIK, the thumbnail
 * opens the full photo, and only a verifikator gets the button that unmasks the NIK.
 */
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TICKET_ALPHABET } from '../../src/cases/ticket.js';
import * as t from '../../src/db/schema.js';
import { thumbnail } from '../../src/media/image.js';
import { encryptNik } from '../../src/pii/nik.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { SYSTEM, eventsOf, openTestCase, seedIdentity } from '../support/cases.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { telegramCitizen } from '../support/citizens.js';
import { createTestEnv, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';
import { createStaff, startConsoleApp } from './support.js';

const TICKET = new RegExp(`\\*([${TICKET_ALPHABET}]{4})-([${TICKET_ALPHABET}]{4})\\*`);
const REPORT = ['halo', '1', '1', '1', 'Bantuan sembako tidak sampai ke RT 05.', 'lewati', 'lewati', '2', '1'];
const CHAT = 9_450_001;

let env: TestEnv;
let telegram: FakeTelegram;
let app: App;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  app = await startConsoleApp(env, { config: telegramConfig(telegram) });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await telegram?.close();
  await env?.dispose();
});

it("sends a public reply and a status change to the citizen's chat, and keeps an internal note in the console", async () => {
  const citizen = telegramCitizen(app, telegram, CHAT);
  let last: string[] = [];
  for (const text of REPORT) last = await citizen.say(text);
  const match = TICKET.exec(last.join('\n'));
  expect(match).not.toBeNull();
  const ticket = match![1] + match![2];
  const shown = `${match![1]}-${match![2]}`;
  const chat = String(CHAT);

  const staff = await createStaff(app, { role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator' });
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await loginInBrowser(page, app.url!, staff.email, staff.password);
  // As the unit's notification links it.
  await page.goto(`${app.url}/console/cases/${ticket}`);
  await page.getByRole('heading', { name: `Laporan ${shown}` }).waitFor();
  await page.getByText('Bantuan sembako tidak sampai ke RT 05.').first().waitFor();
  const before = telegram.sent(chat).length;

  // A reply into the chat.
  await page.getByLabel('Pesan', { exact: true }).fill('Terima kasih, laporan Anda sedang kami periksa.');
  await page.getByRole('button', { name: 'Kirim', exact: true }).click();
  const [reply] = (await telegram.waitForSends(before + 1, { chatId: chat, timeoutMs: 20_000 })).slice(before);
  expect(reply.text).toContain(`Balasan petugas untuk laporan *${shown}*`);
  expect(reply.text).toContain('Terima kasih, laporan Anda sedang kami periksa.');

  // A status change with a public note, chosen with the keyboard.
  await page.getByLabel('Status baru').selectOption('diverifikasi');
  await page.getByLabel('Catatan (opsional)').fill('Data Anda sudah lengkap.');
  await page.getByRole('button', { name: 'Ubah status', exact: true }).press('Enter');
  const [status] = (await telegram.waitForSends(before + 2, { chatId: chat, timeoutMs: 20_000 })).slice(before + 1);
  expect(status.text).toContain(`Kabar laporan *${shown}*: Sudah diverifikasi.`);
  expect(status.text).toContain('Catatan petugas: Data Anda sudah lengkap.');
  await expect.poll(() => page.getByTestId('case-status').textContent()).toBe('Diverifikasi');

  // An internal note: on the timeline, marked internal, and never in the chat.
  await page.getByLabel('Isi catatan').fill('Cek dulu ke ketua RT 05.');
  expect(await page.getByLabel('Catatan internal (tidak dikirim ke warga)').last().isChecked()).toBe(true);
  await page.getByRole('button', { name: 'Simpan catatan' }).click();
  const note = page.getByTestId('case-event').filter({ hasText: 'Cek dulu ke ketua RT 05.' });
  await note.waitFor();
  expect(await note.getAttribute('class')).toContain('event-internal');
  expect(await note.textContent()).toContain('Internal');
  expect((await eventsOf(app, ticket)).at(-1)).toMatchObject({ type: 'note', public: false, note: 'Cek dulu ke ketua RT 05.' });
  await waitForIdle(app);
  expect(telegram.sent(chat)).toHaveLength(before + 2);
  expect(telegram.sent(chat).map((m) => m.text).join('\n')).not.toContain('Cek dulu ke ketua RT 05.');

  // Someone else changes the case: the open page shows it without a reload.
  await app.cases.addNote(SYSTEM, ticket, 'Dicatat dari sistem dinas.', true);
  await page.getByTestId('case-event').filter({ hasText: 'Dicatat dari sistem dinas.' }).waitFor();
});

it('opens a photo full size from its thumbnail, links the place to OpenStreetMap, and unmasks the NIK for a verifikator only', async () => {
  const NIK = '3273015508900002';
  const { db } = app.ctx.db;
  const identityId = await seedIdentity(app, 'telegram', '9450002', { phone: '+6281200007777' });
  const [message] = await db
    .insert(t.messages)
    .values({ identityId, channel: 'telegram', externalId: 'browser-photo', kind: 'photo', body: null, sentAt: app.ctx.now(), receivedAt: app.ctx.now(), processedAt: app.ctx.now() })
    .returning();
  const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 200, g: 40, b: 40 } } }).jpeg().toBuffer();
  await app.mediaStorage.put('photos/browser/1.jpg', photo, 'image/jpeg');
  await app.mediaStorage.put('photos/browser/1.thumb.webp', await thumbnail(photo), 'image/webp');
  await db.insert(t.media).values({
    identityId,
    messageId: message.id,
    channel: 'telegram',
    platformRef: 'telegram:file:browser-photo',
    status: 'stored',
    storageKey: 'photos/browser/1.jpg',
    thumbnailKey: 'photos/browser/1.thumb.webp',
    contentType: 'image/jpeg',
    width: 640,
    height: 480,
  });
  const ticket = await openTestCase(app, identityId, {
    reporterName: 'Dewi Lestari',
    nik: { sealed: encryptNik(NIK, app.ctx.nikKeys), masked: maskNik(NIK) },
    location: { address: 'Jl. Kenanga 3', latitude: -6.9147, longitude: 107.6098 },
    photos: ['telegram:file:browser-photo'],
  });

  const petugas = await createStaff(app, { role: 'petugas', dinasCode: 'dinsos-bandung', unitCode: 'linjamsos' });
  const officer = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await loginInBrowser(officer, app.url!, petugas.email, petugas.password);
  await officer.goto(`${app.url}/console#/cases/${ticket}`);
  await officer.getByText('Dewi Lestari').waitFor();
  expect(await officer.getByTestId('case-nik').textContent()).toBe(maskNik(NIK));
  expect(await officer.getByRole('button', { name: 'Tampilkan NIK lengkap' }).count()).toBe(0);
  await officer.close();

  const staff = await createStaff(app, { role: 'verifikator', dinasCode: 'dinsos-bandung', unitCode: 'verifikator' });
  const verifier = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await loginInBrowser(verifier, app.url!, staff.email, staff.password);
  await verifier.goto(`${app.url}/console#/cases/${ticket}`);
  const map = verifier.getByRole('link', { name: 'Buka di OpenStreetMap' });
  expect(await map.getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=-6.9147&mlon=107.6098#map=17/-6.9147/107.6098');

  const thumb = verifier.getByRole('img', { name: 'Foto 1 dari pelapor' });
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
  await verifier.getByRole('button', { name: 'Buka foto 1 ukuran penuh' }).press('Enter');
  const full = verifier.getByRole('img', { name: 'Foto ukuran penuh' });
  await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640);
  await verifier.keyboard.press('Escape');
  await expect.poll(() => full.count()).toBe(0);

  await verifier.getByRole('button', { name: 'Tampilkan NIK lengkap' }).click();
  await expect.poll(() => verifier.getByTestId('case-nik').textContent()).toBe(NIK);
  const audit = await db.select().from(t.auditLog).where(eq(t.auditLog.ticket, ticket)).orderBy(t.auditLog.id);
  expect(audit.filter((row) => row.staffId === staff.id).map((row) => row.action)).toEqual(expect.arrayContaining(['case.view', 'case.photo', 'case.nik.unmask']));
  await verifier.close();
});

it('shows a petugas of another dinas no more of a case than of a ticket that does not exist, on the page and in its API', async () => {
  const identityId = await seedIdentity(app, 'telegram', '9450003');
  const ticket = await openTestCase(app, identityId, { serviceCode: 'pkh', reporterName: 'Rina Marlina', description: 'Bantuan PKH belum cair (rahasia dinas lain).' });
  const outsider = await createStaff(app, { role: 'petugas', dinasCode: 'disdik-bandung', unitCode: 'pembinaan-sd' });
  const page = await browser.newPage();
  await loginInBrowser(page, app.url!, outsider.email, outsider.password);
  const seen: { url: string; status: number }[] = [];
  // This case's calls only (the inbox, the first page after login, may still be loading its own).
  page.on('response', (response) => response.url().includes(`/api/v1/cases/${ticket}`) && seen.push({ url: response.url(), status: response.status() }));
  await page.goto(`${app.url}/console#/cases/${ticket}`);
  await page.getByRole('alert').filter({ hasText: 'Laporan ini tidak ada atau bukan wewenang Anda.' }).waitFor();
  expect(await page.getByText('Rina Marlina').count()).toBe(0);
  expect(await page.getByText('rahasia dinas lain').count()).toBe(0);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((r) => r.status === 404)).toBe(true);
  // The same answer as for a ticket no one has.
  const body = await page.evaluate(async (path) => (await fetch(path)).text(), `/api/v1/cases/${ticket}`);
  const none = await page.evaluate(async (path) => (await fetch(path)).text(), `/api/v1/cases/${TICKET_ALPHABET[0].repeat(8)}`);
  expect(body).toBe(none);
  await page.close();
});
