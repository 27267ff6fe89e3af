/**
 * Setting aside a poison update: one the database refuses to store (or whose conversation step
 * keeps failing) is kept raw for operators, with the error, and the channel moves on — polling
 * advances its offset, a webhook answers 200 — and the citizen gets a short apology. One bad
 * update must never block the others, and never the whole channel.
 */
import { copy } from '../../flows/copy/index.js';
import { cleanText } from '../channels/clean-text.js';
import type { ChannelName, InboundMessage } from '../channels/types.js';
import { classifyWriteError, errorKind, errorText } from '../db/errors.js';
import type { PipelineContext } from './context.js';
import { ingest, type IngestOptions } from './ingest.js';
import { enqueueOutbox } from './runtime.js';

export interface SetAsideEntry {
  channel: ChannelName;
  /** 'store': the update never reached `messages`; 'step': it did, but its step kept failing. */
  stage: 'store' | 'step';
  /** Known when the update could be read; a 'store' entry then gets the citizen an apology. */
  chatId?: string;
  /** The platform's id; a redelivered update is set aside (and apologised for) once. */
  externalId?: string;
  /** The update as it came, kept as JSON text (`JSON.stringify` escapes what `jsonb` refuses). */
  raw: unknown;
  error: unknown;
  attempts: number;
}

/** Records the update, counts it, logs it (ids and error codes only) and apologises when it can. */
export async function setAside(ctx: PipelineContext, entry: SetAsideEntry): Promise<void> {
  const chatId = entry.chatId === undefined ? null : cleanText(entry.chatId);
  const externalId = entry.externalId === undefined ? null : cleanText(entry.externalId);
  const [row] = await ctx.db.sql<{ id: string }[]>`
    insert into set_aside_updates (channel, stage, chat_id, external_id, raw, error, attempts)
    values (${entry.channel}, ${entry.stage}, ${chatId}, ${externalId}, ${JSON.stringify(entry.raw) ?? 'null'},
      ${cleanText(errorText(entry.error))}, ${entry.attempts})
    on conflict (channel, stage, external_id) where external_id is not null do nothing
    returning id`;
  if (!row) return;
  ctx.metrics.setAsideUpdates.labels(entry.channel).inc();
  ctx.log.warn(
    { channel: entry.channel, stage: entry.stage, setAsideId: Number(row.id), attempts: entry.attempts, ...errorKind(entry.error) },
    'update set aside; the channel moves on',
  );
  if (entry.stage === 'store' && chatId !== null) await apologise(ctx, entry.channel, chatId);
}

/** In the language the chat was using, else Indonesian. An apology that fails to queue is only logged. */
async function apologise(ctx: PipelineContext, channel: ChannelName, chatId: string): Promise<void> {
  try {
    const [owed] = await ctx.db.sql<{ id: string; identity_id: string }[]>`
      with identity as (
        insert into channel_identities (channel, chat_id) values (${channel}, ${chatId})
        on conflict (channel, chat_id) do update set chat_id = excluded.chat_id
        returning id
      )
      insert into outbox (identity_id, channel, payload)
      select identity.id, ${channel}, jsonb_build_object('kind', 'text', 'chatId', ${chatId}::text, 'text',
        case (select c.snapshot -> 'context' ->> 'lang' from conversations c where c.identity_id = identity.id)
          when 'en' then ${copy.en.notes.setAside}::text else ${copy.id.notes.setAside}::text end)
      from identity
      returning id, identity_id`;
    await enqueueOutbox(ctx, Number(owed.identity_id), [{ id: Number(owed.id), channel }]);
  } catch (error) {
    ctx.log.error({ channel, ...errorKind(error) }, 'apology for a set-aside update not written');
  }
}

/**
 * Runs `store`. An outage is rethrown (the caller retries, or answers 500 so the platform
 * redelivers); a refusal of the data is handed to `setAsideAs` and swallowed, because the same
 * update would be refused again on every redelivery.
 */
export async function storeOrSetAside<T>(store: () => Promise<T>, setAsideAs: (error: unknown) => Promise<void>): Promise<T | 'set-aside'> {
  try {
    return await store();
  } catch (error) {
    if (classifyWriteError(error) === 'transient') throw error;
    await setAsideAs(error);
    return 'set-aside';
  }
}

/** `ingest` for the webhook-shaped channels (Cloud API, web chat, whatsapp-web.js): the message is the raw update kept. */
export function ingestOrSetAside(ctx: PipelineContext, message: InboundMessage, options: IngestOptions = {}) {
  return storeOrSetAside(
    () => ingest(ctx, message, options),
    (error) =>
      setAside(ctx, { channel: message.channel, stage: 'store', chatId: message.chatId, externalId: message.externalId, raw: message, error, attempts: 1 }),
  );
}
