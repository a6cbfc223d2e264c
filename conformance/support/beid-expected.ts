import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import { expectationsProfile, loadCardProfile } from '../../fixtures/cards/index.js';
import { loadBeidPersona, type BeidPersona } from '../../fixtures/personas/index.js';
import { KEY_FAMILY_BY_PROFILE, caCertificates, issuingCa, personaKeys } from '../../fixtures/pki/index.js';

/** Expected values for a Belgian eID in the lab, computed from the same fixtures the simulator reads. */
export type BeidProfileId = 'beid-1.7' | 'beid-1.8';

/** Card types the beid module serves (simulated or recorded). */
export function isBeidProfile(profile: string): boolean {
  return loadCardProfile(profile).module === 'beid';
}

/** The BeID generation whose expected values a card type must show. */
export function beidExpectations(profile: string): BeidProfileId {
  const base = expectationsProfile(profile);
  if (base !== 'beid-1.7' && base !== 'beid-1.8') throw new Error(`${profile} has no BeID expectations`);
  return base;
}

export function expectedBiometric(personaId: string, profile: BeidProfileId): Record<string, string> {
  const p: BeidPersona = loadBeidPersona(personaId);
  const id = p.identity;
  return {
    cardNumber: id.cardNumber,
    chipNumber: p.chipNumbers[profile].toString('hex').toUpperCase(),
    cardValidityDateBegin: id.validityBegin,
    cardValidityDateEnd: id.validityEnd,
    cardDeliveryMunicipality: id.issuingMunicipality,
    nationalNumber: id.nationalNumber,
    name: id.surname,
    firstNames: id.firstNames,
    thirdName: id.thirdInitial,
    nationality: id.nationality,
    birthLocation: id.birthPlace,
    birthDate: id.birthDate,
    birthDateIso: p.dateOfBirth,
    sex: id.sex,
    documentType: id.documentType,
    specialStatus: id.specialStatus,
  };
}

export function expectedAddress(personaId: string): Record<string, string> {
  const a = loadBeidPersona(personaId).address;
  return { streetAndNumber: a.street, zipcode: a.zip, municipality: a.municipality };
}

export function expectedPhoto(personaId: string): Buffer {
  return loadBeidPersona(personaId).photo;
}

/** DER of each certificate the card should hold, by API name; user certificates absent for Kids-ID. */
export function expectedCertificates(personaId: string, profile: BeidProfileId): Partial<Record<string, Buffer>> {
  const ca = caCertificates();
  const keys = personaKeys(personaId, KEY_FAMILY_BY_PROFILE[profile]);
  return {
    rootCertificate: ca.root,
    intermediateCertificates: issuingCa(personaId),
    encryptionCertificate: ca.rrn,
    ...(keys ? { authenticationCertificate: keys.authentication.certificate, nonRepudiationCertificate: keys.nonRepudiation.certificate } : {}),
  };
}

/**
 * Verifies a signature the connector returned for SHA-x(`message`) with a certificate's public key: RSA PKCS#1
 * v1.5 or PSS, or ECDSA as r‖s (IEEE P1363, what WebCrypto verifies).
 */
export function verifyMessageSignature(
  certificate: Buffer,
  hashName: 'sha256' | 'sha384' | 'sha512',
  message: Buffer,
  signature: Buffer,
  padding: 'pkcs1' | 'pss' = 'pkcs1',
): boolean {
  const key = new X509Certificate(certificate).publicKey;
  if (key.asymmetricKeyType === 'ec') return verify(hashName, message, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (padding === 'pss') return verify(hashName, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature);
  return verify(hashName, message, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
}

export function digestOf(hashName: 'sha256' | 'sha384' | 'sha512', message: Buffer): Buffer {
  return createHash(hashName).update(message).digest();
}

/**
 * Field by field, so a failure names the field and both values (a report reader sees `nationalNumber: expected
 * '…' to be '…'`, not a truncated object diff).
 */
export function expectFields(actual: Record<string, unknown>, expected: Record<string, unknown>, expectFn: (value: unknown, message: string) => { toStrictEqual(v: unknown): void }): void {
  for (const [field, value] of Object.entries(expected)) expectFn(actual[field], field).toStrictEqual(value);
}
