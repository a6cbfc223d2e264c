import { createPublicKey, type KeyObject } from 'node:crypto';
import type * as Pkcs11Module from 'pkcs11js';
import type { PKCS11, Template } from 'pkcs11js';
import { decodeBerTlv } from '../../connector/protocol/index.js';
import { EC_CURVES, type HsmKeyAlgorithm, type HsmKeyPlan } from './plan.js';

/** The pkcs11js module: the PKCS11 class and the CK* constants it exports. */
export type Pkcs11js = typeof Pkcs11Module;

/**
 * Generates a key pair on the token (C_GenerateKeyPair): the private half sensitive, never extractable, signing
 * only, linked to its public half and certificate by CKA_ID. Returns the public key as a node KeyObject.
 */
export function generateKeyPair(p: Pkcs11js, native: PKCS11, session: Buffer, algorithm: HsmKeyAlgorithm, key: HsmKeyPlan): KeyObject {
  const id = Buffer.from(key.id, 'hex');
  const common = [
    { type: p.CKA_TOKEN, value: true },
    { type: p.CKA_ID, value: id },
    { type: p.CKA_LABEL, value: key.label },
  ];
  const privateTemplate: Template = [
    ...common,
    { type: p.CKA_PRIVATE, value: true },
    { type: p.CKA_SENSITIVE, value: true },
    { type: p.CKA_EXTRACTABLE, value: false },
    { type: p.CKA_SIGN, value: true },
    { type: p.CKA_ALWAYS_AUTHENTICATE, value: key.alwaysAuthenticate },
  ];
  const publicTemplate: Template = [...common, { type: p.CKA_PRIVATE, value: false }, { type: p.CKA_VERIFY, value: true }];
  if (algorithm === 'rsa-2048') {
    const pair = native.C_GenerateKeyPair(
      session,
      { mechanism: p.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [...publicTemplate, { type: p.CKA_MODULUS_BITS, value: 2048 }, { type: p.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }],
      privateTemplate,
    );
    const [n, e] = native.C_GetAttributeValue(session, pair.publicKey, [{ type: p.CKA_MODULUS }, { type: p.CKA_PUBLIC_EXPONENT }]);
    return createPublicKey({ key: { kty: 'RSA', n: n!.value.toString('base64url'), e: e!.value.toString('base64url') }, format: 'jwk' });
  }
  const curve = EC_CURVES[algorithm];
  const pair = native.C_GenerateKeyPair(session, { mechanism: p.CKM_EC_KEY_PAIR_GEN }, [...publicTemplate, { type: p.CKA_EC_PARAMS, value: curve.params }], privateTemplate);
  const [point] = native.C_GetAttributeValue(session, pair.publicKey, [{ type: p.CKA_EC_POINT }]);
  return createPublicKey({ key: ecJwk(point!.value, curve.jwkCurve), format: 'jwk' });
}

/** CKA_EC_POINT is the uncompressed point (04 ‖ x ‖ y) wrapped in a DER OCTET STRING (SoftHSM, lab-recipe.md). */
export function ecJwk(ecPoint: Buffer, crv: 'P-256' | 'P-384'): { kty: 'EC'; crv: string; x: string; y: string } {
  const [octets] = decodeBerTlv(ecPoint);
  const point = octets && octets.tag === 0x04 ? Buffer.from(octets.value) : ecPoint;
  if (point[0] !== 0x04 || point.length % 2 !== 1) throw new Error('EC_POINT is not an uncompressed point');
  const size = (point.length - 1) / 2;
  return { kty: 'EC', crv, x: point.subarray(1, 1 + size).toString('base64url'), y: point.subarray(1 + size).toString('base64url') };
}
