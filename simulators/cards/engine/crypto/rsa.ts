import { constants, createHash, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { DIGEST_LENGTH, type DigestName } from './digest-info.js';

/**
 * RSA signatures the way a card makes them from what it is sent: the host hashes, the card pads and
 * applies the private key (node:crypto's sign() always hashes itself, so the padding is done here).
 */

/** RSASSA-PKCS1-v1_5 padding (block type 01) of whatever the card got, typically a DigestInfo. */
export function rsaPkcs1Sign(key: KeyObject, encoded: Uint8Array): Buffer {
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, encoded);
}

/** The most a PKCS#1 v1.5 block can carry for this key (modulus bytes − 11). */
export function rsaPkcs1Capacity(key: KeyObject): number {
  return modulusBytes(key) - 11;
}

/** RSASSA-PSS over a host-computed digest: EMSA-PSS (RFC 8017 §9.1.1) with MGF1 of the same hash. */
export function rsaPssSignDigest(key: KeyObject, hash: DigestName, digest: Uint8Array, saltLength = DIGEST_LENGTH[hash]): Buffer {
  const hLen = DIGEST_LENGTH[hash];
  if (digest.length !== hLen) throw new RangeError(`${hash} digests have ${hLen} bytes, got ${digest.length}`);
  const modBits = modulusBits(key);
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + saltLength + 2) throw new RangeError('key too small for this PSS hash and salt');
  const salt = randomBytes(saltLength);
  const h = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  const db = Buffer.alloc(emLen - hLen - 1);
  db[emLen - saltLength - hLen - 2] = 0x01;
  salt.copy(db, db.length - saltLength);
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i += 1) db[i] = db[i]! ^ mask[i]!;
  db[0] = db[0]! & (0xff >> (8 * emLen - emBits));
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  const k = modulusBytes(key);
  const block = Buffer.concat([Buffer.alloc(k - em.length), em]);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, block);
}

function mgf1(hash: DigestName, seed: Uint8Array, length: number): Buffer {
  const parts: Buffer[] = [];
  let have = 0;
  for (let counter = 0; have < length; counter += 1) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    parts.push(block);
    have += block.length;
  }
  return Buffer.concat(parts).subarray(0, length);
}

export function modulusBits(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits === undefined) throw new TypeError('not an RSA key');
  return bits;
}

function modulusBytes(key: KeyObject): number {
  return Math.ceil(modulusBits(key) / 8);
}
