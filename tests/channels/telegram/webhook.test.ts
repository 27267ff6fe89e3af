/**
 * Webhook table: each row is one HTTP request as Telegram (or an impostor) would send it, the
 * status we must answer, and whether the runtime's `onUpdate` sees the update.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerTelegramWebhook } from '../../../src/channels/telegram/webhook.js';

const PATH = '/telegram/webhook';
const SECRET = 'rahasia-webhook-0123456789_ABC';

const textUpdate = {
  update_id: 734120001,
  message: {
    message_id: 1021,
    from: { id: 5012345678, is_bot: false, first_name: 'Siti', language_code: 'id' },
    chat: { id: 5012345678, first_name: 'Siti', type: 'private' },
    date: 1767225600,
    text: 'halo',
  },
};
const unknownUpdate = {
  update_id: 734120002,
  chat_boost: { chat: { id: -1001, type: 'channel', title: 'x' }, boost: { boost_id: 'b', add_date: 1, expiration_date: 2 } },
};

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function webhook(onUpdate: (update: unknown) => Promise<void>, { secretToken }: { secretToken?: string } = { secretToken: SECRET }) {
  app = Fastify({ logger: false });
  registerTelegramWebhook(app, { path: PATH, secretToken, onUpdate });
  await app.ready();
  return app;
}

const json = { 'content-type': 'application/json' };
const withSecret = (secret: string) => ({ ...json, 'x-telegram-bot-api-secret-token': secret });

const table: Array<{
  name: string;
  headers: Record<string, string>;
  payload: string;
  status: number;
  delivered: unknown[];
}> = [
  { name: 'valid update', headers: withSecret(SECRET), payload: JSON.stringify(textUpdate), status: 200, delivered: [textUpdate] },
  { name: 'wrong secret', headers: withSecret('tebakan'), payload: JSON.stringify(textUpdate), status: 401, delivered: [] },
  { name: 'secret of the same length but wrong', headers: withSecret(SECRET.replace('r', 'R')), payload: JSON.stringify(textUpdate), status: 401, delivered: [] },
  { name: 'missing secret header', headers: json, payload: JSON.stringify(textUpdate), status: 401, delivered: [] },
  { name: 'wrong secret and invalid JSON: 401 before parsing', headers: withSecret('x'), payload: '{"update_id": 1,', status: 401, delivered: [] },
  { name: 'invalid JSON', headers: withSecret(SECRET), payload: '{"update_id": 1, "message": {', status: 400, delivered: [] },
  { name: 'empty body', headers: withSecret(SECRET), payload: '', status: 400, delivered: [] },
  { name: 'JSON that is not an update', headers: withSecret(SECRET), payload: '[1,2,3]', status: 400, delivered: [] },
  { name: 'unknown update type: accepted, the runtime ignores it', headers: withSecret(SECRET), payload: JSON.stringify(unknownUpdate), status: 200, delivered: [unknownUpdate] },
  { name: 'empty update', headers: withSecret(SECRET), payload: '{"update_id":734120003}', status: 200, delivered: [{ update_id: 734120003 }] },
];

describe('registerTelegramWebhook', () => {
  it.each(table)('$name → $status', async ({ headers, payload, status, delivered }) => {
    const onUpdate = vi.fn(async (_update: unknown) => {});
    const server = await webhook(onUpdate);

    const response = await server.inject({ method: 'POST', url: PATH, headers, payload });

    expect(response.statusCode).toBe(status);
    expect(onUpdate.mock.calls.map(([update]) => update)).toEqual(delivered);
  });

  it('answers 500 when the runtime cannot store the update, so Telegram redelivers it', async () => {
    const onUpdate = vi.fn(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    const server = await webhook(onUpdate);

    const response = await server.inject({ method: 'POST', url: PATH, headers: withSecret(SECRET), payload: JSON.stringify(textUpdate) });

    expect(response.statusCode).toBe(500);
    expect(onUpdate).toHaveBeenCalledTimes(1);
  });

  it('keeps its status codes whatever error handler the application sets', async () => {
    app = Fastify({ logger: false });
    app.setErrorHandler((_error, _request, reply) => reply.code(418).send());
    registerTelegramWebhook(app, { path: PATH, secretToken: SECRET, onUpdate: async () => {} });
    await app.ready();

    const response = await app.inject({ method: 'POST', url: PATH, headers: withSecret(SECRET), payload: '{' });

    expect(response.statusCode).toBe(400);
  });

  it('accepts any request when no secret is configured (development)', async () => {
    const onUpdate = vi.fn(async (_update: unknown) => {});
    const server = await webhook(onUpdate, {});

    const response = await server.inject({ method: 'POST', url: PATH, headers: json, payload: JSON.stringify(textUpdate) });

    expect(response.statusCode).toBe(200);
    expect(onUpdate).toHaveBeenCalledWith(textUpdate);
  });
});
