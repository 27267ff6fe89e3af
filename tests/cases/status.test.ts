/**
 * Staff move a case along its lifecycle and the citizen hears about it in their own chat. The
 * notification is a push the agency starts: a citizen who wrote over WhatsApp Web (web.js, replies
 * only) is told through the official Cloud API, as the approved template when the 24-hour window
 * on that number is closed. Real Postgres and Redis; fake Bot API, Graph API and web.js client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/cases/events.js';
import { TransitionRefused } from '../../src/cases/lifecycle.js';
import { TICKET_ALPHABET } from '../../src/cases/ticket.js';
import { fakeClientFactory } from '../channels/whatsapp-web/fakes.js';
import { sentTo, startTestAppWithWhatsAppWeb, telegramCitizen, whatsappWebCitizen, type ChannelCitizen } from '../support/citizens.js';
import { caseStep } from '../support/case-dates.js';
import { fileClock } from '../support/clock.js';
import { createTestEnv, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeGraph, type FakeGraph } from '../support/fake-graph.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';
import { whatsappCloudConfig } from '../support/whatsapp-cloud.js';

const TICKET = new RegExp(`\\*([${TICKET_ALPHABET}]{4})-([${TICKET_ALPHABET}]{4})\\*`);
const REPORT = ['halo', '1', '1', '1', 'Bantuan PKH kami belum cair sejak tiga bulan lalu.', 'lewati', 'lewati', '2', '1'];

let env: TestEnv;
let telegram: FakeTelegram;
let graph: FakeGraph;
let app: App;
const webjs = fakeClientFactory();
const admin: Actor = { kind: 'staff', staffId: 1, role: 'admin', dinasId: null, unitId: null, regionPrefix: null };

async function report(citizen: ChannelCitizen): Promise<string> {
  let last: string[] = [];
  for (const text of REPORT) last = await citizen.say(text);
  const match = TICKET.exec(last.join('\n'));
  if (!match) throw new Error(`no ticket in ${JSON.stringify(last)}`);
  return match[1] + match[2];
}

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  graph = await startFakeGraph();
  app = await startTestAppWithWhatsAppWeb(env, {
    config: { ...telegramConfig(telegram), ...whatsappCloudConfig(graph), WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_PER_MINUTE: '6000' },
    whatsappWebClientFactory: webjs.factory,
  });
  webjs.latest().emit('ready');
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await graph?.close();
  await env?.dispose();
});

it('starts with the national holidays in the table the SLA clock reads', async () => {
  const year = fileClock.start.getUTCFullYear();
  const rows = await app.ctx.db.sql<{ day: string }[]>`select day::text from holidays where day in (${`${year}-08-17`}, ${`${year + 1}-08-17`})`;
  expect(rows.map((r) => r.day).sort()).toEqual([`${year}-08-17`, `${year + 1}-08-17`]);
});

describe('a status change', () => {
  it('tells a Telegram citizen in their chat, with the staff note and the next due date', async () => {
    const citizen = telegramCitizen(app, telegram, 9_300_001);
    const ticket = await report(citizen);
    await app.cases.transition(admin, ticket, 'diverifikasi');
    await app.cases.transition(admin, ticket, 'diteruskan', { note: 'Diteruskan ke Bidang Linjamsos.' });
    await waitForIdle(app);
    const pushes = telegram.sent('9300001').slice(-2).map((m) => m.text);
    expect(pushes[0]).toContain(`Kabar laporan *${ticket.slice(0, 4)}-${ticket.slice(4)}*: Sudah diverifikasi.`);
    expect(pushes[1]).toContain('Diteruskan ke unit yang menangani');
    expect(pushes[1]).toContain('Catatan petugas: Diteruskan ke Bidang Linjamsos.');
    const forwarded = await caseStep(app, ticket, 'diteruskan');
    expect(forwarded.at.getTime()).toBeGreaterThanOrEqual(fileClock.start.getTime());
    expect(forwarded.at.getTime()).toBeLessThanOrEqual(fileClock.now().getTime());
    expect(pushes[1]).toContain(`Langkah berikutnya: tindak lanjut oleh dinas, paling lambat ${await forwarded.dueShown('followUpDays')}`);

    // The citizen's own status check shows the note and the event trail is kept.
    const [events] = await app.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from case_events e join cases c on c.id = e.case_id where c.ticket = ${ticket}`;
    expect(events.n).toBe(3);
  });

  it('reaches a WhatsApp Web citizen through the Cloud API, as the template outside the 24-hour window', async () => {
    const citizen = whatsappWebCitizen(app, webjs.latest, '6281377770001');
    const ticket = await report(citizen);
    const viaWebJs = webjs.latest().sendMessage.mock.calls.length;
    await app.cases.transition(admin, ticket, 'ditolak', { note: 'Bukan kewenangan Dinas Sosial.' });
    await waitForIdle(app);

    expect(webjs.latest().sendMessage.mock.calls.length).toBe(viaWebJs);
    const [push] = sentTo(graph, '6281377770001');
    expect(push.body).toMatchObject({ to: '6281377770001', type: 'template', template: { name: 'kanal_aduan_status', language: { code: 'id' } } });
    const parameter = (push.body as { template: { components: { parameters: { text: string }[] }[] } }).template.components[0].parameters[0].text;
    expect(parameter).toContain('Ditolak');
    expect(parameter).toContain('Bukan kewenangan Dinas Sosial.');
    expect(parameter).not.toContain('\n');
  });

  it('refuses a transition the lifecycle does not allow, and a rejection without a reason', async () => {
    const citizen = telegramCitizen(app, telegram, 9_300_002);
    const ticket = await report(citizen);
    await expect(app.cases.transition(admin, ticket, 'selesai')).rejects.toBeInstanceOf(TransitionRefused);
    await expect(app.cases.transition(admin, ticket, 'ditolak', { note: '  ' })).rejects.toThrow(/reason/);
    const [row] = await app.ctx.db.sql<{ status: string }[]>`select status from cases where ticket = ${ticket}`;
    expect(row.status).toBe('baru');
  });
});
