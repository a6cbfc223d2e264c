import { X509Certificate, verify as verifySignature, type KeyObject } from 'node:crypto';

/**
 * Checks a National Register (RRN) signature over an identity or address file. EC signatures are DER followed by
 * zero padding (length = 2 + byte[1]); RSA ones are the raw signature. The hash follows the RRN key: SHA-384 for
 * P-384, else SHA-256 then SHA-1 (older cards).
 */
export function verifyRrnSignature(rrnCertificate: Buffer, signed: Buffer, signatureFile: Buffer): boolean {
  let key: KeyObject;
  try {
    // a certificate may parse and still hold a key OpenSSL cannot decode
    key = new X509Certificate(rrnCertificate).publicKey;
  } catch {
    return false;
  }
  try {
    if (key.asymmetricKeyType === 'ec') {
      if (signatureFile[0] !== 0x30 || signatureFile.length < 2) return false;
      const der = signatureFile.subarray(0, 2 + signatureFile[1]!);
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const hash = curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256';
      return verifySignature(hash, signed, { key, dsaEncoding: 'der' }, der);
    }
    const size = (key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8;
    const sig = signatureFile.subarray(0, size);
    return ['sha256', 'sha1'].some((hash) => verifySignature(hash, signed, key, sig));
  } catch {
    return false;
  }
}

/** The RRN certificate must itself be issued by the card's root. */
export function issuedBy(certificate: Buffer, issuer: Buffer): boolean {
  try {
    return new X509Certificate(certificate).verify(new X509Certificate(issuer).publicKey);
  } catch {
    return false;
  }
}
