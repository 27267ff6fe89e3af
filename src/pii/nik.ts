/**
 * NIK at rest: AES-256-GCM ciphertext (random IV) for the rare case staff must see it, and an
 * HMAC-SHA256 keyed hash to find a citizen by NIK without decrypting anything. TOTP secrets are
 * sealed the same way. Validation rules live in nik-rules.ts, which the (pure) conversation
 * machines also use.
 *
 * Every sealed value and every hash names the key that made it, so keys can change: the current
 * key seals and hashes, earlier keys only read until `npm run nik:rotate` has moved every stored
 * value to the current one (see rotate.ts).
 *
 * @example
 *   const keys = nikKeyring({ encryption: current, hash: hashKey, previousEncryption: [old] });
 *   const sealed = encryptNik('3273014101900001', keys); // 'v2.<key id>.<iv>.<ciphertext>.<tag>'
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Config } from '../config.js';

/** A key and its id: the id is derived from the key, so it can neither be mistyped nor name two keys. */
export interface NikKey {
  id: string;
  key: Buffer;
}

export interface NikKeys {
  /** Seals every new value. */
  encryption: NikKey;
  /** Hashes every new value. */
  hash: NikKey;
  /** Earlier encryption keys: they open what they sealed until a rotation re-sealed it. */
  previousEncryption: NikKey[];
  /** Earlier hash keys: look-ups still find hashes they made until a rotation re-hashed them. */
  previousHash: NikKey[];
}

/** A value sealed under a key this process does not hold: configuration, not a corrupt row. */
export class UnknownNikKeyError extends Error {
  override name = 'UnknownNikKeyError';
  constructor(readonly keyId: string) {
    super(`sealed under NIK key ${keyId}, which is not configured (NIK_ENCRYPTION_KEY or NIK_PREVIOUS_ENCRYPTION_KEYS)`);
  }
}

/** The first format, one key and no id: any configured key may have sealed it. */
const LEGACY = 'v1';
const VERSION = 'v2';
const KEY_ID_LABEL = 'kanal-aduan nik key id';

/**
 * A key's id: 8 characters of an HMAC of a fixed label under the key (a key check value). It tells
 * keys apart without saying anything useful about them.
 */
export function nikKeyId(key: Buffer): string {
  return createHmac('sha256', key).update(KEY_ID_LABEL).digest('base64url').slice(0, 8);
}

function named(key: Buffer | string): NikKey {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  if (bytes.length !== 32) throw new Error('a NIK key must be 32 bytes');
  return { id: nikKeyId(bytes), key: bytes };
}

/** Earlier keys, without the current one and without repeats (a key listed twice is harmless). */
function earlier(current: NikKey, keys: readonly (Buffer | string)[]): NikKey[] {
  const out: NikKey[] = [];
  for (const key of keys.map(named)) if (key.id !== current.id && !out.some((k) => k.id === key.id)) out.push(key);
  return out;
}

/** Keys as configured (base64 strings or bytes) → a keyring with their ids. */
export function nikKeyring(keys: {
  encryption: Buffer | string;
  hash: Buffer | string;
  previousEncryption?: readonly (Buffer | string)[];
  previousHash?: readonly (Buffer | string)[];
}): NikKeys {
  const encryption = named(keys.encryption);
  const hash = named(keys.hash);
  return { encryption, hash, previousEncryption: earlier(encryption, keys.previousEncryption ?? []), previousHash: earlier(hash, keys.previousHash ?? []) };
}

/** The configured keys as a keyring; main.ts has already refused a start without them. */
export function nikKeysOf(config: Pick<Config, 'NIK_ENCRYPTION_KEY' | 'NIK_HASH_KEY' | 'NIK_PREVIOUS_ENCRYPTION_KEYS' | 'NIK_PREVIOUS_HASH_KEYS'>): NikKeys {
  const required = (value: string | undefined, name: string) => {
    if (!value) throw new Error(`${name} is required (32 bytes, base64: openssl rand -base64 32)`);
    return value;
  };
  return nikKeyring({
    encryption: required(config.NIK_ENCRYPTION_KEY, 'NIK_ENCRYPTION_KEY'),
    hash: required(config.NIK_HASH_KEY, 'NIK_HASH_KEY'),
    previousEncryption: config.NIK_PREVIOUS_ENCRYPTION_KEYS,
    previousHash: config.NIK_PREVIOUS_HASH_KEYS,
  });
}

/** Which key sealed a value: its id, `legacy` for the first format, null for something else. */
export function sealedKeyId(sealed: string): string | 'legacy' | null {
  const parts = sealed.split('.');
  if (parts[0] === VERSION && parts.length === 5) return parts[1];
  if (parts[0] === LEGACY && parts.length === 4) return 'legacy';
  return null;
}

/** The prefix every value sealed under the current key starts with. */
export function currentSealPrefix(keys: NikKeys): string {
  return `${VERSION}.${keys.encryption.id}.`;
}

export function encryptNik(nik: string, keys: NikKeys): string {
  const { id, key } = keys.encryption;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // The header is authenticated: a value cannot be passed off as sealed under another key.
  cipher.setAAD(Buffer.from(`${VERSION}.${id}`));
  const ciphertext = Buffer.concat([cipher.update(nik, 'utf8'), cipher.final()]);
  return [VERSION, id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

function open(key: Buffer, iv: string, ciphertext: string, tag: string, aad: string | null): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  if (aad !== null) decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/**
 * Opens a sealed value under whichever configured key sealed it. A legacy value names no key: the
 * GCM tag tells which configured key is the right one, so each is tried.
 */
export function decryptNik(sealed: string, keys: NikKeys): string {
  const keyId = sealedKeyId(sealed);
  const parts = sealed.split('.');
  if (keyId === 'legacy') {
    const [, iv, ciphertext, tag] = parts;
    for (const { key } of [keys.encryption, ...keys.previousEncryption]) {
      try {
        return open(key, iv, ciphertext, tag, null);
      } catch {
        // Not this key: the tag did not match.
      }
    }
    throw new UnknownNikKeyError('legacy');
  }
  if (keyId === null) throw new Error('not a sealed NIK');
  const key = [keys.encryption, ...keys.previousEncryption].find((k) => k.id === keyId);
  if (!key) throw new UnknownNikKeyError(keyId);
  const [version, id, iv, ciphertext, tag] = parts;
  return open(key.key, iv, ciphertext, tag, `${version}.${id}`);
}

function hmac(nik: string, key: Buffer): string {
  return createHmac('sha256', key).update(nik).digest('base64url');
}

/** The hash stored for a NIK: `<hash key id>.<HMAC>` under the current hash key. */
export function hashNik(nik: string, keys: NikKeys): string {
  return `${keys.hash.id}.${hmac(nik, keys.hash.key)}`;
}

/**
 * Every stored hash this NIK may have: under the current and the earlier hash keys, with their id
 * and in the first, bare form. Look-ups match any, so a citizen is found before and after a
 * rotation re-hashed their row.
 */
export function nikHashes(nik: string, keys: NikKeys): string[] {
  return [keys.hash, ...keys.previousHash].flatMap(({ id, key }) => {
    const digest = hmac(nik, key);
    return [`${id}.${digest}`, digest];
  });
}

/** The prefix every hash under the current hash key starts with. */
export function currentHashPrefix(keys: NikKeys): string {
  return `${keys.hash.id}.`;
}
