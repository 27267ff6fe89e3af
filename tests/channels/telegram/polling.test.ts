/**
 * Long polling against the fake Bot API: updates reach `onUpdate` in order, and an update is
 * confirmed to Telegram only once the runtime stored it.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramPolling, type TelegramPolling } from '../../../src/channels/telegram/polling.js';
import { startFakeTelegram, type FakeTelegram } from '../../support/fake-telegram.js';

const logger = pino({ level: 'silent' });

function textUpdate(text: string, messageId: number) {
  return {
    message: {
      message_id: messageId,
      from: { id: 5012345678, is_bot: false, first_name: 'Siti', language_code: 'id' },
      chat: { id: 5012345678, first_name: 'Siti', type: 'private' },
      date: 1767225600,
      text,
    },
  };
}

/** An `onUpdate` that records updates and lets a test await the n-th one without sleeping. */
function recorder(behaviour: (update: unknown, attempt: number) => Promise<void> = async () => {}) {
  const attempts: unknown[] = [];
  const stored: unknown[] = [];
  const waiters: Array<{ count: number; list: unknown[]; resolve: () => void }> = [];
  const settle = () => {
    for (const w of [...waiters]) {
      if (w.list.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const until = (list: unknown[], count: number) =>
    new Promise<void>((resolve) => {
      waiters.push({ count, list, resolve });
      settle();
    });
  return {
    attempts,
    stored,
    async onUpdate(update: unknown) {
      attempts.push(update);
      settle();
      await behaviour(update, attempts.length);
      stored.push(update);
      settle();
    },
    attempted: (count: number) => until(attempts, count),
    storedCount: (count: number) => until(stored, count),
  };
}

let telegram: FakeTelegram;
let polling: TelegramPolling | undefined;
beforeEach(async () => {
  telegram = await startFakeTelegram();
});
afterEach(async () => {
  await polling?.stop();
  polling = undefined;
  await telegram.close();
});

/** Errors the runtime finds to be an outage (the database does not answer): retried without limit. Everything else counts. */
class OutageError extends Error {}

function start(onUpdate: (update: unknown) => Promise<void>, setAside: (update: unknown, error: unknown, attempts: number) => Promise<void> = async () => {}) {
  return startTelegramPolling({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    onUpdate,
    isOutage: async (error) => error instanceof OutageError,
    setAside,
    logger,
    retryDelayMs: 5,
  });
}

describe('startTelegramPolling', () => {
  it('hands a queued update to onUpdate as is, confirms it, and stops', async () => {
    const update = telegram.queueUpdate(textUpdate('halo', 1021));
    const runtime = recorder();

    polling = await start(runtime.onUpdate);
    await runtime.storedCount(1);
    await polling.stop();

    expect(runtime.stored).toEqual([update]);
    expect(telegram.pendingUpdates()).toEqual([]);
    expect(telegram.callsTo('getMe')).toHaveLength(1);
    expect(telegram.callsTo('deleteWebhook')[0]!.body).toEqual({ drop_pending_updates: false });
    expect(telegram.callsTo('getUpdates')[0]!.body).toMatchObject({
      allowed_updates: ['message', 'edited_message', 'callback_query', 'my_chat_member'],
      timeout: 30,
    });
  });

  it('hands updates over one at a time, in order', async () => {
    const updates = [1, 2, 3].map((n) => telegram.queueUpdate(textUpdate(`pesan ${n}`, n)));
    const runtime = recorder();

    polling = await start(runtime.onUpdate);
    await runtime.storedCount(3);

    expect(runtime.stored).toEqual(updates);
  });

  it('serves updates that arrive while it is waiting in a long poll', async () => {
    const runtime = recorder();
    polling = await start(runtime.onUpdate);
    await telegram.waitForCalls('getUpdates', 1);

    const update = telegram.queueUpdate(textUpdate('datang belakangan', 7));
    await runtime.storedCount(1);

    expect(runtime.stored).toEqual([update]);
  });

  it('retries an update the runtime failed to store, before taking the next one', async () => {
    const [first, second] = [1, 2].map((n) => telegram.queueUpdate(textUpdate(`pesan ${n}`, n)));
    const runtime = recorder(async (_update, attempt) => {
      if (attempt <= 2) throw new OutageError('database is down');
    });

    polling = await start(runtime.onUpdate);
    await runtime.storedCount(2);

    expect(runtime.attempts).toEqual([first, first, first, second]);
    expect(runtime.stored).toEqual([first, second]);
  });

  it('sets aside an update the runtime keeps refusing, confirms it and serves the next one', async () => {
    const [poison, next] = [1, 2].map((n) => telegram.queueUpdate(textUpdate(`pesan ${n}`, n)));
    const runtime = recorder(async (update) => {
      if ((update as { update_id: number }).update_id === poison.update_id) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
    });
    const setAside: Array<{ update: unknown; attempts: number }> = [];

    polling = await start(runtime.onUpdate, async (update, _error, attempts) => {
      setAside.push({ update, attempts });
    });
    await runtime.storedCount(1);
    await telegram.waitForCalls('getUpdates', 3);

    expect(runtime.attempts).toEqual([poison, poison, poison, next]);
    expect(setAside).toEqual([{ update: poison, attempts: 3 }]);
    expect(runtime.stored).toEqual([next]);
    expect(telegram.pendingUpdates()).toEqual([]);
  });

  it('counts only the failures that are not an outage towards setting an update aside', async () => {
    const [poison, next] = [1, 2].map((n) => telegram.queueUpdate(textUpdate(`pesan ${n}`, n)));
    const runtime = recorder(async (update, attempt) => {
      if ((update as { update_id: number }).update_id !== poison.update_id) return;
      throw attempt % 2 === 1 ? new OutageError('database is down') : new Error('XX000: internal error');
    });
    const setAside: number[] = [];

    polling = await start(runtime.onUpdate, async (_update, _error, attempts) => {
      setAside.push(attempts);
    });
    await runtime.storedCount(1);

    // Outage, failure, outage, failure, outage, failure: the third failure sets it aside.
    expect(runtime.attempts).toEqual([poison, poison, poison, poison, poison, poison, next]);
    expect(setAside).toEqual([3]);
  });

  it('keeps retrying a refused update while setting it aside fails too, and never skips it', async () => {
    const [poison, next] = [1, 2].map((n) => telegram.queueUpdate(textUpdate(`pesan ${n}`, n)));
    const runtime = recorder(async (update) => {
      if ((update as { update_id: number }).update_id === poison.update_id) throw new Error('check constraint');
    });
    let asideAttempts = 0;

    polling = await start(runtime.onUpdate, async () => {
      if (++asideAttempts <= 2) throw new OutageError('database is down');
    });
    await runtime.storedCount(1);

    expect(asideAttempts).toBe(3);
    expect(runtime.attempts).toEqual([poison, poison, poison, poison, poison, next]);
  });

  it('stopped while the runtime keeps failing: the update stays unconfirmed for the next start', async () => {
    const update = telegram.queueUpdate(textUpdate('jangan hilang', 9));
    const runtime = recorder(async () => {
      throw new OutageError('database is down');
    });

    polling = await start(runtime.onUpdate);
    await runtime.attempted(2);
    await polling.stop();

    expect(runtime.stored).toEqual([]);
    expect(telegram.pendingUpdates()).toEqual([update]);
    const offsets = telegram.callsTo('getUpdates').map((c) => Number(c.body.offset ?? 0));
    expect(Math.max(...offsets)).toBeLessThanOrEqual(update.update_id);
  });

  it('stopped while storing: finishes that update, confirms it, leaves the rest for the next start', async () => {
    const [first, second] = [1, 2].map((n) => telegram.queueUpdate(textUpdate(`pesan ${n}`, n)));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runtime = recorder(() => gate);

    polling = await start(runtime.onUpdate);
    await runtime.attempted(1);
    const stopping = polling.stop();
    release();
    await stopping;

    expect(runtime.stored).toEqual([first]);
    expect(telegram.pendingUpdates()).toEqual([second]);
  });

  it('rejects at start when the token is wrong', async () => {
    await expect(
      startTelegramPolling({ token: '123:wrong', apiRoot: telegram.apiRoot, onUpdate: async () => {}, isOutage: async () => true, setAside: async () => {}, logger }),
    ).rejects.toThrow(/401/);
  });
});
