/**
 * The web chat front door on real Postgres and Redis: the page, the session the server hands out
 * (in a header, expiring, ended by "new conversation"), the POST that stores a message (validated,
 * de-duplicated on the client's id), the poll that returns only this session's delivered replies,
 * and text a citizen (or an attacker) might paste: very long, HTML, SQL.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TICKET_ALPHABET } from '../../src/cases/ticket.js';
import { webChatCitizen } from '../support/citizens.js';
import { testClock } from '../support/clock.js';
import { createTestEnv, startTestApp, waitForIdle, type TestEnv } from '../support/env.js';
import { chatIdOfSession, openChatSession, pollChat, postChatBody, postChatMessage, WEBCHAT_MESSAGES_PATH, WEBCHAT_SESSIONS_PATH } from '../support/webchat.js';

const TICKET_PATTERN = new RegExp(`Nomor tiket: \\*([${TICKET_ALPHABET}]{4}-[${TICKET_ALPHABET}]{4})\\*`);

const SESSION_HOURS = 12;
const clock = testClock();
let env: TestEnv;
let app: App;

beforeAll(async () => {
  env = await createTestEnv();
  app = await startTestApp(env, { now: clock.now, config: { WEBCHAT_SESSION_HOURS: String(SESSION_HOURS) } });
});

afterAll(async () => {
  await app?.close();
  await env?.dispose();
});

/** The messages stored for a session (by its chat id, the token's hash). */
async function storedMessages(session: string) {
  return app.ctx.db.sql<{ external_id: string; body: string | null }[]>`
    select m.external_id, m.body from messages m join channel_identities i on i.id = m.identity_id
    where i.channel = 'web' and i.chat_id = ${chatIdOfSession(session)} order by m.id`;
}

