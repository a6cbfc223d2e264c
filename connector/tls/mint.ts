import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { LOOPBACK_DNS_NAMES, LOOPBACK_IPS, NAME_CONSTRAINTS_OID, loopbackNameConstraints } from './names.js';

// @peculiar/x509 picks up Node's global WebCrypto (globalThis.crypto) by itself.

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** Leaf validity: under the 398-day limit browsers apply to TLS server certificates, well within 2 years. */
export const LEAF_VALIDITY_DAYS = 397;
/** Back-dating against small clock differences between the connector and its clients. */
const CLOCK_SKEW_MS = 3_600_000;

export interface TlsMaterial {
  /** PEM of the local CA certificate: what clients trust. */
  readonly caPem: string;
  /** PEM of the server certificate (leaf). */
  readonly certPem: string;
  /** PEM (PKCS#8) of the server's private key. */
  readonly keyPem: string;
}

export interface LocalCa {
  readonly certificate: x509.X509Certificate;
  /** Non-extractable: the CA key cannot be exported, only used to sign while this object lives. */
  readonly keys: webcrypto.CryptoKeyPair;
}

function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

/** A per-installation CA whose CRITICAL name constraints permit only the loopback names. */
export async function createLocalCa(now: Date, notAfter: Date): Promise<LocalCa> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, false, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=t1c-lab connector local CA ${now.toISOString().slice(0, 10)}, O=t1c-lab`,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.Extension(NAME_CONSTRAINTS_OID, true, loopbackNameConstraints()),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, keys };
}

export interface LeafRequest {
  readonly dnsNames: readonly string[];
  readonly ips: readonly string[];
  readonly now: Date;
  readonly notAfter: Date;
}

/** Issues a TLS server certificate (EKU serverAuth) from the CA; returns the leaf and its exported key. */
export async function issueServerCertificate(ca: LocalCa, request: LeafRequest): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${request.dnsNames[0] ?? request.ips[0] ?? 'connector'}, O=t1c-lab`,
    issuer: ca.certificate.subject,
    notBefore: new Date(request.now.getTime() - CLOCK_SKEW_MS),
    notAfter: request.notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...request.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...request.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  pkcs8.fill(0);
  return { certPem: leaf.toString('pem'), keyPem };
}

/**
 * Mints the TLS material of one installation: a name-constrained local CA, one leaf for the loopback names
 * valid for LEAF_VALIDITY_DAYS, then the CA key is dropped (it was never extractable, so it was never
 * anywhere but in this function's memory). Renewing the leaf therefore means minting a new CA.
 */
export async function mintTlsMaterial(now = new Date()): Promise<TlsMaterial> {
  const notAfter = new Date(now.getTime() + LEAF_VALIDITY_DAYS * DAY_MS);
  const ca = await createLocalCa(now, notAfter);
  const leaf = await issueServerCertificate(ca, { dnsNames: LOOPBACK_DNS_NAMES, ips: LOOPBACK_IPS, now, notAfter });
  return { caPem: ca.certificate.toString('pem'), ...leaf };
}
