/**
 * Fetching the photos the flow accepted. The conversation step only writes a `pending` media row
 * (in its own transaction); a job then fetches the bytes from the platform, checks them, stores
 * them and a thumbnail, and marks the row. The conversation never waits for any of it: a slow or
 * failing platform costs retries here, not replies there.
 */
import { createHash } from 'node:crypto';
import type { ChannelName } from '../domain/messages.js';
import type { PipelineContext } from '../conversation/context.js';
import { MEDIA_QUEUE, RetryLater, mediaJobId, type MediaJob, type QueuedJob } from '../queues/jobs.js';
import { pages, RELAY_BATCH, stalledBefore, type OwedWork, type RelayRound } from '../queues/relay.js';
import { checkImage, thumbnail } from './image.js';
import { MediaFetchError, type MediaSource } from './sources.js';
import type { MediaStorage } from './storage.js';

export interface MediaFetcher {
  storage: MediaStorage;
  /** Channels this process can fetch from; a photo from any other channel is recorded as failed. */
  sources: Partial<Record<ChannelName, MediaSource>>;
  maxBytes: number;
  /** Retryable failures after which the row is recorded as failed. */
  maxAttempts: number;
}

/** After the step that wrote the rows committed. A lost enqueue is found again by the relay. */
export async function enqueueMediaFetches(ctx: PipelineContext, mediaIds: readonly number[]): Promise<void> {
  await ctx.enqueue(mediaJobs(mediaIds));
}

const mediaJobs = (mediaIds: readonly number[]): QueuedJob[] =>
  mediaIds.map((mediaId) => ({ queue: MEDIA_QUEUE, name: 'fetch', data: { mediaId } satisfies MediaJob, jobId: mediaJobId(mediaId) }));

/**
 * Enqueues again every photo still pending (Redis flushed, an enqueue lost). Job ids come from row
 * ids, so a fetch that is queued or waiting for its retry is not doubled.
 */
export function rebuildMediaFetches(ctx: PipelineContext, round: RelayRound): Promise<number> {
  return pages(
    ctx,
    round,
    (afterId) => ctx.db.sql<{ id: string }[]>`
      select id from media where status = 'pending' and created_at < ${stalledBefore(ctx, round)} and id > ${afterId}
      order by id limit ${RELAY_BATCH}`,
    (rows) => mediaJobs(rows.map((r) => Number(r.id))),
  );
}

interface ClaimedMedia {
  id: string;
  channel: ChannelName;
  platform_ref: string;
  attempts: number;
}

export type FetchOutcome = 'stored' | 'failed' | 'not-pending';

/**
 * One attempt at one photo. Stored or failed for good: returns. Failed for now: records why and
 * throws `RetryLater`, so the queue tries again with backoff, until `maxAttempts`.
 */
export async function fetchMedia(ctx: PipelineContext, fetcher: MediaFetcher, mediaId: number): Promise<FetchOutcome> {
  const sql = ctx.db.sql;
  const [row] = await sql<ClaimedMedia[]>`
    update media set attempts = attempts + 1 where id = ${mediaId} and status = 'pending'
    returning id, channel, platform_ref, attempts`;
  if (!row) return 'not-pending';
  const source = fetcher.sources[row.channel];
  try {
    if (!source) throw new MediaFetchError(true, `no media source for channel ${row.channel}`);
    const bytes = await source.fetch(row.platform_ref, fetcher.maxBytes);
    const image = await checkImage(bytes);
    const small = await thumbnail(bytes);
    const now = ctx.now();
    const folder = `photos/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const storageKey = `${folder}/${mediaId}.${image.extension}`;
    const thumbnailKey = `${folder}/${mediaId}.thumb.webp`;
    await fetcher.storage.put(storageKey, bytes, image.contentType);
    await fetcher.storage.put(thumbnailKey, small, 'image/webp');
    const [stored] = await sql`
      update media set status = 'stored', storage_key = ${storageKey}, thumbnail_key = ${thumbnailKey},
        content_type = ${image.contentType}, bytes = ${bytes.length}, sha256 = ${createHash('sha256').update(bytes).digest('hex')},
        width = ${image.width}, height = ${image.height}, last_error = null, stored_at = ${now.toISOString()}::timestamptz
      where id = ${mediaId} and status = 'pending'
      returning id`;
    // Erased while it was being fetched (*hapus data saya*): the files just written must not stay.
    if (!stored) {
      await fetcher.storage.delete(storageKey);
      await fetcher.storage.delete(thumbnailKey);
      return 'not-pending';
    }
    await source.release?.(row.platform_ref).catch((err: unknown) => ctx.log.warn({ err, mediaId }, 'could not drop the received copy'));
    return 'stored';
  } catch (err) {
    const permanent = err instanceof MediaFetchError && err.permanent;
    const reason = err instanceof MediaFetchError ? err.message : `unexpected: ${(err as Error)?.name ?? typeof err}`;
    const giveUp = permanent || row.attempts >= fetcher.maxAttempts;
    await sql`update media set status = ${giveUp ? 'failed' : 'pending'}, last_error = ${reason} where id = ${mediaId} and status = 'pending'`;
    ctx.log.warn({ mediaId, channel: row.channel, attempts: row.attempts, reason, giveUp }, 'media fetch failed');
    if (giveUp) return 'failed';
    throw new RetryLater(null, reason);
  }
}

/** The relay's step for photos still waiting to be fetched. */
export const mediaFetches: OwedWork = {
  name: 'media',
  rebuild: rebuildMediaFetches,
};
