import { EMV_TEST_CA, emvCaKeys, emvIccKeys, emvIssuerKeys, recoverPublicKeyCertificate, type RecoveredCertificate } from '../../fixtures/emv/index.js';
import { loadEmvPersona } from '../../fixtures/personas/index.js';
import { EMV_APPLICATIONS, loadEmvCardData } from '../../simulators/cards/emv/index.js';

/** Expected values for an EMV card in the lab, computed from the fixtures and the card profile the simulator uses. */
export const EMV_PROFILE = 'emv-bancontact';

export function isEmvProfile(profile: string): boolean {
  return profile === EMV_PROFILE;
}

/** `data.applications` of `GET …/data`: every application, highest priority first. */
export function expectedApplications(): { aid: string; name: string; priority: number }[] {
  return [...EMV_APPLICATIONS].sort((a, b) => a.priority - b.priority).map((a) => ({ aid: a.aid, name: a.label, priority: a.priority }));
}

/** The application `application-data` reads: the highest-priority one. */
export function firstApplication(): string {
  return expectedApplications()[0]!.aid;
}

const ALPHA2: Readonly<Record<string, string>> = { '056': 'BE' };
const yymmdd = (iso: string): string => iso.slice(2).replaceAll('-', '');

/** `data` of `GET …/application-data` with the connector's default settings (PAN masked to 6 + 4 digits). */
export function expectedApplicationData(personaId: string): Record<string, string> {
  const p = loadEmvPersona(personaId);
  return {
    aid: firstApplication(),
    country: ALPHA2[p.issuerCountry] ?? '',
    countryCode: p.issuerCountry.padStart(4, '0'),
    effectiveDate: yymmdd(p.effectiveDate),
    expirationDate: yymmdd(p.expiry),
    language: p.languagePreference.slice(0, 2),
    name: p.cardholderName,
    pan: `${p.pan.slice(0, 6)}${'x'.repeat(p.pan.length - 10)}${p.pan.slice(-4)}`,
  };
}

/** A payment certificate as the API returns it (spec §8.2): base64 values. */
export interface ApiPaymentCertificate {
  readonly certificate: string;
  readonly exponent: string;
  readonly remainder?: string;
}

const onCard = (c: ApiPaymentCertificate) => ({
  certificate: Buffer.from(c.certificate, 'base64'),
  exponent: Buffer.from(c.exponent, 'base64'),
  remainder: Buffer.from(c.remainder ?? '', 'base64'),
});

/**
 * Recovers the issuer certificate with the test CA's public key, then the ICC certificate with the issuer key
 * recovered from it (as a terminal does), the hash over the card's static data included.
 */
export function recoverChain(issuer: ApiPaymentCertificate, icc: ApiPaymentCertificate, personaId: string): { issuer: RecoveredCertificate; icc: RecoveredCertificate } {
  const issuerRecovered = recoverPublicKeyCertificate(onCard(issuer), emvCaKeys().publicKey, 0x02);
  const iccRecovered = recoverPublicKeyCertificate(onCard(icc), issuerRecovered.publicKey, 0x04, loadEmvCardData(personaId).staticData);
  return { issuer: issuerRecovered, icc: iccRecovered };
}

/** What the recovered keys must be: the committed test issuer key and the persona's ICC key. */
export function expectedKeys(personaId: string): { issuerModulus: Buffer; iccModulus: Buffer; caIndex: number } {
  return { issuerModulus: emvIssuerKeys().publicKey.modulus, iccModulus: emvIccKeys(personaId).publicKey.modulus, caIndex: EMV_TEST_CA.index };
}
