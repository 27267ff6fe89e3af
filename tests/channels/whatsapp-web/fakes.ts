/**
 * Stand-ins for the browser side of whatsapp-web.js: a client that emits what the library
 * emits, messages shaped like the library's `Message`, timers and a clock driven by hand.
 */
import { EventEmitter } from 'node:events';
import { pino, type Logger } from 'pino';
import { vi } from 'vitest';
import type { WebJsClient, WebJsMessageLike } from '../../../src/channels/whatsapp-web/client.js';
import type { Timers, WhatsAppWebConnection, WhatsAppWebState } from '../../../src/channels/whatsapp-web/connection.js';
import type { Clock } from '../../../src/channels/whatsapp-web/sender.js';

export const CITIZEN_PHONE = '6281234567890';
export const CITIZEN = `${CITIZEN_PHONE}@c.us`;
export const AGENCY = '6281100000000@c.us';
/** 2026-01-05 08:00:00 +07:00, in seconds as the library gives it. */
export const SENT_AT_SECONDS = 1_767_574_800;

export class FakeWebJsClient extends EventEmitter implements WebJsClient {
  readonly initialize = vi.fn(async () => {});
  readonly destroy = vi.fn(async () => {});
  readonly sendMessage = vi.fn(async (chatId: string, _content: string) => ({
    id: { _serialized: `true_${chatId}_3EB0${String(++this.sent).padStart(16, '0')}` },
  }));
  private sent = 0;
}

/** A factory handing out fresh fake clients, remembering each one. */
export function fakeClientFactory(prepare: (client: FakeWebJsClient, index: number) => void = () => {}) {
  const clients: FakeWebJsClient[] = [];
  const factory = vi.fn(() => {
    const client = new FakeWebJsClient();
    prepare(client, clients.length);
    clients.push(client);
    return client;
  });
  return { factory, clients, latest: () => clients[clients.length - 1] };
}

interface MessageFields {
  type: string;
  body?: string;
  from?: string;
  /** The short id WhatsApp gives the message. */
  id?: string;
  fromMe?: boolean;
  author?: string;
  hasMedia?: boolean;
  isStatus?: boolean;
  broadcast?: boolean;
  location?: WebJsMessageLike['location'];
  vCards?: string[];
  notifyName?: string;
  size?: number;
  downloadMedia?: WebJsMessageLike['downloadMedia'];
}

/**
 * A message with the fields and values `Message._patch` produces from WhatsApp Web's model
 * (see node_modules/whatsapp-web.js/src/structures/Message.js), including `_data`.
 */
export function libraryMessage(fields: MessageFields): WebJsMessageLike & Record<string, unknown> {
  const from = fields.from ?? CITIZEN;
  const fromMe = fields.fromMe ?? false;
  const shortId = fields.id ?? '3EB0A1B2C3D4E5F60718';
  const remote = fromMe ? CITIZEN : from;
  const serialized = `${fromMe}_${remote}_${shortId}${fields.author ? `_${fields.author}` : ''}`;
  const data = {
    id: { fromMe, remote, id: shortId, _serialized: serialized },
    type: fields.type,
    t: SENT_AT_SECONDS,
    notifyName: fields.notifyName ?? '',
    ...(fields.size === undefined ? {} : { size: fields.size }),
  };
  return {
    _data: data,
    mediaKey: fields.hasMedia ? 'q1w2e3r4t5y6u7i8o9p0AbCdEfGhIjKlMnOpQrStUvW=' : undefined,
    id: { fromMe, remote, id: shortId, _serialized: serialized },
    ack: 1,
    hasMedia: fields.hasMedia ?? false,
    body: fields.body ?? '',
    type: fields.type,
    timestamp: SENT_AT_SECONDS,
    from: fromMe ? AGENCY : from,
    to: fromMe ? from : AGENCY,
    author: fields.author,
    deviceType: 'android',
    isForwarded: false,
    forwardingScore: 0,
    isStatus: fields.isStatus ?? false,
    isStarred: false,
    broadcast: fields.broadcast ?? false,
    fromMe,
    hasQuotedMsg: false,
    hasReaction: false,
    duration: undefined,
    location: fields.location,
    vCards: fields.vCards ?? [],
    mentionedIds: [],
    groupMentions: [],
    isGif: false,
    isEphemeral: false,
    links: [],
    downloadMedia: fields.downloadMedia ?? (async () => undefined),
  };
}

/** Timers that only fire when the test says so, recording every delay asked for. */
export class ManualTimers implements Timers {
  readonly delays: number[] = [];
  private pending: { handle: number; callback: () => void }[] = [];
  private nextHandle = 0;

  setTimeout(callback: () => void, ms: number): number {
    const handle = ++this.nextHandle;
    this.delays.push(ms);
    this.pending.push({ handle, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.handle !== handle);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  runNext(): void {
    const timer = this.pending.shift();
    if (!timer) throw new Error('no timer pending');
    timer.callback();
  }
}

/** Virtual time: `sleep` returns at once and moves the clock on by what was asked. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = 0) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** A pino logger writing into an array, so tests can read exactly what would be logged. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** Resolves the next time the connection enters `state`. */
export function nextState(connection: WhatsAppWebConnection, state: WhatsAppWebState): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = connection.onStateChange((entered) => {
      if (entered !== state) return;
      unsubscribe();
      resolve();
    });
  });
}

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
