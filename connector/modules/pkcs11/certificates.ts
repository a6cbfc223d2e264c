import 'reflect-metadata';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ConnectorError } from '../../errors/index.js';
import { describeCertificate, type CertificateEntry } from '../beid/parse.js';
import type { KeyType } from './mechanisms.js';

/**
 * A PKCS#11 token's certificates in the API's terms (spec §8.1). A token has no fixed slots like a card, so each
 * certificate's role comes from the certificate itself: a CA certificate is the root (self-signed) or an
 * intermediate; a user certificate with nonRepudiation is the signing one, with digitalSignature (or no key usage)
 * the authentication one, with only encipherment the encryption one. CKA_ID links it to its private key.
 */
export type CertificateRole = 'root' | 'intermediate' | 'authentication' | 'nonRepudiation' | 'encryption';

export const TOKEN_CERTIFICATE_NAMES = ['rootCertificate', 'intermediateCertificates', 'authenticationCertificate', 'nonRepudiationCertificate', 'encryptionCertificate'] as const;
export type TokenCertificateName = (typeof TOKEN_CERTIFICATE_NAMES)[number];

export const ROLE_OF_NAME: Readonly<Record<TokenCertificateName, CertificateRole>> = {
  rootCertificate: 'root',
  intermediateCertificates: 'intermediate',
  authenticationCertificate: 'authentication',
  nonRepudiationCertificate: 'nonRepudiation',
  encryptionCertificate: 'encryption',
};

export interface TokenCertificate {
  readonly der: Buffer;
  /** CKA_ID, lower-case hex: the API's certificate `id`, and the key the `id` body field picks. */
  readonly id: string;
  readonly role: CertificateRole;
  readonly keyType: KeyType | null;
  readonly entry: CertificateEntry;
}

/** A certificate object as found on the token. */
export interface RawCertificate {
  readonly der: Buffer;
  readonly id: Buffer;
}

function roleOf(cert: x509.X509Certificate): CertificateRole {
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  const usage = cert.getExtension(x509.KeyUsagesExtension)?.usages;
  const isCa = constraints?.ca === true || (usage !== undefined && (usage & x509.KeyUsageFlags.keyCertSign) !== 0);
  if (isCa) return cert.subject === cert.issuer ? 'root' : 'intermediate';
  if (usage === undefined) return 'authentication';
  if (usage & x509.KeyUsageFlags.nonRepudiation) return 'nonRepudiation';
  if (usage & x509.KeyUsageFlags.digitalSignature) return 'authentication';
  return 'encryption';
}

function keyTypeOf(cert: NodeCertificate): KeyType | null {
  const type = cert.publicKey.asymmetricKeyType;
  return type === 'rsa' || type === 'rsa-pss' ? 'rsa' : type === 'ec' ? 'ec' : null;
}

/** Classifies and describes the token's certificates; the issuer hash comes from the issuing certificate when the token holds it. */
export function describeTokenCertificates(raw: readonly RawCertificate[]): TokenCertificate[] {
  const parsed = raw.flatMap(({ der, id }) => {
    try {
      return [{ der, id: id.toString('hex'), node: new NodeCertificate(der), peculiar: new x509.X509Certificate(der) }];
    } catch {
      return []; // an unreadable certificate object: not one the API can offer
    }
  });
  return parsed.map((c) => {
    const issuer = parsed.find((other) => other !== c && c.node.checkIssued(other.node) && c.node.verify(other.node.publicKey));
    const role = roleOf(c.peculiar);
    return { der: c.der, id: c.id, role, keyType: keyTypeOf(c.node), entry: describeCertificate(c.der, role, c.id, issuer?.der ?? (role === 'root' ? c.der : undefined)) };
  });
}

/** The token's certificates of one API name, in CKA_ID order; an empty list is an error (never `[]`, spec §8.1). */
export function certificatesNamed(certificates: readonly TokenCertificate[], name: TokenCertificateName): { certificates: CertificateEntry[] } {
  const found = certificates.filter((c) => c.role === ROLE_OF_NAME[name]);
  if (found.length === 0) throw new ConnectorError('ERR_CERTIFICATE_NOT_FOUND', { details: { certificate: name } });
  return { certificates: found.map((c) => c.entry) };
}

/** The requested certificate lists (all when `names` is empty); names the token has no certificate for are left out. */
export function certificateList(
  certificates: readonly TokenCertificate[],
  names: readonly TokenCertificateName[],
): Partial<Record<TokenCertificateName, { certificates: CertificateEntry[] }>> {
  const out: Partial<Record<TokenCertificateName, { certificates: CertificateEntry[] }>> = {};
  for (const name of names.length > 0 ? names : TOKEN_CERTIFICATE_NAMES) {
    const found = certificates.filter((c) => c.role === ROLE_OF_NAME[name]);
    if (found.length > 0) out[name] = { certificates: found.map((c) => c.entry) };
  }
  return out;
}
