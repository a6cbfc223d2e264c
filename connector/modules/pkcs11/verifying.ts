import { X509Certificate } from 'node:crypto';
import { ConnectorError } from '../../errors/index.js';
import { decodeBerTlv, encodeBerTlv } from '../../protocol/index.js';
import type { Handle, Pkcs11Binding, Pkcs11Native, Template } from './binding.js';
import { ckrOf } from './binding.js';
import { CKA, CKK, CKO, CKR } from './ck.js';
import type { SignRecipe } from './mechanisms.js';
import { findObjects } from './objects.js';
import { mechanismOf } from './signing.js';

const DER = { SEQUENCE: 0x30, BIT_STRING: 0x03, OCTET_STRING: 0x04 } as const;

/**
 * A session public-key object (CKA_TOKEN false: gone with the session) for a certificate's key, for tokens that
 * hold a certificate but no public-key object. EC: CKA_EC_PARAMS is the SPKI's curve OID, CKA_EC_POINT the
 * point DER-wrapped in an OCTET STRING (what PKCS#11 and SoftHSM expect).
 */
export function publicKeyTemplate(certificateDer: Buffer): Template {
  const key = new X509Certificate(certificateDer).publicKey;
  const base: Template = [
    { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
    { type: CKA.TOKEN, value: false },
    { type: CKA.VERIFY, value: true },
  ];
  if (key.asymmetricKeyType === 'rsa') {
    const jwk = key.export({ format: 'jwk' });
    return [
      ...base,
      { type: CKA.KEY_TYPE, value: CKK.RSA },
      { type: CKA.MODULUS, value: Buffer.from(jwk.n ?? '', 'base64url') },
      { type: CKA.PUBLIC_EXPONENT, value: Buffer.from(jwk.e ?? '', 'base64url') },
    ];
  }
  if (key.asymmetricKeyType === 'ec') {
    // SubjectPublicKeyInfo ::= SEQUENCE { SEQUENCE { id-ecPublicKey, namedCurve OID }, BIT STRING point }
    const spki = decodeBerTlv(key.export({ type: 'spki', format: 'der' }))[0];
    const [algorithm, bits] = spki?.tag === DER.SEQUENCE ? decodeBerTlv(spki.value) : [];
    const curve = algorithm?.tag === DER.SEQUENCE ? decodeBerTlv(algorithm.value)[1] : undefined;
    if (!curve || bits?.tag !== DER.BIT_STRING) throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED', { message: 'EC key without a named curve' });
    return [
      ...base,
      { type: CKA.KEY_TYPE, value: CKK.EC },
      { type: CKA.EC_PARAMS, value: encodeBerTlv(curve.tag, curve.value) },
      { type: CKA.EC_POINT, value: encodeBerTlv(DER.OCTET_STRING, bits.value.subarray(1)) },
    ];
  }
  throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED', { message: 'the key is neither RSA nor EC' });
}

/**
 * C_VerifyInit + C_Verify with the token's public key of this CKA_ID, or a session object made from the
 * certificate. An invalid signature (or one of the wrong length) is `false`, not an error.
 */
export function verifyOnToken(
  native: Pkcs11Native,
  binding: Pkcs11Binding,
  session: Handle,
  id: Buffer,
  certificateDer: Buffer | null,
  recipe: SignRecipe,
  signature: Buffer,
): boolean {
  let key: Handle | undefined = findObjects(native, session, [{ type: CKA.CLASS, value: CKO.PUBLIC_KEY }, { type: CKA.ID, value: id }], 1)[0];
  let created = false;
  if (key === undefined) {
    if (!certificateDer) throw new ConnectorError('ERR_CERTIFICATE_NOT_FOUND', { details: { id: id.toString('hex') } });
    key = native.C_CreateObject(session, publicKeyTemplate(certificateDer));
    created = true;
  }
  try {
    native.C_VerifyInit(session, mechanismOf(binding, recipe), key);
    return native.C_Verify(session, recipe.data, signature);
  } catch (e) {
    const ckr = ckrOf(e);
    if (ckr === CKR.SIGNATURE_INVALID || ckr === CKR.SIGNATURE_LEN_RANGE) return false;
    throw e;
  } finally {
    if (created) native.C_DestroyObject(session, key);
  }
}
