import { createHash } from 'node:crypto';
import { ConnectorError } from '../../errors/index.js';
import { SIGNING_DIGESTS, digestInfo, type DigestAlgorithm, type SigningDigest } from '../crypto/digests.js';
import { CKG, CKM } from './ck.js';

export type KeyType = 'rsa' | 'ec';
export type Padding = 'pkcs1' | 'pss';

/** What the caller sends: a digest (`sign`, `authenticate`) or the data itself (`sign_raw`). */
export type SignInput = { readonly kind: 'digest'; readonly hash: Buffer } | { readonly kind: 'raw'; readonly data: Buffer };

export interface PssParameters {
  readonly hashAlg: number;
  readonly mgf: number;
  readonly saltLen: number;
}

/** The mechanism to sign with and the bytes C_Sign gets. */
export interface SignRecipe {
  readonly mechanism: number;
  readonly pss: PssParameters | null;
  readonly data: Buffer;
  /** The token hashed the data itself (a combined mechanism such as CKM_SHA256_RSA_PKCS). */
  readonly hashedByToken: boolean;
}

type PerDigest = Readonly<Record<SigningDigest, number>>;

/** Mechanisms that hash and sign in one step, per key type and padding. EC has no PSS. */
const COMBINED: Readonly<Record<KeyType, Partial<Record<Padding, PerDigest>>>> = {
  rsa: {
    pkcs1: { sha256: CKM.SHA256_RSA_PKCS, sha384: CKM.SHA384_RSA_PKCS, sha512: CKM.SHA512_RSA_PKCS },
    pss: { sha256: CKM.SHA256_RSA_PKCS_PSS, sha384: CKM.SHA384_RSA_PKCS_PSS, sha512: CKM.SHA512_RSA_PKCS_PSS },
  },
  ec: { pkcs1: { sha256: CKM.ECDSA_SHA256, sha384: CKM.ECDSA_SHA384, sha512: CKM.ECDSA_SHA512 } },
};

/** Mechanisms that sign a hash the connector computed. */
const ON_HASH: Readonly<Record<KeyType, Partial<Record<Padding, number>>>> = {
  rsa: { pkcs1: CKM.RSA_PKCS, pss: CKM.RSA_PKCS_PSS },
  ec: { pkcs1: CKM.ECDSA },
};

/** PSS with MGF1 of the same hash and a salt as long as the hash (what WebCrypto and node:crypto verify by default). */
const PSS: Readonly<Record<SigningDigest, PssParameters>> = {
  sha256: { hashAlg: CKM.SHA256, mgf: CKG.MGF1_SHA256, saltLen: 32 },
  sha384: { hashAlg: CKM.SHA384, mgf: CKG.MGF1_SHA384, saltLen: 48 },
  sha512: { hashAlg: CKM.SHA512, mgf: CKG.MGF1_SHA512, saltLen: 64 },
};

function signingName(digest: DigestAlgorithm): SigningDigest {
  if (!(SIGNING_DIGESTS as readonly string[]).includes(digest.name)) throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED');
  return digest.name as SigningDigest;
}

/**
 * Chooses how to sign (or verify) on this token, from its real mechanism list (those with CKF_SIGN, or CKF_VERIFY): raw data goes to a
 * combined mechanism when the token has one; otherwise — and always for a digest — the connector hashes and the
 * token signs the hash: CKM_RSA_PKCS over a DigestInfo, CKM_RSA_PKCS_PSS, or CKM_ECDSA (SoftHSM has no
 * CKM_ECDSA_SHA256, lab-recipe.md). ECDSA answers r‖s, which is what the API returns.
 */
export function signRecipe(keyType: KeyType, digest: DigestAlgorithm, padding: Padding, input: SignInput, mechanisms: ReadonlySet<number>): SignRecipe {
  const name = signingName(digest);
  if (keyType === 'ec' && padding === 'pss') throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED', { message: 'PSS padding applies to RSA keys only' });
  const pss = padding === 'pss' ? PSS[name] : null;
  const combined = COMBINED[keyType][padding]?.[name];
  if (input.kind === 'raw' && combined !== undefined && mechanisms.has(combined)) {
    return { mechanism: combined, pss, data: input.data, hashedByToken: true };
  }
  const onHash = ON_HASH[keyType][padding];
  if (onHash === undefined || !mechanisms.has(onHash)) {
    throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED', { details: { algorithm: `${name}${padding === 'pss' ? '-pss' : ''}`, keyType } });
  }
  const hash = input.kind === 'digest' ? input.hash : createHash(digest.nodeName).update(input.data).digest();
  return { mechanism: onHash, pss, data: keyType === 'rsa' && padding === 'pkcs1' ? digestInfo(digest, hash) : hash, hashedByToken: false };
}

/**
 * The algorithm names `supported-algorithms` reports for a token: per key type on it, each digest the token can
 * sign with (on a connector-made hash or in one combined mechanism), and `-pss` variants for RSA.
 */
export function supportedAlgorithms(keyTypes: ReadonlySet<KeyType>, signMechanisms: ReadonlySet<number>): string[] {
  const out: string[] = [];
  for (const padding of ['pkcs1', 'pss'] as const) {
    for (const name of SIGNING_DIGESTS) {
      const possible = [...keyTypes].some((keyType) => {
        const onHash = ON_HASH[keyType][padding];
        const combined = COMBINED[keyType][padding]?.[name];
        return (onHash !== undefined && signMechanisms.has(onHash)) || (combined !== undefined && signMechanisms.has(combined));
      });
      if (possible) out.push(padding === 'pss' ? `${name}-pss` : name);
    }
  }
  return out;
}

