/**
 * The live-chat API over real HTTP, with a citizen on the fake Telegram Bot API: who may use it,
 * scope by the chat's dinas (another dinas gets 404, never content), two officers taking one chat
 * at once (one wins, the other is told who), the transcript (audited), sends once each in order,
 * the hand back, CSRF, and the live events staff of the dinas hear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { id } from '../../flows/copy/id.js';
import type { App } from '../../src/app.js';
import { eventually } from '../support/cases.js';
import { createTestEnv, waitForIdle, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { postUpdate, telegramConfig, textUpdate } from '../support/telegram.js';
import { ConsoleClient, createStaff, openEventStream, startConsoleApp } from './support.js';

let env: TestEnv;
let telegram: FakeTelegram;
let app: App;
let nextChat = 8_200_000;

beforeAll(async () => {
  env = await createTestEnv();
  telegram = await startFakeTelegram();
  app = await startConsoleApp(env, { config: telegramConfig(telegram) });
});

afterAll(async () => {
  await app?.close();
  await telegram?.close();
  await env?.dispose();
});

/** A citizen on Telegram who asked for petugas (a newcomer: the triage desk, Dinas Sosial). */
async function citizenAskingForStaff() {
  const chatId = nextChat++;
  let messageId = 0;
  const say = async (text: string) => {
    expect(await postUpdate(app.url!, textUpdate(chatId, ++messageId, text))).toBe(200);
    await waitForIdle(app);
  };
  await say('halo');
  await say('petugas');
  const [row] = await app.ctx.db.sql<{ id: string }[]>`
    select h.id from handoff_requests h join channel_identities i on i.id = h.identity_id
    where i.channel = 'telegram' and i.chat_id = ${String(chatId)} and h.resolved_at is null`;
  return { chatId: String(chatId), handoffId: Number(row.id), say, received: () => telegram.sent(String(chatId)).map((m) => m.text) };
}

async function as(role: 'admin' | 'verifikator' | 'petugas' | 'pimpinan', dinasCode?: string | null, unitCode?: string | null) {
  const staff = await createStaff(app, { role, ...(dinasCode !== undefined ? { dinasCode } : {}), ...(unitCode !== undefined ? { unitCode } : {}) });
  return { staff, client: await new ConsoleClient(app.url!).loginAs(staff) };
}

