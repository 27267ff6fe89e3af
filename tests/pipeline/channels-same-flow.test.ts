/**
 * One flow script (lapor → ticket → cek status → persyaratan) run by one citizen on every channel
 * at once, through one running product on real Postgres and Redis: Telegram at the webhook with
 * replies at a fake Bot API, web chat over its HTTP endpoints, WhatsApp Web through a fake linked
 * phone, WhatsApp Cloud through signed webhooks with replies at a fake Graph API. The channels
 * render differently (buttons, lists, numbered text); what the citizen reads must not differ.
 *
 * The product runs on the test clock (`KANAL_TEST_CLOCK` may put it at 23:59:59.5 WIB). Channels
 * are stepped at once, so one channel's case can be opened on the far side of midnight from
 * another's: the dates each citizen reads are checked against the instant their case was opened,
 * and only then set aside for the comparison, like the ticket numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TICKET_ALPHABET } from '../../src/cases/ticket.js';
import type { ChannelName } from '../../src/domain/messages.js';
import { fakeClientFactory } from '../channels/whatsapp-web/fakes.js';
import {
  sentTo,
  startTestAppWithWhatsAppWeb,
  telegramCitizen,
  webChatCitizen,
  whatsappCloudCitizen,
  whatsappWebCitizen,
  type ChannelCitizen,
} from '../support/citizens.js';
import { caseStep } from '../support/case-dates.js';
import { fileClock } from '../support/clock.js';
import { createTestEnv, type TestEnv } from '../support/env.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';
import { pollChat } from '../support/webchat.js';
import { CLOUD, cloudStatus, cloudWebhook, postCloudWebhook, whatsappCloudConfig } from '../support/whatsapp-cloud.js';

const DESCRIPTION = 'Bantuan PKH keluarga kami belum cair sejak tiga bulan, padahal sudah terdaftar di DTKS.';
const NAME = 'Siti Rahayu';

/** What the citizen answers at each step, named after what the step is for. */
const SCRIPT = [
  ['welcome', 'halo'],
  ['lapor', '1'],
  ['pengaduan', '1'],
  ['category', '1'],
  ['description', DESCRIPTION],
  ['skipLocation', 'lewati'],
  ['skipPhotos', 'lewati'],
  ['named', '1'],
  ['name', NAME],
  ['skipNik', 'lewati'],
  ['send', '1'],
  ['status', '2'],
  ['openTicket', '1'],
  ['backToMenu', '0'],
  ['persyaratan', '3'],
  ['kis', 'kis'],
] as const;
type Step = (typeof SCRIPT)[number][0];
const at = (step: Step) => SCRIPT.findIndex(([name]) => name === step);

const TICKET_PATTERN = new RegExp(`Nomor tiket: \\*([${TICKET_ALPHABET}]{4}-[${TICKET_ALPHABET}]{4})\\*`);
const CHANNELS: ChannelName[] = ['telegram', 'web', 'whatsapp-web', 'whatsapp-cloud'];

let env: TestEnv;
let telegram: FakeTelegram;
let graph: FakeGraph;
let app: App;
const webjs = fakeClientFactory();
const citizens = {} as Record<ChannelName, ChannelCitizen>;
/** The web chat citizen's session token (its chat id is the token's hash). */
let webSession = '';
/** Per channel, per step: the reply texts exactly as delivered. */
const transcripts = {} as Record<ChannelName, string[][]>;
const tickets = {} as Record<ChannelName, string>;

/** Position, among all replies the citizen got, of the first reply to `step`. */
function replyIndex(channel: ChannelName, step: Step): number {
  return transcripts[channel].slice(0, at(step)).flat().length;
}

/** Per channel: when its case was opened (by the product's clock) and the dates its citizen should read. */
const dates = {} as Record<ChannelName, { openedAt: Date; opened: string; verifyBy: string }>;

async function expectedDates(channel: ChannelName) {
  const opened = await caseStep(app, tickets[channel], 'baru');
  return { openedAt: opened.at, opened: opened.shown, verifyBy: await opened.dueShown('verifyDays') };
}

