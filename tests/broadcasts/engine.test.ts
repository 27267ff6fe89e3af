/**
 * The broadcast engine on real Postgres and Redis against the fake Bot API and the fake Graph API:
 * who a segment selects, what each channel is sent (a Cloud template outside the 24-hour window),
 * automatic opt-outs (a blocked bot, WhatsApp's "stopped marketing messages"), schedule, approval,
 * pause/resume/cancel, and a 429 storm that slows the broadcast without losing or repeating anyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { BroadcastActor } from '../../src/broadcasts/broadcasts.js';
import { broadcastsOwed, payloadFor, type BroadcastSettings } from '../../src/broadcasts/engine.js';
import { relayOnce } from '../../src/queues/relay.js';
import { eventually, openTestCase, seedIdentity } from '../support/cases.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeGraph, graphError, type FakeGraph } from '../support/fake-graph.js';
import { startFakeTelegram, telegramErrors, type FakeTelegram } from '../support/fake-telegram.js';
import { citizenChat, postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';
import { id } from '../../flows/copy/id.js';
import { cloudText, cloudTimestamp, cloudWebhook, nextWamid, postCloudWebhook, whatsappCloudConfig } from '../support/whatsapp-cloud.js';
import { notice, owedRows, seedSubscriber, seedTelegramSubscribers, staffOf, waitForState } from './support.js';

const TELEGRAM_RATE = 20;
const APPROVAL_ABOVE = 25;

let env: TestEnv;
let telegram: FakeTelegram;
let graph: FakeGraph;
let app: App;
let dinsos: BroadcastActor;
let chief: BroadcastActor;
let nextChat = 7_100_000;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  graph = await startFakeGraph();
  app = await startTestApp(env, {
    role: 'all',
    // Real time: schedules and the 24-hour window are measured on it.
    now: () => new Date(),
    config: {
      ...telegramConfig(telegram, { TELEGRAM_MAX_PER_SECOND: String(TELEGRAM_RATE) }),
      ...whatsappCloudConfig(graph),
      BROADCAST_APPROVAL_ABOVE: String(APPROVAL_ABOVE),
      BROADCAST_LANE_SECONDS: '1',
      BROADCAST_TICK_MS: '100',
      BROADCAST_PLAN_CHUNK: '7',
    },
  });
  dinsos = await staffOf(app, 'dinsos-bandung');
  chief = await staffOf(app, 'dinsos-bandung');
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await graph?.close();
  await env?.dispose();
});

const chat = () => String(nextChat++);
/** Notices each chat got (a reporter's chat also gets news of their report). */
const NOTICE = /^(Pendaftaran bantuan|Registration for assistance|Waspada|Flood)/;
const sentTo = (chatIds: string[]) => chatIds.map((id) => telegram.sent(id).filter((m) => NOTICE.test(m.text)).length);

async function sendNow(segment: object, text = notice()) {
  const draft = await app.broadcasts.create(dinsos, { ...text, segment });
  return app.broadcasts.send(dinsos, draft.id, null);
}

/** A WhatsApp Cloud citizen writing to the webhook; returns the texts the product answered with. */
function cloudChat(waId: string): (text: string) => Promise<string> {
  return async (text) => {
    const before = graph.requests.length;
    const status = await postCloudWebhook(app.url!, cloudWebhook({ messages: [cloudText({ from: waId, id: nextWamid(), text, timestamp: cloudTimestamp(new Date()) })] }));
    if (status !== 200) throw new Error(`the webhook answered ${status}`);
    await waitForIdle(app);
    return graph.requests
      .slice(before)
      .map((r) => r.body as any)
      .filter((b) => b?.to === waId)
      .map((b) => b.text?.body ?? b.interactive?.body?.text ?? '')
      .join('\n');
  };
}

