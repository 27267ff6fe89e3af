/**
 * Broadcasts as staff handle them (the console's `/api/v1/broadcasts`): write a draft, see the
 * audience and a preview, send now or at a time, have a second person approve a large one, pause,
 * resume, cancel, and follow progress per recipient. Scoped by dinas like everything else: a
 * dinas's staff see only their dinas's broadcasts (others are not found). The engine that sends is
 * src/broadcasts/engine.ts; every state change here wakes it through the broadcast's job.
 */
import { SettingsRefused } from '../catalogue/edit/change.js';
import type { ChannelName } from '../domain/messages.js';
import type { PipelineContext } from '../conversation/context.js';
import type { BroadcastSegment } from '../db/schema.js';
import { broadcastJob, renderNotice, type BroadcastSettings } from './engine.js';
import { cloudChatId, segmentCondition } from './segment.js';

export interface BroadcastActor {
  id: number;
  dinasId: number | null;
}

export type BroadcastState = 'draft' | 'awaiting_approval' | 'scheduled' | 'sending' | 'paused' | 'cancelled' | 'done';
/** A recipient as staff see it: before the outbox (queued, skipped, cancelled), then the outbox row's fate. */
export type RecipientState = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped' | 'cancelled';

export interface BroadcastInput {
  dinasId?: number;
  title: string;
  text: { id: string; en: string };
  imageUrl?: string | null;
  segment: BroadcastSegment;
}

export interface Broadcast {
  id: number;
  dinasId: number;
  authorStaffId: number | null;
  title: string;
  text: { id: string; en: string };
  imageUrl: string | null;
  segment: BroadcastSegment;
  state: BroadcastState;
  scheduledAt: Date | null;
  audience: number | null;
  approvedByStaffId: number | null;
  approvedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
}

/** The only variable a notice may carry today. */
const VARIABLES = new Set(['nama']);

function refuse(reason: 'not_found' | 'forbidden' | 'conflict' | 'invalid', message: string): never {
  throw new SettingsRefused(reason, message);
}

function checkVariables(text: { id: string; en: string }) {
  for (const match of `${text.id} ${text.en}`.matchAll(/\{([^{}\s]*)\}/g)) {
    if (!VARIABLES.has(match[1])) refuse('invalid', `unknown variable {${match[1]}}: only {nama} is filled in`);
  }
}

const date = (value: string | null) => (value === null ? null : new Date(value));

interface Row {
  id: string;
  dinas_id: number;
  author_staff_id: number | null;
  title: string;
  text: { id: string; en: string };
  image_url: string | null;
  segment: BroadcastSegment;
  state: BroadcastState;
  scheduled_at: string | null;
  audience: number | null;
  approved_by_staff_id: number | null;
  approved_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
}