describe('live-chat API', () => {
  it('needs a login and the livechat permission', async () => {
    expect((await new ConsoleClient(app.url!).get('/livechats')).status).toBe(401);
    const { client } = await as('pimpinan');
    expect((await client.get('/livechats')).status).toBe(403);
    const spec = await client.get('/openapi.json');
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/livechats', '/api/v1/livechats/{id}/take', '/api/v1/livechats/{id}/messages', '/api/v1/livechats/{id}/hand-back']),
    );
  });

  it('answers every route by role and scope: pimpinan 403, another dinas 404, the dinas and admins the work', async () => {
    const table: [string, Parameters<typeof as>, 'forbidden' | 'outside' | 'works'][] = [
      ['admin (every dinas)', ['admin'], 'works'],
      ['verifikator of Dinas Sosial', ['verifikator', 'dinsos-bandung', 'verifikator'], 'works'],
      ['petugas of Dinas Sosial', ['petugas'], 'works'],
      ['pimpinan of Dinas Sosial', ['pimpinan'], 'forbidden'],
      ['verifikator of Dinas Pendidikan', ['verifikator', 'disdik-bandung', 'sekretariat'], 'outside'],
      ['petugas of Dinas Pendidikan', ['petugas', 'disdik-bandung', 'pembinaan-sd'], 'outside'],
    ];
    for (const [who, role, expected] of table) {
      const siti = await citizenAskingForStaff();
      const { client } = await as(...role);
      const base = `/livechats/${siti.handoffId}`;
      const list = await client.get('/livechats');
      const statuses = [
        (await client.get(`${base}/messages`)).status,
        (await client.post(`${base}/take`)).status,
        (await client.post(`${base}/messages`, { text: 'Selamat siang.', clientKey: 'table' })).status,
        (await client.post(`${base}/hand-back`)).status,
      ];
      const listed = list.status === 200 && list.body.chats.some((c: any) => c.id === siti.handoffId);
      const want = { forbidden: [403, [403, 403, 403, 403], false], outside: [200, [404, 404, 404, 404], false], works: [200, [200, 200, 200, 200], true] }[expected];
      expect([who, list.status, statuses, listed]).toEqual([who, ...want]);
    }
  });

  it('shows a chat to staff of its dinas only: another dinas gets 404 on every call', async () => {
    const siti = await citizenAskingForStaff();
    const { client: mine } = await as('petugas');
    const { client: other } = await as('petugas', 'disdik-bandung', 'sekretariat');
    const { client: admin } = await as('admin');

    const queue = await mine.get('/livechats');
    expect(queue.status).toBe(200);
    const chat = queue.body.chats.find((c: any) => c.id === siti.handoffId);
    expect(chat).toMatchObject({ channel: 'telegram', takenBy: null, citizenMessages: 1 });
    expect(chat.waitingMs).toBeGreaterThanOrEqual(0);
    expect((await admin.get('/livechats')).body.chats.map((c: any) => c.id)).toContain(siti.handoffId);

    expect((await other.get('/livechats')).body.chats.map((c: any) => c.id)).not.toContain(siti.handoffId);
    for (const answer of [
      await other.get(`/livechats/${siti.handoffId}/messages`),
      await other.post(`/livechats/${siti.handoffId}/take`),
      await other.post(`/livechats/${siti.handoffId}/messages`, { text: 'Halo', clientKey: 'x' }),
      await other.post(`/livechats/${siti.handoffId}/hand-back`),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'not_found' });
    }
  });

  it('lets one of two officers taking a chat at once have it; the other is told who has it', async () => {
    const siti = await citizenAskingForStaff();
    const first = await as('petugas');
    const second = await as('verifikator', 'dinsos-bandung', 'verifikator');
    const answers = await Promise.all([first.client.post(`/livechats/${siti.handoffId}/take`), second.client.post(`/livechats/${siti.handoffId}/take`)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const won = answers.find((a) => a.status === 200)!;
    const lost = answers.find((a) => a.status === 409)!;
    expect(lost.body).toMatchObject({ error: 'taken', takenBy: { name: won.body.chat.takenBy.name } });
    const winner = won.body.chat.takenBy.id === first.staff.id ? first : second;
    const loser = winner === first ? second : first;
    expect((await loser.client.post(`/livechats/${siti.handoffId}/messages`, { text: 'Saya juga', clientKey: 'l1' })).body).toMatchObject({ error: 'not-taker' });
    expect((await loser.client.post(`/livechats/${siti.handoffId}/hand-back`)).status).toBe(409);
    await waitForIdle(app);
    expect(siti.received().filter((text) => text === id.petugas.joined)).toHaveLength(1);
  });

  it('reads the transcript (audited), sends once each in order, and hands back to the bot', async () => {
    const siti = await citizenAskingForStaff();
    const { staff, client } = await as('petugas');
    expect((await client.post(`/livechats/${siti.handoffId}/take`)).status).toBe(200);
    // A change without the CSRF token is refused like any other.
    expect((await client.raw('POST', `/livechats/${siti.handoffId}/messages`, { body: { text: 'x', clientKey: 'nocsrf' }, csrf: false })).status).toBe(403);

    await siti.say('Bantuan PKH saya belum cair sejak Agustus.');
    const sent = await client.post(`/livechats/${siti.handoffId}/messages`, { text: 'Baik Bu, kami cek.', clientKey: 'a1' });
    expect(sent.status).toBe(200);
    // The page retried after a dropped connection: the same key sends nothing new.
    expect((await client.post(`/livechats/${siti.handoffId}/messages`, { text: 'Baik Bu, kami cek.', clientKey: 'a1' })).body).toEqual(sent.body);
    expect((await client.post(`/livechats/${siti.handoffId}/messages`, { text: 'Sudah kami teruskan.', clientKey: 'a2' })).status).toBe(200);
    expect((await client.post(`/livechats/${siti.handoffId}/messages`, { text: '   ', clientKey: 'a3' })).status).toBe(400);
    await waitForIdle(app);
    expect(siti.received().slice(-3)).toEqual([id.petugas.joined, 'Baik Bu, kami cek.', 'Sudah kami teruskan.']);

    const transcript = await client.get(`/livechats/${siti.handoffId}/messages`);
    expect(transcript.status).toBe(200);
    expect(transcript.body.displayName).toBe('Siti Rahayu');
    expect(transcript.body.entries.map((e: any) => [e.from, e.text])).toEqual([
      ['citizen', 'petugas'],
      ['bot', expect.stringContaining(id.petugas.recorded)],
      ['bot', id.petugas.joined],
      ['citizen', 'Bantuan PKH saya belum cair sejak Agustus.'],
      ['officer', 'Baik Bu, kami cek.'],
      ['officer', 'Sudah kami teruskan.'],
    ]);
    expect(transcript.body.entries[4].officer).toBe('Test petugas');
    const audit = await app.ctx.db.sql<{ details: Record<string, unknown> }[]>`
      select details from audit_log where staff_id = ${staff.id} and action = 'livechat.view'`;
    expect(audit.map((a) => a.details)).toEqual([{ handoffId: siti.handoffId }]);

    expect((await client.post(`/livechats/${siti.handoffId}/hand-back`)).status).toBe(200);
    await waitForIdle(app);
    expect(siti.received().at(-1)!.startsWith(id.notes.handedBack)).toBe(true);
    expect((await client.get(`/livechats/${siti.handoffId}/messages`)).status).toBe(404);
    expect((await client.get('/livechats')).body.chats.map((c: any) => c.id)).not.toContain(siti.handoffId);
    const before = siti.received().length;
    await siti.say('3');
    expect(siti.received().length).toBeGreaterThan(before);
  });

  it('tells staff of the dinas live when a chat is queued, taken and written in, and nobody else', async () => {
    const mine = await as('petugas');
    const other = await as('petugas', 'disdik-bandung', 'sekretariat');
    const streams = await Promise.all([openEventStream(mine.client), openEventStream(other.client)]);
    try {
      const siti = await citizenAskingForStaff();
      await mine.client.post(`/livechats/${siti.handoffId}/take`);
      await siti.say('Halo?');
      const heard = (change: string) => streams[0].events.some((e) => e.type === 'handoff' && e.handoffId === siti.handoffId && e.change === change);
      await eventually('the handoff events', async () => heard('queued') && heard('taken') && heard('message'));
      expect(streams[0].events.find((e) => e.handoffId === siti.handoffId)).toEqual({ type: 'handoff', change: 'queued', dinasId: expect.any(Number), handoffId: siti.handoffId });
      // The hand back heard after them proves the other stream had time to hear them, had they been sent.
      await mine.client.post(`/livechats/${siti.handoffId}/hand-back`);
      await eventually('the hand back', async () => heard('handed-back'));
      expect(streams[1].events.filter((e) => e.handoffId === siti.handoffId)).toEqual([]);
    } finally {
      await Promise.all(streams.map((s) => s.stop()));
    }
  });
  it('tells the console of a case filed in the chat once the step that filed it commits (its NOTIFY rides in the steps\' write)', async () => {
    const { client } = await as('admin', null, null);
    const stream = await openEventStream(client);
    try {
      const chatId = nextChat++;
      let messageId = 0;
      const report = ['menu', '1', '1', '2', 'Jalan di depan SD Negeri 3 berlubang besar sejak dua bulan lalu.', 'lewati', 'lewati', '2', '1'];
      for (const text of report) {
        expect(await postUpdate(app.url!, textUpdate(chatId, ++messageId, text))).toBe(200);
        await waitForIdle(app);
      }
      const [filed] = await app.ctx.db.sql<{ ticket: string }[]>`
        select k.ticket from cases k join channel_identities i on i.id = k.identity_id where i.channel = 'telegram' and i.chat_id = ${String(chatId)}`;
      expect(telegram.sent(String(chatId)).map((m) => m.text).join('\n')).toContain('Nomor tiket');
      await eventually('the new case\'s event', async () => stream.events.some((e) => e.type === 'case' && e.ticket === filed.ticket && e.change === 'created'));
    } finally {
      await stream.stop();
    }
  });
});