describe('opting in and out in every channel', () => {
  it('subscribes, stops and resumes over Telegram and WhatsApp Cloud, each consent recorded with its channel', async () => {
    const tg = chat();
    const wa = '6281200000099';
    for (const say of [citizenChat(app, telegram, Number(tg)), cloudChat(wa)]) {
      await say('halo');
      expect(await say('langganan')).toContain(id.subscribe.topics);
      expect(await say('2')).toContain(id.subscribe.region);
      expect(await say('lewati')).toContain(id.subscribe.done('Kesehatan', null));
      expect(await say('STOP')).toContain(id.notes.stopped);
      expect(await say('MULAI')).toContain(id.notes.resumed);
    }
    const consents = await app.ctx.db.sql<{ chat_id: string; channel: string; action: string }[]>`
      select i.chat_id, c.channel, c.action from broadcast_consents c join channel_identities i on i.id = c.identity_id
      where i.chat_id in (${tg}, ${wa}) order by c.id`;
    expect(consents.map((c) => [c.chat_id, c.channel, c.action])).toEqual([
      [tg, 'telegram', 'subscribe'],
      [tg, 'telegram', 'unsubscribe'],
      [tg, 'telegram', 'resume'],
      [wa, 'whatsapp-cloud', 'subscribe'],
      [wa, 'whatsapp-cloud', 'unsubscribe'],
      [wa, 'whatsapp-cloud', 'resume'],
    ]);
  });
});

describe('segments', () => {
  it('select subscribed, reachable chats by topic, region prefix, channel, reported category and subscription date; never WhatsApp Web', async () => {
    const old = new Date(Date.now() - 30 * 86_400_000);
    const c = { cihapit: chat(), coblong: chat(), kesehatan: chat(), stopped: chat(), blocked: chat(), old: chat(), reporter: chat(), web: chat() };
    await seedSubscriber(app, { channel: 'telegram', chatId: c.cihapit, region: '3273091001' });
    await seedSubscriber(app, { channel: 'telegram', chatId: c.coblong, region: '3273021004' });
    await seedSubscriber(app, { channel: 'telegram', chatId: c.kesehatan, topics: ['kesehatan'], region: '3273091001' });
    const stopped = await seedSubscriber(app, { channel: 'telegram', chatId: c.stopped, region: '3273091001' });
    const blocked = await seedSubscriber(app, { channel: 'telegram', chatId: c.blocked, region: '3273091001' });
    await seedSubscriber(app, { channel: 'telegram', chatId: c.old, region: '3273091002', subscribedAt: old });
    await seedSubscriber(app, { channel: 'whatsapp-web', chatId: `${c.web}@c.us`, region: '3273091001' });
    const reporter = await seedSubscriber(app, { channel: 'telegram', chatId: c.reporter, topics: ['pendidikan'] });
    await app.ctx.db.sql`update channel_identities set broadcast_opt_out_at = now(), broadcast_opt_out_reason = 'citizen' where id = ${stopped}`;
    await app.ctx.db.sql`update channel_identities set unreachable_at = now() where id = ${blocked}`;
    await openTestCase(app, reporter, { categoryCode: 'pendidikan' });

    const audience = async (segment: object) => {
      const draft = await app.broadcasts.create(dinsos, { ...notice(), segment });
      return app.broadcasts.audience(dinsos, draft.id);
    };
    // Only this test's chats: every segment here is narrowed to a region or category only they have.
    expect((await audience({ topics: ['bantuan-sosial'], regionPrefix: '327309' })).total).toBe(2); // cihapit, old
    expect((await audience({ regionPrefix: '3273091001' })).total).toBe(2); // cihapit, kesehatan (stopped, blocked, WhatsApp Web left out)
    expect((await audience({ topics: ['kesehatan'], regionPrefix: '3273091001' })).total).toBe(1);
    expect((await audience({ regionPrefix: '327309', subscribedSince: new Date(Date.now() - 86_400_000).toISOString() })).total).toBe(2); // not old
    expect((await audience({ regionPrefix: '327309', channels: ['whatsapp-cloud'] })).total).toBe(0);
    const reporters = await audience({ reportedCategory: { code: 'pendidikan', days: 7 } });
    expect(reporters.total).toBe(1);
    expect(reporters.notOnBulkChannels).toBeGreaterThanOrEqual(1);

    // Planned in chunks of 7 (BROADCAST_PLAN_CHUNK) and sent: exactly the segment, once each.
    const sent = await sendNow({ regionPrefix: '327309' });
    await waitForState(app, sent.id, 'done');
    expect(sentTo([c.cihapit, c.kesehatan, c.old, c.coblong, c.stopped, c.blocked, c.reporter])).toEqual([1, 1, 1, 0, 0, 0, 0]);
    expect(telegram.sent(c.cihapit)[0].text).toBe('Pendaftaran bantuan dibuka. Halo Bapak/Ibu!');
  });
});

