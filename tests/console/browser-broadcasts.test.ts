/**
 * The broadcast pages in a real browser (Debian's Chromium through playwright-core) against the
 * running product and the fake Telegram Bot API: a dinas's admin writes a notice, narrows the
 * segment and sees the audience count and preview follow, sends it and watches it reach the
 * subscribers' chats and its progress come to done; a broadcast above the approval size waits,
 * its author cannot approve it, and a pimpinan approves it in the browser; pause, resume and a
 * confirmed cancel change a scheduled broadcast's state; without broadcasts.write there is no
 * compose button, and without broadcasts.read no menu entry.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { seedSubscriber } from '../broadcasts/support.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';
import { ConsoleClient, createStaff, startConsoleApp, type TestStaff } from './support.js';

/** Kota Bandung subscribers of social assistance, and two in the regency subscribed to health. */
const CITY = ['7310001', '7310002', '7310003'];
const REGENCY = ['7320001', '7320002'];
const APPROVAL_ABOVE = 3;

let env: TestEnv;
let telegram: FakeTelegram;
let app: App;
let browser: Browser;
let admin: TestStaff;
const errors: string[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  app = await startConsoleApp(env, { config: telegramConfig(telegram, { BROADCAST_APPROVAL_ABOVE: String(APPROVAL_ABOVE), BROADCAST_TICK_MS: '100' }) });
  browser = await launchBrowser();
  for (const [n, chatId] of CITY.entries()) {
    await seedSubscriber(app, { channel: 'telegram', chatId, region: `327301000${n + 1}`, topics: ['bantuan-sosial'], name: n === 0 ? 'Siti' : null });
  }
  for (const chatId of REGENCY) await seedSubscriber(app, { channel: 'telegram', chatId, region: '3204010001', topics: ['kesehatan'] });
  admin = await createStaff(app, { role: 'admin', dinasCode: 'dinsos-bandung' });
});

afterAll(async () => {
  expect(errors).toEqual([]);
  await browser?.close();
  await app?.close();
  await telegram?.close();
  await env?.dispose();
});

async function openAs(staff: TestStaff): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && !/40[13]|409/.test(message.text()) && errors.push(message.text()));
  await loginInBrowser(page, app.url!, staff.email, staff.password);
  return page;
}

const stateBadge = (page: Page, text: string) => page.locator('.bc-head .bc-state', { hasText: new RegExp(`^${text}$`) });
const audienceCount = (page: Page, n: number) => page.locator('.bc-count:not(.muted)', { hasText: new RegExp(`^${n} penerima$`) });
const shownCount = async (page: Page, state: string) => (await page.locator(`.bc-counts [data-state=${state}] dd`).textContent())?.trim();

async function compose(page: Page, title: string, text: string) {
  await page.getByRole('link', { name: 'Siaran', exact: true }).click();
  await page.getByRole('link', { name: 'Siaran baru' }).click();
  await page.getByLabel('Judul').fill(title);
  await page.getByLabel('Teks (Bahasa Indonesia)').fill(text);
}

async function narrowToCity(page: Page) {
  await page.getByRole('checkbox', { name: 'Bantuan sosial' }).check();
  await page.getByLabel('Kode wilayah (awalan)').fill('3273');
  await audienceCount(page, CITY.length).waitFor();
}

/** The broadcast the page shows (from its address). */
function shownId(page: Page): number {
  const id = /#\/broadcasts\/(\d+)/.exec(page.url())?.[1];
  expect(id).toBeDefined();
  return Number(id);
}

