/**
 * Postgres is the source of truth. Inbound messages, conversation snapshots, cases and the
 * outbox (every message owed to a citizen) live here; Redis only carries ids between processes.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial, bigint, boolean, check, type AnyPgColumn, customType, date, index, integer, jsonb, pgTable, serial, smallint, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { StoredOutbound } from '../domain/messages.js';

const bilingual = () => jsonb().$type<{ id: string; en: string }>();
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const dinas = pgTable('dinas', {
  id: serial().primaryKey(),
  code: text().notNull().unique(),
  name: text().notNull(),
  regionCode: text('region_code').notNull(),
  hours: bilingual().notNull(),
  staffAvailability: jsonb('staff_availability')
    .$type<{ timeZone: string; days: number[]; from: string; to: string }>()
    .notNull(),
});

export const units = pgTable(
  'units',
  {
    id: serial().primaryKey(),
    dinasId: integer('dinas_id').notNull().references(() => dinas.id),
    code: text().notNull(),
    name: text().notNull(),
  },
  (t) => [uniqueIndex('units_dinas_code').on(t.dinasId, t.code)],
);

export const categories = pgTable('categories', {
  id: serial().primaryKey(),
  code: text().notNull().unique(),
  name: bilingual().notNull(),
  /** Words citizens use for problems of this category, for the category hint in a stated complaint. */
  keywords: text().array().notNull().default(sql`'{}'::text[]`),
  position: integer().notNull(),
});

export const services = pgTable('services', {
  id: serial().primaryKey(),
  code: text().notNull().unique(),
  name: bilingual().notNull(),
  keywords: text().array().notNull().default(sql`'{}'::text[]`),
  requirements: jsonb().$type<{ id: string[]; en: string[] }>().notNull(),
  procedure: jsonb().$type<{ id: string[]; en: string[] }>().notNull(),
  where: bilingual().notNull(),
  categoryCode: text('category_code').notNull(),
  dinasId: integer('dinas_id').notNull().references(() => dinas.id),
  unitId: integer('unit_id').references(() => units.id),
  position: integer().notNull(),
});

export const routingRules = pgTable('routing_rules', {
  id: serial().primaryKey(),
  priority: integer().notNull(),
  categoryCode: text('category_code'),
  serviceCode: text('service_code'),
  regionPrefix: text('region_prefix'),
  dinasId: integer('dinas_id').notNull().references(() => dinas.id),
  unitId: integer('unit_id').references(() => units.id),
});

/** SLA clocks in working days; the most specific row for a case's dinas and category applies. */
export const slaPolicies = pgTable('sla_policies', {
  id: serial().primaryKey(),
  dinasId: integer('dinas_id').references(() => dinas.id),
  categoryCode: text('category_code'),
  verifyDays: integer('verify_days').notNull(),
  followUpDays: integer('follow_up_days').notNull(),
  /** A `selesai` case nobody objects to is closed this many working days later. */
  closeAfterDays: integer('close_after_days').notNull().default(10),
});

/** Days that are not working days besides weekends (public holidays, cuti bersama). */
export const holidays = pgTable('holidays', {
  day: date().primaryKey(),
  name: text().notNull(),
  /**
   * 'public' (seeded from date-holidays), 'cuti-bersama' or 'local': rows staff add; 'cancelled':
   * a public holiday staff took off the list, kept so the seed does not add it back.
   */
  kind: text().notNull().default('public'),
});

/**
 * Dinas staff as the case service sees them: scope (dinas, unit, region prefix) and role. The
 * console adds login fields. A supervisor is who an SLA escalation of their unit goes to.
 */
export const staff = pgTable(
  'staff',
  {
    id: serial().primaryKey(),
    /** Null for staff who see every dinas (admins, a central verifikator). */
    dinasId: integer('dinas_id').references(() => dinas.id),
    unitId: integer('unit_id').references(() => units.id),
    name: text().notNull(),
    email: text().notNull().unique(),
    role: text().$type<'admin' | 'verifikator' | 'petugas' | 'pimpinan'>().notNull(),
    regionPrefix: text('region_prefix'),
    supervisor: boolean().notNull().default(false),
    active: boolean().notNull().default(true),
    /** argon2id (@node-rs/argon2); null: the account cannot log in to the console (yet). */
    passwordHash: text('password_hash'),
    /** Set by an admin's password reset: the next login must choose a new password first. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    /** Bad passwords since the last good login; at the limit the account is locked for a while. */
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    /** TOTP secret (base32), sealed like a NIK; set once the code was confirmed. */
    totpSecret: text('totp_secret'),
    /** The console's language for this person: 'id' or 'en'. */
    lang: text().$type<'id' | 'en'>().notNull().default('id'),
    createdAt: createdAt(),
  },
  (t) => [index('staff_unit').on(t.unitId)],
);

