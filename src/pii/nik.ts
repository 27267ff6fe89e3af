/**
 * NIK at rest: AES-256-GCM ciphertext (random IV) for the rare case staff must see it, and an
 * HMAC-SHA256 keyed hash to find a citizen by NIK without decrypting anything.
 * Validation rules live in nik-rules.ts, which the (pure) conversation machines also use.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export interface NikKeys {
  encryptionKey: Buffer;
  hashKey: Buffer;
}

const VERSION = 'v1';

export function encryptNik(nik: string, keys: NikKeys): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(nik, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function decryptNik(sealed: string, keys: NikKeys): string {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag) throw new Error('not a sealed NIK');
  const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

export function hashNik(nik: string, keys: NikKeys): string {
  return createHmac('sha256', keys.hashKey).update(nik).digest('base64url');
}
