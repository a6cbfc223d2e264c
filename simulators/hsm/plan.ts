/**
 * The tokens a lab provisions: one per key algorithm, each holding an authentication and a non-repudiation
 * key pair with certificates from the test PKI (citizen CA), as a card would. CKA_IDs 02 and 03 are the BeID's
 * key ids. PINs are test material (they are in the lab state on purpose); each token has its own, so a PIN that
 * crossed to the wrong token would fail.
 */
export type HsmKeyAlgorithm = 'rsa-2048' | 'ec-p256' | 'ec-p384';
export type HsmKeyRole = 'authentication' | 'nonRepudiation';

export interface HsmTokenPlan {
  readonly label: string;
  readonly pin: string;
  readonly soPin: string;
  readonly algorithm: HsmKeyAlgorithm;
}

export interface HsmKeyPlan {
  readonly role: HsmKeyRole;
  /** CKA_ID, hex. */
  readonly id: string;
  readonly label: string;
  /** CKA_ALWAYS_AUTHENTICATE: the PIN again for every signature (a qualified signing key's rule). */
  readonly alwaysAuthenticate: boolean;
}

export const LAB_TOKENS: readonly HsmTokenPlan[] = [
  { label: 't1c-lab RSA-2048', pin: '111111', soPin: '11223344', algorithm: 'rsa-2048' },
  { label: 't1c-lab EC P-256', pin: '222222', soPin: '22334455', algorithm: 'ec-p256' },
  { label: 't1c-lab EC P-384', pin: '333333', soPin: '33445566', algorithm: 'ec-p384' },
];

export const TOKEN_KEYS: readonly HsmKeyPlan[] = [
  { role: 'authentication', id: '02', label: 'Authentication', alwaysAuthenticate: false },
  { role: 'nonRepudiation', id: '03', label: 'Signature', alwaysAuthenticate: true },
];

/** DER of the named-curve OIDs (CKA_EC_PARAMS): prime256v1 and secp384r1. */
export const EC_CURVES = {
  'ec-p256': { params: Buffer.from('06082a8648ce3d030107', 'hex'), jwkCurve: 'P-256' },
  'ec-p384': { params: Buffer.from('06052b81040022', 'hex'), jwkCurve: 'P-384' },
} as const;