describe('sending on each channel', () => {
  it("fills in {nama}, speaks the chat's language, sends a Cloud template outside the 24-hour window and text inside it, and records receipts", async () => {
    const [named, english] = [chat(), chat()];
    const [inWindow, outside] = ['6281200000001', '6281200000002'];
    const region = '9907';
    await seedSubscriber(app, { channel: 'telegram', chatId: named, topics: ['bencana'], region, name: 'Siti Aminah' });
    await seedSubscriber(app, { channel: 'telegram', chatId: english, topics: ['bencana'], region, lang: 'en' });
    await seedSubscriber(app, { channel: 'whatsapp-cloud', chatId: inWindow, topics: ['bencana'], region, lastInboundAt: new Date(Date.now() - 3_600_000) });
    await seedSubscriber(app, { channel: 'whatsapp-cloud', chatId: outside, topics: ['bencana'], region, lastInboundAt: new Date(Date.now() - 48 * 3_600_000) });

    const sent = await sendNow({ topics: ['bencana'], regionPrefix: region }, notice('Waspada banjir, {nama}.', 'Flood warning, {nama}.'));
    await waitForState(app, sent.id, 'done');
    expect(telegram.sent(named).map((m) => m.text)).toEqual(['Waspada banjir, Siti Aminah.']);
    expect(telegram.sent(english).map((m) => m.text)).toEqual(['Flood warning, Sir/Madam.']);
    const cloud = graph.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.body as any);
    expect(cloud.filter((b) => b.to === inWindow).map((b) => [b.type, b.text?.body])).toEqual([['text', 'Waspada banjir, Bapak/Ibu.']]);
    expect(cloud.filter((b) => b.to === outside).map((b) => [b.type, b.template?.name, b.template?.components?.[0]?.parameters?.[0]?.text])).toEqual([
      ['template', 'kanal_aduan_siaran', 'Waspada banjir, Bapak/Ibu.'],
    ]);

    // The Cloud API reports delivery later; the recipient's state follows.
    const [row] = await app.ctx.db.sql<{ external_id: string }[]>`
      select o.external_id from outbox o join channel_identities i on i.id = o.identity_id where o.broadcast_id = ${sent.id} and i.chat_id = ${inWindow}`;
    await postCloudWebhook(app.url!, cloudWebhook({ statuses: [{ id: row.external_id, status: 'read', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: inWindow }] as any }));
    await eventually('read receipt', async () => (await app.broadcasts.progress(dinsos, sent.id)).read === 1);
    expect(await app.broadcasts.progress(dinsos, sent.id)).toMatchObject({ planned: 4, sent: 3, read: 1, failed: 0, queued: 0 });

    // A reply to the notice is an ordinary message of that chat: the conversation answers it.
    expect(await postUpdate(app.url!, textUpdate(Number(named), 1, 'syarat pkh'))).toBe(200);
    const [answer] = await telegram.waitForSends(2, { chatId: named, timeoutMs: 20_000 }).then((all) => all.slice(1));
    expect(answer.text).toContain(id.services.requirements);
  });

  it('sends the picture as a photo with the notice as its caption; outside the Cloud window the template carries the link', async () => {
    const poster = 'https://dinsos.example.go.id/poster-pkh.jpg';
    const tg = chat();
    const [inWindow, outside] = ['6281200000021', '6281200000022'];
    const region = '9908';
    await seedSubscriber(app, { channel: 'telegram', chatId: tg, region, name: 'Budi' });
    await seedSubscriber(app, { channel: 'whatsapp-cloud', chatId: inWindow, region, lastInboundAt: new Date(Date.now() - 3_600_000) });
    await seedSubscriber(app, { channel: 'whatsapp-cloud', chatId: outside, region, lastInboundAt: null });

    const draft = await app.broadcasts.create(dinsos, { ...notice('Pendaftaran bantuan dibuka, {nama}.'), imageUrl: poster, segment: { regionPrefix: region } });
    expect((await app.broadcasts.audience(dinsos, draft.id)).preview).toMatchObject({ id: 'Pendaftaran bantuan dibuka, Bapak/Ibu.', imageUrl: poster });
    const sent = await app.broadcasts.send(dinsos, draft.id, null);
    await waitForState(app, sent.id, 'done');

    expect(telegram.sent(tg).map((m) => [m.photo, m.text])).toEqual([[poster, 'Pendaftaran bantuan dibuka, Budi.']]);
    const cloud = graph.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.body as any);
    expect(cloud.filter((b) => b.to === inWindow).map((b) => [b.type, b.image])).toEqual([['image', { link: poster, caption: 'Pendaftaran bantuan dibuka, Bapak/Ibu.' }]]);
    // No template with an image header is configured here: the notice's words, then the link.
    expect(cloud.filter((b) => b.to === outside).map((b) => [b.type, b.template?.name, b.template?.components])).toEqual([
      ['template', 'kanal_aduan_siaran', [{ type: 'body', parameters: [{ type: 'text', text: `Pendaftaran bantuan dibuka, Bapak/Ibu. ${poster}` }] }]],
    ]);
    expect(await app.broadcasts.progress(dinsos, sent.id)).toMatchObject({ planned: 3, sent: 3, failed: 0 });
  });

  it('reaches WhatsApp Web subscribers on the official number (Cloud API), once per person, never from the linked phone', async () => {
    const region = '9909';
    const wa = { rina: '6281200000031', both: '6281200000032', stopped: '6281200000033' };
    await seedSubscriber(app, { channel: 'whatsapp-web', chatId: `${wa.rina}@c.us`, phone: wa.rina, region, name: 'Rina' });
    // Subscribed on the linked phone and on the official number: one notice.
    await seedSubscriber(app, { channel: 'whatsapp-web', chatId: `${wa.both}@c.us`, phone: wa.both, region });
    await seedSubscriber(app, { channel: 'whatsapp-cloud', chatId: wa.both, region });
    // Said BERHENTI on the official number: nothing through it for their WhatsApp Web chat either.
    await seedSubscriber(app, { channel: 'whatsapp-web', chatId: `${wa.stopped}@c.us`, phone: wa.stopped, region });
    await seedIdentity(app, 'whatsapp-cloud', wa.stopped);
    await app.ctx.db.sql`update channel_identities set broadcast_opt_out_at = now(), broadcast_opt_out_reason = 'citizen' where channel = 'whatsapp-cloud' and chat_id = ${wa.stopped}`;
    // A linked-device id without a phone number: no way to reach them in bulk.
    await seedSubscriber(app, { channel: 'whatsapp-web', chatId: '117993475375234@lid', region });

    const draft = await app.broadcasts.create(dinsos, { ...notice('Pendaftaran bantuan dibuka, {nama}.'), segment: { regionPrefix: region } });
    const audience = await app.broadcasts.audience(dinsos, draft.id);
    expect(audience.byChannel).toEqual([{ channel: 'whatsapp-cloud', count: 2 }]);
    expect(audience.notOnBulkChannels).toBeGreaterThanOrEqual(1);
    const sent = await app.broadcasts.send(dinsos, draft.id, null);
    await waitForState(app, sent.id, 'done');

    const cloud = graph.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.body as any);
    const to = (waId: string) => cloud.filter((b) => b.to === waId).map((b) => [b.type, b.template?.name, b.template?.components?.[0]?.parameters?.[0]?.text]);
    // They never wrote to the official number: outside its window, the approved template.
    expect(to(wa.rina)).toEqual([['template', 'kanal_aduan_siaran', 'Pendaftaran bantuan dibuka, Rina.']]);
    expect(to(wa.both)).toEqual([['template', 'kanal_aduan_siaran', 'Pendaftaran bantuan dibuka, Bapak/Ibu.']]);
    expect(to(wa.stopped)).toEqual([]);
    expect(await app.broadcasts.progress(dinsos, sent.id)).toMatchObject({ planned: 2, sent: 2, skipped: 0, failed: 0 });
  });

  it('unsubscribes a chat that blocked the bot and a WhatsApp user who stopped marketing messages, at send and by receipt', async () => {
    const blocker = chat();
    const [stopper, stopperLater] = ['6281200000011', '6281200000012'];
    const ids = {
      blocker: await seedSubscriber(app, { channel: 'telegram', chatId: blocker, region: '9906' }),
      stopper: await seedSubscriber(app, { channel: 'whatsapp-cloud', chatId: stopper, region: '9906' }),
      stopperLater: await seedSubscriber(app, { channel: 'whatsapp-cloud', chatId: stopperLater, region: '9906' }),
    };
    telegram.failNext('sendMessage', telegramErrors.blocked());
    graph.failNext(graphError(400, 131050, 'User stopped marketing messages'), 1, (r) => (r.body as any)?.to === stopper);
    const first = await sendNow({ regionPrefix: '9906' });
    await waitForState(app, first.id, 'done');

    const failed = await app.broadcasts.recipients(dinsos, first.id, { state: 'failed', afterId: 0, limit: 10 });
    expect(failed.map((r) => r.identityId).sort()).toEqual([ids.blocker, ids.stopper].sort());
    expect(failed.find((r) => r.identityId === ids.blocker)!.reason).toContain('blocked');

    // The third reads it, then tells WhatsApp to stop: the receipt says so.
    const [row] = await app.ctx.db.sql<{ external_id: string }[]>`select external_id from outbox where broadcast_id = ${first.id} and identity_id = ${ids.stopperLater}`;
    const status = { id: row.external_id, status: 'failed', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: stopperLater, errors: [{ code: 131050, title: 'User stopped marketing messages' }] };
    expect(await postCloudWebhook(app.url!, cloudWebhook({ statuses: [status] as any }))).toBe(200);

    const optOuts = await app.ctx.db.sql<{ id: string; reason: string | null }[]>`
      select id, broadcast_opt_out_reason as reason from channel_identities where id in ${app.ctx.db.sql(Object.values(ids))} and broadcast_opt_out_at is not null order by id`;
    expect(optOuts.map((r) => Number(r.id))).toEqual(Object.values(ids).sort((a, b) => a - b));
    expect(optOuts.every((r) => r.reason !== null)).toBe(true);

    const draft = await app.broadcasts.create(dinsos, { ...notice(), segment: { regionPrefix: '9906' } });
    expect((await app.broadcasts.audience(dinsos, draft.id)).total).toBe(0);
  });
});

