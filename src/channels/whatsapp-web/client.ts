/**
 * The narrow slice of whatsapp-web.js this adapter uses. Everything else in the folder talks
 * to `WebJsClient`, so tests drive the adapter with a fake client instead of a browser and a
 * phone, and the real `Client` satisfies it structurally (checked in the tests).
 */
import { readlinkSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pkg from 'whatsapp-web.js';

// whatsapp-web.js is CommonJS: take the classes from the default export under ESM.
const { Client, LocalAuth } = pkg;

/** The fields of a library `Message` the adapter reads (a real `Message` is one). */
export interface WebJsMessageLike {
  id: { fromMe: boolean; remote: string; id: string; _serialized: string };
  from: string;
  to: string;
  body: string;
  type: string;
  /** Seconds since the epoch. */
  timestamp: number;
  fromMe: boolean;
  hasMedia: boolean;
  isStatus: boolean;
  broadcast: boolean;
  /** Only on `location` messages; the typings say string, the library sets numbers. */
  location?: {
    latitude: number | string;
    longitude: number | string;
    name?: string;
    address?: string;
    description?: string;
  };
  vCards: string[];
  /** The raw WhatsApp Web model; untyped in the library, so every field is optional. */
  _data?: { notifyName?: string; size?: number };
  /** Resolves `undefined` when WhatsApp no longer has the media. */
  downloadMedia(): Promise<{ mimetype: string; data: string; filesize?: number | null } | undefined>;
}

/** Events the adapter listens to, with the arguments the library emits them with. */
export interface WebJsEvents {
  qr: (qr: string) => void;
  authenticated: () => void;
  auth_failure: (message: string) => void;
  ready: () => void;
  /** A `WAState` such as `CONFLICT` or `UNPAIRED`, or `LOGOUT`. */
  disconnected: (reason: string) => void;
  change_state: (state: string) => void;
  message: (message: WebJsMessageLike) => void;
}

export interface WebJsClient {
  on<E extends keyof WebJsEvents>(event: E, listener: WebJsEvents[E]): unknown;
  off<E extends keyof WebJsEvents>(event: E, listener: WebJsEvents[E]): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  /** The library resolves `undefined` when it cannot open the chat. */
  sendMessage(chatId: string, content: string): Promise<{ id: { _serialized: string } } | null | undefined>;
}

/** Client id used for the LocalAuth folder when none is configured; the server and `whatsapp:link` must agree. */
export const DEFAULT_CLIENT_ID = 'kanal-aduan';

export interface WebJsClientOptions {
  /** LocalAuth `dataPath`; the Chromium profile lives in `<sessionDir>/session-<clientId>`. */
  sessionDir: string;
  chromiumPath: string;
  clientId?: string;
  /** Chromium refuses to start as root without `--no-sandbox`. */
  runningAsRoot?: boolean;
}

const CHROMIUM_ARGS = [
  '--disable-setuid-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The folder LocalAuth hands to Chromium as its profile. */
export function chromiumProfileDir(sessionDir: string, clientId: string): string {
  return join(sessionDir, `session-${clientId}`);
}

/**
 * Builds the real client on the system Chromium. Stale profile locks left by a crash are
 * removed first, because Chromium refuses to open a profile that looks in use.
 */
export function createWebJsClient(options: WebJsClientOptions): WebJsClient {
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const runningAsRoot = options.runningAsRoot ?? process.getuid?.() === 0;
  clearStaleChromiumLocks(chromiumProfileDir(options.sessionDir, clientId));
  return new Client({
    authStrategy: new LocalAuth({ dataPath: options.sessionDir, clientId }),
    // Keep the downloaded WhatsApp Web build beside the session rather than in the working directory.
    webVersionCache: { type: 'local', path: join(options.sessionDir, 'web-cache') },
    puppeteer: {
      executablePath: options.chromiumPath,
      headless: true,
      args: runningAsRoot ? ['--no-sandbox', ...CHROMIUM_ARGS] : CHROMIUM_ARGS,
    },
  });
}

const LOCK_FILES = ['SingletonLock', 'SingletonSocket', 'SingletonCookie'];

/**
 * Removes Chromium's singleton files unless the lock belongs to a Chromium still running on
 * this host (for instance `npm run whatsapp:link` while the server runs): deleting a live lock
 * would let two browsers corrupt the same profile. `SingletonLock` is a symlink to `<host>-<pid>`.
 */
export function clearStaleChromiumLocks(profileDir: string): void {
  const owner = lockOwner(join(profileDir, 'SingletonLock'));
  if (owner && owner.host === hostname() && processIsAlive(owner.pid)) {
    throw new Error(
      `WhatsApp Web session ${profileDir} is in use by Chromium pid ${owner.pid}: stop that process first`,
    );
  }
  for (const name of LOCK_FILES) rmSync(join(profileDir, name), { force: true });
}

function lockOwner(lockPath: string): { host: string; pid: number } | undefined {
  let target: string;
  try {
    target = readlinkSync(lockPath);
  } catch {
    return undefined;
  }
  const match = /^(.*)-(\d+)$/.exec(target);
  return match ? { host: match[1], pid: Number(match[2]) } : undefined;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
