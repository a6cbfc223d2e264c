import { ConnectorError } from '../../errors/index.js';
import { digestInfo, type DigestAlgorithm } from '../crypto/digests.js';
import { BEID_ALG } from './apdu.js';
import type { BeidCardType } from './card-type.js';

export type Padding = 'pkcs1' | 'pss';

/** The MSE SET algorithm reference and the bytes PSO:CDS signs, for one card type and request. */
export interface SignatureRecipe {
  readonly algorithmRef: number;
  readonly dataToBeSigned: Buffer;
}

/**
 * RSA (1.7): PKCS#1 v1.5 through reference 01 with a full DigestInfo — what OpenSC and commons-eid send, for
 * every hash — or PSS through 10/20 (SHA-1/SHA-256 only). EC (1.8): ECDSA with the hash sent as it is.
 */
export function signatureRecipe(card: BeidCardType, digest: DigestAlgorithm, hash: Buffer, padding: Padding): SignatureRecipe {
  if (card.keyType === 'ec') {
    if (padding === 'pss') throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED', { message: 'PSS padding applies to RSA keys only' });
    const ref = { sha1: undefined, sha256: BEID_ALG.ECDSA_SHA256, sha384: BEID_ALG.ECDSA_SHA384, sha512: BEID_ALG.ECDSA_SHA512 }[digest.name];
    if (ref === undefined) throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED');
    return { algorithmRef: ref, dataToBeSigned: hash };
  }
  if (padding === 'pss') {
    const ref = digest.name === 'sha256' ? BEID_ALG.RSA_PSS_SHA256 : digest.name === 'sha1' ? BEID_ALG.RSA_PSS_SHA1 : undefined;
    if (ref === undefined) throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED', { message: 'this card signs PSS with SHA-256 only' });
    return { algorithmRef: ref, dataToBeSigned: hash };
  }
  return { algorithmRef: BEID_ALG.RSA_PKCS1, dataToBeSigned: digestInfo(digest, hash) };
}

/** The algorithm names `supported-algorithms` reports for a card type. */
export function supportedAlgorithms(card: BeidCardType): string[] {
  return card.keyType === 'ec' ? ['sha256', 'sha384', 'sha512'] : ['sha256', 'sha384', 'sha512', 'sha256-pss'];
}
