import { constants, createHash, createHmac, privateDecrypt, type KeyObject } from 'node:crypto';

/**
 * RSAES-PKCS1-v1_5 decryption with implicit rejection (the method of draft-irtf-cfrg-rsa-guidance and
 * OpenSSL 3.2): a ciphertext whose padding is wrong does not fail — it decrypts to a pseudo-random message
 * derived from the ciphertext and the key, so callers take the same path for it as for a real message
 * (Marvin-attack defence). Node 20 refuses RSA_PKCS1_PADDING in privateDecrypt (CVE-2023-46809), so this
 * takes the raw RSA primitive (RSA_NO_PADDING) and removes the padding in code that does not branch on
 * secret bytes.
 */
export interface Pkcs1Decryptor {
  readonly modulusBytes: number;
  /** Always returns a message (the real one or the synthetic one); the caller zeroes it after use. */
  decrypt(ciphertext: Buffer): Buffer;
}

const MIN_PADDING = 8;

export function createPkcs1Decryptor(privateKey: KeyObject): Pkcs1Decryptor {
  const jwk = privateKey.export({ format: 'jwk' });
  if (privateKey.asymmetricKeyType !== 'rsa' || typeof jwk.d !== 'string' || typeof jwk.n !== 'string') {
    throw new Error('PKCS#1 v1.5 decryption needs an RSA private key');
  }
  const modulus = Buffer.from(jwk.n, 'base64url');
  const k = modulus.length;
  // The method keys its HMAC with the private exponent d (k bytes, big-endian). HMAC-SHA256 first hashes a key
  // longer than its 64-byte block, so keeping SHA-256(d) gives the same HMAC without holding on to d.
  const exponent = Buffer.from(jwk.d, 'base64url');
  const d = Buffer.alloc(k);
  exponent.copy(d, k - exponent.length);
  const secret = createHash('sha256').update(d).digest();
  d.fill(0);
  exponent.fill(0);

  return {
    modulusBytes: k,
    decrypt(ciphertext: Buffer): Buffer {
      if (ciphertext.length !== k) throw new Error(`an RSA ciphertext for this key has ${k} bytes`);
      // A value ≥ n is no ciphertext (n is public, so this check leaks nothing); the all-zero block fails the
      // padding check below and the caller gets the synthetic message, as for any other bad ciphertext.
      const em = Buffer.compare(ciphertext, modulus) < 0 ? privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext) : Buffer.alloc(k);
      try {
        return unpad(em, syntheticMessage(secret, ciphertext, k));
      } finally {
        em.fill(0);
      }
    },
  };
}

/** PRF of the implicit-rejection method: HMAC-SHA256 in counter mode, `bits` output bits. */
function prf(key: Buffer, label: string, bits: number): Buffer {
  const blocks: Buffer[] = [];
  const bitsField = Buffer.alloc(2);
  bitsField.writeUInt16BE(bits);
  for (let i = 0; blocks.length * 32 * 8 < bits; i += 1) {
    const counter = Buffer.alloc(2);
    counter.writeUInt16BE(i);
    blocks.push(createHmac('sha256', key).update(counter).update(label, 'latin1').update(bitsField).digest());
  }
  return Buffer.concat(blocks).subarray(0, bits / 8);
}

interface Synthetic {
  readonly message: Buffer;
  readonly length: number;
}

/** The deterministic stand-in message for a ciphertext whose padding is invalid. */
function syntheticMessage(secret: Buffer, ciphertext: Buffer, k: number): Synthetic {
  const kdk = createHmac('sha256', secret).update(ciphertext).digest();
  const message = prf(kdk, 'message', k * 8);
  const candidates = prf(kdk, 'length', 128 * 16);
  const maxLength = k - 2 - 1 - MIN_PADDING;
  let mask = 1;
  while (mask < maxLength) mask = (mask << 1) | 1;
  let length = 0;
  for (let i = 0; i < 128; i += 1) {
    const candidate = candidates.readUInt16BE(i * 2) & mask;
    const fits = ctLessThan(candidate, maxLength + 1);
    length = ctSelect(fits, candidate, length);
  }
  return { message, length };
}

/** 1 when a < b, else 0, for non-negative 16-bit values, without a data-dependent branch. */
function ctLessThan(a: number, b: number): number {
  return ((a - b) >>> 31) & 1;
}

function ctSelect(bit: number, ifOne: number, ifZero: number): number {
  const m = -bit; // all ones or zero
  return (ifOne & m) | (ifZero & ~m);
}

function ctIsZero(x: number): number {
  return ((x | -x) >>> 31) ^ 1;
}

/** Checks `00 02 PS(≥8 non-zero) 00 M` over the whole block and returns M or the synthetic message. */
function unpad(em: Buffer, synthetic: Synthetic): Buffer {
  const k = em.length;
  let good = ctIsZero(em[0]!) & ctIsZero(em[1]! ^ 0x02);
  let found = 0;
  let separator = 0;
  for (let i = 2; i < k; i += 1) {
    const isZero = ctIsZero(em[i]!);
    separator = ctSelect(isZero & (found ^ 1), i, separator);
    found |= isZero;
  }
  good &= found;
  good &= ctLessThan(2 + MIN_PADDING - 1, separator); // separator ≥ 10: at least 8 padding bytes
  const realLength = k - separator - 1;
  const length = ctSelect(good, realLength, synthetic.length);
  const block = Buffer.alloc(k);
  for (let i = 0; i < k; i += 1) block[i] = ctSelect(good, em[i]!, synthetic.message[i]!);
  const out = Buffer.from(block.subarray(k - length));
  block.fill(0);
  return out;
}
