/**
 * The web chat front door on real Postgres and Redis: the page, the POST that stores a message
 * (validated, de-duplicated on the client's id), the poll that returns only this session's
 * delivered replies, and text a citizen (or an attacker) might paste: very long, HTML, SQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TICKET_ALPHABET } from '../../src/cases/ticket.js';
import { webChatCitizen } from '../support/citizens.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { pollChat, postChatBody, postChatMessage, WEBCHAT_MESSAGES_PATH } from '../support/webchat.js';

const TICKET_PATTERN = new RegExp(`Nomor tiket: \\*([${TICKET_ALPHABET}]{4}-[${TICKET_ALPHABET}]{4})\\*`);

let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env);
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

async function storedMessages(session: string) {
  return app.ctx.db.sql<{ external_id: string; body: string | null }[]>`
    select m.external_id, m.body from messages m join channel_identities i on i.id = m.identity_id
    where i.channel = 'web' and i.chat_id = ${session} order by m.id`;
}

/** A citizen reports a pengaduan in category 1 with `description`, anonymously; returns every reply and the ticket. */
async function reportAnonymously(description: string) {
  const citizen = webChatCitizen(app);
  const replies: string[][] = [];
  for (const text of ['halo', '1', '1', '1', description, 'lewati', 'lewati', '2', '1']) replies.push(await citizen.say(text));
  const ticket = TICKET_PATTERN.exec(replies[8][0] ?? '')?.[1];
  if (!ticket) throw new Error(`no ticket in ${JSON.stringify(replies[8])}`);
  return { session: citizen.chatId, citizen, replies, summary: replies[7][0], ticket };
}

