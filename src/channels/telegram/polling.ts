/**
 * Telegram long polling, for development and small deployments without a public HTTPS URL.
 * grammY's `Bot` does the polling; we only hand each raw update to the runtime, which stores
 * and enqueues it (the same `onUpdate` the webhook uses).
 *
 * Delivery is at least once: grammY confirms an update to Telegram on its next `getUpdates`
 * (or on `stop()`), so we never let it get that far with an update the runtime has not stored.
 * A failing `onUpdate` is retried with backoff, holding the poll loop, and updates stay in order:
 * for as long as the failure is an outage (the database is down); an update that keeps failing
 * for any other reason is handed to `setAside` after `maxAttempts` such failures, and polling
 * moves on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Bot } from 'grammy';
import type { Logger } from 'pino';
import { backoffDelay, type BackoffOptions } from '../../backoff.js';
import { errorKind } from '../../db/errors.js';

export interface TelegramPollingOptions {
  /** Bot token from BotFather. */
  token: string;
  /** Bot API base URL, e.g. `https://api.telegram.org` or a local fake server; a trailing slash is fine. */
  apiRoot: string;
  /** Stores and enqueues one raw update; throwing means "not stored, try again". */
  onUpdate(update: unknown): Promise<void>;
  /**
   * Whether an `onUpdate` failure is an outage (the database does not answer): such failures are
   * retried without limit and never count towards setting the update aside. Rejecting counts as yes.
   */
  isOutage(error: unknown): Promise<boolean>;
  /**
   * Keeps an update that failed `maxAttempts` times other than by an outage, so it is confirmed
   * and the next one served. Throwing (the database went down meanwhile) retries the update as before.
   */
  setAside(update: { update_id: number }, error: unknown, attempts: number): Promise<void>;
  /** Failures, outages aside, before an update is set aside (default 3). */
  maxAttempts?: number;
  logger: Logger;
  /** First pause before retrying a failed `onUpdate`; doubles up to 30 s (default 1 s). */
  retryDelayMs?: number;
}

export interface TelegramPolling {
  /**
   * Stops polling and resolves once no further update will be handed over. An update the
   * runtime could not store by then is left unconfirmed, so Telegram delivers it again after
   * the next start.
   */
  stop(): Promise<void>;
}

/** The update kinds `parseTelegramUpdate` reads; Telegram sends nothing else. */
const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;
const LONG_POLL_SECONDS = 30;
const MAX_RETRY_DELAY_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Starts long polling; resolves once the token is checked (`getMe`) and any webhook removed
 * (Telegram serves `getUpdates` only without one). Rejects if that fails, e.g. a wrong token.
 *
 * @example
 *   const polling = await startTelegramPolling({
 *     token, apiRoot, logger,
 *     onUpdate: (update) => receiveTelegramUpdate(receiving, update),
 *     isOutage: intake.isOutage,
 *     setAside: (update, error, attempts) => setAsideTelegramUpdate(receiving, update, error, attempts),
 *   });
 *   process.once('SIGTERM', () => polling.stop());
 */
export async function startTelegramPolling(options: TelegramPollingOptions): Promise<TelegramPolling> {
  const { onUpdate, logger } = options;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  // No jitter: one process retries one update, with no crowd to spread.
  const retryBackoff: BackoffOptions = { initialDelayMs: options.retryDelayMs ?? 1000, maxDelayMs: MAX_RETRY_DELAY_MS };
  const bot = new Bot(options.token, {
    client: {
      apiRoot: options.apiRoot.replace(/\/+$/, ''),
      // Longer than one long poll, so only a dead connection times out.
      timeoutSeconds: LONG_POLL_SECONDS + 30,
    },
  });

  // grammY's `bot.stop()` confirms every update it has *tried* (lastTriedUpdateId + 1), and it
  // reads that id synchronously when called. So it is only called while no update is being
  // stored: from `stop()` when idle, or by the middleware right after a successful store.
  let stopRequested = false;
  let storing = false;
  const retryAbort = new AbortController();
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

  /** True once the update is stored or set aside, false if polling stopped first. */
  async function storeWithRetry(update: { update_id: number }): Promise<boolean> {
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await onUpdate(update);
        return true;
      } catch (error) {
        // Codes only: error messages can quote the update's text.
        logger.error({ updateId: update.update_id, ...errorKind(error) }, 'telegram polling: update not stored, will retry');
        const outage = await options.isOutage(error).catch(() => true);
        if (!outage && ++failures >= maxAttempts) {
          try {
            await options.setAside(update, error, failures);
            return true;
          } catch (asideError) {
            logger.error({ updateId: update.update_id, ...errorKind(asideError) }, 'telegram polling: update not set aside, will retry');
          }
        }
      }
      if (stopRequested) return false;
      try {
        await sleep(backoffDelay(retryBackoff, attempt), undefined, { signal: retryAbort.signal });
      } catch {
        return false;
      }
    }
  }

  function stopBot(): void {
    bot
      .stop()
      // The final confirmation failing only means Telegram redelivers; dedupe drops those.
      .catch((error: unknown) => logger.warn({ err: error }, 'telegram polling: could not confirm last updates'))
      .then(() => polling)
      .then(resolveStopped);
  }

  bot.use(async (ctx) => {
    // bot.stop() has already fixed its offset below this update: Telegram will send it again.
    if (stopRequested) return;
    storing = true;
    const stored = await storeWithRetry(ctx.update);
    storing = false;
    if (!stored) {
      resolveStopped();
      // Never settle: returning would let grammY poll (or stop) again and so confirm this update.
      return new Promise<never>(() => {});
    }
    if (stopRequested) stopBot();
  });

  let polling: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    polling = bot
      .start({ allowed_updates: ALLOWED_UPDATES, drop_pending_updates: false, timeout: LONG_POLL_SECONDS, onStart: () => resolve() })
      .catch((error: unknown) => {
        // Before onStart this rejects the start; later (401 revoked token, 409 a second poller or
        // a webhook set elsewhere) polling has ended and only operators can fix it.
        logger.error({ err: error }, 'telegram polling stopped with an error');
        reject(error);
      });
  });
  logger.info({ username: bot.botInfo.username }, 'telegram polling started');

  return {
    stop() {
      if (!stopRequested) {
        stopRequested = true;
        retryAbort.abort();
        if (!storing) stopBot();
      }
      return stopped;
    },
  };
}
