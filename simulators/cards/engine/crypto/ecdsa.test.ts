import { createECDH, createHash, createPrivateKey, generateKeyPairSync, verify } from 'node:crypto';
import { toHex } from '../../../../connector/protocol/index.js';
import { describe, expect, it } from 'vitest';
import { ecdsaSignDigest, ecdsaSignatureToDer } from './ecdsa.js';

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

describe('deterministic nonces (RFC 6979)', () => {
  // RFC 6979 appendix A.2.5 / A.2.6, message "sample".
  const vectors = [
    {
      curve: 'prime256v1',
      hash: 'sha256',
      d: 'C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721',
      r: 'EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716',
      s: 'F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8',
    },
    {
      curve: 'secp384r1',
      hash: 'sha384',
      d: '6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D896D5724E4C70A825F872C9EA60D2EDF5',
      r: '94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C81A648152E44ACF96E36DD1E80FABE46',
      s: '99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94FA329C145786E679E7B82C71A38628AC8',
    },
  ] as const;

  it.each(vectors)('$curve with $hash gives the RFC 6979 signature', ({ curve, hash, d, r, s }) => {
    const ecdh = createECDH(curve);
    ecdh.setPrivateKey(Buffer.from(d, 'hex'));
    const point = ecdh.getPublicKey();
    const size = d.length / 2;
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
    const jwk = { kty: 'EC', crv: curve === 'prime256v1' ? 'P-256' : 'P-384', d: b64(Buffer.from(d, 'hex')), x: b64(point.subarray(1, 1 + size)), y: b64(point.subarray(1 + size)) };
    const key = createPrivateKey({ key: jwk, format: 'jwk' });
    const digest = createHash(hash).update('sample').digest();
    expect(toHex(ecdsaSignDigest(key, digest, { rfc6979: hash }))).toBe(r + s);
  });

  it('is stable, and DER-encodes to what node:crypto verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const digest = createHash('sha384').update(message).digest();
    const a = ecdsaSignDigest(privateKey, digest, { rfc6979: 'sha384' });
    expect(ecdsaSignDigest(privateKey, digest, { rfc6979: 'sha384' })).toEqual(a);
    expect(ecdsaSignDigest(privateKey, digest)).not.toEqual(a);
    const der = ecdsaSignatureToDer(a);
    expect(der[0]).toBe(0x30);
    expect(der[1]).toBe(der.length - 2);
    expect(verify('sha384', message, publicKey, der)).toBe(true);
  });

  it('DER-encodes integers minimally, with a 00 before a high bit', () => {
    const r = Buffer.concat([Buffer.from([0x00, 0x00, 0x80]), Buffer.alloc(45, 0x11)]);
    const s = Buffer.concat([Buffer.from([0x01]), Buffer.alloc(47)]);
    const der = toHex(ecdsaSignatureToDer(Buffer.concat([r, s])));
    expect(der).toBe(`3063022F0080${'11'.repeat(45)}023001${'00'.repeat(47)}`);
  });
});
