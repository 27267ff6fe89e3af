/**
 * Postgres is the source of truth. Inbound messages, conversation snapshots, cases and the
 * outbox (every message owed to a citizen) live here; Redis only carries ids between processes.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial, bigint, boolean, date, index, integer, jsonb, pgTable, serial, smallint, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { OutboundMessage } from '../channels/types.js';

const bilingual = () => jsonb().$type<{ id: string; en: string }>();
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

export const slaPolicies = pgTable('sla_policies', {
  id: serial().primaryKey(),
  dinasId: integer('dinas_id').references(() => dinas.id),
  categoryCode: text('category_code'),
  verifyDays: integer('verify_days').notNull(),
  followUpDays: integer('follow_up_days').notNull(),
});

/** Days that are not working days besides weekends (public holidays, cuti bersama). */
export const holidays = pgTable('holidays', {
  day: date().primaryKey(),
  name: text().notNull(),
});

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
    body: text(),
    payload: jsonb().$type<Record<string, unknown>>(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** Why processing gave up on this message, if it did. */
    error: text(),
  },
  (t) => [
    uniqueIndex('messages_channel_external').on(t.channel, t.externalId),
    index('messages_pending').on(t.identityId, t.id).where(sql`processed_at is null`),
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
    payload: jsonb().$type<OutboundMessage>().notNull(),
    /** pending → sending (claimed by one worker) → sent | failed; back to pending on a retryable failure. */
    status: text().notNull().default('pending'),
    /** When a worker claimed the row; a claim left behind by a crashed worker is released by the relay. */
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    attempts: smallint().notNull().default(0),
    lastError: text('last_error'),
    externalId: text('external_id'),
    /** Delivery receipts the platform reports later (sent/delivered/read/failed). */
    deliveryStatus: text('delivery_status'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    caseId: bigint('case_id', { mode: 'number' }),
  },
  (t) => [
    index('outbox_owed_identity').on(t.identityId, t.id).where(sql`status in ('pending', 'sending')`),
    // At most one message in flight per chat: this is what keeps a chat's replies in order.
    // (Every index here is maintained on each of a reply's three writes, so there are few: the
    // relay's scans of pending and claimed rows use these partial indexes, which stay small.)
    uniqueIndex('outbox_one_sending_per_identity').on(t.identityId).where(sql`status = 'sending'`),
    index('outbox_channel_external').on(t.channel, t.externalId),
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
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }),
    anonymous: boolean().notNull().default(false),
    confidential: boolean().notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('cases_citizen').on(t.citizenId, t.createdAt), index('cases_dinas_status').on(t.dinasId, t.status)],
);

export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    /** 'system', 'citizen' or a staff id. */
    actor: text().notNull(),
    note: text(),
    /** Whether the note may be shown to the citizen. */
    public: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [index('case_events_case').on(t.caseId, t.id)],
);

/** A citizen asked for a human (`petugas`); the console picks these up. */
export const handoffRequests = pgTable('handoff_requests', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  identityId: bigint('identity_id', { mode: 'number' })
    .notNull()
    .references(() => channelIdentities.id),
  createdAt: createdAt(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
});

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