/** Console sessions, kept server-side (the cookie holds only the signed id). */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    sid: text().primaryKey(),
    staffId: integer('staff_id').references(() => staff.id, { onDelete: 'cascade' }),
    data: jsonb().$type<Record<string, unknown>>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('console_sessions_expiry').on(t.expiresAt), index('console_sessions_staff').on(t.staffId)],
);

/**
 * What staff did and saw: every view of a case's personal data, every NIK unmasked, every change
 * of settings and accounts; and citizens' requests about their own data (*data saya*, *hapus data
 * saya*: no staff, the chat's identity id in `details`). `details` never holds the personal data itself.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    /** Null for an action before login (a failed login names the account in `details.staffId` when it exists) or a citizen's own request. */
    staffId: integer('staff_id').references(() => staff.id),
    action: text().notNull(),
    ticket: text(),
    details: jsonb().$type<Record<string, unknown>>(),
    /** The client address as the server saw it. */
    ip: text(),
    at: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('audit_log_at').on(t.at), index('audit_log_staff').on(t.staffId, t.at), index('audit_log_ticket').on(t.ticket)],
);

export const citizens = pgTable(
  'citizens',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    name: text(),
    /** AES-256-GCM ciphertext; see src/pii/nik.ts. */
    nikEncrypted: text('nik_encrypted'),
    /** Keyed hash (HMAC-SHA256) for look-ups without decrypting. */
    nikHash: text('nik_hash'),
    createdAt: createdAt(),
  },
  (t) => [index('citizens_nik_hash').on(t.nikHash)],
);