/** A citizen reports a pengaduan in category 1 with `description`, anonymously; returns every reply and the ticket. */
async function reportAnonymously(description: string) {
  const citizen = await webChatCitizen(app);
  const replies: string[][] = [];
  for (const text of ['halo', '1', '1', '1', description, 'lewati', 'lewati', '2', '1']) replies.push(await citizen.say(text));
  const ticket = TICKET_PATTERN.exec(replies[8][0] ?? '')?.[1];
  if (!ticket) throw new Error(`no ticket in ${JSON.stringify(replies[8])}`);
  return { session: citizen.session, citizen, replies, summary: replies[7][0], ticket };
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
    expect(html).toContain('Percakapan baru');
    expect(html).toContain('href="/privasi"');
    // Its one inline script and style carry this answer's nonce, which the policy names.
    const nonce = /<script nonce="([^"]+)">/.exec(html)?.[1];
    expect(nonce).toBeTruthy();
    expect(page.headers.get('content-security-policy')).toContain(`'nonce-${nonce}'`);

    const english = await (await fetch(`${app.url}/chat?lang=en`)).text();
    expect(english).toContain('New conversation');
    expect(english).toContain('href="/privacy"');
    expect(await (await fetch(`${app.url}/chat`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } })).text()).toContain('New conversation');

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

  let session = '';
  beforeAll(async () => {
    session = await openChatSession(app.url!);
  });
  it.each([
    ['invalid JSON', '{"text": '],
    ['an empty object', '{}'],
    ['an array', '[]'],
    ['no client message id', JSON.stringify({ text: 'halo' })],
    ['a message id that is not a UUID', JSON.stringify({ id: '42', text: 'halo' })],
    ['text that is not a string', JSON.stringify({ id: randomUUID(), text: 12345 })],
    ['no text', JSON.stringify({ id: randomUUID() })],
    ['text over 200,000 characters', JSON.stringify({ id: randomUUID(), text: 'a'.repeat(200_001) })],
  ])('answers 400 to %s and stores nothing', async (_case, body) => {
    const res = await postChatBody(app.url!, body, { session });
    expect(res.status).toBe(400);
    expect(res.body).not.toHaveProperty('accepted');
    expect(await storedMessages(session)).toEqual([]);
    const [row] = await app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from channel_identities where chat_id = ${chatIdOfSession(session)}`;
    expect(row.n).toBe(0);
  });

  it.each([
    ['no session', undefined],
    ['a session the server never handed out', 'A'.repeat(43)],
    ['a session in the old form (a UUID the page made up)', randomUUID()],
    ['a session too long to be one', 'A'.repeat(500)],
  ])('answers a message or a poll with %s 401 session_ended, and stores nothing', async (_case, token) => {
    const posted = await postChatBody(app.url!, JSON.stringify({ id: randomUUID(), text: 'halo' }), { session: token });
    expect(posted).toMatchObject({ status: 401, body: { error: 'session_ended' } });
    const polled = await fetch(`${app.url}${WEBCHAT_MESSAGES_PATH}`, { headers: token ? { 'x-chat-session': token } : {} });
    expect(polled.status).toBe(401);
    // Nor does a session in the query string work any more: it would sit in logs and browser history.
    const [row] = await app.ctx.db.sql<{ n: number }[]>`select count(*)::int as n from channel_identities where channel = 'web' and chat_id = ${chatIdOfSession(token ?? '')}`;
    expect(row.n).toBe(0);
  });

  it('answers 400 to a poll with a malformed position', async () => {
    const res = await fetch(`${app.url}${WEBCHAT_MESSAGES_PATH}?after=-1`, { headers: { 'x-chat-session': session } });
    expect(res.status).toBe(400);
  });

  it('hands out a session the database holds only as a hash, and that hash is the chat id', async () => {
    const opened = await fetch(`${app.url}${WEBCHAT_SESSIONS_PATH}`, { method: 'POST' });
    expect(opened.status).toBe(201);
    expect(opened.headers.get('cache-control')).toBe('no-store');
    const { session: token, expiresAt } = (await opened.json()) as { session: string; expiresAt: string };
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Date(expiresAt).getTime() - clock.now().getTime()).toBeGreaterThan((SESSION_HOURS - 0.1) * 3_600_000);

    expect((await postChatMessage(app.url!, { session: token, text: 'halo' })).status).toBe(202);
    await waitForIdle(app);
    const [identity] = await app.ctx.db.sql<{ chat_id: string }[]>`
      select i.chat_id from channel_identities i join messages m on m.identity_id = i.id where i.channel = 'web' and m.body = 'halo' and i.chat_id = ${chatIdOfSession(token)}`;
    expect(identity.chat_id).toMatch(/^[0-9a-f]{64}$/);
    const [holdsToken] = await app.ctx.db.sql<{ n: number }[]>`
      select (select count(*) from web_chat_sessions where chat_id = ${token}) + (select count(*) from channel_identities where chat_id = ${token}) as n`;
    expect(Number(holdsToken.n)).toBe(0);
  });

  it('ends a session after WEBCHAT_SESSION_HOURS without a message: the next person at the computer sees nothing', async () => {
    const citizen = await webChatCitizen(app);
    await citizen.say('halo');
    expect((await pollChat(app.url!, citizen.session)).messages.length).toBeGreaterThan(0);

    // Each message moves the end on: 11 hours later it still works.
    clock.advance((SESSION_HOURS - 1) * 3_600_000);
    await citizen.say('menu');
    clock.advance((SESSION_HOURS - 1) * 3_600_000);
    expect((await pollChat(app.url!, citizen.session)).messages.length).toBeGreaterThan(0);

    // Past the hours since the last message, the token reads and sends nothing.
    clock.advance(2 * 3_600_000);
    const poll = await fetch(`${app.url}${WEBCHAT_MESSAGES_PATH}?after=0`, { headers: { 'x-chat-session': citizen.session } });
    expect(poll.status).toBe(401);
    expect(await poll.json()).toMatchObject({ error: 'session_ended' });
    expect((await postChatMessage(app.url!, { session: citizen.session, text: 'halo' })).status).toBe(401);
  });

  it('ends a session on "new conversation": its history is gone from the page, and the new one starts empty', async () => {
    const first = await webChatCitizen(app);
    await first.say('halo');
    await first.say('2');
    const ended = await fetch(`${app.url}${WEBCHAT_SESSIONS_PATH}`, { method: 'DELETE', headers: { 'x-chat-session': first.session } });
    expect(ended.status).toBe(204);
    expect((await fetch(`${app.url}${WEBCHAT_MESSAGES_PATH}`, { headers: { 'x-chat-session': first.session } })).status).toBe(401);

    const second = await webChatCitizen(app);
    expect(second.chatId).not.toBe(first.chatId);
    expect(await pollChat(app.url!, second.session)).toEqual({ messages: [], last: 0 });
    const [welcome] = await second.say('halo');
    expect(welcome).toMatch(/^Halo, selamat datang/);
  });

  it('accepts a message with 202, and its reply appears at the poll after the last one seen', async () => {
    const session = await openChatSession(app.url!);
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
    const session = await openChatSession(app.url!);
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
    const citizen = await webChatCitizen(app);
    for (const text of ['halo', '1', '1', '1']) await citizen.say(text);
    const long = 'Jalan di depan rumah kami rusak parah dan belum diperbaiki. '.repeat(2_000).slice(0, 100_000);
    expect(long).toHaveLength(100_000);

    const [shortened, reply] = await citizen.say(long);
    expect(shortened).toBe('Pesan Anda sangat panjang, jadi hanya 8.000 karakter pertama yang kami simpan dan baca.');
    expect(reply).toContain('Uraiannya terlalu panjang (maksimal 4.000 karakter). Mohon dipersingkat, lalu kirim lagi.');
    expect(reply).toContain('Ceritakan masalahnya');
    expect(reply.length).toBeLessThan(1_000);
    const stored = await storedMessages(citizen.session);
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
    const raw = await fetch(`${app.url}${WEBCHAT_MESSAGES_PATH}`, { headers: { 'x-chat-session': session } });
    expect(await raw.text()).toContain(hostile);
  });

  it('shows a session only its own replies and tickets', async () => {
    const reporter = await reportAnonymously('Bantuan sembako untuk lansia di RT 04 belum dibagikan bulan ini.');
    const mine = await pollChat(app.url!, reporter.session);
    expect(mine.messages.length).toBe(reporter.replies.flat().length);

    // A session that never wrote gets nothing, although the outbox holds other sessions' replies.
    expect(await pollChat(app.url!, await openChatSession(app.url!), 0)).toEqual({ messages: [], last: 0 });

    // Another citizen checking status sees no tickets, and nothing of the reporter's conversation.
    const neighbour = await webChatCitizen(app);
    await neighbour.say('halo');
    const [status] = await neighbour.say('2');
    expect(status).toContain('Anda belum punya laporan.');
    const theirs = await pollChat(app.url!, neighbour.session, 0);
    const reporterIds = new Set(mine.messages.map((m) => m.id));
    expect(theirs.messages).toHaveLength(2);
    for (const message of theirs.messages) {
      expect(reporterIds.has(message.id)).toBe(false);
      expect(message.text).not.toContain(reporter.ticket);
      expect(message.text).not.toContain('sembako');
    }
  });
});
