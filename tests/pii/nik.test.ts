/**
 * Sealed NIKs name their key: what the current key seals, earlier keys open, the first format
 * (no key id) still opens under whichever configured key sealed it, and a value under a key that
 * is not configured says which key is missing. Hashes name their key too, and a look-up matches
 * every form a stored hash may have.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { hashV1, sealV1 } from '../support/legacy-nik.js';
import { decryptNik, encryptNik, hashNik, nikHashes, nikKeyId, nikKeyring, nikKeysOf, sealedKeyId, UnknownNikKeyError } from '../../src/pii/nik.js';

const NIK = '3273014101900001';
const key = (fill: number) => Buffer.alloc(32, fill);
const OLD = key(1);
const NEW = key(2);
const OLD_HASH = key(3);
const NEW_HASH = key(4);

describe('sealed NIKs with key ids', () => {
  const before = nikKeyring({ encryption: OLD, hash: OLD_HASH });
  const after = nikKeyring({ encryption: NEW, hash: NEW_HASH, previousEncryption: [OLD], previousHash: [OLD_HASH] });

  it('seals under the current key and names it', () => {
    const sealed = encryptNik(NIK, after);
    expect(sealed.startsWith(`v2.${nikKeyId(NEW)}.`)).toBe(true);
    expect(sealedKeyId(sealed)).toBe(nikKeyId(NEW));
    expect(sealed).not.toContain(NIK);
    expect(decryptNik(sealed, after)).toBe(NIK);
  });

  it('opens what an earlier key sealed, when that key is listed', () => {
    const sealed = encryptNik(NIK, before);
    expect(decryptNik(sealed, after)).toBe(NIK);
    expect(() => decryptNik(sealed, nikKeyring({ encryption: NEW, hash: NEW_HASH }))).toThrow(new UnknownNikKeyError(nikKeyId(OLD)));
  });

  it('opens the first format under whichever configured key sealed it', () => {
    const legacy = sealV1(NIK, OLD);
    expect(sealedKeyId(legacy)).toBe('legacy');
    expect(decryptNik(legacy, before)).toBe(NIK);
    expect(decryptNik(legacy, after)).toBe(NIK);
    expect(() => decryptNik(legacy, nikKeyring({ encryption: NEW, hash: NEW_HASH }))).toThrow(UnknownNikKeyError);
  });

  it('refuses a value whose key id was swapped (the header is authenticated)', () => {
    const sealed = encryptNik(NIK, before).split('.');
    const relabelled = nikKeyring({ encryption: OLD, hash: OLD_HASH, previousEncryption: [NEW] });
    sealed[1] = nikKeyId(NEW);
    expect(() => decryptNik(sealed.join('.'), relabelled)).toThrow();
    expect(() => decryptNik('v3.x.y.z', after)).toThrow('not a sealed NIK');
  });

  it('derives ids from the keys: stable, distinct, and no use for guessing the key', () => {
    expect(nikKeyId(OLD)).toBe(nikKeyId(Buffer.from(OLD)));
    expect(nikKeyId(OLD)).not.toBe(nikKeyId(NEW));
    expect(nikKeyId(OLD)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    // The current key listed again among the earlier ones, or twice, is harmless.
    expect(nikKeyring({ encryption: NEW, hash: NEW_HASH, previousEncryption: [NEW, OLD, OLD] }).previousEncryption.map((k) => k.id)).toEqual([nikKeyId(OLD)]);
  });

  it('hashes under the current hash key, and a look-up matches every stored form', () => {
    const current = hashNik(NIK, after);
    expect(current.startsWith(`${nikKeyId(NEW_HASH)}.`)).toBe(true);
    const bareOld = hashV1(NIK, OLD_HASH);
    const candidates = nikHashes(NIK, after);
    expect(candidates).toContain(current);
    expect(candidates).toContain(hashNik(NIK, before));
    expect(candidates).toContain(bareOld);
    expect(nikHashes('3273014101900002', after)).not.toContain(current);
  });
});

describe('configuration', () => {
  const base = { NODE_ENV: 'test', NIK_ENCRYPTION_KEY: NEW.toString('base64'), NIK_HASH_KEY: NEW_HASH.toString('base64') };

  it('reads earlier keys as a comma-separated list', () => {
    const config = parseConfig({ ...base, NIK_PREVIOUS_ENCRYPTION_KEYS: ` ${OLD.toString('base64')} , ${key(5).toString('base64')}`, NIK_PREVIOUS_HASH_KEYS: OLD_HASH.toString('base64') });
    const keys = nikKeysOf(config);
    expect(keys.previousEncryption.map((k) => k.id)).toEqual([nikKeyId(OLD), nikKeyId(key(5))]);
    expect(keys.previousHash.map((k) => k.id)).toEqual([nikKeyId(OLD_HASH)]);
    expect(nikKeysOf(parseConfig(base)).previousEncryption).toEqual([]);
  });

  it('refuses an earlier key that is not 32 bytes, naming the variable', () => {
    expect(() => parseConfig({ ...base, NIK_PREVIOUS_ENCRYPTION_KEYS: `${OLD.toString('base64')},c2hvcnQ=` })).toThrow(/NIK_PREVIOUS_ENCRYPTION_KEYS\.1: must be 32 bytes/);
  });
});
