import { constants, createHash, generateKeyPairSync, publicDecrypt, randomBytes, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestInfo, type DigestName } from './digest-info.js';
import { rsaPkcs1Capacity, rsaPkcs1Sign, rsaPssSignDigest } from './rsa.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const message = Buffer.from('t1c-lab signs this');

describe('PKCS#1 v1.5 over a DigestInfo', () => {
  it.each<DigestName>(['md5', 'sha1', 'sha256', 'sha384', 'sha512'])('%s: node:crypto verifies the card-made signature', (hash) => {
    const digest = createHash(hash).update(message).digest();
    const signature = rsaPkcs1Sign(privateKey, digestInfo(hash, digest));
    expect(signature).toHaveLength(256);
    expect(verify(hash, message, publicKey, signature)).toBe(true);
  });

  it('builds the same DigestInfo node:crypto puts in its own signatures', () => {
    for (const hash of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      const reference = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sign(hash, message, privateKey));
      expect(digestInfo(hash, createHash(hash).update(message).digest())).toEqual(reference);
    }
  });

  it('refuses digests of the wrong length and hashes without a DigestInfo', () => {
    expect(() => digestInfo('sha256', randomBytes(20))).toThrow(RangeError);
    expect(() => digestInfo('sha3-256', randomBytes(32))).toThrow(RangeError);
  });

  it('carries at most modulus bytes − 11', () => {
    expect(rsaPkcs1Capacity(privateKey)).toBe(245);
    expect(() => rsaPkcs1Sign(privateKey, randomBytes(246))).toThrow();
  });
});

describe('PSS over a digest', () => {
  it.each<[DigestName, number]>([
    ['sha1', 20],
    ['sha256', 32],
    ['sha384', 48],
    ['sha512', 64],
  ])('%s with salt %i verifies with node:crypto', (hash, salt) => {
    const digest = createHash(hash).update(message).digest();
    const signature = rsaPssSignDigest(privateKey, hash, digest);
    const key = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: salt };
    expect(verify(hash, message, key, signature)).toBe(true);
    expect(verify(hash, Buffer.from('something else'), key, signature)).toBe(false);
  });

  it('works for a modulus whose bit length is 1 mod 8', () => {
    const odd = generateKeyPairSync('rsa', { modulusLength: 1025 });
    const digest = createHash('sha256').update(message).digest();
    const signature = rsaPssSignDigest(odd.privateKey, 'sha256', digest);
    expect(verify('sha256', message, { key: odd.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)).toBe(true);
  });
});
