/**
 * Sending a broadcast: one BullMQ job per broadcast (`broadcast-<id>`, delayed for a schedule)
 * that comes back every tick until the broadcast is done, paused or cancelled. Postgres holds all
 * of its state, so a crash or restart resumes where it stopped, in any worker.
 *
 * - **Planning** is set-based: `INSERT … SELECT` of the segment's chats into `broadcast_recipients`,
 *   in chunks by identity id, each chunk one short transaction that also moves `planned_after` on.
 *   (broadcast, identity) is unique, so a chunk done twice plans nobody twice.
 * - **Handing over**: each tick, per channel, as many queued recipients as keep that channel's
 *   lane `laneSeconds` full become outbox rows, in the same transaction that marks them handed.
 *   From there the outbox sends them like any reply: its per-channel limiter (Telegram ~30/s,
 *   the Cloud API number's tier), one message in flight per chat, retries and the platform's
 *   retry-after. The lane never holds more than a few seconds of a broadcast, so a citizen's reply
 *   still waits at most that long behind it. A recipient has at most one outbox row, and the
 *   outbox sends a row once: nobody gets the notice twice.
 * - WhatsApp Cloud: outside the 24-hour window the notice goes as the approved broadcast template.
 */
import { DelayedError, type Job, type Worker } from 'bullmq';
import { copy } from '../../flows/copy/index.js';
import type { ChannelName, OutboundMessage } from '../domain/messages.js';
import { isWithinServiceWindow, templateText, toTemplateParameter } from '../channels/whatsapp-cloud/window.js';
import type { PipelineContext } from '../conversation/context.js';
import type { BroadcastSegment } from '../db/schema.js';
import { backoffStrategy, outboundJobs, type QueuedJob } from '../queues/jobs.js';
import { stalledBefore, type OwedWork } from '../queues/relay.js';
import { cloudChatId, segmentCondition } from './segment.js';

export const BROADCAST_QUEUE = 'broadcasts';
export const broadcastJobId = (broadcastId: number) => `broadcast-${broadcastId}`;

export interface BroadcastJob {
  broadcastId: number;
}

export interface BroadcastSettings {
  /** Channels this deployment sends broadcasts on (never WhatsApp Web). */
  channels: ChannelName[];
  /** The Cloud API is configured: WhatsApp Web subscribers with a phone number get broadcasts on the official number. */
  webViaCloud: boolean;
  /** Sends per second each channel's lane takes (its limiter); the lane is kept this many seconds full. */
  rates: Partial<Record<ChannelName, number>>;
  laneSeconds: number;
  tickMs: number;
  planChunk: number;
  /** Above this audience a second person approves before sending. */
  approvalAbove: number;
  /**
   * WhatsApp Cloud templates for broadcasts outside the 24-hour window (one body variable: the
   * notice); `imageName`, approved with an IMAGE header, for notices with a picture (null: `name`,
   * with the picture's link after the words).
   */
  cloudTemplate: { name: string; imageName: string | null; language: string };
}

/** A channel with no configured pace (web chat) still gets a bounded window. */
const DEFAULT_RATE = 20;

export function broadcastJob(broadcastId: number, delayMs = 0): QueuedJob {
  return { queue: BROADCAST_QUEUE, name: 'broadcast', data: { broadcastId } satisfies BroadcastJob, jobId: broadcastJobId(broadcastId), ...(delayMs > 0 ? { delayMs } : {}) };
}

interface BroadcastRow {
  id: string;
  dinas_id: number;
  state: string;
  text: { id: string; en: string };
  image_url: string | null;
  segment: BroadcastSegment;
  scheduled_at: string | null;
  planned_at: string | null;
  planned_after: string;
  started_at: string | null;
}

type Tick = { againInMs: number } | 'stop';

