/**
 * Where a photo's bytes come from, one source per channel. Each failure is classified here, once:
 * `permanent` (the platform says the file is gone, too large, unknown) is recorded on the media
 * row; anything else (network, timeouts, 5xx, 429, a token being rotated) is tried again later.
 * Reasons never carry URLs: Telegram's file URLs contain the bot token.
 */
import { createHash } from 'node:crypto';
import { Api, GrammyError } from 'grammy';
import { z } from 'zod';
import type { MediaStorage } from './storage.js';

export class MediaFetchError extends Error {
  constructor(
    readonly permanent: boolean,
    reason: string,
  ) {
    super(reason);
    this.name = 'MediaFetchError';
  }
}

export interface MediaSource {
  /** The photo's bytes; throws `MediaFetchError` (or anything else, taken as retryable). */
  fetch(platformRef: string, maxBytes: number): Promise<Buffer>;
  /** Drops any copy held for the fetch: once the photo is stored, or when the flow did not take it. */
  release?(platformRef: string): Promise<void>;
}

const TIMEOUT_MS = 30_000;

function idAfter(prefix: string, ref: string): string {
  if (!ref.startsWith(prefix) || ref.length === prefix.length) throw new MediaFetchError(true, `not a ${prefix} reference`);
  return ref.slice(prefix.length);
}

function tooLarge(bytes: number, maxBytes: number): MediaFetchError {
  return new MediaFetchError(true, `too large: ${bytes} bytes, limit ${maxBytes}`);
}

/** 4xx but 401/403/408/429 means the platform will not give this file, ever. */
function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status);
}

async function download(what: string, url: string, headers: Record<string, string>, maxBytes: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new MediaFetchError(false, `${what}: ${(err as Error).name === 'TimeoutError' ? 'timeout' : 'network error'}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new MediaFetchError(isPermanentStatus(response.status), `${what}: HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(declared, maxBytes);
  }
  // Counted while reading too: a missing or lying content-length must not fill memory.
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body ?? []) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(total, maxBytes);
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof MediaFetchError) throw err;
    throw new MediaFetchError(false, `${what}: connection dropped`);
  }
  return Buffer.concat(chunks);
}

export const TELEGRAM_REF_PREFIX = 'telegram:file:';

/** `getFile` for a file path (valid about an hour), then the file from `<apiRoot>/file/bot<token>/<path>`. */
export function telegramSource(options: { token: string; apiRoot: string }): MediaSource {
  const apiRoot = options.apiRoot.replace(/\/+$/, '');
  const api = new Api(options.token, { apiRoot, timeoutSeconds: TIMEOUT_MS / 1000 });
  return {
    async fetch(ref, maxBytes) {
      const fileId = idAfter(TELEGRAM_REF_PREFIX, ref);
      let file;
      try {
        file = await api.getFile(fileId);
      } catch (err) {
        // Telegram answers 400 "file is too big" (over 20 MB) or "invalid file_id": never better later.
        if (err instanceof GrammyError) throw new MediaFetchError(isPermanentStatus(err.error_code), `getFile: ${err.error_code}`);
        throw new MediaFetchError(false, 'getFile: network error');
      }
      if (file.file_size !== undefined && file.file_size > maxBytes) throw tooLarge(file.file_size, maxBytes);
      if (!file.file_path) throw new MediaFetchError(true, 'getFile: no file_path');
      const path = file.file_path.split('/').map(encodeURIComponent).join('/');
      return download('telegram file', `${apiRoot}/file/bot${options.token}/${path}`, {}, maxBytes);
    },
  };
}

export const CLOUD_REF_PREFIX = 'whatsapp-cloud:media:';

const cloudMediaInfo = z.object({ url: z.url(), mime_type: z.string().optional(), file_size: z.coerce.number().optional() });

/**
 * `GET /<version>/<media-id>` for the media URL, then that URL, both with the access token. The
 * URL expires after minutes, so every attempt asks for a fresh one.
 */
export function whatsappCloudSource(options: { apiRoot: string; apiVersion: string; accessToken: string }): MediaSource {
  const root = options.apiRoot.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${options.accessToken}` };
  return {
    async fetch(ref, maxBytes) {
      const mediaId = idAfter(CLOUD_REF_PREFIX, ref);
      const raw = await download('media info', `${root}/${options.apiVersion}/${encodeURIComponent(mediaId)}`, headers, 64 * 1024);
      let info: z.infer<typeof cloudMediaInfo>;
      try {
        info = cloudMediaInfo.parse(JSON.parse(raw.toString('utf8')));
      } catch {
        throw new MediaFetchError(false, 'media info: unexpected answer');
      }
      if (info.file_size !== undefined && info.file_size > maxBytes) throw tooLarge(info.file_size, maxBytes);
      return download('media file', info.url, headers, maxBytes);
    },
  };
}

/**
 * WhatsApp Web hands over a photo's bytes only while the message is at hand, so the connection
 * keeps them at receipt (when the conversation would keep the photo, or cannot tell yet) under a
 * name that hides the chat id (it holds the phone number); the fetch takes them from there once
 * the flow accepted the photo.
 */
export function webJsReceivedKey(ref: string): string {
  return `received/whatsapp-web/${createHash('sha256').update(ref).digest('hex')}`;
}

export function whatsappWebSource(storage: MediaStorage): MediaSource {
  return {
    async fetch(ref, maxBytes) {
      const bytes = await storage.get(webJsReceivedKey(ref));
      // The connection records why it kept nothing (too large, download failed); there is no later.
      if (!bytes) throw new MediaFetchError(true, 'not received from WhatsApp Web');
      if (bytes.length > maxBytes) throw tooLarge(bytes.length, maxBytes);
      return bytes;
    },
    async release(ref) {
      await storage.delete(webJsReceivedKey(ref));
    },
  };
}
