import { df, ef, MF_FID, type DedicatedFile } from '../engine/index.js';
import { BEID_FID, BELPIC_APPLET_AID, BELPIC_ID_AID, BELPIC_PKCS15_AID } from './apdu.js';
import type { BeidGeneration } from './generation.js';
import { addressFile, basicPublicKeyFile, identityFile } from './identity.js';
import type { BeidCardData } from './persona-data.js';
import { aodf, cdf, CERTIFICATE_ENTRIES, efDir, odf, prkdf, tokenInfo } from './pkcs15.js';
import { rrnSignatureFiles } from './rrn.js';

/** The chip serial of this persona on this generation (GET CARD DATA, TokenInfo, identity tag 02). */
export function chipSerial(generation: BeidGeneration, data: BeidCardData): Buffer {
  return data.persona.chipNumbers[generation.profile];
}

/** A certificate file: the DER followed by the generation's zero padding, or all zeros when absent. */
export function certificateFile(generation: BeidGeneration, der: Uint8Array | null): Buffer {
  if (der === null) return Buffer.alloc(generation.absentCertificateSize);
  return Buffer.concat([der, Buffer.alloc(generation.certificatePadding)]);
}

/**
 * The whole file system of a personalised card (cards.md §1.3): MF (the applet AID) with EF(DIR), DF00
 * (PKCS#15 and certificates) and DF01 (identity, address, RRN signatures, photo and, on 1.8, 4040).
 * The absent PuKDF (5036) and "RRN CA" (503D) answer 6A82 like the real card.
 */
export function beidFileSystem(generation: BeidGeneration, data: BeidCardData): DedicatedFile {
  const serial = chipSerial(generation, data);
  const keys = data.userKeys;
  const cert = (der: Uint8Array | null) => certificateFile(generation, der);
  const present = [
    ...(keys ? [CERTIFICATE_ENTRIES.authentication, CERTIFICATE_ENTRIES.nonRepudiation] : []),
    CERTIFICATE_ENTRIES.ca,
    CERTIFICATE_ENTRIES.root,
  ];
  const belpic = df(
    BEID_FID.BELPIC,
    [
      ef(BEID_FID.ODF, odf()),
      ef(BEID_FID.TOKEN_INFO, tokenInfo(serial, generation)),
      ef(BEID_FID.AODF, aodf()),
      ef(BEID_FID.PRKDF, prkdf(generation, keys && { authentication: keys.authentication.privateKey, nonRepudiation: keys.nonRepudiation.privateKey })),
      ef(BEID_FID.CDF, cdf(generation, present)),
      ef(BEID_FID.CERT_AUTHENTICATION, cert(keys?.authentication.certificate ?? null)),
      ef(BEID_FID.CERT_NON_REPUDIATION, cert(keys?.nonRepudiation.certificate ?? null)),
      ef(BEID_FID.CERT_CA, cert(data.certificates.issuingCa)),
      ef(BEID_FID.CERT_ROOT, cert(data.certificates.root)),
      ef(BEID_FID.CERT_RRN, cert(data.certificates.rrn)),
    ],
    BELPIC_PKCS15_AID,
  );
  const basicPublicKey = generation.basicKey ? basicPublicKeyFile(data.basicKey) : null;
  const identity = identityFile(data.persona, generation, { chipNumber: serial, photo: data.persona.photo, basicPublicKey });
  const address = addressFile(data.persona.address);
  const signatures = rrnSignatureFiles(data.rrnKey, identity, address);
  const id = df(
    BEID_FID.ID,
    [
      ef(BEID_FID.IDENTITY, identity),
      ef(BEID_FID.IDENTITY_SIGNATURE, signatures.identitySignature),
      ef(BEID_FID.ADDRESS, address),
      ef(BEID_FID.ADDRESS_SIGNATURE, signatures.addressSignature),
      ef(BEID_FID.PHOTO, data.persona.photo),
      ...(basicPublicKey ? [ef(BEID_FID.BASIC_PUBLIC_KEY, basicPublicKey)] : []),
    ],
    BELPIC_ID_AID,
  );
  return df(MF_FID, [ef(BEID_FID.DIR, efDir()), belpic, id], BELPIC_APPLET_AID);
}
