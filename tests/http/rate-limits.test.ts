/**
 * Limits on every public route, counted in Redis and keyed on the client's address (as the
 * proxies TRUST_PROXY names report it) and, for the web chat, on the conversation: one visitor
 * cannot use up another's budget, one conversation cannot flood the intake, a client cannot make
 * up addresses to escape, and two web processes share one budget. Platform webhooks and health
 * probes are never limited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_PATH, WHATSAPP_CLOUD_WEBHOOK_PATH, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { createTestEnv, startTestApp, testSettings, type TestEnv } from '../support/env.js';
import { signCloudPayload } from '../support/fake-graph.js';
import { telegramConfig, WEBHOOK_SECRET } from '../support/telegram.js';
import { chatIdOfSession, openChatSession, postChatMessage, WEBCHAT_MESSAGES_PATH, WEBCHAT_SESSIONS_PATH } from '../support/webchat.js';
import { CLOUD, cloudWebhook, whatsappCloudConfig } from '../support/whatsapp-cloud.js';

const LIMITS = {
  TRUST_PROXY: '127.0.0.1',
  WEBCHAT_MAX_PER_MINUTE: '3',
  WEBCHAT_ADDRESS_MAX_PER_MINUTE: '5',
  WEBCHAT_POLLS_PER_MINUTE: '4',
  WEBCHAT_SESSIONS_PER_HOUR: '3',
  HTTP_MAX_PER_MINUTE: '6',
  INTEGRATIONS_MAX_PER_MINUTE: '3',
};

let env: TestEnv;
let app: App;
/** A second web process on the same database and Redis prefix, as behind a load balancer. */
let twin: App;

beforeAll(async () => {
  env = await createTestEnv();
  // Both webhooks served (nothing here makes the product call either platform, so neither API needs to exist).
  const nowhere = { apiRoot: 'http://127.0.0.1:9', token: '123456:limits' };
  app = await startTestApp(env, { config: { ...LIMITS, ...telegramConfig(nowhere), ...whatsappCloudConfig(nowhere) } });
  twin = await startTestApp(env, { role: 'web', config: LIMITS });
});

afterAll(async () => {
  await twin?.close();
  await app?.close();
  await env?.dispose();
});

/** Each test is its own visitor: the proxy in front (127.0.0.1, trusted) reports this address. */
let nextAddress = 1;
const visitor = () => ({ 'x-forwarded-for': `203.0.113.${nextAddress++}` });

async function statuses(count: number, request: () => Promise<number>) {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await request());
  return out;
}

const get = (base: string, path: string, headers: Record<string, string>) => fetch(base + path, { headers }).then((r) => r.status);

describe('the web chat', () => {
  it('lets one conversation send WEBCHAT_MAX_PER_MINUTE messages a minute, stores none of the excess, and does not hold it against another', async () => {
    const from = visitor();
    const session = await openChatSession(app.url!, from);
    expect(await statuses(5, async () => (await postChatMessage(app.url!, { session, text: 'halo' }, from)).status)).toEqual([202, 202, 202, 429, 429]);
    const [row] = await app.ctx.db.sql<{ n: number }[]>`
      select count(*)::int as n from messages m join channel_identities i on i.id = m.identity_id where i.chat_id = ${chatIdOfSession(session)}`;
    expect(row.n).toBe(3);

    const other = await openChatSession(app.url!, from);
    expect((await postChatMessage(app.url!, { session: other, text: 'halo' }, from)).status).toBe(202);
  });

  it('caps one address at WEBCHAT_ADDRESS_MAX_PER_MINUTE messages over all its conversations', async () => {
    const sessions = [await openChatSession(app.url!, visitor()), await openChatSession(app.url!, visitor()), await openChatSession(app.url!, visitor())];
    // Taking turns, no conversation reaches its own 3 a minute; the address reaches its 5.
    const from = visitor();
    let turn = 0;
    const answers = await statuses(7, async () => (await postChatMessage(app.url!, { session: sessions[turn++ % 3], text: 'halo' }, from)).status);
    expect(answers).toEqual([202, 202, 202, 202, 202, 429, 429]);
    // A conversation with room left goes on from another address (the second had 2 turns of its 3).
    expect((await postChatMessage(app.url!, { session: sessions[1], text: 'halo' }, visitor())).status).toBe(202);
  });

  it('answers WEBCHAT_POLLS_PER_MINUTE polls a minute per conversation, then 429 with Retry-After', async () => {
    const from = visitor();
    const session = await openChatSession(app.url!, from);
    const poll = () => fetch(`${app.url}${WEBCHAT_MESSAGES_PATH}?after=0`, { headers: { ...from, 'x-chat-session': session } });
    expect(await statuses(4, async () => (await poll()).status)).toEqual([200, 200, 200, 200]);
    const refused = await poll();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
  });

  it('opens WEBCHAT_SESSIONS_PER_HOUR conversations an hour per address', async () => {
    const from = visitor();
    const open = () => fetch(app.url + WEBCHAT_SESSIONS_PATH, { method: 'POST', headers: from }).then((r) => r.status);
    expect(await statuses(4, open)).toEqual([201, 201, 201, 429]);
    // Another visitor behind the same proxy has a budget of their own.
    expect((await fetch(app.url + WEBCHAT_SESSIONS_PATH, { method: 'POST', headers: visitor() })).status).toBe(201);
  });
});

