import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh random secret (API keys, credentials, the admin key): 256 bits, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The lookup form of a secret: its SHA-256, so maps never compare secrets byte by byte. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with the expected one (through their digests). */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(expected).digest());
}
