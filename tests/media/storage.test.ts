/**
 * The media storage contract, held by both implementations: local disk, and S3 through the minio
 * client against a fake S3 endpoint at the HTTP boundary (no MinIO server runs on the test machine).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createLocalStorage, createMediaStorage, createS3Storage, type MediaStorage } from '../../src/media/storage.js';
import { startFakeS3, type FakeS3 } from '../support/fake-s3.js';

let s3: FakeS3;
let dir: string;

beforeAll(async () => {
  s3 = await startFakeS3();
  dir = await mkdtemp(join(tmpdir(), 'kanal-storage-'));
});

afterAll(async () => {
  await s3?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function s3Storage(accessKey = s3.accessKey): MediaStorage {
  return createS3Storage({ endpoint: s3.endpoint, bucket: s3.bucket, accessKey, secretKey: s3.secretKey, region: 'us-east-1', pathStyle: true });
}

/** What the console does with a handle: follow the URL, or read the file. */
async function readHandle(storage: MediaStorage, key: string): Promise<Buffer> {
  const handle = await storage.locate(key);
  if ('path' in handle) return readFile(handle.path);
  const response = await fetch(handle.url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const implementations = [
  { name: 'local disk', storage: () => createLocalStorage(join(dir, 'media')) },
  { name: 'S3', storage: () => s3Storage() },
];

describe.each(implementations)('$name storage', ({ storage: make }) => {
  const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 0xff, 0xd9]);

  it('gives back what was put, and null for a key never put', async () => {
    const storage = make();
    await storage.put('photos/2026/12/1.jpg', bytes, 'image/jpeg');
    expect(await storage.get('photos/2026/12/1.jpg')).toEqual(bytes);
    expect(await storage.get('photos/2026/12/404.jpg')).toBeNull();
  });

  it('hands the console a way to the bytes', async () => {
    const storage = make();
    await storage.put('photos/2026/12/2.thumb.webp', bytes, 'image/webp');
    expect(await readHandle(storage, 'photos/2026/12/2.thumb.webp')).toEqual(bytes);
  });

  it('deletes, and deleting what is not there is no error', async () => {
    const storage = make();
    await storage.put('received/whatsapp-web/abc', bytes, 'image/jpeg');
    await storage.delete('received/whatsapp-web/abc');
    expect(await storage.get('received/whatsapp-web/abc')).toBeNull();
    await expect(storage.delete('received/whatsapp-web/abc')).resolves.toBeUndefined();
  });

  it.each(['../outside.jpg', 'photos/../../outside.jpg', '/etc/passwd', ''])('refuses the key %j', async (key) => {
    await expect(make().put(key, bytes, 'image/jpeg')).rejects.toThrow('invalid media key');
  });
});

describe('S3 storage at the HTTP boundary', () => {
  it('sends the content type and signs with the configured access key', async () => {
    await s3Storage().put('photos/2026/12/3.png', Buffer.from('png bytes'), 'image/png');
    expect(s3.objects.get('photos/2026/12/3.png')?.contentType).toBe('image/png');
    const put = s3.requests.filter((r) => r.method === 'PUT' && r.key === 'photos/2026/12/3.png');
    expect(put).toEqual([{ method: 'PUT', key: 'photos/2026/12/3.png', status: 200, auth: 'header' }]);
  });

  it('reports a refused request as an error, not as a missing object', async () => {
    await expect(s3Storage('someone-else').get('photos/2026/12/3.png')).rejects.toThrow();
  });
});

describe('choosing the storage from configuration', () => {
  it('is local disk under DATA_DIR/media by default, S3 when an endpoint is configured', () => {
    expect(createMediaStorage(parseConfig({ DATA_DIR: dir })).kind).toBe('local');
    const config = parseConfig({
      MEDIA_S3_ENDPOINT: s3.endpoint,
      MEDIA_S3_BUCKET: s3.bucket,
      MEDIA_S3_ACCESS_KEY: s3.accessKey,
      MEDIA_S3_SECRET_KEY: s3.secretKey,
    });
    expect(config).toMatchObject({ MEDIA_S3_REGION: 'us-east-1', MEDIA_S3_PATH_STYLE: true });
    expect(createMediaStorage(config).kind).toBe('s3');
  });

  it('refuses an S3 endpoint without bucket and keys', () => {
    expect(() => parseConfig({ MEDIA_S3_ENDPOINT: s3.endpoint })).toThrow(/MEDIA_S3_BUCKET, MEDIA_S3_ACCESS_KEY and MEDIA_S3_SECRET_KEY/);
  });
});