function toBroadcast(row: Row): Broadcast {
  return {
    id: Number(row.id),
    dinasId: row.dinas_id,
    authorStaffId: row.author_staff_id,
    title: row.title,
    text: row.text,
    imageUrl: row.image_url,
    segment: row.segment,
    state: row.state,
    scheduledAt: date(row.scheduled_at),
    audience: row.audience,
    approvedByStaffId: row.approved_by_staff_id,
    approvedAt: date(row.approved_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    createdAt: new Date(row.created_at),
  };
}

export class BroadcastService {
  constructor(
    private readonly ctx: PipelineContext,
    private readonly settings: BroadcastSettings,
  ) {}

  private get sql() {
    return this.ctx.db.sql;
  }

  /** The broadcast if it is in the actor's scope; else not found (as if it did not exist). */
  async get(actor: BroadcastActor, id: number): Promise<Broadcast> {
    const [row] = await this.sql<Row[]>`select * from broadcasts where id = ${id} and (${actor.dinasId}::int is null or dinas_id = ${actor.dinasId}::int)`;
    if (!row) refuse('not_found', 'no such broadcast');
    return toBroadcast(row);
  }

  async list(actor: BroadcastActor, options: { limit: number; beforeId?: number }): Promise<Broadcast[]> {
    const rows = await this.sql<Row[]>`
      select * from broadcasts where (${actor.dinasId}::int is null or dinas_id = ${actor.dinasId}::int)
        and (${options.beforeId ?? null}::bigint is null or id < ${options.beforeId ?? null}::bigint)
      order by id desc limit ${options.limit}`;
    return rows.map(toBroadcast);
  }

  async create(actor: BroadcastActor, input: BroadcastInput): Promise<Broadcast> {
    const dinasId = actor.dinasId ?? input.dinasId ?? refuse('invalid', 'dinasId: which dinas sends this broadcast');
    if (actor.dinasId !== null && input.dinasId !== undefined && input.dinasId !== actor.dinasId) refuse('forbidden', 'another dinas');
    checkVariables(input.text);
    await this.checkTopics(dinasId, input.segment);
    const [row] = await this.sql<Row[]>`
      insert into broadcasts (dinas_id, author_staff_id, title, text, image_url, segment)
      values (${dinasId}, ${actor.id}, ${input.title}, ${JSON.stringify(input.text)}::jsonb, ${input.imageUrl ?? null}, ${JSON.stringify(input.segment)}::jsonb)
      returning *`;
    return toBroadcast(row);
  }

  /** A draft changes; once sending was asked for it is what was approved, and only pause/cancel remain. */
  async update(actor: BroadcastActor, id: number, patch: Partial<Omit<BroadcastInput, 'dinasId'>>): Promise<Broadcast> {
    const current = await this.get(actor, id);
    if (current.state !== 'draft') refuse('conflict', `a ${current.state} broadcast cannot be edited`);
    const next = { title: patch.title ?? current.title, text: patch.text ?? current.text, imageUrl: patch.imageUrl === undefined ? current.imageUrl : patch.imageUrl, segment: patch.segment ?? current.segment };
    checkVariables(next.text);
    await this.checkTopics(current.dinasId, next.segment);
    const [row] = await this.sql<Row[]>`
      update broadcasts set title = ${next.title}, text = ${JSON.stringify(next.text)}::jsonb, image_url = ${next.imageUrl},
        segment = ${JSON.stringify(next.segment)}::jsonb, updated_at = now()
      where id = ${id} and state = 'draft' returning *`;
    if (!row) refuse('conflict', 'the broadcast is no longer a draft');
    return toBroadcast(row);
  }

  private async checkTopics(dinasId: number, segment: BroadcastSegment) {
    if (!segment.topics?.length) return;
    const known = await this.sql<{ code: string }[]>`
      select code from topics where code = any(${segment.topics}::text[]) and (dinas_id is null or dinas_id = ${dinasId})`;
    const missing = segment.topics.filter((code) => !known.some((k) => k.code === code));
    if (missing.length > 0) refuse('invalid', `unknown topics for this dinas: ${missing.join(', ')}`);
  }

  /** Who the segment reaches now, per channel, and the notice as each language reads it. */
  async audience(actor: BroadcastActor, id: number) {
    const broadcast = await this.get(actor, id);
    const byChannel = await this.count(broadcast);
    const total = byChannel.reduce((sum, row) => sum + row.count, 0);
    const excluded = await this.sql<{ n: number }[]>`
      select count(*)::int as n from channel_identities i
      where i.channel = 'whatsapp-web' and i.broadcast_opt_out_at is null and (not ${this.settings.webViaCloud}::boolean or i.phone is null)
        and exists (select 1 from subscriptions s where s.identity_id = i.id)`;
    return {
      total,
      byChannel,
      /** Subscribed WhatsApp Web chats no broadcast reaches: never from the linked phone, and without the Cloud API (or a phone number) not at all. */
      notOnBulkChannels: excluded[0].n,
      needsApproval: total > this.settings.approvalAbove,
      approvalAbove: this.settings.approvalAbove,
      preview: {
        id: renderNotice(broadcast.text, { lang: 'id', name: null }),
        en: renderNotice(broadcast.text, { lang: 'en', name: null }),
        /** Sent as the picture, the notice its caption (Telegram, WhatsApp); the web chat shows the link. */
        imageUrl: broadcast.imageUrl,
      },
    };
  }

  private async count(broadcast: Broadcast): Promise<{ channel: ChannelName; count: number }[]> {
    const { settings } = this;
    const condition = segmentCondition(this.sql, { dinasId: broadcast.dinasId, segment: broadcast.segment, channels: settings.channels, webViaCloud: settings.webViaCloud, now: this.ctx.now() });
    // WhatsApp Web subscribers the segment reaches are sent on the official number: counted there,
    // once per WhatsApp id (someone subscribed on both gets the notice once).
    return this.sql<{ channel: ChannelName; count: number }[]>`
      select case when i.channel = 'whatsapp-web' then 'whatsapp-cloud' else i.channel end as channel,
        count(distinct case when i.channel = 'whatsapp-web' then ${cloudChatId(this.sql, 'i')} when i.channel = 'whatsapp-cloud' then i.chat_id else i.id::text end)::int as count
      from channel_identities i where ${condition} group by 1 order by 1`;
  }

  /**
   * Send now, or at `at`. Above the approval size (counted now) it waits for a second person;
   * otherwise it is scheduled or starts at once.
   */
  async send(actor: BroadcastActor, id: number, at: Date | null): Promise<Broadcast> {
    const broadcast = await this.get(actor, id);
    if (broadcast.state !== 'draft') refuse('conflict', `a ${broadcast.state} broadcast cannot be sent again`);
    const audience = (await this.count(broadcast)).reduce((sum, row) => sum + row.count, 0);
    if (audience === 0) refuse('conflict', 'the segment reaches nobody');
    const needsApproval = audience > this.settings.approvalAbove;
    const [row] = await this.sql<Row[]>`
      update broadcasts set audience = ${audience}, scheduled_at = ${at ? at.toISOString() : null}::timestamptz,
        state = ${needsApproval ? 'awaiting_approval' : this.startState(at)}, updated_at = now()
      where id = ${id} and state = 'draft' returning *`;
    if (!row) refuse('conflict', 'the broadcast is no longer a draft');
    if (!needsApproval) await this.wake(toBroadcast(row));
    return this.get(actor, id);
  }

  /** The second person: anyone with the right but the author. */
  async approve(actor: BroadcastActor, id: number): Promise<Broadcast> {
    const broadcast = await this.get(actor, id);
    if (broadcast.state !== 'awaiting_approval') refuse('conflict', `a ${broadcast.state} broadcast is not waiting for approval`);
    if (broadcast.authorStaffId === actor.id) refuse('forbidden', 'a broadcast is approved by someone other than its author');
    const [row] = await this.sql<Row[]>`
      update broadcasts set state = ${this.startState(broadcast.scheduledAt)}, approved_by_staff_id = ${actor.id}, approved_at = ${this.ctx.now().toISOString()}::timestamptz, updated_at = now()
      where id = ${id} and state = 'awaiting_approval' returning *`;
    if (!row) refuse('conflict', 'the broadcast is no longer waiting for approval');
    await this.wake(toBroadcast(row));
    return this.get(actor, id);
  }

  /**
   * Stops handing recipients to the outbox; what was handed and not yet claimed by a sender is
   * taken back (queued again), so a pause holds within a send or two.
   */
  async pause(actor: BroadcastActor, id: number): Promise<Broadcast> {
    await this.get(actor, id);
    await this.sql.begin(async (tx) => {
      const [row] = await tx<{ state: BroadcastState }[]>`select state from broadcasts where id = ${id} for update`;
      if (row.state !== 'sending' && row.state !== 'scheduled') refuse('conflict', `a ${row.state} broadcast cannot be paused`);
      await tx`update broadcasts set state = 'paused', updated_at = now() where id = ${id}`;
      await tx`
        with taken as (delete from outbox where broadcast_id = ${id} and status = 'pending' returning id)
        update broadcast_recipients set state = 'queued', outbox_id = null, handed_at = null
        where broadcast_id = ${id} and outbox_id in (select id from taken)`;
    });
    return this.get(actor, id);
  }

  async resume(actor: BroadcastActor, id: number): Promise<Broadcast> {
    await this.get(actor, id);
    const [row] = await this.sql<Row[]>`
      update broadcasts set state = case when started_at is null and scheduled_at > ${this.ctx.now().toISOString()}::timestamptz then 'scheduled' else 'sending' end, updated_at = now()
      where id = ${id} and state = 'paused' returning *`;
    if (!row) refuse('conflict', 'only a paused broadcast resumes');
    await this.wake(toBroadcast(row));
    return this.get(actor, id);
  }

  /** Nobody not yet sent to gets it; what was sent stays recorded. */
  async cancel(actor: BroadcastActor, id: number): Promise<Broadcast> {
    await this.get(actor, id);
    await this.sql.begin(async (tx) => {
      const [row] = await tx<{ state: BroadcastState }[]>`select state from broadcasts where id = ${id} for update`;
      if (row.state === 'done' || row.state === 'cancelled') refuse('conflict', `a ${row.state} broadcast cannot be cancelled`);
      await tx`update broadcasts set state = 'cancelled', finished_at = ${this.ctx.now().toISOString()}::timestamptz, updated_at = now() where id = ${id}`;
      await tx`
        with taken as (delete from outbox where broadcast_id = ${id} and status = 'pending' returning id)
        update broadcast_recipients set state = 'queued', outbox_id = null, handed_at = null
        where broadcast_id = ${id} and outbox_id in (select id from taken)`;
      await tx`update broadcast_recipients set state = 'cancelled', reason = 'broadcast cancelled' where broadcast_id = ${id} and state = 'queued'`;
    });
    return this.get(actor, id);
  }

  /** Sending starts at once, or waits for its time (the engine moves a due schedule to sending). */
  private startState(at: Date | null): BroadcastState {
    return at && at.getTime() > this.ctx.now().getTime() ? 'scheduled' : 'sending';
  }

  /** Its job, now (or at the schedule): the engine reads the state from Postgres. */
  private async wake(broadcast: Broadcast) {
    const delayMs = broadcast.scheduledAt ? Math.max(0, broadcast.scheduledAt.getTime() - this.ctx.now().getTime()) : 0;
    await this.ctx.enqueue([broadcastJob(broadcast.id, delayMs)]);
  }

  /** Recipients by state, live. */
  async progress(actor: BroadcastActor, id: number): Promise<Record<RecipientState, number> & { planned: number }> {
    await this.get(actor, id);
    const rows = await this.sql<{ state: RecipientState; n: number }[]>`
      select ${recipientState(this.sql)} as state, count(*)::int as n
      from broadcast_recipients r left join outbox o on o.id = r.outbox_id
      where r.broadcast_id = ${id} group by 1`;
    const counts = { queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0, cancelled: 0, planned: 0 };
    for (const row of rows) {
      counts[row.state] = row.n;
      counts.planned += row.n;
    }
    return counts;
  }

  /** Recipients one page at a time (by recipient id), optionally in one state; no phone numbers or chat ids. */
  async recipients(actor: BroadcastActor, id: number, options: { state?: RecipientState; afterId: number; limit: number }) {
    await this.get(actor, id);
    const rows = await this.sql<{ id: string; identity_id: string; channel: string; state: RecipientState; reason: string | null; at: string | null }[]>`
      select * from (
        select r.id, r.identity_id, r.channel, ${recipientState(this.sql)} as state,
          case when r.outbox_id is null then r.reason when o.status = 'failed' or o.delivery_status = 'failed' then o.last_error end as reason,
          coalesce(o.sent_at, r.handed_at) as at
        from broadcast_recipients r left join outbox o on o.id = r.outbox_id
        where r.broadcast_id = ${id} and r.id > ${options.afterId}
      ) x where (${options.state ?? null}::text is null or x.state = ${options.state ?? null}::text)
      order by x.id limit ${options.limit}`;
    return rows.map((r) => ({ id: Number(r.id), identityId: Number(r.identity_id), channel: r.channel, state: r.state, reason: r.reason, at: date(r.at) }));
  }
}

/** A recipient's state (`r`, its outbox row `o`): its own before the outbox, the outbox row's (and its receipts') after. */
const recipientState = (sql: PipelineContext['db']['sql']) => sql`case
  when r.outbox_id is null then r.state
  when o.status = 'failed' or o.delivery_status = 'failed' then 'failed'
  when o.status in ('pending', 'sending') then 'queued'
  when o.delivery_status in ('delivered', 'read') then o.delivery_status
  else 'sent' end`;
