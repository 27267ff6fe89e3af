/**
 * Owns the whatsapp-web.js client for the life of the process: links it (QR in the terminal
 * and at the admin endpoint), hands every citizen message to the runtime in order per chat,
 * stores the photos the conversation wants, and reconnects with backoff when WhatsApp Web drops. Logs carry short
 * message ids and states only, never phone numbers (which whatsapp-web.js ids contain) or text.
 */
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { backoffDelay } from '../../backoff.js';
import type { InboundMessage } from '../../domain/messages.js';
import type { WebJsClient, WebJsEvents, WebJsMessageLike } from './client.js';
import { parseWebJsMessage, type PendingMedia } from './inbound.js';

export type WhatsAppWebState =
  | 'starting'
  | 'qr'
  | 'authenticated'
  | 'ready'
  | 'disconnected'
  | 'auth_failure'
  | 'stopped';

/**
 * What became of a photo's file. The message is delivered either way (the flow answers as
 * usual); when the file was not stored, `reason` says why, for the case record.
 */
export type MediaOutcome =
  | { stored: true; ref: string; mimetype: string; bytes: number }
  | { stored: false; ref: string; reason: 'not-wanted' | 'too-large' | 'unavailable' | 'download-failed' | 'save-failed' };

/** The runtime's intake: store and enqueue. Awaited, one message at a time per chat. */
export type InboundHandler = (message: InboundMessage, media?: MediaOutcome) => Promise<void>;

export type SaveMedia = (ref: string, mimetype: string, data: Buffer) => Promise<void>;

/**
 * Asked before a photo is downloaded: would the conversation keep it? (The runtime's answer,
 * `photoWanted` in src/conversation/fair-use.ts.) A photo nobody asked for is never downloaded.
 */
export type WantsMedia = (message: InboundMessage) => Promise<boolean>;

/** setTimeout/clearTimeout, injectable so tests fire reconnects without waiting. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ReconnectOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Up to this fraction of the delay is added at random, so restarted servers do not reconnect in step. */
  jitterRatio: number;
}

export interface WhatsAppWebConnectionOptions {
  /** Builds a fresh client: the library destroys the old one on most disconnects. */
  clientFactory: () => WebJsClient;
  onMessage: InboundHandler;
  saveMedia: SaveMedia;
  /** Absent: every photo is downloaded. A failing answer counts as yes: better a copy dropped later than evidence lost. */
  wantsMedia?: WantsMedia;
  logger: Logger;
  /** Photos larger than this are not stored (default 5 MB). */
  maxMediaBytes?: number;
  reconnect?: Partial<ReconnectOptions>;
  /** Where the terminal QR is printed (default stdout). */
  output?: (text: string) => void;
  timers?: Timers;
  /** Source of jitter in [0, 1). */
  random?: () => number;
}

export const DEFAULT_MAX_MEDIA_BYTES = 5 * 1024 * 1024;

const DEFAULT_RECONNECT: ReconnectOptions = { initialDelayMs: 2_000, maxDelayMs: 5 * 60_000, jitterRatio: 0.2 };

/** Disconnect reasons no reconnect can fix: the phone unlinked this session, or WhatsApp blocked the number. */
const LOGGED_OUT_REASONS = new Set(['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE']);
const BLOCKED_REASONS = new Set(['TOS_BLOCK', 'SMB_TOS_BLOCK']);

export const LOGGED_OUT_HINT =
  'WhatsApp session logged out: link again with npm run whatsapp:link / scan the QR at /admin/whatsapp/qr';