describe('what one recipient is sent', () => {
  const settings: BroadcastSettings = {
    channels: ['telegram', 'whatsapp-cloud'],
    webViaCloud: true,
    rates: {},
    laneSeconds: 1,
    tickMs: 100,
    planChunk: 10,
    approvalAbove: 10,
    cloudTemplate: { name: 'kanal_aduan_siaran', imageName: 'kanal_aduan_siaran_gambar', language: 'id' },
  };
  const poster = 'https://dinsos.example.go.id/poster.jpg';
  const now = new Date('2026-12-02T03:00:00Z');

  it.each([
    {
      name: 'a picture outside the Cloud window: the template approved with an IMAGE header',
      channel: 'whatsapp-cloud' as const,
      lastInboundAt: null,
      imageUrl: poster,
      expected: { kind: 'template', chatId: 'c', name: 'kanal_aduan_siaran_gambar', language: 'id', parameters: ['Halo.'], headerImageUrl: poster },
    },
    {
      name: 'words alone outside the Cloud window: the text template',
      channel: 'whatsapp-cloud' as const,
      lastInboundAt: null,
      imageUrl: null,
      expected: { kind: 'template', chatId: 'c', name: 'kanal_aduan_siaran', language: 'id', parameters: ['Halo.'] },
    },
    {
      name: 'a picture inside the Cloud window: the picture with its caption',
      channel: 'whatsapp-cloud' as const,
      lastInboundAt: '2026-12-02T02:00:00Z',
      imageUrl: poster,
      expected: { kind: 'image', chatId: 'c', imageUrl: poster, text: 'Halo.' },
    },
    {
      name: 'a picture on Telegram: the picture with its caption, whenever',
      channel: 'telegram' as const,
      lastInboundAt: null,
      imageUrl: poster,
      expected: { kind: 'image', chatId: 'c', imageUrl: poster, text: 'Halo.' },
    },
  ])('$name', ({ channel, lastInboundAt, imageUrl, expected }) => {
    expect(payloadFor(settings, channel, { chat_id: 'c', last_inbound_at: lastInboundAt }, 'Halo.', imageUrl, now)).toEqual(expected);
  });
});