/** One tick: start a due schedule, plan the next chunk, or hand the next recipients to the outbox. */
export async function tickBroadcast(ctx: PipelineContext, settings: BroadcastSettings, broadcastId: number): Promise<Tick> {
  const sql = ctx.db.sql;
  const now = ctx.now();
  const [row] = await sql<BroadcastRow[]>`select * from broadcasts where id = ${broadcastId}`;
  if (!row) return 'stop';
  if (row.state === 'scheduled') {
    const dueIn = row.scheduled_at ? Date.parse(row.scheduled_at) - now.getTime() : 0;
    if (dueIn > 0) return { againInMs: dueIn };
    await sql`update broadcasts set state = 'sending', started_at = coalesce(started_at, ${now.toISOString()}::timestamptz), updated_at = now()
      where id = ${broadcastId} and state = 'scheduled'`;
    return { againInMs: 0 };
  }
  if (row.state !== 'sending') return 'stop';
  if (row.started_at === null) await sql`update broadcasts set started_at = ${now.toISOString()}::timestamptz where id = ${broadcastId} and started_at is null`;
  if (row.planned_at === null) {
    await planChunk(ctx, settings, row);
    return { againInMs: 0 };
  }
  const { owed, queuedLeft } = await handOver(ctx, settings, row);
  if (!queuedLeft && owed === 0 && (await finishIfDone(ctx, broadcastId))) {
    ctx.log.info({ broadcastId }, 'broadcast done');
    return 'stop';
  }
  // Alive, even while its lanes are full (a 429's long retry-after): the relay offers only stalled broadcasts.
  await sql`update broadcasts set updated_at = now() where id = ${broadcastId} and state = 'sending'`;
  return { againInMs: settings.tickMs };
}

/**
 * Done once nobody is queued and nothing is owed, checked under the broadcast's lock: a pause and
 * resume between the hand-over and here must not end a broadcast whose recipients were taken back.
 */
async function finishIfDone(ctx: PipelineContext, broadcastId: number): Promise<boolean> {
  return ctx.db.sql.begin(async (tx) => {
    const [locked] = await tx<{ state: string }[]>`select state from broadcasts where id = ${broadcastId} for update`;
    if (locked.state !== 'sending') return false;
    const [left] = await tx<{ queued: boolean; owed: boolean }[]>`
      select exists (select 1 from broadcast_recipients where broadcast_id = ${broadcastId} and state = 'queued') as queued,
             exists (select 1 from outbox where broadcast_id = ${broadcastId} and status in ('pending', 'sending')) as owed`;
    if (left.queued || left.owed) return false;
    await tx`update broadcasts set state = 'done', finished_at = ${ctx.now().toISOString()}::timestamptz, updated_at = now() where id = ${broadcastId}`;
    return true;
  });
}

/** Plans the next chunk of the segment's chats (by identity id) under the broadcast's row lock. */
async function planChunk(ctx: PipelineContext, settings: BroadcastSettings, row: BroadcastRow): Promise<void> {
  const now = ctx.now();
  await ctx.db.sql.begin(async (tx) => {
    const [locked] = await tx<{ planned_after: string; state: string; planned_at: string | null }[]>`
      select planned_after, state, planned_at from broadcasts where id = ${row.id} for update`;
    if (locked.state !== 'sending' || locked.planned_at !== null) return;
    const condition = segmentCondition(tx, { dinasId: row.dinas_id, segment: row.segment, channels: settings.channels, webViaCloud: settings.webViaCloud, now });
    // A WhatsApp Web subscriber is planned as the same person on the official number: their Cloud
    // chat (WhatsApp id = the phone's digits), made here if they never wrote there. Someone
    // subscribed on both is planned once: (broadcast, chat) is unique.
    const [chunk] = await tx<{ n: number; last: string | null }[]>`
      with chosen as (
        select i.id, i.channel, i.phone, i.citizen_id, ${cloudChatId(tx, 'i')} as wa_id,
          case when cv.snapshot->'context'->>'lang' = 'en' then 'en' else 'id' end as lang
        from channel_identities i left join conversations cv on cv.identity_id = i.id
        where i.id > ${locked.planned_after} and ${condition}
        order by i.id limit ${settings.planChunk}
      ), web as (
        select distinct on (wa_id) wa_id, phone, citizen_id, lang from chosen where channel = 'whatsapp-web' order by wa_id, id
      ), cloud as (
        insert into channel_identities (channel, chat_id, phone, citizen_id)
        select 'whatsapp-cloud', wa_id, phone, citizen_id from web
        on conflict (channel, chat_id) do update set citizen_id = coalesce(channel_identities.citizen_id, excluded.citizen_id)
        returning id, chat_id
      ), targets as (
        select id, channel, lang from chosen where channel <> 'whatsapp-web'
        union all
        select c.id, 'whatsapp-cloud', w.lang from cloud c join web w on w.wa_id = c.chat_id
      ), planned as (
        insert into broadcast_recipients (broadcast_id, identity_id, channel, lang)
        select ${row.id}, id, channel, lang from targets
        on conflict (broadcast_id, identity_id) do nothing
      )
      select count(*)::int as n, max(id) as last from chosen`;
    const finished = chunk.n < settings.planChunk;
    await tx`update broadcasts set planned_after = ${chunk.last ?? locked.planned_after}, updated_at = now(),
      planned_at = ${finished ? now.toISOString() : null}::timestamptz where id = ${row.id}`;
  });
}