export const channelIdentities = pgTable(
  'channel_identities',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    citizenId: bigint('citizen_id', { mode: 'number' }).references(() => citizens.id),
    channel: text().notNull(),
    /** The chat to answer in (Telegram chat id, WhatsApp id, web chat session). */
    chatId: text('chat_id').notNull(),
    phone: text(),
    displayName: text('display_name'),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    /** Set when the platform says we can never reach this chat again (blocked the bot…). */
    unreachableAt: timestamp('unreachable_at', { withTimezone: true }),
    unreachableReason: text('unreachable_reason'),
    /**
     * Broadcasts skip this chat (replies and news of their own reports do not): the citizen said
     * *berhenti* / *stop*, or the platform said they cannot or will not get them (a blocked bot, an
     * unreachable number, WhatsApp's "stopped marketing messages"). *mulai* or a new subscription clears it.
     */
    broadcastOptOutAt: timestamp('broadcast_opt_out_at', { withTimezone: true }),
    /** Why: 'citizen', or the platform's reason for an automatic opt-out. */
    broadcastOptOutReason: text('broadcast_opt_out_reason'),
    /** When the chat was shown the short privacy notice (its first reply): it is shown once. */
    privacyNoticeAt: timestamp('privacy_notice_at', { withTimezone: true }),
    /**
     * Fair use: the chat's current minute of messages (domain clock) and how many it sent in it, counted
     * at ingest on this row (which ingest locks anyway), so every process counts the same.
     */
    inboundWindowStartedAt: timestamp('inbound_window_started_at', { withTimezone: true }),
    inboundWindowCount: integer('inbound_window_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('channel_identities_channel_chat').on(t.channel, t.chatId)],
);

export const conversations = pgTable('conversations', {
  identityId: bigint('identity_id', { mode: 'number' })
    .primaryKey()
    .references(() => channelIdentities.id),
  snapshot: jsonb(),
  /** Machine version the snapshot was written by; a mismatch restarts politely at the menu. */
  version: integer().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Inbound messages, stored before anything else happens; (channel, external_id) drops redeliveries. */
export const messages = pgTable(
  'messages',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    identityId: bigint('identity_id', { mode: 'number' })
      .notNull()
      .references(() => channelIdentities.id),
    channel: text().notNull(),
    externalId: text('external_id').notNull(),
    kind: text().notNull(),
    /** The text or caption, masked at the door (src/pii/inbound.ts); null once past RETENTION_MESSAGE_DAYS. */
    body: text(),
    /** Media ref, coordinates, contact phone…; `{ removed: true }` once past RETENTION_MESSAGE_DAYS. */
    payload: jsonb().$type<Record<string, unknown>>(),
    /** The platform's time of sending: the domain clock's idea of the message's age (retention reads it). */
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** Why processing gave up on this message, if it did. */
    error: text(),
    /**
     * Stored but never stepped through the conversation: `flood` (over the chat's messages per minute),
     * `repeat` (the same text again before the bot had answered the first).
     */
    skipped: text(),
    /** The text or caption was longer than INBOUND_TEXT_MAX_CHARS: its length before it was cut. */
    shortenedFrom: integer('shortened_from'),
    /**
     * A step of this chat failed in a batch (src/queues/stepper.ts) and the chat was handed to the
     * inbound queue, whose retries and give-up take it from there; the batches leave the chat alone
     * until this message is processed.
     */
    queuedAt: timestamp('queued_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('messages_channel_external').on(t.channel, t.externalId),
    index('messages_pending').on(t.identityId, t.id).where(sql`processed_at is null`),
    // A chat's transcript on the case page and in a live chat: one chat's window, not the whole table.
    index('messages_identity_received').on(t.identityId, t.receivedAt),
  ],
);

/** Every message owed to a citizen, written in the same transaction as the state change that owes it. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    identityId: bigint('identity_id', { mode: 'number' })
      .notNull()
      .references(() => channelIdentities.id),
    channel: text().notNull(),
    /** What to send; `{ kind: 'removed' }` once sent and past RETENTION_OUTBOX_DAYS (src/retention/). */
    payload: jsonb().$type<StoredOutbound>().notNull(),
    /** pending → sending (claimed by one worker) → sent | failed; back to pending on a retryable failure. */
    status: text().notNull().default('pending'),
    /** When a worker claimed the row (for operators; the claim's life is `claimedBy`'s). */
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /**
     * The claiming process's session key (src/queues/claims.ts): the claim lives as long as that
     * process holds the advisory lock of this key, so the relay releases it within seconds of a crash.
     */
    claimedBy: bigint('claimed_by', { mode: 'bigint' }),
    /** The platform's retry-after for this row (a 429): a paused channel's probe leaves it alone until then. */
    notBefore: timestamp('not_before', { withTimezone: true }),
    attempts: smallint().notNull().default(0),
    lastError: text('last_error'),
    externalId: text('external_id'),
    /** Delivery receipts the platform reports later (sent/delivered/read/failed). */
    deliveryStatus: text('delivery_status'),
    createdAt: createdAt(),
    /** When the platform took it or it was given up, on the domain clock (retention counts from here). */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    caseId: bigint('case_id', { mode: 'number' }),
    /** The broadcast this row carries a notice of (src/broadcasts/): its in-flight rows are counted for pacing. */
    broadcastId: bigint('broadcast_id', { mode: 'number' }),
  },
  (t) => [
    // A broadcast's rows still owed: at most its lane window (a few seconds of sends), so counting them is cheap.
    index('outbox_broadcast_owed').on(t.broadcastId).where(sql`broadcast_id is not null and status in ('pending', 'sending')`),
    index('outbox_owed_identity').on(t.identityId, t.id).where(sql`status in ('pending', 'sending')`),
    // At most one message in flight per chat: this is what keeps a chat's replies in order.
    // (Every index here is maintained on each of a reply's three writes, so there are few: the
    // relay's scans of pending and claimed rows use these partial indexes, which stay small.)
    uniqueIndex('outbox_one_sending_per_identity').on(t.identityId).where(sql`status = 'sending'`),
    index('outbox_channel_external').on(t.channel, t.externalId),
    // Transcripts: what was sent about a case, and to a chat in a window. Neither column changes
    // after the insert. (A status update is never HOT all the same: `status` is in the partial
    // indexes' predicates, and `external_id`, written with the send, is indexed; pg_stat_user_tables
    // counts no HOT update of this table in a bench run. Each is a new row version in every index.)
    index('outbox_case').on(t.caseId).where(sql`case_id is not null`),
    index('outbox_identity_created').on(t.identityId, t.createdAt),
  ],
);

export const cases = pgTable(
  'cases',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    ticket: text().notNull().unique(),
    citizenId: bigint('citizen_id', { mode: 'number' })
      .notNull()
      .references(() => citizens.id),
    identityId: bigint('identity_id', { mode: 'number' })
      .notNull()
      .references(() => channelIdentities.id),
    kind: text().notNull(),
    categoryCode: text('category_code').notNull(),
    serviceCode: text('service_code'),
    description: text().notNull(),
    location: jsonb().$type<{ address?: string; latitude?: number; longitude?: number }>(),
    photos: text().array().notNull().default(sql`'{}'::text[]`),
    reporterName: text('reporter_name'),
    regionCode: text('region_code'),
    dinasId: integer('dinas_id')
      .notNull()
      .references(() => dinas.id),
    unitId: integer('unit_id').references(() => units.id),
    status: text().notNull().default('baru'),
    /** The identity's channel, copied at opening (it never changes) so the inbox filters on it without a join. */
    channel: text().notNull(),
    /** Due moment of the clock now running (verify, follow-up or close); see case_timers. */
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }),
    /** Reminder moment of the clock now running (null for close): the inbox's "due soon" starts here. */
    slaRemindAt: timestamp('sla_remind_at', { withTimezone: true }),
    anonymous: boolean().notNull().default(false),
    confidential: boolean().notNull().default(false),
    /** The officer handling the case, within `unit_id`. */
    assigneeStaffId: integer('assignee_staff_id').references(() => staff.id),
    /** Set with status `duplikat`: the case this one repeats. */
    duplicateOf: bigint('duplicate_of', { mode: 'number' }).references((): AnyPgColumn => cases.id),
    /** The citizen's own earlier case of the same category within 7 days, when they said this one is new: for the verifikator. */
    possibleDuplicateOf: bigint('possible_duplicate_of', { mode: 'number' }).references((): AnyPgColumn => cases.id),
    /** The citizen's latest rating (1–5) after `selesai`, for statistics; each rating is also a `rating` event with its comment. */
    rating: smallint(),
    ratedAt: timestamp('rated_at', { withTimezone: true }),
    /**
     * The reporter had their personal data erased (*hapus data saya*, src/privacy/erase.ts): the
     * case keeps only what statistics need, and staff see why the rest is gone.
     */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Set when the purge blanked the case's personal fields (closed for longer than
     * RETENTION_CLOSED_CASE_DAYS): what remains is what statistics read.
     */
    personalDataRemovedAt: timestamp('personal_data_removed_at', { withTimezone: true }),
    /** Words of the ticket and description for the inbox search; 'simple': Postgres has no Indonesian stemmer. */
    search: tsvector()
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('simple'::regconfig, ticket || ' ' || description)`),
  },
  // The inbox reads newest first (id desc) inside a dinas or unit: each filter it offers has an
  // index that walks its cases in that order. Every one of them also carries every column a filter
  // or the scope looks at (after id, so order and size of the upper levels are unchanged): a page
  // is picked by an index-only scan, and only its rows are read from the table.
  (t) => {
    const inboxColumns = [t.dinasId, t.unitId, t.confidential, t.regionCode, t.status, t.categoryCode, t.channel, t.assigneeStaffId, t.slaDueAt, t.slaRemindAt] as const;
    const covering = (...leading: (typeof t.id)[]) => {
      const rest = inboxColumns.filter((c) => !leading.some((l) => l.name === c.name));
      return [...leading, ...rest] as [typeof t.id, ...(typeof t.id)[]];
    };
    return [
      index('cases_citizen').on(t.citizenId, t.createdAt),
      // A case's transcript window ends where the same chat's next case begins.
      index('cases_identity').on(t.identityId, t.id),
      // Statistics read a dinas's cases received in a date range.
      index('cases_dinas_created').on(t.dinasId, t.createdAt),
      index('cases_dinas_id').on(...covering(t.dinasId, t.id)),
      index('cases_unit_id').on(...covering(t.unitId, t.id)),
      index('cases_dinas_status').on(...covering(t.dinasId, t.status, t.id)),
      index('cases_dinas_category').on(...covering(t.dinasId, t.categoryCode, t.id)),
      index('cases_dinas_channel').on(...covering(t.dinasId, t.channel, t.id)),
      index('cases_assignee').on(...covering(t.assigneeStaffId, t.id)),
      // Open cases (a verify or follow-up clock runs): the unassigned and SLA views.
      index('cases_open_unassigned')
        .on(...covering(t.dinasId, t.id))
        .where(sql`assignee_staff_id is null and status in ('baru', 'diverifikasi', 'diteruskan', 'diproses')`),
      index('cases_open_due')
        .on(...covering(t.dinasId, t.slaDueAt, t.id))
        .where(sql`status in ('baru', 'diverifikasi', 'diteruskan', 'diproses')`),
      index('cases_search').using('gin', t.search),
      // Retention: closed cases whose personal fields are still there (not erased on request), oldest last change first.
      index('cases_personal_expiring')
        .on(t.updatedAt)
        .where(sql`status in ('ditutup', 'ditolak', 'duplikat') and personal_data_removed_at is null and erased_at is null`),
    ];
  },
);

/**
 * The dinas answering a case (statistics' "first response"): its staff or its own system moving
 * the case or speaking to the citizen — not internal notes, assignments or the system's reminders.
 */
export const CASE_RESPONSE_EVENT =
  "(actor like 'staff:%' or actor like 'integration:%') and (type in ('status', 'rerouted', 'merged', 'reply') or (type = 'note' and public))";
/** A case reaching `selesai` (statistics' "resolution"). */
export const CASE_RESOLUTION_EVENT = "type = 'status' and to_status = 'selesai'";

export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    /** A CaseEventType (src/cases/events.ts). */
    type: text().notNull().default('status'),
    fromStatus: text('from_status'),
    /** The case's status after the event (unchanged for notes, assignments, reminders…). */
    toStatus: text('to_status').notNull(),
    /** `actorLabel`: 'system', 'citizen', 'staff:<id>' or 'integration:<dinas>:<name>'. */
    actor: text().notNull(),
    note: text(),
    /** Whether the note may be shown to the citizen. */
    public: boolean().notNull().default(true),
    /** Details by type: new dinas/unit of a reroute, the original of a duplicate, the timer of a reminder. */
    data: jsonb().$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('case_events_case').on(t.caseId, t.id),
    // Statistics: a case's first response and first resolution, one index entry each.
    index('case_events_first_response').on(t.caseId, t.createdAt).where(sql.raw(CASE_RESPONSE_EVENT)),
    index('case_events_resolution').on(t.caseId, t.createdAt).where(sql.raw(CASE_RESOLUTION_EVENT)),
  ],
);

/**
 * SLA clocks of a case, one row per clock started: `verify` (from `baru`), `follow_up` (from
 * `diteruskan`) and `close` (from `selesai`). Postgres holds the moments; delayed BullMQ jobs fire
 * them, and the relay re-creates lost jobs from here. A clock that no longer applies gets `done_at`.
 */
export const caseTimers = pgTable(
  'case_timers',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    kind: text().$type<'verify' | 'follow_up' | 'close'>().notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** 80% of the working time; null for clocks without a reminder (close). */
    remindAt: timestamp('remind_at', { withTimezone: true }),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
    doneAt: timestamp('done_at', { withTimezone: true }),
    /** The next moment this clock must act (remind, escalate or close); null when it has nothing left to do. */
    nextAt: timestamp('next_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('case_timers_one_running').on(t.caseId, t.kind).where(sql`done_at is null`),
    index('case_timers_case').on(t.caseId),
    index('case_timers_next').on(t.nextAt).where(sql`next_at is not null`),
  ],
);

/**
 * A citizen asked for a human (`petugas`): a live chat. It waits in its dinas's queue until an
 * officer takes it (`taken_by_staff_id`); while taken the bot is quiet in that chat and the
 * citizen's messages go to the officer. It ends when handed back to the bot or withdrawn by the
 * citizen (`resolved_at`, `resolution`). `next_at` is its clock's next moment (reminder, return to
 * the queue), fired by delayed jobs and rebuilt from here; see src/livechat/.
 */
export const handoffRequests = pgTable(
  'handoff_requests',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    identityId: bigint('identity_id', { mode: 'number' })
      .notNull()
      .references(() => channelIdentities.id),
    /** Whose staff answer: the dinas of the citizen's latest case, else the default triage dinas. */
    dinasId: integer('dinas_id')
      .notNull()
      .references(() => dinas.id),
    /** The message that asked: the chat's transcript for the officer starts there. */
    messageId: bigint('message_id', { mode: 'number' }).references(() => messages.id),
    createdAt: createdAt(),
    /** When it last entered the queue (asked, or returned); the reminder counts from here. */
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    takenByStaffId: integer('taken_by_staff_id').references(() => staff.id),
    takenAt: timestamp('taken_at', { withTimezone: true }),
    /** The taking officer's last message: a taken chat the officer never answers goes back to the queue. */
    officerAt: timestamp('officer_at', { withTimezone: true }),
    /** Last message either way while taken: the idle clock. */
    activityAt: timestamp('activity_at', { withTimezone: true }),
    /** Times it went back to the queue untouched or idle. */
    returns: smallint().notNull().default(0),
    nextAt: timestamp('next_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** 'handed-back' (by the officer) | 'withdrawn' (the citizen left the petugas flow). */
    resolution: text(),
  },
  (t) => [
    uniqueIndex('handoff_requests_one_open').on(t.identityId).where(sql`resolved_at is null`),
    index('handoff_requests_queue').on(t.dinasId, t.queuedAt).where(sql`resolved_at is null`),
    index('handoff_requests_next').on(t.nextAt).where(sql`next_at is not null`),
  ],
);

/**
 * What officers wrote into a live chat: each is one outbox row (sent like any reply, in order),
 * and `client_key` makes a retried send write nothing twice.
 */
export const handoffReplies = pgTable(
  'handoff_replies',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    handoffId: bigint('handoff_id', { mode: 'number' })
      .notNull()
      .references(() => handoffRequests.id),
    staffId: integer('staff_id')
      .notNull()
      .references(() => staff.id),
    outboxId: bigint('outbox_id', { mode: 'number' })
      .notNull()
      .references(() => outbox.id),
    clientKey: text('client_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('handoff_replies_client_key').on(t.handoffId, t.clientKey), index('handoff_replies_outbox').on(t.outboxId)],
);

/**
 * Where a unit's staff (or, with `unit_id` null, a whole dinas) are told about cases: an e-mail
 * address, a Telegram group chat id (sent by the product's own bot) or a WhatsApp number (Cloud
 * API template). A unit's own targets replace the dinas-wide ones of the same audience; see
 * src/cases/staff-notifications/targets.ts.
 */
export const notificationTargets = pgTable(
  'notification_targets',
  {
    id: serial().primaryKey(),
    dinasId: integer('dinas_id')
      .notNull()
      .references(() => dinas.id),
    /** Null: the dinas-wide default. */
    unitId: integer('unit_id').references(() => units.id),
    /** email | telegram | whatsapp-cloud */
    kind: text().notNull(),
    /** E-mail address, Telegram chat id (groups are negative) or WhatsApp number in digits. */
    address: text().notNull(),
    /** Notification kinds wanted: created, forwarded, reminder, escalation, citizen-info, reopened. */
    eventTypes: text('event_types').array().notNull(),
    /** unit (the staff who handle cases) | supervisor (told of escalations). */
    audience: text().notNull().default('unit'),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index('notification_targets_dinas').on(t.dinasId, t.unitId)],
);

/** One message owed to one target for one case event, written in the event's transaction. */
export const staffNotifications = pgTable(
  'staff_notifications',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    targetId: integer('target_id')
      .notNull()
      .references(() => notificationTargets.id),
    caseEventId: bigint('case_event_id', { mode: 'number' })
      .notNull()
      .references(() => caseEvents.id),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    /** The rendered message; it never holds a citizen's personal data. */
    message: jsonb().$type<{ subject: string; text: string; templateParameters: string[] }>().notNull(),
    /** pending → sent | failed (permanently; the reason in last_error). */
    status: text().notNull().default('pending'),
    attempts: smallint().notNull().default(0),
    lastError: text('last_error'),
    externalId: text('external_id'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('staff_notifications_target_event').on(t.targetId, t.caseEventId),
    index('staff_notifications_pending').on(t.id).where(sql`status = 'pending'`),
    // Retention blanks a closed case's rendered notices.
    index('staff_notifications_case').on(t.caseId),
  ],
);

/**
 * A photo the flow accepted, and what became of fetching it: written as `pending` in the step that
 * accepted it, `stored` once the bytes (checked, hashed, with a thumbnail) are in media storage, or
 * `failed` with the reason. Photos the flow did not ask for never get a row.
 */
export const media = pgTable(
  'media',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    identityId: bigint('identity_id', { mode: 'number' })
      .notNull()
      .references(() => channelIdentities.id),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id),
    channel: text().notNull(),
    /** As in `messages.payload.mediaRef` and `cases.photos`, e.g. `telegram:file:AgACAgQ…`. */
    platformRef: text('platform_ref').notNull(),
    /** pending → stored | failed; stored → removed (files deleted) past RETENTION_MEDIA_DAYS. */
    status: text().notNull().default('pending'),
    storageKey: text('storage_key'),
    thumbnailKey: text('thumbnail_key'),
    contentType: text('content_type'),
    bytes: integer(),
    sha256: text(),
    width: integer(),
    height: integer(),
    attempts: smallint().notNull().default(0),
    lastError: text('last_error'),
    createdAt: createdAt(),
    storedAt: timestamp('stored_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('media_channel_ref').on(t.channel, t.platformRef),
    index('media_pending').on(t.id).where(sql`status = 'pending'`),
    // Retention: stored photos, oldest first.
    index('media_stored').on(t.storedAt).where(sql`status = 'stored'`),
  ],
);

/**
 * Updates set aside so one bad update never blocks a channel: one the database kept refusing to
 * store (`stage` 'store': not in `messages`), or a stored message whose step kept failing
 * ('step'). Kept for operators with the error; `raw` is JSON text, because `jsonb` refuses `\u0000`.
 */
export const setAsideUpdates = pgTable(
  'set_aside_updates',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    channel: text().notNull(),
    stage: text().notNull(),
    chatId: text('chat_id'),
    externalId: text('external_id'),
    raw: text().notNull(),
    error: text().notNull(),
    attempts: smallint().notNull(),
    createdAt: createdAt(),
  },
  // A redelivered update is set aside (and apologised for) once.
  (t) => [uniqueIndex('set_aside_updates_channel_external').on(t.channel, t.stage, t.externalId).where(sql`external_id is not null`)],
);

/**
 * Where a dinas's own system receives its cases: signed POSTs of case events. `eventTypes` empty
 * means every public event type. A receiver answering 410 Gone switches its endpoint off.
 */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: serial().primaryKey(),
  dinasId: integer('dinas_id')
    .notNull()
    .references(() => dinas.id),
  url: text().notNull(),
  /** HMAC-SHA256 key shared with the receiver; it signs, so it is stored as given. */
  secret: text().notNull(),
  active: boolean().notNull().default(true),
  eventTypes: text('event_types').array().notNull().default(sql`'{}'::text[]`),
  disabledReason: text('disabled_reason'),
  createdAt: createdAt(),
});

/**
 * One row per (endpoint, case event), written in the event's transaction: what the endpoint is
 * owed. pending → delivered | failed (given up after the retry window). A case's deliveries to
 * one endpoint go out in event order: only the oldest pending one of the pair is ever sent.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id),
    caseEventId: bigint('case_event_id', { mode: 'number' })
      .notNull()
      .references(() => caseEvents.id),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    eventType: text('event_type').notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    /** Start of the retry window: the event, or the latest manual redelivery. */
    pendingSince: timestamp('pending_since', { withTimezone: true }).notNull(),
    lastStatusCode: integer('last_status_code'),
    lastDurationMs: integer('last_duration_ms'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event').on(t.endpointId, t.caseEventId),
    index('webhook_deliveries_pending').on(t.endpointId, t.caseId, t.caseEventId).where(sql`status = 'pending'`),
    // Retention blanks a closed case's description in the payloads kept for the delivery log.
    index('webhook_deliveries_case').on(t.caseId),
  ],
);

/** Every attempt to send a delivery, kept for the console's delivery log. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    deliveryId: bigint('delivery_id', { mode: 'number' })
      .notNull()
      .references(() => webhookDeliveries.id),
    at: timestamp({ withTimezone: true }).notNull(),
    /** Null when no HTTP answer came (refused, timed out). */
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    error: text(),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId, t.id)],
);

/**
 * API keys a dinas's systems call us with (status updates back, Open311 POST). Keys are 32 random
 * bytes, so a plain SHA-256 is a safe way to store them: only the hash is kept.
 */
export const integrationKeys = pgTable('integration_keys', {
  id: serial().primaryKey(),
  dinasId: integer('dinas_id')
    .notNull()
    .references(() => dinas.id),
  name: text().notNull(),
  keyHash: text('key_hash').notNull().unique(),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** A case filed over Open311: its token, and the submitter's e-mail (kept for the dinas, never shown). */
export const open311Requests = pgTable('open311_requests', {
  token: text().primaryKey(),
  caseId: bigint('case_id', { mode: 'number' })
    .notNull()
    .unique()
    .references(() => cases.id),
  keyId: integer('key_id')
    .notNull()
    .references(() => integrationKeys.id),
  email: text(),
  mediaUrl: text('media_url'),
  createdAt: createdAt(),
});

/**
 * Ready answers staff pick when replying to a citizen: a dinas's own, or global (no dinas) for
 * every dinas. `{nama}`, `{tiket}` and `{status}` are filled in when one is sent (see
 * src/cases/canned-replies.ts); the text is chosen by the citizen's language, `en` falling back to `id`.
 */
export const cannedReplies = pgTable(
  'canned_replies',
  {
    id: serial().primaryKey(),
    dinasId: integer('dinas_id').references(() => dinas.id),
    title: text().notNull(),
    text: bilingual().notNull(),
    createdByStaffId: integer('created_by_staff_id').references(() => staff.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('canned_replies_dinas').on(t.dinasId)],
);

/**
 * One row per scheduled moment of the retention purge (daily at RETENTION_PURGE_AT), written
 * before the moment comes: a moment whose row is not finished is owed, so the relay runs a purge
 * missed while Redis lost its job or no worker ran. `counts`: what that run removed, per kind.
 */
export const retentionRuns = pgTable('retention_runs', {
  dueAt: timestamp('due_at', { withTimezone: true }).primaryKey(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  counts: jsonb().$type<Record<string, number>>(),
});

/**
 * How far the purge has walked an append-only table (by id) for one kind of data: rows up to
 * `last_id` are done, so a run reads only what became old since the last one.
 */
export const retentionMarks = pgTable('retention_marks', {
  name: text().primaryKey(),
  lastId: bigint('last_id', { mode: 'number' }).notNull(),
});

/**
 * Kemendagri regions citizens name when they subscribe ("Cihapit", "kecamatan Bandung Wetan"):
 * 2-digit province, 4-digit regency/city, 6-digit district (kecamatan), 10-digit village
 * (kelurahan/desa). Seeded with the demo city's; an installation loads its own.
 */
export const regions = pgTable(
  'regions',
  {
    code: text().primaryKey(),
    name: text().notNull(),
    /** provinsi | kota | kabupaten | kecamatan | kelurahan | desa */
    level: text().notNull(),
  },
  (t) => [index('regions_name').on(sql`lower(${t.name})`)],
);

/** What a citizen may subscribe to: a dinas's own topic, or a global one (no dinas) every dinas may send on. */
export const topics = pgTable('topics', {
  id: serial().primaryKey(),
  code: text().notNull().unique(),
  name: bilingual().notNull(),
  dinasId: integer('dinas_id').references(() => dinas.id),
  /** Reporters of this complaint category are offered the topic with one tap when their report is sent. */
  categoryCode: text('category_code'),
  position: integer().notNull(),
  active: boolean().notNull().default(true),
});

/** A chat subscribed to a topic, optionally for one region (a Kemendagri code; a segment matches it by prefix). */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    identityId: bigint('identity_id', { mode: 'number' })
      .notNull()
      .references(() => channelIdentities.id),
    topicId: integer('topic_id')
      .notNull()
      .references(() => topics.id),
    regionCode: text('region_code'),
    /** When the citizen subscribed (domain clock): the segment's "subscribed since". */
    subscribedAt: timestamp('subscribed_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('subscriptions_identity_topic').on(t.identityId, t.topicId), index('subscriptions_topic').on(t.topicId, t.identityId)],
);

/**
 * Every yes and no to broadcasts, as the citizen gave it: when, on which channel, and the exact
 * words they were shown (`wording`); automatic opt-outs name the platform's reason instead.
 */
export const broadcastConsents = pgTable(
  'broadcast_consents',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    identityId: bigint('identity_id', { mode: 'number' })
      .notNull()
      .references(() => channelIdentities.id),
    /** subscribe | unsubscribe | resume */
    action: text().notNull(),
    channel: text().notNull(),
    topicCodes: text('topic_codes').array().notNull().default(sql`'{}'::text[]`),
    regionCode: text('region_code'),
    wording: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [index('broadcast_consents_identity').on(t.identityId, t.at)],
);

/** Who a broadcast goes to; every part is optional, all given parts must hold (see src/broadcasts/segment.ts). */
export interface BroadcastSegment {
  topics?: string[];
  regionPrefix?: string;
  channels?: ('telegram' | 'whatsapp-cloud' | 'web')[];
  reportedCategory?: { code: string; days: number };
  subscribedSince?: string;
}

/**
 * A notice a dinas sends to subscribed chats. draft → (awaiting_approval →) scheduled | sending ⇄
 * paused → done; cancelled from anywhere before done. Recipients are planned into
 * `broadcast_recipients` in chunks (`planned_after`: the last identity id planned) once sending starts.
 */
export const broadcasts = pgTable(
  'broadcasts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    dinasId: integer('dinas_id')
      .notNull()
      .references(() => dinas.id),
    authorStaffId: integer('author_staff_id').references(() => staff.id),
    title: text().notNull(),
    /** The notice per language; `en` may be empty (the Indonesian text is sent). `{nama}` is filled in per recipient. */
    text: bilingual().notNull(),
    imageUrl: text('image_url'),
    segment: jsonb().$type<BroadcastSegment>().notNull(),
    state: text().$type<'draft' | 'awaiting_approval' | 'scheduled' | 'sending' | 'paused' | 'cancelled' | 'done'>().notNull().default('draft'),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    /** Audience counted when sending was asked for: above BROADCAST_APPROVAL_ABOVE a second person approves. */
    audience: integer(),
    approvedByStaffId: integer('approved_by_staff_id').references(() => staff.id),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    plannedAfter: bigint('planned_after', { mode: 'number' }).notNull().default(0),
    plannedAt: timestamp('planned_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('broadcasts_dinas').on(t.dinasId, t.id), index('broadcasts_running').on(t.state).where(sql`state in ('scheduled', 'sending')`)],
);

/**
 * One row per broadcast and chat, so nobody is sent the same notice twice. `state` says where the
 * row is before the outbox: queued (planned) → handed (an outbox row, `outbox_id`, carries it; its
 * sent/delivered/read/failed is the outbox row's) | skipped (opted out meanwhile) | cancelled.
 */
export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    broadcastId: bigint('broadcast_id', { mode: 'number' })
      .notNull()
      .references(() => broadcasts.id),
    identityId: bigint('identity_id', { mode: 'number' })
      .notNull()
      .references(() => channelIdentities.id),
    channel: text().notNull(),
    lang: text().$type<'id' | 'en'>().notNull().default('id'),
    state: text().$type<'queued' | 'handed' | 'skipped' | 'cancelled'>().notNull().default('queued'),
    reason: text(),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    handedAt: timestamp('handed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('broadcast_recipients_once').on(t.broadcastId, t.identityId),
    index('broadcast_recipients_queued').on(t.broadcastId, t.channel, t.id).where(sql`state = 'queued'`),
    index('broadcast_recipients_outbox').on(t.outboxId).where(sql`outbox_id is not null`),
  ],
);

/**
 * Web chat conversations. The page holds a random token the server handed out (sent in the
 * `X-Chat-Session` header, never in a URL); only its SHA-256 is stored, and it is the chat id of
 * the conversation's `channel_identities` row. A session ends when the citizen starts a new
 * conversation (`ended_at`) or after WEBCHAT_SESSION_HOURS without a message (`expires_at`,
 * moved on by each message): then its history is no one's to read, on a shared computer too.
 */
export const webChatSessions = pgTable(
  'web_chat_sessions',
  {
    chatId: text('chat_id').primaryKey(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('web_chat_sessions_expires').on(t.expiresAt)],
);

/**
 * Each paced channel's next free send slot (src/queues/pacer.ts), on Postgres's clock. Unlogged:
 * a slot is worth milliseconds, and a table emptied by a crash only lets the next send go at once.
 */
export const sendPace = pgTable('send_pace', {
  channel: text().primaryKey(),
  nextAt: timestamp('next_at', { withTimezone: true }).notNull(),
});

/**
 * One row: a number the settings a case is opened with (dinas, routing rules, SLA policies,
 * holidays, notification targets, webhook endpoints) move on with every write to them, to a new
 * number from a sequence, by statement triggers (migration 0028), whoever writes: the console, a
 * seed, psql. A process keeps those settings in memory and reads this number in a statement it
 * sends anyway (src/cases/settings.ts), so an edit counts from the next case opened after its
 * commit.
 */
export const settingsVersion = pgTable(
  'settings_version',
  {
    id: boolean().primaryKey().default(true),
    version: bigint({ mode: 'number' }).notNull().default(0),
  },
  (t) => [check('settings_version_one_row', sql`${t.id}`)],
);
