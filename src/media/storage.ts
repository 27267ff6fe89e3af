/**
 * Where photos citizens send are kept: one small interface, two places. Local disk under
 * DATA_DIR/media for a single host (several hosts mount a shared volume there), or an
 * S3-compatible bucket (MinIO in docker-compose.yml) when MEDIA_S3_* is configured.
 *
 * @example
 *   const storage = createMediaStorage(config);
 *   await storage.put('photos/2026/12/17.jpg', bytes, 'image/jpeg');
 *   const handle = await storage.locate('photos/2026/12/17.jpg'); // { url } on S3, { path } on disk
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { Client as MinioClient } from 'minio';
import type { Config } from '../config.js';

/** How the console reaches a stored object: a short-lived URL (S3), or a file it streams itself. */
export type MediaHandle = { url: string } | { path: string };

export interface MediaStorage {
  readonly kind: 'local' | 's3';
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or null when there is none under `key`. */
  get(key: string): Promise<Buffer | null>;
  /** Removing a key that does not exist is not an error. */
  delete(key: string): Promise<void>;
  locate(key: string, expiresSeconds?: number): Promise<MediaHandle>;
}

/** Keys are ours (see fetch.ts), but a key must still never climb out of the media folder. */
function assertKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key) || key.split('/').includes('..')) throw new Error(`invalid media key: ${key}`);
}

export function createLocalStorage(root: string): MediaStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    assertKey(key);
    const path = resolve(base, key);
    if (!path.startsWith(base + sep)) throw new Error(`invalid media key: ${key}`);
    return path;
  };
  return {
    kind: 'local',
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async locate(key) {
      return { path: pathOf(key) };
    },
  };
}

export interface S3Options {
  /** e.g. http://minio:9000 */
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
  pathStyle: boolean;
}

export function createS3Storage(options: S3Options): MediaStorage {
  const endpoint = new URL(options.endpoint);
  const useSSL = endpoint.protocol === 'https:';
  const client = new MinioClient({
    endPoint: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    // Given, so the client never asks the server for the bucket's region first.
    region: options.region,
    pathStyle: options.pathStyle,
  });
  const { bucket } = options;
  return {
    kind: 's3',
    async put(key, bytes, contentType) {
      assertKey(key);
      await client.putObject(bucket, key, bytes, bytes.length, { 'Content-Type': contentType });
    },
    async get(key) {
      assertKey(key);
      let stream: Readable;
      try {
        stream = await client.getObject(bucket, key);
      } catch (err) {
        if ((err as { code?: string }).code === 'NoSuchKey') return null;
        throw err;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async delete(key) {
      assertKey(key);
      await client.removeObject(bucket, key);
    },
    async locate(key, expiresSeconds = 15 * 60) {
      assertKey(key);
      return { url: await client.presignedGetObject(bucket, key, expiresSeconds) };
    },
  };
}

/** S3 when an endpoint is configured (config.ts requires the rest with it), else DATA_DIR/media. */
export function createMediaStorage(config: Config): MediaStorage {
  if (config.MEDIA_S3_ENDPOINT) {
    return createS3Storage({
      endpoint: config.MEDIA_S3_ENDPOINT,
      bucket: config.MEDIA_S3_BUCKET!,
      accessKey: config.MEDIA_S3_ACCESS_KEY!,
      secretKey: config.MEDIA_S3_SECRET_KEY!,
      region: config.MEDIA_S3_REGION,
      pathStyle: config.MEDIA_S3_PATH_STYLE,
    });
  }
  return createLocalStorage(resolve(config.DATA_DIR, 'media'));
}