describe('every other route', () => {
  it('limits pages and APIs to HTTP_MAX_PER_MINUTE per address, counted once for both web processes', async () => {
    const from = visitor();
    const answers = [
      ...(await statuses(3, () => get(app.url!, '/privasi', from))),
      ...(await statuses(3, () => get(twin.url!, '/privacy', from))),
      await get(twin.url!, '/privasi', from),
      await get(app.url!, '/chat', from),
    ];
    expect(answers).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    expect(await get(app.url!, '/privasi', visitor())).toBe(200);
  });

  it('never limits health probes and metrics', async () => {
    const from = visitor();
    await statuses(7, () => get(app.url!, '/privasi', from));
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(await statuses(8, () => get(app.url!, path, from))).toEqual(Array(8).fill(200));
  });

  it('never limits the platform webhooks, whose registrations exempt them', async () => {
    const from = visitor();
    await statuses(7, () => get(app.url!, '/privasi', from));
    let updateId = 900_000_000;
    const telegram = () =>
      fetch(app.url! + WEBHOOK_PATH, {
        method: 'POST',
        headers: { ...from, 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
        body: JSON.stringify({ update_id: updateId++ }),
      }).then((r) => r.status);
    const raw = JSON.stringify(cloudWebhook({}));
    const cloud = () =>
      fetch(app.url! + WHATSAPP_CLOUD_WEBHOOK_PATH, {
        method: 'POST',
        headers: { ...from, 'content-type': 'application/json', 'x-hub-signature-256': signCloudPayload(raw, CLOUD.appSecret) },
        body: raw,
      }).then((r) => r.status);
    expect(await statuses(8, telegram)).toEqual(Array(8).fill(200));
    expect(await statuses(8, cloud)).toEqual(Array(8).fill(200));
    expect(await get(app.url!, '/privasi', from)).toBe(429);
  });

  it('limits Open311 to INTEGRATIONS_MAX_PER_MINUTE per address', async () => {
    const from = visitor();
    expect(await statuses(4, () => get(app.url!, '/open311/v2/services.json', from))).toEqual([200, 200, 200, 429]);
    // In the spec's error format, like every Open311 error.
    const refused = await fetch(`${app.url}/open311/v2/services.json`, { headers: from });
    expect(await refused.json()).toEqual([{ code: 429, description: expect.stringMatching(/too many requests/) }]);
  });

  it('keys on the connecting address when no proxy is trusted: a made-up X-Forwarded-For buys no fresh budget', async () => {
    const direct = await startTestApp(env, { role: 'web', config: { ...LIMITS, TRUST_PROXY: undefined, HTTP_MAX_PER_MINUTE: '2' } });
    try {
      // Every request claims another address; all of them are 127.0.0.1's, and it has 2.
      expect(await statuses(4, () => get(direct.url!, '/privasi', visitor()))).toEqual([200, 200, 429, 429]);
    } finally {
      await direct.close();
    }
  });
});

describe('TRUST_PROXY', () => {
  it.each(['10.0.0.0/8', '127.0.0.1, ::1', 'loopback', '172.16.0.1,uniquelocal', 'fd00::/8'])('accepts %s', (value) => {
    expect(parseConfig(testSettings({ TRUST_PROXY: value })).TRUST_PROXY.length).toBeGreaterThan(0);
  });

  it.each([
    ['true', /would trust any client's X-Forwarded-For/],
    ['1', /would trust any client's X-Forwarded-For/],
    ['*', /would trust any client's X-Forwarded-For/],
    ['proxy.internal', /not an address, a CIDR/],
    ['10.0.0.0/33', /not an address, a CIDR/],
  ])('refuses %s with a clear message', (value, message) => {
    expect(() => parseConfig(testSettings({ TRUST_PROXY: value }))).toThrow(message);
  });
});