describe('broadcast pages', () => {
  it('a dinas admin narrows the segment, sees the count and preview, sends, and the notices reach the chats until done', async () => {
    const page = await openAs(admin);
    await compose(page, 'Pendaftaran PKH', 'Halo {nama}, pendaftaran PKH dibuka sampai 31 Desember.');
    // Every subscriber first: above the approval size, and the page says so.
    await audienceCount(page, CITY.length + REGENCY.length).waitFor();
    await page.getByText(`Lebih dari ${APPROVAL_ABOVE} penerima`).waitFor();

    // A region code that is not one is told next to its field, and nothing is saved with it.
    await page.getByLabel('Kode wilayah (awalan)').fill('32a');
    await page.locator('#bc-regionPrefix-error', { hasText: 'Kode wilayah berupa 2 sampai 10 angka' }).waitFor();
    expect(await page.getByLabel('Kode wilayah (awalan)').getAttribute('aria-invalid')).toBe('true');
    const [draft] = await app.ctx.db.sql<{ segment: object }[]>`select segment from broadcasts where id = ${shownId(page)}`;
    expect(draft.segment).toEqual({});

    await narrowToCity(page);
    expect(await page.getByText(`Lebih dari ${APPROVAL_ABOVE} penerima`).count()).toBe(0);
    expect(await page.locator('.bc-preview[data-lang=id]').textContent()).toBe('Halo Bapak/Ibu, pendaftaran PKH dibuka sampai 31 Desember.');

    let asked = '';
    page.once('dialog', (dialog) => ((asked = dialog.message()), dialog.accept()));
    await page.getByRole('button', { name: 'Kirim sekarang' }).click();
    await stateBadge(page, 'Selesai').waitFor({ timeout: 30_000 });
    expect(asked).toContain(`${CITY.length} penerima`);
    expect(await shownCount(page, 'sent')).toBe(String(CITY.length));
    expect(await shownCount(page, 'failed')).toBe('0');
    await page.getByText(`${CITY.length} dari ${CITY.length} terkirim`).waitFor();
    await page.locator('.bc-recipients tbody tr').nth(CITY.length - 1).waitFor();
    expect(await page.locator('.bc-recipients tbody tr', { hasText: 'Terkirim' }).count()).toBe(CITY.length);
    // No chat id (here the Telegram id, elsewhere a phone number) is on the page.
    const shown = (await page.locator('main').textContent()) ?? '';
    for (const chatId of CITY) expect(shown).not.toContain(chatId);

    expect(telegram.sent(CITY[0]).map((m) => m.text)).toEqual(['Halo Siti, pendaftaran PKH dibuka sampai 31 Desember.']);
    for (const chatId of CITY.slice(1)) expect(telegram.sent(chatId).map((m) => m.text)).toEqual(['Halo Bapak/Ibu, pendaftaran PKH dibuka sampai 31 Desember.']);
    for (const chatId of REGENCY) expect(telegram.sent(chatId)).toEqual([]);
    const [row] = await app.ctx.db.sql<{ segment: unknown; author_staff_id: number }[]>`select segment, author_staff_id from broadcasts where id = ${shownId(page)}`;
    expect(row).toEqual({ segment: { topics: ['bantuan-sosial'], regionPrefix: '3273' }, author_staff_id: admin.id });

    // The list shows it, newest first, with how far it got.
    await page.getByRole('link', { name: 'Semua siaran' }).click();
    const listed = page.locator('.bc-list tbody tr').first();
    await listed.getByText(`${CITY.length} dari ${CITY.length} terkirim`).waitFor();
    expect(await listed.getByRole('link').textContent()).toBe('Pendaftaran PKH');
    await page.close();
  });

  it('a broadcast above the approval size waits; its author cannot approve it, a pimpinan approves it in the browser', async () => {
    const author = await openAs(admin);
    await compose(author, 'Sosialisasi layanan', 'Layanan pengaduan kini juga lewat Telegram.');
    await audienceCount(author, CITY.length + REGENCY.length).waitFor();
    author.once('dialog', (dialog) => dialog.accept());
    await author.getByRole('button', { name: 'Kirim sekarang' }).click();
    await stateBadge(author, 'Menunggu persetujuan').waitFor();
    const id = shownId(author);
    // The author (an admin, who may approve others' broadcasts) gets no button, but the reason.
    await author.getByText('Anda penulis siaran ini').waitFor();
    expect(await author.getByRole('button', { name: 'Setujui' }).count()).toBe(0);
    expect(REGENCY.flatMap((chatId) => telegram.sent(chatId))).toEqual([]);

    const pimpinan = await createStaff(app, { role: 'pimpinan', dinasCode: 'dinsos-bandung' });
    const approver = await openAs(pimpinan);
    await approver.goto(`${app.url}/console#/broadcasts/${id}`);
    await stateBadge(approver, 'Menunggu persetujuan').waitFor();
    // A pimpinan approves but does not write: no pause or cancel.
    expect(await approver.getByRole('button', { name: /^(Jeda|Batalkan)$/ }).count()).toBe(0);
    await approver.getByRole('button', { name: 'Setujui' }).click();
    await approver.getByRole('status').filter({ hasText: 'Siaran disetujui.' }).waitFor();

    // The author's open page follows by itself to the end.
    await stateBadge(author, 'Selesai').waitFor({ timeout: 30_000 });
    await author.getByText(`Petugas #${pimpinan.id}`).waitFor();
    for (const chatId of REGENCY) expect(telegram.sent(chatId).map((m) => m.text)).toEqual(['Layanan pengaduan kini juga lewat Telegram.']);
    const [row] = await app.ctx.db.sql<{ approved_by_staff_id: number; state: string }[]>`select approved_by_staff_id, state from broadcasts where id = ${id}`;
    expect(row).toEqual({ approved_by_staff_id: pimpinan.id, state: 'done' });

    // Without broadcasts.write: the list, but no compose button.
    await approver.getByRole('link', { name: 'Siaran', exact: true }).click();
    await approver.locator('.bc-list tbody tr').first().waitFor();
    expect(await approver.getByRole('link', { name: 'Siaran baru' }).count()).toBe(0);
    await author.close();
    await approver.close();
  });

  it('tells an approver kindly when the broadcast changed before the approval', async () => {
    const asAdmin = await new ConsoleClient(app.url!).loginAs(admin);
    const { body: created } = await asAdmin.post('/broadcasts', { title: 'Bencana banjir', text: { id: 'Waspada banjir.', en: '' }, segment: {} });
    expect((await asAdmin.post(`/broadcasts/${created.id}/send`, {})).body.state).toBe('awaiting_approval');
    const approver = await openAs(await createStaff(app, { role: 'pimpinan', dinasCode: 'dinsos-bandung' }));
    await approver.goto(`${app.url}/console#/broadcasts/${created.id}`);
    await approver.getByRole('button', { name: 'Setujui' }).waitFor();
    expect((await asAdmin.post(`/broadcasts/${created.id}/cancel`)).body.state).toBe('cancelled');
    await approver.getByRole('button', { name: 'Setujui' }).click();
    await approver.getByRole('alert').filter({ hasText: 'Keadaan siaran sudah berubah' }).waitFor();
    await stateBadge(approver, 'Dibatalkan').waitFor();
    expect(await approver.getByRole('button', { name: 'Setujui' }).count()).toBe(0);
    await approver.close();
  });

  it('pauses, resumes and, once confirmed, cancels a scheduled broadcast', async () => {
    const page = await openAs(admin);
    await compose(page, 'Posyandu lansia', 'Halo {nama}, posyandu lansia buka Sabtu ini.');
    await narrowToCity(page);
    // A month after the later of the product's clock and the browser's, on the minute, as Jakarta reads it.
    const at = new Date(Math.ceil((Math.max(Date.now(), app.ctx.now().getTime()) + 30 * 86_400_000) / 60_000) * 60_000);
    await page.getByLabel('Waktu kirim').fill(new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 16));
    await page.getByRole('button', { name: 'Jadwalkan' }).click();
    await stateBadge(page, 'Terjadwal').waitFor();
    const id = shownId(page);
    const [row] = await app.ctx.db.sql<{ scheduled_at: string }[]>`select scheduled_at::text from broadcasts where id = ${id}`;
    expect(new Date(row.scheduled_at).toISOString()).toBe(at.toISOString());

    await page.getByRole('button', { name: 'Jeda' }).click();
    await stateBadge(page, 'Dijeda').waitFor();
    await page.getByRole('button', { name: 'Lanjutkan' }).click();
    await stateBadge(page, 'Terjadwal').waitFor();

    // Not confirmed: nothing is asked of the server; confirmed: cancelled, and no action is left.
    const cancels: string[] = [];
    page.on('request', (request) => request.url().endsWith(`/broadcasts/${id}/cancel`) && cancels.push(request.method()));
    page.once('dialog', (dialog) => dialog.dismiss());
    await page.getByRole('button', { name: 'Batalkan' }).click();
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Batalkan' }).click();
    await stateBadge(page, 'Dibatalkan').waitFor();
    expect(cancels).toEqual(['POST']);
    expect(await page.locator('.bc-actions button').count()).toBe(0);
    const [cancelled] = await app.ctx.db.sql<{ state: string }[]>`select state from broadcasts where id = ${id}`;
    expect(cancelled.state).toBe('cancelled');
    await page.close();
  });

  it('has no menu entry for staff without broadcasts.read', async () => {
    const petugas = await createStaff(app, { role: 'petugas' });
    const page = await openAs(petugas);
    await page.getByRole('link', { name: 'Kotak masuk' }).waitFor();
    expect(await page.getByRole('link', { name: 'Siaran', exact: true }).count()).toBe(0);
    await page.goto(`${app.url}/console#/broadcasts/new`);
    await page.waitForFunction(() => !window.location.hash.startsWith('#/broadcasts'));
    await page.close();
  });
});
