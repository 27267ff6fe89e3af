/**
 * The bench's side of the reference comparison without the reference itself: the fake Bot API keeps
 * what a bot gave `setWebhook` and reports each reply's inline buttons, and citizens post to the
 * registered URL with the registered secret, tapping only buttons the last reply offered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, telegramDelivery, type BenchChannel } from '../../bench/channels.js';
import { startFakeBotApi, type FakeBotApi } from '../../bench/fake-bot-api.js';
import { CitizenLoad, type ScriptStep } from '../../bench/load.js';

const SECRET = 'tiny-bot-secret';

/**
 * A tiny webhook bot: any text gets a menu with a "go" button; tapping it gets "done". Wrong secrets
 * get 401. The first `refuse` updates get a 500 and no reply, as the reference answers an update its
 * middleware failed.
 */
async function startTinyBot(api: FakeBotApi, refuse = 0): Promise<{ url: string; server: Server; chats: Set<number> }> {
  let refused = 0;
  const chats = new Set<number>();
  const call = (method: string, params: object) =>
    fetch(`${api.apiRoot}/bot${api.token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) }).then((r) => r.json());
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.headers['x-telegram-bot-api-secret-token'] !== SECRET) return void res.writeHead(401).end();
      if (refused < refuse) {
        refused++;
        return void res.writeHead(500).end();
      }
      const update = JSON.parse(Buffer.concat(chunks).toString()) as { message?: { chat: { id: number } }; callback_query?: { id: string; data: string; message: { chat: { id: number } } } };
      chats.add((update.message ?? update.callback_query!.message).chat.id);
      if (update.message) {
        await call('sendMessage', { chat_id: update.message.chat.id, text: 'Pick one', reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] } });
      } else if (update.callback_query) {
        await call('answerCallbackQuery', { callback_query_id: update.callback_query.id });
        await call('sendMessage', { chat_id: update.callback_query.message.chat.id, text: `done ${update.callback_query.data}` });
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tg`;
  await call('setWebhook', { url, secret_token: SECRET });
  return { url, server, chats };
}

describe('bench driver for the reference bot', () => {
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (closers.length) await closers.pop()!();
  });

  async function run(script: ScriptStep[], { citizens = 2, refuse = 0 } = {}) {
    let load: CitizenLoad | null = null;
    const api = await startFakeBotApi((...args) => load?.onSend(...args));
    closers.push(() => api.close());
    const bot = await startTinyBot(api, refuse);
    closers.push(() => new Promise<void>((resolve) => bot.server.close(() => resolve())));
    expect(api.webhook).toEqual({ url: bot.url, secret: SECRET });
    const telegram = CHANNELS.find((c) => c.key === 'telegram')!;
    const channel: BenchChannel = { ...telegram, ...telegramDelivery(api.webhook!.url, api.webhook!.secret!) };
    load = new CitizenLoad({ baseUrl: 'http://unused.invalid', channel, script });
    closers.push(() => load!.close());
    return { result: await load.closedLoop('tiny', citizens, 300), chats: bot.chats };
  }

  it('posts to the registered webhook with its secret and taps the offered button', async () => {
    const { result } = await run([
      { text: 'hi', replies: 1, expect: /Pick one/ },
      { text: 'Go', tap: 'go', replies: 1, expect: /done go/ },
    ]);
    expect(result.answered).toBeGreaterThan(4);
    expect({ httpErrors: result.httpErrors, mismatches: result.mismatches, unanswered: result.unanswered }).toEqual({ httpErrors: 0, mismatches: 0, unanswered: 0 });
  });

  it('puts a new citizen in the place of one whose update the bot refused, and counts it', async () => {
    const { result, chats } = await run(
      [
        { text: 'hi', replies: 1, expect: /Pick one/ },
        { text: 'Go', tap: 'go', replies: 1, expect: /done go/ },
      ],
      { citizens: 1, refuse: 1 },
    );
    // The only chat of the loop would otherwise wait for its reply until the step's timeout.
    expect(result.answered).toBeGreaterThan(4);
    // The refused chat is left behind: its successor is another chat, starting the script afresh.
    expect(chats.size).toBeGreaterThan(1);
    expect({ httpErrors: result.httpErrors, unanswered: result.unanswered, mismatches: result.mismatches, strays: result.strays }).toEqual({
      httpErrors: 1,
      unanswered: 1,
      mismatches: 0,
      strays: 0,
    });
  });

  it('counts a tap on a button the reply did not offer as unexpected', async () => {
    const { result } = await run([
      { text: 'hi', replies: 1, expect: /Pick one/ },
      { text: 'Stop', tap: 'stop', replies: 1, expect: /done stop/ },
    ]);
    expect(result.mismatches).toBeGreaterThan(0);
    expect(result.mismatchExample).toContain('no button "stop" to tap (offered: go)');
  });
});
