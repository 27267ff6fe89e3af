/** Values as the code before key ids stored them, for tests that read or rotate them. */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';

/** The first sealed format: `v1.iv.ciphertext.tag`, one key, no key id, no AAD. */
export function sealV1(nik: string, encryptionKey: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(nik, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The first hash format: the bare HMAC, no key id. */
export function hashV1(nik: string, hashKey: Buffer): string {
  return createHmac('sha256', hashKey).update(nik).digest('base64url');
}
