import { createECDH, createHmac, randomBytes, type KeyObject } from 'node:crypto';
import { encodeBerTlv } from '../../../../connector/protocol/index.js';

/**
 * ECDSA over a host-computed digest, as a card signs: node:crypto's sign() insists on hashing, so the
 * point multiplication k·G is done by node:crypto's ECDH and the rest (FIPS 186-4 §6.4) with BigInt.
 */
interface Curve {
  /** OpenSSL name, as KeyObject details and createECDH use it. */
  readonly name: string;
  readonly n: bigint;
  readonly bits: number;
}

const CURVES: readonly Curve[] = [
  { name: 'prime256v1', bits: 256, n: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') },
  {
    name: 'secp384r1',
    bits: 384,
    n: BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
  },
  {
    name: 'secp521r1',
    bits: 521,
    n: BigInt(
      '0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    ),
  },
];

export function curveOf(key: KeyObject): Curve {
  const name = key.asymmetricKeyDetails?.namedCurve;
  const curve = CURVES.find((c) => c.name === name);
  if (key.asymmetricKeyType !== 'ec' || !curve) throw new TypeError(`not an EC key on P-256/384/521 (${name ?? key.asymmetricKeyType})`);
  return curve;
}

/** Bytes of one coordinate or scalar: 32, 48 or 66. */
export function scalarBytes(curve: Curve): number {
  return Math.ceil(curve.bits / 8);
}

/**
 * How k is chosen: fresh random bytes (what a card does), or RFC 6979 deterministic k with HMAC over the named
 * hash, so files signed once per persona (the RRN signatures) come out byte-identical every time.
 */
export type EcdsaNonce = 'random' | { readonly rfc6979: 'sha256' | 'sha384' | 'sha512' };

/** Signs `digest` (any length; longer ones are cut to the order's bit length) and returns r‖s. */
export function ecdsaSignDigest(key: KeyObject, digest: Uint8Array, nonce: EcdsaNonce = 'random'): Buffer {
  const curve = curveOf(key);
  const size = scalarBytes(curve);
  const d = toBigInt(Buffer.from(String(key.export({ format: 'jwk' }).d), 'base64url'));
  const e = truncate(digest, curve.bits);
  const nonces = nonce === 'random' ? randomScalars(curve) : rfc6979Scalars(curve, d, e, nonce.rfc6979);
  for (const k of nonces) {
    const ecdh = createECDH(curve.name);
    ecdh.setPrivateKey(toBytes(k, size));
    const x = toBigInt(ecdh.getPublicKey().subarray(1, 1 + size));
    const r = x % curve.n;
    if (r === 0n) continue;
    const s = (modPow(k, curve.n - 2n, curve.n) * ((e + r * d) % curve.n)) % curve.n;
    if (s === 0n) continue;
    return Buffer.concat([toBytes(r, size), toBytes(s, size)]);
  }
  throw new Error('unreachable: nonce generators never end');
}

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (DER) from r‖s. */
export function ecdsaSignatureToDer(rs: Uint8Array): Buffer {
  const half = rs.length / 2;
  const integer = (bytes: Uint8Array): Buffer => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i += 1;
    const body = bytes.subarray(i);
    return encodeBerTlv(0x02, (body[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.alloc(1), body]) : body);
  };
  return encodeBerTlv(0x30, [integer(rs.subarray(0, half)), integer(rs.subarray(half))]);
}

function* randomScalars(curve: Curve): Generator<bigint> {
  const size = scalarBytes(curve);
  const topBits = curve.bits % 8;
  for (;;) {
    const bytes = randomBytes(size);
    if (topBits !== 0) bytes[0] = bytes[0]! & ((1 << topBits) - 1);
    const k = toBigInt(bytes);
    if (k > 0n && k < curve.n) yield k;
  }
}

/** RFC 6979 §3.2: k from HMAC-DRBG seeded with the private key and the (reduced) digest. */
function* rfc6979Scalars(curve: Curve, d: bigint, e: bigint, hash: string): Generator<bigint> {
  const size = scalarBytes(curve);
  const mac = (key: Buffer, ...parts: Uint8Array[]): Buffer => {
    const h = createHmac(hash, key);
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const hLen = createHmac(hash, '').digest().length;
  let v: Buffer = Buffer.alloc(hLen, 0x01);
  let k: Buffer = Buffer.alloc(hLen, 0x00);
  const seed = [toBytes(d, size), toBytes(e % curve.n, size)];
  k = mac(k, v, Buffer.from([0x00]), ...seed);
  v = mac(k, v);
  k = mac(k, v, Buffer.from([0x01]), ...seed);
  v = mac(k, v);
  for (;;) {
    const t: Buffer[] = [];
    for (let have = 0; have < size; have += hLen) {
      v = mac(k, v);
      t.push(v);
    }
    const candidate = truncate(Buffer.concat(t).subarray(0, size), curve.bits);
    if (candidate > 0n && candidate < curve.n) yield candidate;
    k = mac(k, v, Buffer.from([0x00]));
    v = mac(k, v);
  }
}

function truncate(digest: Uint8Array, bits: number): bigint {
  const e = toBigInt(digest);
  const excess = digest.length * 8 - bits;
  return excess > 0 ? e >> BigInt(excess) : e;
}

export function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function toBytes(value: bigint, size: number): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}
