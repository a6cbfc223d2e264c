import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { curveOrder, ecPrivateKeyFromScalar, ecdsaSignDigest } from './ecdsa.js';

const message = Buffer.from('t1c-lab signs this');
const curves = [
  ['prime256v1', 32],
  ['secp384r1', 48],
  ['secp521r1', 66],
] as const;

describe('ECDSA over a digest', () => {
  it.each(curves)('%s: r‖s that node:crypto verifies (IEEE P1363)', (namedCurve, size) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    for (const hash of ['sha256', 'sha384', 'sha512', 'sha3-256', 'sha1'] as const) {
      const digest = createHash(hash).update(message).digest();
      const signature = ecdsaSignDigest(privateKey, digest);
      expect(signature).toHaveLength(2 * size);
      expect(verify(hash, message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
      expect(verify(hash, Buffer.from('other'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(false);
    }
  });

  it('refuses RSA keys', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => ecdsaSignDigest(privateKey, Buffer.alloc(32))).toThrow(TypeError);
  });
});

describe('EC keys from a scalar', () => {
  it('gives a key whose signatures verify and whose scalar is the one asked for', () => {
    const key = ecPrivateKeyFromScalar('P-384', 123456789n);
    expect(Buffer.from(String(key.export({ format: 'jwk' }).d), 'base64url').readUInt32BE(44)).toBe(123456789);
    const digest = createHash('sha384').update(message).digest();
    const publicKey = createPublicKey(key);
    expect(verify('sha384', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, ecdsaSignDigest(key, digest))).toBe(true);
  });

  it('refuses 0 and n', () => {
    expect(() => ecPrivateKeyFromScalar('P-384', 0n)).toThrow(RangeError);
    expect(() => ecPrivateKeyFromScalar('P-384', curveOrder('P-384'))).toThrow(RangeError);
  });
});
