import { ConnectorError } from '../../errors/index.js';
import type { CardChannel } from '../../readers/index.js';
import { readFileAt } from '../iso/transparent-file.js';
import { BEID_FILE, path } from './apdu.js';
import { certificateFromFile, describeCertificate, type CertificateEntry } from './parse.js';

/** The certificate slots of a Belgian eID, as the API names them (spec §4.3, §8.1). */
export const BEID_CERTIFICATES = {
  rootCertificate: { file: BEID_FILE.CERT_ROOT, type: 'root', id: '6', issuer: BEID_FILE.CERT_ROOT },
  intermediateCertificates: { file: BEID_FILE.CERT_CA, type: 'intermediate', id: '4', issuer: BEID_FILE.CERT_ROOT },
  authenticationCertificate: { file: BEID_FILE.CERT_AUTHENTICATION, type: 'authentication', id: '2', issuer: BEID_FILE.CERT_CA },
  nonRepudiationCertificate: { file: BEID_FILE.CERT_NON_REPUDIATION, type: 'nonRepudiation', id: '3', issuer: BEID_FILE.CERT_CA },
  encryptionCertificate: { file: BEID_FILE.CERT_RRN, type: 'encryption', id: '8', issuer: BEID_FILE.CERT_ROOT },
} as const;

export type BeidCertificateName = keyof typeof BEID_CERTIFICATES;
export const BEID_CERTIFICATE_NAMES = Object.keys(BEID_CERTIFICATES) as BeidCertificateName[];

/** Reads the DER certificates in `files` once each (a session-local cache: issuers repeat). */
class CertificateFiles {
  private readonly cache = new Map<string, Buffer | null>();
  constructor(private readonly channel: CardChannel) {}

  async der(file: string): Promise<Buffer | null> {
    if (!this.cache.has(file)) this.cache.set(file, certificateFromFile(await readFileAt(this.channel, path(file))));
    return this.cache.get(file) ?? null;
  }
}

async function entry(files: CertificateFiles, name: BeidCertificateName): Promise<CertificateEntry | null> {
  const slot = BEID_CERTIFICATES[name];
  const der = await files.der(slot.file);
  if (!der) return null;
  const issuer = await files.der(slot.issuer);
  return describeCertificate(der, slot.type, slot.id, issuer ?? undefined);
}

/** One certificate in the ≥3.6 shape; a certificate the card doesn't hold is an error, never `[]`. */
export async function readCertificate(channel: CardChannel, name: BeidCertificateName): Promise<{ certificates: CertificateEntry[] }> {
  const found = await entry(new CertificateFiles(channel), name);
  if (!found) throw new ConnectorError('ERR_CERTIFICATE_NOT_FOUND', { details: { certificate: name } });
  return { certificates: [found] };
}

/** The requested certificates (all when `names` is empty); those the card doesn't hold are left out. */
export async function readCertificateList(
  channel: CardChannel,
  names: readonly BeidCertificateName[],
): Promise<Partial<Record<BeidCertificateName, { certificates: CertificateEntry[] }>>> {
  const files = new CertificateFiles(channel);
  const out: Partial<Record<BeidCertificateName, { certificates: CertificateEntry[] }>> = {};
  for (const name of names.length > 0 ? names : BEID_CERTIFICATE_NAMES) {
    const found = await entry(files, name);
    if (found) out[name] = { certificates: [found] };
  }
  return out;
}

/** DER of one certificate, or null: for checks inside the module (e.g. the RRN signature). */
export async function certificateDer(channel: CardChannel, name: BeidCertificateName): Promise<Buffer | null> {
  return new CertificateFiles(channel).der(BEID_CERTIFICATES[name].file);
}
