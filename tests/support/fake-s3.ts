/**
 * A local fake of an S3-compatible object store (what MinIO answers), path-style, for tests: real
 * HTTP on 127.0.0.1, objects kept in memory, every request recorded. It serves PUT, GET, HEAD and
 * DELETE of objects in one bucket, answers errors in S3's XML, and requires SigV4 credentials
 * naming its access key (header or presigned query); it does not recompute signatures.
 *
 * @example
 *   const s3 = await startFakeS3();
 *   const storage = createS3Storage({ endpoint: s3.endpoint, bucket: s3.bucket, accessKey: s3.accessKey, … });
 *   await storage.put('a.jpg', bytes, 'image/jpeg');
 *   expect(s3.objects.get('a.jpg')?.contentType).toBe('image/jpeg');
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeS3Request {
  method: string;
  /** Object key, decoded; '' for the bucket itself. */
  key: string;
  status: number;
  /** How the request proved who it is: the SigV4 header or a presigned URL. */
  auth: 'header' | 'presigned' | 'none';
}

export interface FakeS3 {
  /** e.g. http://127.0.0.1:40123 */
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly objects: ReadonlyMap<string, { bytes: Buffer; contentType: string }>;
  readonly requests: readonly FakeS3Request[];
  close(): Promise<void>;
}

export async function startFakeS3(): Promise<FakeS3> {
  const bucket = 'kanal-media';
  const accessKey = 'kanal-test-access';
  const secretKey = 'kanal-test-secret-0123456789';
  const objects = new Map<string, { bytes: Buffer; contentType: string }>();
  const requests: FakeS3Request[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const [, bucketName = '', ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const credential = /Credential=([^/,]+)\//.exec(req.headers.authorization ?? '')?.[1];
      const presigned = url.searchParams.get('X-Amz-Credential')?.split('/')[0];
      const record: FakeS3Request = {
        method: req.method ?? '',
        key,
        status: 0,
        auth: credential !== undefined ? 'header' : presigned !== undefined ? 'presigned' : 'none',
      };
      requests.push(record);
      const answer = (status: number, body?: Buffer | string, headers: Record<string, string> = {}) => {
        record.status = status;
        send(res, status, body, headers);
      };
      if ((credential ?? presigned) !== accessKey) return answer(403, s3Error('AccessDenied', 'Access Denied.', key));
      if (bucketName !== bucket) return answer(404, s3Error('NoSuchBucket', 'The specified bucket does not exist', key));
      const found = objects.get(key);
      switch (req.method) {
        case 'PUT':
          objects.set(key, { bytes: Buffer.concat(chunks), contentType: req.headers['content-type'] ?? 'application/octet-stream' });
          return answer(200, undefined, { etag: `"${objects.size}"` });
        case 'GET':
        case 'HEAD':
          if (!found) return answer(404, req.method === 'GET' ? s3Error('NoSuchKey', 'The specified key does not exist.', key) : undefined);
          return answer(200, req.method === 'GET' ? found.bytes : undefined, {
            'content-type': found.contentType,
            'content-length': String(found.bytes.length),
          });
        case 'DELETE':
          objects.delete(key);
          return answer(204);
        default:
          return answer(405, s3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', key));
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKey,
    secretKey,
    objects,
    requests,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

function send(res: ServerResponse, status: number, body: Buffer | string | undefined, headers: Record<string, string>) {
  const type = typeof body === 'string' ? { 'content-type': 'application/xml' } : {};
  res.writeHead(status, { ...type, ...headers });
  res.end(body);
}

function s3Error(code: string, message: string, key: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Key>${key}</Key><RequestId>17E3F1C2A0B4D5E6</RequestId></Error>`;
}