describe('schedule and approval', () => {
  it('starts a scheduled broadcast at its time, not before', async () => {
    const chats = [chat(), chat()];
    for (const c of chats) await seedSubscriber(app, { channel: 'telegram', chatId: c, topics: ['kesehatan'], region: '9901' });
    const draft = await app.broadcasts.create(dinsos, { ...notice(), segment: { regionPrefix: '9901' } });
    const at = new Date(Date.now() + 1_500);
    const scheduled = await app.broadcasts.send(dinsos, draft.id, at);
    expect(scheduled.state).toBe('scheduled');
    await waitForState(app, draft.id, 'done');
    expect(sentTo(chats)).toEqual([1, 1]);
    const rows = await app.ctx.db.sql<{ started_at: string; first_sent: string }[]>`
      select b.started_at, (select min(sent_at) from outbox where broadcast_id = b.id) as first_sent from broadcasts b where b.id = ${draft.id}`;
    expect(Date.parse(rows[0].started_at)).toBeGreaterThanOrEqual(at.getTime());
    expect(Date.parse(rows[0].first_sent)).toBeGreaterThanOrEqual(at.getTime());
  });

  it('waits above the approval size for a second person; the author cannot approve it', async () => {
    const chats = await seedTelegramSubscribers(app.ctx.db.sql, 7_200_000, APPROVAL_ABOVE + 1, { region: '9902' });
    const draft = await app.broadcasts.create(dinsos, { ...notice(), segment: { regionPrefix: '9902' } });
    expect((await app.broadcasts.audience(dinsos, draft.id)).needsApproval).toBe(true);
    const waiting = await app.broadcasts.send(dinsos, draft.id, null);
    expect(waiting).toMatchObject({ state: 'awaiting_approval', audience: APPROVAL_ABOVE + 1 });
    await expect(app.broadcasts.approve(dinsos, draft.id)).rejects.toMatchObject({ reason: 'forbidden' });
    expect(sentTo(chats).every((n) => n === 0)).toBe(true);

    const approved = await app.broadcasts.approve(chief, draft.id);
    expect(approved.approvedByStaffId).toBe(chief.id);
    await waitForState(app, draft.id, 'done');
    expect(sentTo(chats).every((n) => n === 1)).toBe(true);
  });
});

