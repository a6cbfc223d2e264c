import 'reflect-metadata';
import { randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { caCertificate, caPrivateKey } from '../../fixtures/pki/index.js';
import { issueUser, type Issuer } from '../../fixtures/pki/issue.js';
import type { HsmKeyAlgorithm, HsmKeyRole } from './plan.js';

const ROLE_NAME: Readonly<Record<HsmKeyRole, string>> = { authentication: 'Authentication', nonRepudiation: 'Signature' };

let citizenCa: Promise<Issuer> | null = null;

/** The test PKI's citizen CA as an issuer (EC P-384, signs ECDSA-SHA-384). */
function issuer(): Promise<Issuer> {
  citizenCa ??= webcrypto.subtle
    .importKey('pkcs8', caPrivateKey('citizenCa').export({ type: 'pkcs8', format: 'der' }), { name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign'])
    .then((privateKey) => ({ certificate: new x509.X509Certificate(caCertificate('citizenCa')), privateKey }));
  return citizenCa;
}

function importAlgorithm(algorithm: HsmKeyAlgorithm): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  return algorithm === 'rsa-2048' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: algorithm === 'ec-p256' ? 'P-256' : 'P-384' };
}

/**
 * A user certificate for a token key, issued by the test PKI's citizen CA with the BeID user profile
 * (authentication: digitalSignature + clientAuth; non-repudiation: nonRepudiation). "TEST" is in the subject.
 * Keys are fresh per lab run, so the serial number is random (with the PKI's "TEST" prefix).
 */
export async function issueTokenCertificate(publicKey: KeyObject, algorithm: HsmKeyAlgorithm, tokenLabel: string, role: HsmKeyRole): Promise<Buffer> {
  const key = await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), importAlgorithm(algorithm), true, ['verify']);
  const subject = [{ C: ['BE'] }, { O: ['TEST'] }, { CN: [`TEST ${tokenLabel} (${ROLE_NAME[role]})`] }];
  const serialNumber = `54455354${randomBytes(8).toString('hex')}`;
  const certificate = await issueUser(key, subject, serialNumber, role, await issuer());
  return Buffer.from(certificate.rawData);
}

/** The DER subject name of a certificate (CKA_SUBJECT). */
export function subjectDer(certificate: Buffer): Buffer {
  return Buffer.from(new x509.X509Certificate(certificate).subjectName.toArrayBuffer());
}
