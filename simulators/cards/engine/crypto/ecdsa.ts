import { createECDH, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';

/**
 * ECDSA over a host-computed digest, as a card signs: node:crypto's sign() insists on hashing, so the
 * point multiplication k·G is done by node:crypto's ECDH and the rest (FIPS 186-4 §6.4) with BigInt.
 */
interface Curve {
  /** OpenSSL name, as KeyObject details and createECDH use it. */
  readonly name: string;
  /** JWK / WebCrypto name. */
  readonly jwk: string;
  readonly n: bigint;
  readonly bits: number;
}

const CURVES: readonly Curve[] = [
  { name: 'prime256v1', jwk: 'P-256', bits: 256, n: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551') },
  {
    name: 'secp384r1',
    jwk: 'P-384',
    bits: 384,
    n: BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
  },
  {
    name: 'secp521r1',
    jwk: 'P-521',
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

/** Signs `digest` (any length; longer ones are cut to the order's bit length) and returns r‖s. */
export function ecdsaSignDigest(key: KeyObject, digest: Uint8Array): Buffer {
  const curve = curveOf(key);
  const size = scalarBytes(curve);
  const d = toBigInt(Buffer.from(String(key.export({ format: 'jwk' }).d), 'base64url'));
  const e = truncate(digest, curve.bits);
  for (;;) {
    const k = randomScalar(curve);
    const ecdh = createECDH(curve.name);
    ecdh.setPrivateKey(toBytes(k, size));
    const x = toBigInt(ecdh.getPublicKey().subarray(1, 1 + size));
    const r = x % curve.n;
    if (r === 0n) continue;
    const s = (modPow(k, curve.n - 2n, curve.n) * ((e + r * d) % curve.n)) % curve.n;
    if (s === 0n) continue;
    return Buffer.concat([toBytes(r, size), toBytes(s, size)]);
  }
}

/** An EC private key from a scalar (1 ≤ d < n), with its public point computed. */
export function ecPrivateKeyFromScalar(curveName: 'P-256' | 'P-384' | 'P-521', scalar: bigint): KeyObject {
  const curve = CURVES.find((c) => c.jwk === curveName)!;
  const size = scalarBytes(curve);
  if (scalar < 1n || scalar >= curve.n) throw new RangeError('scalar out of range');
  const ecdh = createECDH(curve.name);
  ecdh.setPrivateKey(toBytes(scalar, size));
  const point = ecdh.getPublicKey();
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
  return createPrivateKey({
    key: { kty: 'EC', crv: curve.jwk, d: b64(toBytes(scalar, size)), x: b64(point.subarray(1, 1 + size)), y: b64(point.subarray(1 + size)) },
    format: 'jwk',
  });
}

/** The order n of a named curve, for callers deriving scalars. */
export function curveOrder(curveName: 'P-256' | 'P-384' | 'P-521'): bigint {
  return CURVES.find((c) => c.jwk === curveName)!.n;
}

function truncate(digest: Uint8Array, bits: number): bigint {
  const e = toBigInt(digest);
  const excess = digest.length * 8 - bits;
  return excess > 0 ? e >> BigInt(excess) : e;
}

function randomScalar(curve: Curve): bigint {
  const size = scalarBytes(curve);
  const topBits = curve.bits % 8;
  for (;;) {
    const bytes = randomBytes(size);
    if (topBits !== 0) bytes[0] = bytes[0]! & ((1 << topBits) - 1);
    const k = toBigInt(bytes);
    if (k > 0n && k < curve.n) return k;
  }
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