/** The transcript with what legitimately differs per citizen (their ticket, the day they wrote) replaced. */
function normalised(channel: ChannelName): string[][] {
  const { opened, verifyBy } = dates[channel];
  return transcripts[channel].map((replies) =>
    replies.map((text) =>
      text
        .replaceAll(tickets[channel], '<TICKET>')
        .replaceAll(`paling lambat ${verifyBy}`, 'paling lambat <DUE>')
        .replaceAll(`· ${opened}`, '· <OPENED>')
        .replaceAll(`Pembaruan terakhir: ${opened}`, 'Pembaruan terakhir: <OPENED>'),
    ),
  );
}

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  graph = await startFakeGraph();
  app = await startTestAppWithWhatsAppWeb(env, {
    config: {
      ...telegramConfig(telegram),
      ...whatsappCloudConfig(graph),
      WHATSAPP_WEB_ENABLED: 'true',
      // The per-chat pace (about 1 s) stays; the global one would otherwise make the test crawl.
      WHATSAPP_WEB_PER_MINUTE: '6000',
    },
    whatsappWebClientFactory: webjs.factory,
  });
  // The phone finished linking: WhatsApp Web reports ready.
  webjs.latest().emit('ready');

  citizens.telegram = telegramCitizen(app, telegram, 9_100_001);
  const web = await webChatCitizen(app);
  citizens.web = web;
  webSession = web.session;
  citizens['whatsapp-web'] = whatsappWebCitizen(app, webjs.latest, '6281298760001');
  citizens['whatsapp-cloud'] = whatsappCloudCitizen(app, graph, '6281298760002');

  // Four citizens at once, each waiting for the product's answer before the next message.
  await Promise.all(
    CHANNELS.map(async (channel) => {
      transcripts[channel] = [];
      for (const [, text] of SCRIPT) transcripts[channel].push(await citizens[channel].say(text));
      const ticketReply = transcripts[channel][at('send')][0] ?? '';
      tickets[channel] = TICKET_PATTERN.exec(ticketReply)?.[1] ?? `no ticket in: ${ticketReply}`;
      dates[channel] = await expectedDates(channel);
    }),
  );
}, 120_000);

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await graph?.close();
  await env?.dispose();
});