const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class WhatsAppWebConnection {
  private currentState: WhatsAppWebState = 'stopped';
  private latestQr: string | undefined;
  private client: WebJsClient | undefined;
  private detachClient: (() => void) | undefined;
  private reconnectTimer: unknown;
  private failedAttempts = 0;
  private stopping = false;
  /** Tail of each chat's delivery chain, so a slow photo never lets a later text overtake it. */
  private readonly chats = new Map<string, Promise<void>>();
  private readonly stateListeners = new Set<(state: WhatsAppWebState) => void>();

  private readonly maxMediaBytes: number;
  private readonly reconnectOptions: ReconnectOptions;
  private readonly output: (text: string) => void;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly logger: Logger;

  constructor(private readonly options: WhatsAppWebConnectionOptions) {
    this.maxMediaBytes = options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
    this.reconnectOptions = { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.output = options.output ?? ((text) => process.stdout.write(text));
    this.timers = options.timers ?? realTimers;
    this.random = options.random ?? Math.random;
    this.logger = options.logger.child({ channel: 'whatsapp-web' });
  }

  get state(): WhatsAppWebState {
    return this.currentState;
  }

  /** The QR to scan while the state is `qr`. */
  get qr(): string | undefined {
    return this.currentState === 'qr' ? this.latestQr : undefined;
  }

  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onStateChange(listener: (state: WhatsAppWebState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Starts the first client; resolves once it is initialising (linking and `ready` come later). */
  async start(): Promise<void> {
    if (this.client || this.reconnectTimer !== undefined) return;
    this.stopping = false;
    await this.connect();
  }

  /** Stops reconnecting, lets messages already received finish, then closes the browser. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelReconnect();
    const client = this.client;
    this.releaseClient();
    this.setState('stopped');
    await this.idle();
    if (client) await this.destroyQuietly(client);
  }

  /** Resolves when every message received so far has been handed to `onMessage`. */
  async idle(): Promise<void> {
    while (this.chats.size > 0) await Promise.all(this.chats.values());
  }

  /** Sends through the current client; the sender checks `state` and classifies what this throws. */
  async sendText(chatId: string, text: string): Promise<{ id: { _serialized: string } } | null | undefined> {
    if (!this.client) throw new Error('whatsapp-web not connected');
    return this.client.sendMessage(chatId, text);
  }

  private async connect(): Promise<void> {
    this.setState('starting');
    let client: WebJsClient;
    try {
      client = this.options.clientFactory();
    } catch (error) {
      this.logger.error({ err: error }, 'whatsapp-web client could not be created');
      this.setState('disconnected');
      this.scheduleReconnect('create-failed');
      return;
    }
    this.attach(client);
    try {
      await client.initialize();
    } catch (error) {
      if (this.client !== client) return;
      this.logger.error({ err: error }, 'whatsapp-web client failed to initialise');
      this.releaseClient();
      this.setState('disconnected');
      this.scheduleReconnect('initialize-failed');
      // A half-started browser would otherwise hold the profile lock the next client needs.
      await this.destroyQuietly(client);
    }
  }

  private attach(client: WebJsClient): void {
    const handlers: WebJsEvents = {
      qr: (qr) => void this.onQr(qr),
      authenticated: () => {
        this.logger.info('whatsapp-web authenticated');
        this.setState('authenticated');
      },
      ready: () => {
        this.failedAttempts = 0;
        this.logger.info('whatsapp-web ready');
        this.setState('ready');
      },
      auth_failure: (reason) => this.onLoggedOut(reason),
      disconnected: (reason) => void this.onDisconnected(client, reason),
      change_state: (state) => this.logger.debug({ waState: state }, 'whatsapp-web state changed'),
      message: (message) => this.receive(message),
    };
    const events = Object.keys(handlers) as (keyof WebJsEvents)[];
    for (const event of events) client.on(event, handlers[event]);
    this.client = client;
    this.detachClient = () => {
      for (const event of events) client.off(event, handlers[event]);
    };
  }

  /** Forgets the current client so none of its late events change our state. */
  private releaseClient(): void {
    this.detachClient?.();
    this.detachClient = undefined;
    this.client = undefined;
  }

  private async onQr(qr: string): Promise<void> {
    this.latestQr = qr;
    this.logger.info('whatsapp-web waiting for the QR to be scanned');
    this.setState('qr');
    try {
      const art = await QRCode.toString(qr, { type: 'terminal', small: true });
      this.output(`Scan with WhatsApp on the agency phone (Linked devices → Link a device):\n${art}\n`);
    } catch (error) {
      this.logger.warn({ err: error }, 'whatsapp-web QR could not be printed');
    }
  }

  /**
   * Terminal for this session: reconnecting cannot fix it, so no reconnect is scheduled.
   * After a phone-side logout the library keeps its page and shows a fresh QR, which moves
   * the state back to `qr`; otherwise the operator links again.
   */
  private onLoggedOut(reason: string): void {
    this.cancelReconnect();
    this.latestQr = undefined;
    this.setState('auth_failure');
    if (BLOCKED_REASONS.has(reason)) {
      this.logger.error({ reason }, 'WhatsApp blocked this number: reconnecting will not help; check the phone');
    } else {
      this.logger.error({ reason }, LOGGED_OUT_HINT);
    }
  }

  private async onDisconnected(client: WebJsClient, reason: string): Promise<void> {
    if (LOGGED_OUT_REASONS.has(reason) || BLOCKED_REASONS.has(reason)) {
      this.onLoggedOut(reason);
      return;
    }
    this.logger.warn({ reason }, 'whatsapp-web disconnected');
    this.releaseClient();
    this.setState('disconnected');
    this.scheduleReconnect(reason);
    // Usually already destroyed by the library; make sure no browser is left behind.
    await this.destroyQuietly(client);
  }

  private scheduleReconnect(cause: string): void {
    if (this.stopping) return;
    const { initialDelayMs, maxDelayMs, jitterRatio } = this.reconnectOptions;
    this.failedAttempts += 1;
    const delayMs = backoffDelay({ initialDelayMs, maxDelayMs, jitter: [1, 1 + jitterRatio], random: this.random }, this.failedAttempts);
    this.logger.warn({ attempt: this.failedAttempts, delayMs, cause }, 'whatsapp-web reconnect scheduled');
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delayMs);
  }

  private cancelReconnect(): void {
    if (this.reconnectTimer === undefined) return;
    this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private async destroyQuietly(client: WebJsClient): Promise<void> {
    try {
      await client.destroy();
    } catch (error) {
      this.logger.debug({ err: error }, 'whatsapp-web client destroy failed');
    }
  }

  private setState(state: WhatsAppWebState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private receive(raw: WebJsMessageLike): void {
    const parsed = parseWebJsMessage(raw);
    const messageId = raw.id.id;
    if (parsed.action === 'ignore') {
      this.logger.debug({ messageId, reason: parsed.reason }, 'whatsapp-web message ignored');
      return;
    }
    const { chatId } = parsed.message;
    const previous = this.chats.get(chatId) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(messageId, parsed.message, parsed.media));
    this.chats.set(chatId, next);
    void next.then(() => {
      if (this.chats.get(chatId) === next) this.chats.delete(chatId);
    });
  }

  /** Never rejects: one message failing must not block the chat's later messages. */
  private async deliver(messageId: string, message: InboundMessage, pending?: PendingMedia): Promise<void> {
    const media =
      pending && message.content.kind === 'photo'
        ? (await this.wanted(messageId, message))
          ? await this.storeMedia(messageId, message.content.mediaRef, pending)
          : ({ stored: false, ref: message.content.mediaRef, reason: 'not-wanted' } as const)
        : undefined;
    try {
      await this.options.onMessage(message, media);
      this.logger.debug({ messageId, kind: message.content.kind }, 'whatsapp-web message handed to the runtime');
    } catch (error) {
      // The error text may echo the message or the phone number: log its kind only.
      this.logger.error(
        { messageId, errorName: errorName(error), errorCode: errorCode(error) },
        'whatsapp-web inbound handler failed',
      );
    }
  }

  private async wanted(messageId: string, message: InboundMessage): Promise<boolean> {
    if (!this.options.wantsMedia) return true;
    try {
      return await this.options.wantsMedia(message);
    } catch (error) {
      this.logger.warn({ messageId, errorName: errorName(error), errorCode: errorCode(error) }, 'whatsapp-web could not ask whether a photo is wanted; keeping it');
      return true;
    }
  }

  private async storeMedia(messageId: string, ref: string, pending: PendingMedia): Promise<MediaOutcome> {
    const skip = (reason: Extract<MediaOutcome, { stored: false }>['reason'], error?: unknown): MediaOutcome => {
      const cause = error === undefined ? {} : { errorName: errorName(error), errorCode: errorCode(error) };
      this.logger.warn({ messageId, reason, ...cause }, 'whatsapp-web photo not stored');
      return { stored: false, ref, reason };
    };
    // Checked before downloading too, so an oversized photo never passes through memory.
    if (pending.declaredBytes !== undefined && pending.declaredBytes > this.maxMediaBytes) return skip('too-large');
    let downloaded: Awaited<ReturnType<PendingMedia['download']>>;
    try {
      downloaded = await pending.download();
    } catch (error) {
      return skip('download-failed', error);
    }
    if (!downloaded) return skip('unavailable');
    const data = Buffer.from(downloaded.data, 'base64');
    if (data.length > this.maxMediaBytes) return skip('too-large');
    try {
      await this.options.saveMedia(ref, downloaded.mimetype, data);
    } catch (error) {
      return skip('save-failed', error);
    }
    return { stored: true, ref, mimetype: downloaded.mimetype, bytes: data.length };
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}
