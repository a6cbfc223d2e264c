/**
 * The hash functions a card signs digests of, with their lengths and the DER DigestInfo prefix of
 * RSASSA-PKCS1-v1_5 (RFC 8017 §9.2, note 1) where one exists.
 */
export type DigestName = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-384' | 'sha3-512';

export const DIGEST_LENGTH: Readonly<Record<DigestName, number>> = {
  md5: 16,
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  'sha3-256': 32,
  'sha3-384': 48,
  'sha3-512': 64,
};

const DIGEST_INFO_PREFIX: Readonly<Partial<Record<DigestName, string>>> = {
  md5: '3020300c06082a864886f70d020505000410',
  sha1: '3021300906052b0e03021a05000414',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/** DigestInfo ::= SEQUENCE { digestAlgorithm, digest OCTET STRING } for a digest of the right length. */
export function digestInfo(hash: DigestName, digest: Uint8Array): Buffer {
  const prefix = DIGEST_INFO_PREFIX[hash];
  if (prefix === undefined) throw new RangeError(`no PKCS#1 DigestInfo for ${hash}`);
  if (digest.length !== DIGEST_LENGTH[hash]) throw new RangeError(`${hash} digests have ${DIGEST_LENGTH[hash]} bytes, got ${digest.length}`);
  return Buffer.concat([Buffer.from(prefix, 'hex'), digest]);
}
