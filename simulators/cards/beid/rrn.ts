import { createHash, sign, type KeyObject } from 'node:crypto';
import { ecdsaSignDigest, ecdsaSignatureToDer } from '../engine/index.js';
import { stripTrailingZeros } from './identity.js';

/**
 * The National Register's signature files (cards.md §1.5): 4032 signs the identity file as stored, 4034 signs
 * the address without its zero padding followed by 4032 as stored. With an EC RRN key (the test PKI's) the
 * signature is ECDSA-SHA-384 in DER, zero-padded to a fixed size, made with RFC 6979 nonces so a persona's
 * files are the same bytes on every card; with an RSA key it is SHA256withRSA.
 */
export const SIGNATURE_FILE_SIZE = 256;

export function rrnSignature(rrnKey: KeyObject, signed: Uint8Array): Buffer {
  if (rrnKey.asymmetricKeyType === 'rsa') return sign('sha256', signed, rrnKey);
  const digest = createHash('sha384').update(signed).digest();
  const der = ecdsaSignatureToDer(ecdsaSignDigest(rrnKey, digest, { rfc6979: 'sha384' }));
  return Buffer.concat([der, Buffer.alloc(SIGNATURE_FILE_SIZE - der.length)]);
}

export interface RrnSignatureFiles {
  readonly identitySignature: Buffer;
  readonly addressSignature: Buffer;
}

export function rrnSignatureFiles(rrnKey: KeyObject, identity: Uint8Array, address: Uint8Array): RrnSignatureFiles {
  const identitySignature = rrnSignature(rrnKey, identity);
  const addressSignature = rrnSignature(rrnKey, Buffer.concat([stripTrailingZeros(address), identitySignature]));
  return { identitySignature, addressSignature };
}
