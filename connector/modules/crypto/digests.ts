import { ConnectorError } from '../../errors/index.js';

/**
 * The digest algorithms the signing API accepts, named once: wire name, length and the DER DigestInfo
 * prefix that PKCS#1 v1.5 signatures wrap around the hash (RFC 8017 §9.2 note 1).
 */
export interface DigestAlgorithm {
  readonly name: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  readonly nodeName: string;
  readonly length: number;
  readonly digestInfoPrefix: Buffer;
}

export const DIGESTS: Readonly<Record<DigestAlgorithm['name'], DigestAlgorithm>> = {
  sha1: { name: 'sha1', nodeName: 'sha1', length: 20, digestInfoPrefix: Buffer.from('3021300906052b0e03021a05000414', 'hex') },
  sha256: { name: 'sha256', nodeName: 'sha256', length: 32, digestInfoPrefix: Buffer.from('3031300d060960864801650304020105000420', 'hex') },
  sha384: { name: 'sha384', nodeName: 'sha384', length: 48, digestInfoPrefix: Buffer.from('3041300d060960864801650304020205000430', 'hex') },
  sha512: { name: 'sha512', nodeName: 'sha512', length: 64, digestInfoPrefix: Buffer.from('3051300d060960864801650304020305000440', 'hex') },
};

/** What the API offers for signing (SHA-1 stays internal: no new signatures with it). */
export const SIGNING_DIGESTS = ['sha256', 'sha384', 'sha512'] as const;
export type SigningDigest = (typeof SIGNING_DIGESTS)[number];

/** Resolves the API's `algorithm` (case-insensitive, e.g. "SHA256" or "sha-256") once, at the edge. */
export function signingDigest(algorithm: string): DigestAlgorithm {
  const key = algorithm.toLowerCase().replace('-', '');
  if ((SIGNING_DIGESTS as readonly string[]).includes(key)) return DIGESTS[key as SigningDigest];
  throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED', { details: { algorithm: algorithm.slice(0, 32) } });
}

/** Decodes a base64 digest and checks its length against the algorithm. */
export function digestFromBase64(data: string, digest: DigestAlgorithm): Buffer {
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(data) ? Buffer.from(data, 'base64') : Buffer.alloc(0);
  if (bytes.length !== digest.length) throw new ConnectorError('ERR_DIGEST_INVALID', { details: { expectedBytes: digest.length } });
  return bytes;
}

export function digestInfo(digest: DigestAlgorithm, hash: Uint8Array): Buffer {
  return Buffer.concat([digest.digestInfoPrefix, hash]);
}