describe('one flow script over every channel', () => {
  it('runs with every channel wired and ready', async () => {
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ postgres: true, queue: true, whatsappWeb: true });

    const challenge = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': CLOUD.verifyToken, 'hub.challenge': '1158201444' });
    const verified = await fetch(`${app.url}/whatsapp/webhook?${challenge}`);
    expect(verified.status).toBe(200);
    expect(await verified.text()).toBe('1158201444');
  });

  it('dates every case by the test clock, and tells each citizen the dates that follow from it', () => {
    for (const channel of CHANNELS) {
      const { openedAt, opened, verifyBy } = dates[channel];
      expect(openedAt.getTime()).toBeGreaterThanOrEqual(fileClock.start.getTime());
      expect(openedAt.getTime()).toBeLessThanOrEqual(fileClock.now().getTime());
      expect(transcripts[channel][at('send')][0]).toContain(`paling lambat ${verifyBy}`);
      expect(transcripts[channel][at('status')][0]).toContain(`1. ${tickets[channel]} · Diterima, menunggu verifikasi · ${opened}`);
      expect(transcripts[channel][at('openTicket')][0]).toContain(`Pembaruan terakhir: ${opened}`);
      expect(transcripts[channel][at('openTicket')][0]).toContain(`Langkah berikutnya: verifikasi oleh petugas, paling lambat ${verifyBy}`);
    }
  });

  it('gives every channel the same replies, step by step', () => {
    const reference = normalised('telegram');
    expect(reference).toHaveLength(SCRIPT.length);
    for (const replies of reference) expect(replies.length).toBeGreaterThan(0);
    // Two replies where a step both answers and asks again: the ticket then the menu, the requirements then the offer.
    expect(reference[at('send')]).toHaveLength(2);
    expect(reference[at('kis')]).toHaveLength(2);
    expect(reference[at('welcome')][0]).toMatch(/^Halo, selamat datang di \*Kanal Aduan\*/);
    // Every answer was understood: no "Maaf, …" hint or re-prompt anywhere on the way.
    expect(reference.flat().join('\n')).not.toMatch(/Maaf,/);

    for (const channel of CHANNELS) expect({ channel, replies: normalised(channel) }).toEqual({ channel, replies: reference });
  });

  it('was answered by pressing buttons where the channel offers them, typing elsewhere', async () => {
    // Telegram inline buttons and Cloud interactive replies carry the same keys, so the same steps are taps.
    expect(citizens.telegram.taps).toBeGreaterThanOrEqual(8);
    expect(citizens['whatsapp-cloud'].taps).toBe(citizens.telegram.taps);
    expect(telegram.callsTo('answerCallbackQuery').filter((c) => c.status === 200)).toHaveLength(citizens.telegram.taps);
    const [row] = await app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from outbox where channel = 'telegram' and payload->>'kind' = 'callback-answer'`;
    expect(row.n).toBe(citizens.telegram.taps);
  });

  it('issues each citizen a ticket in XXXX-XXXX form from the unambiguous alphabet', async () => {
    const issued = CHANNELS.map((channel) => tickets[channel]);
    for (const ticket of issued) expect(ticket).toMatch(new RegExp(`^[${TICKET_ALPHABET}]{4}-[${TICKET_ALPHABET}]{4}$`));
    expect(new Set(issued).size).toBe(CHANNELS.length);
    expect(normalised('telegram')[at('send')][0]).toContain('Nomor tiket: *<TICKET>*');
    expect(normalised('telegram')[at('send')][1]).toContain('Silakan pilih layanan:');

    const cases = await app.ctx.db.sql<{ ticket: string; channel: string; chat_id: string; kind: string; category_code: string; description: string; status: string; reporter_name: string | null; anonymous: boolean; location: unknown; photos: string[] }[]>`
      select c.ticket, i.channel, i.chat_id, c.kind, c.category_code, c.description, c.status, c.reporter_name, c.anonymous, c.location, c.photos
      from cases c join channel_identities i on i.id = c.identity_id order by i.channel`;
    expect(cases).toHaveLength(CHANNELS.length);
    for (const channel of CHANNELS) {
      const stored = cases.find((c) => c.channel === channel);
      expect(stored).toMatchObject({
        ticket: tickets[channel].replace('-', ''),
        chat_id: citizens[channel].chatId,
        kind: 'pengaduan',
        category_code: 'bantuan-sosial',
        description: DESCRIPTION,
        status: 'baru',
        reporter_name: NAME,
        anonymous: false,
        location: null,
        photos: [],
      });
    }
  });

  it('shows on cek status the citizen’s own ticket, and no one else’s', () => {
    for (const channel of CHANNELS) {
      const [list] = transcripts[channel][at('status')];
      expect(list).toContain('Laporan Anda yang terakhir:');
      expect(list).toContain(`1. ${tickets[channel]} · Diterima, menunggu verifikasi`);
      for (const other of CHANNELS.filter((c) => c !== channel)) expect(list).not.toContain(tickets[other]);

      const [detail] = transcripts[channel][at('openTicket')];
      expect(detail).toContain(`Tiket: *${tickets[channel]}*`);
      expect(detail).toContain('Jenis: Pengaduan · Kategori: Bantuan sosial');
      expect(detail).toContain('Status: Diterima, menunggu verifikasi');
    }
  });

  it('lists the KIS requirements for "kis"', () => {
    const [requirements, offer] = normalised('telegram')[at('kis')];
    expect(requirements).toContain('*KIS / PBI-JK');
    expect(requirements).toMatch(/Persyaratan:\n1\. Terdaftar di DTKS\n2\. KTP-el\n3\. Kartu Keluarga\n4\. Surat keterangan dari kelurahan/);
    expect(requirements).toContain('Cara mengurus:');
    expect(requirements).toContain('Tempat dan waktu:');
    expect(offer).toContain('Ada lagi yang bisa dibantu?');
    expect(offer).toContain('1. Lapor masalah tentang layanan ini');
  });

  it('renders the same content in each channel’s own way', async () => {
    const menuStep = at('welcome');
    // Telegram: the numbered menu with inline buttons under it.
    const [menu] = telegram.sent(citizens.telegram.chatId);
    expect(menu.text).toBe(transcripts.telegram[menuStep][0]);
    expect((menu.replyMarkup as { inline_keyboard: { callback_data: string }[][] }).inline_keyboard.flat().map((b) => b.callback_data)).toEqual(['1', '2', '3', '4', '5']);

    // WhatsApp Cloud: menus as interactive lists or reply buttons, plain text otherwise; never a template inside the window.
    const cloud = sentTo(graph, citizens['whatsapp-cloud'].chatId);
    expect(cloud[0].body).toMatchObject({ messaging_product: 'whatsapp', type: 'interactive', interactive: { type: 'list' } });
    const skipLocation = cloud[replyIndex('whatsapp-cloud', 'description')];
    expect(skipLocation.body).toMatchObject({ type: 'interactive', interactive: { type: 'button', action: { buttons: [{ reply: { id: 'lewati', title: 'Lewati' } }] } } });
    expect(cloud.some((r) => (r.body as { type: string }).type === 'text')).toBe(true);
    expect(cloud.every((r) => (r.body as { type: string }).type !== 'template')).toBe(true);
    for (const request of cloud) {
      expect(request.path).toBe(`/${CLOUD.apiVersion}/${CLOUD.phoneNumberId}/messages`);
      expect(request.authorization).toBe(`Bearer ${CLOUD.accessToken}`);
    }

    // WhatsApp Web: no buttons at all, the numbered list is the text.
    const [firstWeb] = webjs.latest().sendMessage.mock.calls;
    expect(firstWeb).toEqual([citizens['whatsapp-web'].chatId, transcripts['whatsapp-web'][menuStep][0]]);
    expect(firstWeb[1]).toContain('1. Lapor (pengaduan, aspirasi, permintaan informasi)');

    // Web chat: the page gets the options beside the text, for its buttons.
    const { messages } = await pollChat(app.url!, webSession);
    expect(messages[0].options.map((o) => o.key)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('leaves nothing owed: every message processed, every reply sent once', async () => {
    const [row] = await app.ctx.db.sql<{ unprocessed: number; unsent: number; messages: number }[]>`
      select (select count(*) from messages where processed_at is null)::int as unprocessed,
             (select count(*) from outbox where status <> 'sent')::int as unsent,
             (select count(*) from messages)::int as messages`;
    expect(row).toEqual({ unprocessed: 0, unsent: 0, messages: SCRIPT.length * CHANNELS.length });
    const replies = transcripts.telegram.flat().length;
    expect(telegram.sent(citizens.telegram.chatId)).toHaveLength(replies);
    expect(sentTo(graph, citizens['whatsapp-cloud'].chatId)).toHaveLength(replies);
    expect(webjs.latest().sendMessage).toHaveBeenCalledTimes(replies);
  });

  it('records WhatsApp Cloud delivery receipts on the reply they belong to, and refuses unsigned ones', async () => {
    const waId = citizens['whatsapp-cloud'].chatId;
    const ticketReply = sentTo(graph, waId)[replyIndex('whatsapp-cloud', 'send')];
    const wamid = (ticketReply.response as { messages: { id: string }[] }).messages[0].id;
    const receipts = cloudWebhook({
      statuses: [cloudStatus({ id: wamid, status: 'delivered', recipient: waId }), cloudStatus({ id: wamid, status: 'read', recipient: waId })],
    });
    expect(await postCloudWebhook(app.url!, receipts, 'not-the-app-secret')).toBe(401);
    const [before] = await app.ctx.db.sql<{ delivery_status: string | null }[]>`select delivery_status from outbox where channel = 'whatsapp-cloud' and external_id = ${wamid}`;
    expect(before.delivery_status).toBeNull();

    expect(await postCloudWebhook(app.url!, receipts)).toBe(200);
    const [after] = await app.ctx.db.sql<{ delivery_status: string | null; payload: { text: string } }[]>`
      select delivery_status, payload from outbox where channel = 'whatsapp-cloud' and external_id = ${wamid}`;
    expect(after.delivery_status).toBe('read');
    expect(after.payload.text).toContain(tickets['whatsapp-cloud']);
  });
});