describe('pause, resume, cancel', () => {
  it('pause stops the sends (what was handed over is taken back), resume finishes them, everyone once', async () => {
    const chats = await seedTelegramSubscribers(app.ctx.db.sql, 7_300_000, 60, { region: '9903' });
    const draft = await app.broadcasts.create(dinsos, { ...notice(), segment: { regionPrefix: '9903' } });
    await app.broadcasts.send(dinsos, draft.id, null);
    await app.broadcasts.approve(chief, draft.id);
    await eventually('ten sent', async () => sentTo(chats).filter((n) => n > 0).length >= 10);
    await app.broadcasts.pause(dinsos, draft.id);
    // What a sender had already claimed finishes; nothing else is owed while paused.
    await eventually('nothing owed', async () => (await owedRows(app.ctx.db.sql, draft.id)) === 0);
    const atPause = sentTo(chats).filter((n) => n > 0).length;
    const progress = await app.broadcasts.progress(dinsos, draft.id);
    expect(progress.sent).toBe(atPause);
    expect(progress.queued).toBe(60 - atPause);
    expect(atPause).toBeLessThan(60);

    await app.broadcasts.resume(dinsos, draft.id);
    // Paused and resumed again at once, while a tick may be between its hand-over and its check
    // for the end: the recipients taken back must not be mistaken for a finished broadcast.
    for (let i = 0; i < 3; i++) {
      await app.broadcasts.pause(dinsos, draft.id);
      await app.broadcasts.resume(dinsos, draft.id);
    }
    await waitForState(app, draft.id, 'done');
    expect(sentTo(chats)).toEqual(chats.map(() => 1));
  });

  it('cancel stops it for good: nobody not yet sent to gets it', async () => {
    const chats = await seedTelegramSubscribers(app.ctx.db.sql, 7_400_000, 60, { region: '9904' });
    const draft = await app.broadcasts.create(dinsos, { ...notice(), segment: { regionPrefix: '9904' } });
    await app.broadcasts.send(dinsos, draft.id, null);
    await app.broadcasts.approve(chief, draft.id);
    await eventually('five sent', async () => sentTo(chats).filter((n) => n > 0).length >= 5);
    await app.broadcasts.cancel(dinsos, draft.id);
    await eventually('nothing owed', async () => (await owedRows(app.ctx.db.sql, draft.id)) === 0);
    const progress = await app.broadcasts.progress(dinsos, draft.id);
    const sent = sentTo(chats).filter((n) => n > 0).length;
    expect(progress.sent).toBe(sent);
    expect(progress.cancelled).toBe(60 - sent);
    expect(sentTo(chats).every((n) => n <= 1)).toBe(true);
    await expect(app.broadcasts.resume(dinsos, draft.id)).rejects.toMatchObject({ reason: 'conflict' });
    // The job has stopped: a relay round offers nothing more, and nothing else is sent.
    expect((await relayOnce(app.ctx, [broadcastsOwed], { kind: 'catch-up', olderThanMs: 0 })).broadcasts).toBe(0);
    expect(sentTo(chats).filter((n) => n > 0).length).toBe(sent);
  });
});

describe('a 429 storm', () => {
  it('slows the broadcast with the retry_after Telegram asks for, and loses and repeats nobody', async () => {
    const chats = await seedTelegramSubscribers(app.ctx.db.sql, 7_500_000, 20, { region: '9905' });
    telegram.failNext('sendMessage', telegramErrors.tooManyRequests(1), 15);
    const started = Date.now();
    const sent = await sendNow({ regionPrefix: '9905' });
    await waitForState(app, sent.id, 'done');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(sentTo(chats)).toEqual(chats.map(() => 1));
    const [retried] = await app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from outbox where broadcast_id = ${sent.id} and attempts > 1`;
    expect(retried.n).toBeGreaterThan(0);
    expect(await app.broadcasts.progress(dinsos, sent.id)).toMatchObject({ planned: 20, sent: 20, failed: 0 });
  });
});