describe('web chat', () => {
  it('serves the page with its message form at /chat, and sends / there', async () => {
    const page = await fetch(`${app.url}/chat`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<form id="send">');
    expect(html).toMatch(/<textarea id="text"[^>]*>/);
    expect(html).toContain(WEBCHAT_MESSAGES_PATH);

    const root = await fetch(`${app.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/chat');
  });

  it('is healthy and ready with Postgres and the queue reachable', async () => {
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ postgres: true, queue: true, transport: 'redis', degraded: [] });
  });

  const session = randomUUID();
  it.each([
    ['invalid JSON', '{"session": '],
    ['an empty object', '{}'],
    ['an array', '[]'],
    ['a session that is not a UUID', JSON.stringify({ session: 'sesi-saya', id: randomUUID(), text: 'halo' })],
    ['no client message id', JSON.stringify({ session, text: 'halo' })],
    ['a message id that is not a UUID', JSON.stringify({ session, id: '42', text: 'halo' })],
    ['text that is not a string', JSON.stringify({ session, id: randomUUID(), text: 12345 })],
    ['no text', JSON.stringify({ session, id: randomUUID() })],
    ['text over 200,000 characters', JSON.stringify({ session, id: randomUUID(), text: 'a'.repeat(200_001) })],
  ])('answers 400 to %s and stores nothing', async (_case, body) => {
    const res = await postChatBody(app.url!, body);
    expect(res.status).toBe(400);
    expect(res.body).not.toHaveProperty('accepted');
    expect(await storedMessages(session)).toEqual([]);
    const [row] = await app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from channel_identities where chat_id = ${session} or chat_id = 'sesi-saya'`;
    expect(row.n).toBe(0);
  });

  it('answers 400 to a poll without a valid session', async () => {
    const res = await fetch(`${app.url}${WEBCHAT_MESSAGES_PATH}?session=bukan-uuid`);
    expect(res.status).toBe(400);
  });

  it('accepts a message with 202, and its reply appears at the poll after the last one seen', async () => {
    const session = randomUUID();
    const first = await postChatMessage(app.url!, { session, text: 'halo' });
    expect(first).toEqual({ status: 202, body: { accepted: true, duplicate: false } });
    await waitForIdle(app);

    const welcome = await pollChat(app.url!, session, 0);
    expect(welcome.messages).toHaveLength(1);
    expect(welcome.messages[0].text).toMatch(/^Halo, selamat datang di \*Kanal Aduan\*/);
    expect(welcome.messages[0].options.map((o) => o.key)).toEqual(['1', '2', '3', '4', '5']);
    expect(welcome.last).toBe(welcome.messages[0].id);
    // Nothing newer yet: the page polls again with `after` and gets nothing it has shown.
    expect(await pollChat(app.url!, session, welcome.last)).toEqual({ messages: [], last: welcome.last });

    expect((await postChatMessage(app.url!, { session, text: '3' })).status).toBe(202);
    await waitForIdle(app);
    const next = await pollChat(app.url!, session, welcome.last);
    expect(next.messages).toHaveLength(1);
    expect(next.messages[0].id).toBeGreaterThan(welcome.last);
    expect(next.messages[0].text).toContain('Layanan apa yang ingin Anda ketahui persyaratannya?');
    expect(next.last).toBe(next.messages[0].id);
  });

  it('stores a message posted twice with the same id once, and answers it once', async () => {
    const session = randomUUID();
    const id = randomUUID();
    expect(await postChatMessage(app.url!, { session, id, text: 'halo' })).toEqual({ status: 202, body: { accepted: true, duplicate: false } });
    expect(await postChatMessage(app.url!, { session, id, text: 'halo' })).toEqual({ status: 202, body: { accepted: true, duplicate: true } });
    // A flaky network may also send the retry while the first is still in flight.
    const racing = randomUUID();
    const raced = await Promise.all([1, 2].map(() => postChatMessage(app.url!, { session, id: racing, text: 'bantuan' })));
    expect(raced.map((r) => r.status)).toEqual([202, 202]);
    expect(raced.map((r) => r.body.duplicate).sort()).toEqual([false, true]);
    await waitForIdle(app);

    expect((await storedMessages(session)).map((m) => m.external_id)).toEqual([id, racing]);
    const { messages } = await pollChat(app.url!, session);
    expect(messages).toHaveLength(2);
    expect(messages[0].text).toMatch(/^Halo, selamat datang/);
    expect(messages[1].text).toMatch(/^Cara memakai layanan ini:/);
  });

  it('accepts 100,000 characters, keeps the first 8,000 (INBOUND_TEXT_MAX_CHARS) and says so, answers kindly without echoing them, then carries on', async () => {
    const citizen = webChatCitizen(app);
    for (const text of ['halo', '1', '1', '1']) await citizen.say(text);
    const long = 'Jalan di depan rumah kami rusak parah dan belum diperbaiki. '.repeat(2_000).slice(0, 100_000);
    expect(long).toHaveLength(100_000);

    const [shortened, reply] = await citizen.say(long);
    expect(shortened).toBe('Pesan Anda sangat panjang, jadi hanya 8.000 karakter pertama yang kami simpan dan baca.');
    expect(reply).toContain('Uraiannya terlalu panjang (maksimal 4.000 karakter). Mohon dipersingkat, lalu kirim lagi.');
    expect(reply).toContain('Ceritakan masalahnya');
    expect(reply.length).toBeLessThan(1_000);
    const stored = await storedMessages(citizen.chatId);
    expect(stored.at(-1)?.body).toBe(long.slice(0, 8_000));

    // Still in the same step, still working: a proper description moves on to the location.
    const [next] = await citizen.say(long.slice(0, 120));
    expect(next).toContain('Di mana lokasinya?');
  });

  it('stores HTML/SQL-looking text verbatim as the description and echoes it verbatim in the summary', async () => {
    const hostile = `<script>alert(1)</script>'; DROP TABLE cases;--`;
    const { session, summary, ticket } = await reportAnonymously(hostile);
    expect(summary).toContain(`Uraian: ${hostile}\n`);
    expect(summary).toContain('Identitas: Anonim');

    const [stored] = await app.ctx.db.sql<{ description: string; anonymous: boolean; reporter_name: string | null }[]>`
      select description, anonymous, reporter_name from cases where ticket = ${ticket.replace('-', '')}`;
    expect(stored).toEqual({ description: hostile, anonymous: true, reporter_name: null });

    // The poll hands it back as data, not escaped or stripped: the page shows it with textContent.
    const raw = await fetch(`${app.url}${WEBCHAT_MESSAGES_PATH}?session=${session}`);
    expect(await raw.text()).toContain(hostile);
  });

  it('shows a session only its own replies and tickets', async () => {
    const reporter = await reportAnonymously('Bantuan sembako untuk lansia di RT 04 belum dibagikan bulan ini.');
    const mine = await pollChat(app.url!, reporter.session);
    expect(mine.messages.length).toBe(reporter.replies.flat().length);

    // A session that never wrote gets nothing, although the outbox holds other sessions' replies.
    expect(await pollChat(app.url!, randomUUID(), 0)).toEqual({ messages: [], last: 0 });

    // Another citizen checking status sees no tickets, and nothing of the reporter's conversation.
    const neighbour = webChatCitizen(app);
    await neighbour.say('halo');
    const [status] = await neighbour.say('2');
    expect(status).toContain('Anda belum punya laporan.');
    const theirs = await pollChat(app.url!, neighbour.chatId, 0);
    const reporterIds = new Set(mine.messages.map((m) => m.id));
    expect(theirs.messages).toHaveLength(2);
    for (const message of theirs.messages) {
      expect(reporterIds.has(message.id)).toBe(false);
      expect(message.text).not.toContain(reporter.ticket);
      expect(message.text).not.toContain('sembako');
    }
  });
});
