/**
 * One way to plug in a channel (courier's handler registry is the model): every channel folder
 * exports a `ChannelModule`, and `app.ts` loops over the configured ones — senders for the outbox,
 * media sources for the media worker, routes on the HTTP face, long-running parts started after
 * the server listens and stopped in reverse order. The app hands each channel what it needs,
 * the intake included, so no channel reaches into the conversation runtime or the queues.
 */
import type { FastifyInstance } from 'fastify';
import type { Role } from '../app.js';
import type { Config } from '../config.js';
import type { PipelineContext } from '../conversation/context.js';
import type { ChannelName, DeliveryStatus, InboundMessage } from '../domain/messages.js';
import type { MediaSource } from '../media/sources.js';
import type { ChannelSender } from './types.js';
import type { WhatsAppWebConnection } from './whatsapp-web/connection.js';

/** The runtime's front door, as functions: store and enqueue, set aside, record what the platform reports. */
export interface Intake {
  /** Stores one message and enqueues its step; throws when it is not stored (the caller retries). */
  ingest(message: InboundMessage, options?: { callbackQueryId?: string }): Promise<{ duplicate: boolean }>;
  /** `store` for a webhook-shaped channel: an outage rethrows, an update that keeps failing goes to `setAsideAs`. */
  storeOrSetAside<T>(store: () => Promise<T>, setAsideAs: (error: unknown, attempts: number) => Promise<void>): Promise<T | 'set-aside'>;
  /** `ingest` through `storeOrSetAside`, the message kept as the raw update. */
  ingestOrSetAside(message: InboundMessage): Promise<{ duplicate: boolean } | 'set-aside'>;
  /** Keeps an update that could not be stored, raw, and apologises to its chat when it names one. */
  setAside(entry: { channel: ChannelName; chatId?: string; externalId?: string; raw: unknown; error: unknown; attempts: number }): Promise<void>;
  /** The platform says the chat is gone outside a send (Telegram `my_chat_member` kicked). */
  markUnreachable(channel: ChannelName, chatId: string, reason: string): Promise<void>;
  /** A delivery receipt (Cloud API statuses). */
  recordDeliveryStatus(status: DeliveryStatus): Promise<void>;
  /** Whether a failure is the database not answering (waited out) rather than the update's fault. */
  isOutage(error: unknown): Promise<boolean>;
  /** Whether the conversation would keep a photo from this chat now; a photo nobody wants is never downloaded. */
  photoWanted(channel: ChannelName, chatId: string): Promise<boolean>;
}

/** What the app gives a channel. */
export interface ChannelNeeds {
  config: Config;
  /** Which faces this process has: HTTP and long-lived connections (web), the queue workers (worker), or both. */
  role: Role;
  /** The pipeline context; its logger (`ctx.log`), clock and media storage are the channel's too. */
  ctx: PipelineContext;
  intake: Intake;
}

/** What a channel gives the app in this process; every part is optional. */
export interface ChannelParts {
  /** Sends the outbox's messages. */
  sender?: ChannelSender;
  /**
   * The sender lives beside a connection held by the web process (whatsapp-web.js): a web-only
   * process runs a worker of its own for it.
   */
  sendsFromWeb?: boolean;
  /** Where the media worker fetches this channel's photos. */
  mediaSource?: MediaSource;
  /** Paths the HTTP rate limit does not count: platform webhooks retry, they do not abuse. */
  unlimitedPaths?: string[];
  /** Added to the readiness check (`/readyz`), by name. */
  readyChecks?: Record<string, () => boolean>;
  /** The session linked by scanning a QR (whatsapp-web.js), shown in the console. */
  linked?: Pick<WhatsAppWebConnection, 'state' | 'qr'>;
  /** Registers the channel's routes on the HTTP face (web role). */
  routes?(http: FastifyInstance): void | Promise<void>;
  /** Starts long-running parts once the server listens (polling, the web.js client). */
  start?(): Promise<void>;
  /** Stops them; called before the server closes, in reverse start order. */
  stop?(): Promise<void>;
}

export interface ChannelModule {
  readonly name: ChannelName;
  /** Whether the config turns the channel on at all (a token set, a flag on). */
  configured(config: Config): boolean;
  /** The channel's parts for this process; called once, for a configured channel. */
  setUp(needs: ChannelNeeds): ChannelParts;
}
