import { constants, createHash, privateEncrypt, type KeyObject } from 'node:crypto';
import type { EmvRsaPublicKey } from '../../../fixtures/emv/index.js';

/**
 * Offline data authentication material as EMV Book 2 lays it out, signed with the test EMV PKI. A certificate is
 * the RSA private-key operation (no padding) over "recovered data": header 6A, a format byte, the fields, a
 * SHA-1 hash and trailer BC, exactly one modulus long. Whatever of the certified key does not fit goes in the
 * remainder; the hash covers the fields, the remainder, the exponent (and for the ICC, the static data).
 */
export const ODA = {
  HEADER: 0x6a,
  TRAILER: 0xbc,
  FORMAT_ISSUER: 0x02,
  FORMAT_ICC: 0x04,
  FORMAT_DYNAMIC: 0x05,
  HASH_SHA1: 0x01,
  ALGORITHM_RSA: 0x01,
  PAD: 0xbb,
  HASH_LENGTH: 20,
} as const;

/** An RSA public key certified on the card: the certificate (tag 90 / 9F46), its remainder and its exponent. */
export interface PublicKeyCertificate {
  readonly certificate: Buffer;
  readonly remainder: Buffer;
  readonly exponent: Buffer;
}

interface CertifiedKey {
  readonly key: EmvRsaPublicKey;
  /** Bytes of the key modulus the certificate itself holds (N_CA − 36 for the issuer, N_I − 42 for the ICC). */
  readonly room: number;
}

function sha1(...parts: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha1');
  for (const p of parts) hash.update(p);
  return hash.digest();
}

/** RSA "signature with message recovery" as EMV uses it: the raw private-key operation over a full-length block. */
export function rsaRecoverable(privateKey: KeyObject, recovered: Buffer): Buffer {
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, recovered);
}

/** The certified modulus split into the leftmost part (BB-padded to `room`) and the remainder. */
function split(certified: CertifiedKey): { inCertificate: Buffer; remainder: Buffer } {
  const { modulus } = certified.key;
  if (modulus.length <= certified.room) {
    return { inCertificate: Buffer.concat([modulus, Buffer.alloc(certified.room - modulus.length, ODA.PAD)]), remainder: Buffer.alloc(0) };
  }
  return { inCertificate: modulus.subarray(0, certified.room), remainder: modulus.subarray(certified.room) };
}

function certify(signer: KeyObject, signerModulusLength: number, head: Buffer, certified: CertifiedKey, extraHashed: Buffer): PublicKeyCertificate {
  const { inCertificate, remainder } = split(certified);
  const { modulus, exponent } = certified.key;
  const fields = Buffer.concat([head, Buffer.from([ODA.HASH_SHA1, ODA.ALGORITHM_RSA, modulus.length, exponent.length]), inCertificate]);
  const hash = sha1(fields, remainder, exponent, extraHashed);
  const recovered = Buffer.concat([Buffer.from([ODA.HEADER]), fields, hash, Buffer.from([ODA.TRAILER])]);
  if (recovered.length !== signerModulusLength) throw new RangeError(`recovered data of ${recovered.length} bytes for a ${signerModulusLength}-byte key`);
  return { certificate: rsaRecoverable(signer, recovered), remainder: Buffer.from(remainder), exponent: Buffer.from(exponent) };
}

export interface IssuerCertificateRequest {
  readonly caPrivateKey: KeyObject;
  readonly caModulusLength: number;
  readonly issuer: EmvRsaPublicKey;
  /** Leftmost 3–8 PAN digits, F-padded to 4 bytes. */
  readonly issuerIdentifier: Buffer;
  /** MMYY. */
  readonly expiry: Buffer;
  readonly serialNumber: Buffer;
}

/** Issuer public-key certificate (tag 90), format 02, signed by the CA (Book 2 §5.3, Table 6). */
export function issuerPublicKeyCertificate(r: IssuerCertificateRequest): PublicKeyCertificate {
  if (r.issuer.modulus.length > r.caModulusLength) throw new RangeError('N_I must not exceed N_CA');
  const head = Buffer.concat([Buffer.from([ODA.FORMAT_ISSUER]), fixed(r.issuerIdentifier, 4), fixed(r.expiry, 2), fixed(r.serialNumber, 3)]);
  return certify(r.caPrivateKey, r.caModulusLength, head, { key: r.issuer, room: r.caModulusLength - 36 }, Buffer.alloc(0));
}

export interface IccCertificateRequest {
  readonly issuerPrivateKey: KeyObject;
  readonly issuerModulusLength: number;
  readonly icc: EmvRsaPublicKey;
  /** The application PAN, F-padded to 10 bytes. */
  readonly pan: Buffer;
  readonly expiry: Buffer;
  readonly serialNumber: Buffer;
  /** The static data to be authenticated (records named by the AFL, then the SDA tag list's values). */
  readonly staticData: Buffer;
}

/** ICC public-key certificate (tag 9F46), format 04, signed by the issuer (Book 2 §6.4, Table 14). */
export function iccPublicKeyCertificate(r: IccCertificateRequest): PublicKeyCertificate {
  if (r.icc.modulus.length > r.issuerModulusLength) throw new RangeError('N_IC must not exceed N_I');
  const head = Buffer.concat([Buffer.from([ODA.FORMAT_ICC]), fixed(r.pan, 10), fixed(r.expiry, 2), fixed(r.serialNumber, 3)]);
  return certify(r.issuerPrivateKey, r.issuerModulusLength, head, { key: r.icc, room: r.issuerModulusLength - 42 }, r.staticData);
}

/**
 * Signed dynamic application data (DDA, INTERNAL AUTHENTICATE; Book 2 §6.5, Table 17), format 05: the ICC dynamic
 * data (length-prefixed ICC dynamic number), BB padding, and SHA-1 over it all plus the terminal's DDOL data.
 */
export function signedDynamicData(iccPrivateKey: KeyObject, iccModulusLength: number, iccDynamicNumber: Buffer, terminalData: Uint8Array): Buffer {
  const dynamicData = Buffer.concat([Buffer.from([iccDynamicNumber.length]), iccDynamicNumber]);
  const padLength = iccModulusLength - dynamicData.length - 25;
  if (padLength < 0) throw new RangeError('ICC dynamic data too long for the ICC key');
  const fields = Buffer.concat([Buffer.from([ODA.FORMAT_DYNAMIC, ODA.HASH_SHA1, dynamicData.length]), dynamicData, Buffer.alloc(padLength, ODA.PAD)]);
  const recovered = Buffer.concat([Buffer.from([ODA.HEADER]), fields, sha1(fields, terminalData), Buffer.from([ODA.TRAILER])]);
  return rsaRecoverable(iccPrivateKey, recovered);
}

function fixed(value: Buffer, length: number): Buffer {
  if (value.length !== length) throw new RangeError(`expected ${length} bytes, got ${value.length}`);
  return value;
}