interface Picked {
  id: string;
  identity_id: string;
  lang: 'id' | 'en';
  chat_id: string;
  last_inbound_at: string | null;
  name: string | null;
  gone: boolean;
}

/** What one recipient reads: the notice in their language, `{nama}` filled in. */
export function renderNotice(text: { id: string; en: string }, recipient: { lang: 'id' | 'en'; name: string | null }): string {
  // Without an English text, English speakers read the Indonesian one, with the Indonesian "Bapak/Ibu".
  const lang = recipient.lang === 'en' && text.en.trim() !== '' ? 'en' : 'id';
  return text[lang].replaceAll('{nama}', recipient.name?.trim() || copy[lang].broadcast.noName);
}

/**
 * The message itself: the notice, or the picture with the notice as its caption. Outside a Cloud
 * chat's 24-hour window, the approved template: with the picture in its header where one is
 * approved, else with the picture's link after the words.
 */
export function payloadFor(settings: BroadcastSettings, channel: ChannelName, recipient: Pick<Picked, 'chat_id' | 'last_inbound_at'>, text: string, imageUrl: string | null, now: Date): OutboundMessage {
  const message: OutboundMessage = imageUrl ? { kind: 'image', chatId: recipient.chat_id, imageUrl, text } : { kind: 'text', chatId: recipient.chat_id, text };
  if (channel === 'whatsapp-cloud' && !isWithinServiceWindow(recipient.last_inbound_at ? new Date(recipient.last_inbound_at) : null, now)) {
    const { name, imageName, language } = settings.cloudTemplate;
    if (imageUrl && imageName) return { kind: 'template', chatId: recipient.chat_id, name: imageName, language, parameters: [toTemplateParameter(text)], headerImageUrl: imageUrl };
    return { kind: 'template', chatId: recipient.chat_id, name, language, parameters: [templateText(message)] };
  }
  return message;
}

/**
 * Per channel, tops the broadcast's share of the lane up to `laneSeconds` of sends. Returns how
 * many outbox rows of the broadcast are owed now, and whether recipients are still waiting.
 */
async function handOver(ctx: PipelineContext, settings: BroadcastSettings, row: BroadcastRow): Promise<{ owed: number; queuedLeft: boolean }> {
  const now = ctx.now();
  const jobs: QueuedJob[] = [];
  let owed = 0;
  let queuedLeft = false;
  for (const channel of settings.channels) {
    const window = Math.max(1, Math.ceil((settings.rates[channel] ?? DEFAULT_RATE) * settings.laneSeconds));
    await ctx.db.sql.begin(async (tx) => {
      // Pause and cancel take this lock too: nothing is handed over after they commit.
      const [locked] = await tx<{ state: string }[]>`select state from broadcasts where id = ${row.id} for update`;
      if (locked.state !== 'sending') return;
      const [flight] = await tx<{ n: number }[]>`
        select count(*)::int as n from outbox where broadcast_id = ${row.id} and channel = ${channel} and status in ('pending', 'sending')`;
      owed += flight.n;
      const room = window - flight.n;
      if (room <= 0) {
        queuedLeft = true;
        return;
      }
      const picked = await tx<Picked[]>`
        select r.id, r.identity_id, r.lang, i.chat_id, i.last_inbound_at, coalesce(c.name, i.display_name) as name,
          (i.broadcast_opt_out_at is not null or i.unreachable_at is not null) as gone
        from broadcast_recipients r
        join channel_identities i on i.id = r.identity_id
        left join citizens c on c.id = i.citizen_id
        where r.broadcast_id = ${row.id} and r.channel = ${channel} and r.state = 'queued'
        order by r.id limit ${room}
        for update of r skip locked`;
      if (picked.length === room) queuedLeft = true;
      const gone = picked.filter((p) => p.gone);
      const sending = picked.filter((p) => !p.gone);
      if (gone.length > 0) {
        await tx`update broadcast_recipients set state = 'skipped', reason = 'opted out or unreachable' where id = any(${gone.map((p) => p.id)}::bigint[])`;
      }
      if (sending.length === 0) return;
      const payloads = sending.map((p) => JSON.stringify(payloadFor(settings, channel, p, renderNotice(row.text, p), row.image_url, now)));
      const written = await tx<{ id: string; identity_id: string }[]>`
        insert into outbox (identity_id, channel, payload, broadcast_id)
        select unnest(${sending.map((p) => p.identity_id)}::bigint[]), ${channel}, unnest(${payloads}::text[])::jsonb, ${row.id}
        returning id, identity_id`;
      const recipientOf = new Map(sending.map((p) => [p.identity_id, p.id]));
      await tx`
        update broadcast_recipients r set state = 'handed', outbox_id = x.outbox_id, handed_at = ${now.toISOString()}::timestamptz
        from (select unnest(${written.map((w) => recipientOf.get(w.identity_id)!)}::bigint[]) as id, unnest(${written.map((w) => w.id)}::bigint[]) as outbox_id) x
        where r.id = x.id`;
      owed += written.length;
      // A turn named after the row; if the chat owes older replies, the turn is stale and queues the chat's head instead.
      for (const w of written) jobs.push(...outboundJobs(Number(w.identity_id), [{ id: Number(w.id), channel }]));
    });
  }
  await ctx.enqueue(jobs);
  return { owed, queuedLeft };
}

/** The broadcast worker: one job per broadcast, back every tick until it stops. */
export function startBroadcastWorker(ctx: PipelineContext, settings: BroadcastSettings, retry: { baseMs: number; maxMs: number }): Worker {
  return ctx.transport.worker<BroadcastJob>(
    BROADCAST_QUEUE,
    async (job: Job<BroadcastJob>, token?: string) => {
      // Planning runs chunk after chunk in one go; every chunk is committed on its own.
      for (;;) {
        const tick = await tickBroadcast(ctx, settings, job.data.broadcastId);
        if (tick === 'stop') return;
        if (tick.againInMs > 0) {
          await job.moveToDelayed(Date.now() + tick.againInMs, token);
          throw new DelayedError();
        }
      }
    },
    // A short lease: a broadcast whose worker died is taken up by another within seconds, not half a minute.
    { concurrency: 4, lockDuration: 10_000, stalledInterval: 5_000, settings: { backoffStrategy: backoffStrategy(retry.baseMs, retry.maxMs) } },
  ) as Worker;
}

/**
 * Broadcasts Postgres says are running or scheduled get their job back: each tick touches
 * `updated_at`, so an interval round offers only broadcasts that made no progress lately.
 */
export const broadcastsOwed: OwedWork = {
  name: 'broadcasts',
  async rebuild(ctx, round) {
    const rows = await ctx.db.sql<{ id: string; state: string; scheduled_at: string | null }[]>`
      select id, state, scheduled_at from broadcasts
      where (state = 'sending' and updated_at < ${stalledBefore(ctx, round)})
         or (state = 'scheduled' and (${round.kind} = 'catch-up' or scheduled_at < ${ctx.now().toISOString()}::timestamptz - ${round.olderThanMs} * interval '1 millisecond'))
      order by id limit 1000`;
    const now = ctx.now().getTime();
    await ctx.enqueue(
      rows.map((r) => broadcastJob(Number(r.id), r.state === 'scheduled' && r.scheduled_at ? Math.max(0, Date.parse(r.scheduled_at) - now) : 0)),
    );
    return rows.length;
  },
};
