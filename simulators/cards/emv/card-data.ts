import { createHash, type KeyObject } from 'node:crypto';
import { EMV_PSE_NAME, EMV_TAG, dolDataLength, encodeBerTlv, encodeDol, fromHex } from '../../../connector/protocol/index.js';
import { EMV_TEST_CA, emvCaKeys, emvIccKeys, emvIssuerKeys } from '../../../fixtures/emv/index.js';
import { loadEmvPersona, type EmvPersona } from '../../../fixtures/personas/index.js';
import { EMV_APPLICATIONS, type EmvApplicationProfile } from './applications.js';
import { bcdMonthYear, bcdPadded } from './bcd.js';
import { iccPublicKeyCertificate, issuerPublicKeyCertificate, type PublicKeyCertificate } from './oda.js';
import { EMV_AFL, EMV_AIP, EMV_CDOL1, EMV_CDOL2, certificateRecords, signedRecords, staticDataToAuthenticate } from './records.js';

const tlv = (tag: number, value: Uint8Array | readonly Uint8Array[]): Buffer => encodeBerTlv(tag, value);

/** Issuer certificate facts (Book 2 Table 6): valid to December 2035, serial 000001. */
const ISSUER_CERTIFICATE = { expiry: '2035-12-31', serial: Buffer.from('000001', 'hex') } as const;
/** ICC certificate serial; the ICC certificate expires with the card. */
const ICC_CERTIFICATE_SERIAL = Buffer.from('000002', 'hex');
/** How many leading PAN digits identify the issuer in its certificate. */
const ISSUER_IDENTIFIER_DIGITS = 6;

export interface EmvApplicationData {
  readonly profile: EmvApplicationProfile;
  readonly aid: Buffer;
  /** The FCI SELECT answers. */
  readonly fci: Buffer;
  /** Bytes of terminal data GET PROCESSING OPTIONS must carry in its `83` template. */
  readonly pdolDataLength: number;
}

/** Everything a personalised EMV card holds, built from a persona and the test EMV PKI. */
export interface EmvCardData {
  readonly persona: EmvPersona;
  readonly pseFci: Buffer;
  /** The PSE directory (SFI 1 under the PSE): one `70 [61 …]` record per application. */
  readonly directory: readonly Buffer[];
  readonly applications: readonly EmvApplicationData[];
  /** The applications' records, by SFI (shared by both applications of this card). */
  readonly files: ReadonlyMap<number, readonly Buffer[]>;
  readonly aip: Buffer;
  readonly afl: Buffer;
  readonly cdol1Length: number;
  readonly cdol2Length: number;
  readonly staticData: Buffer;
  readonly issuerCertificate: PublicKeyCertificate;
  readonly iccCertificate: PublicKeyCertificate;
  readonly iccPrivateKey: KeyObject;
  readonly iccModulusLength: number;
  /** The card's application-cryptogram key (a stand-in for the issuer-derived key; no host can check an AC). */
  readonly acKey: Buffer;
}

function applicationFci(app: EmvApplicationProfile, language: string): Buffer {
  const proprietary = [
    tlv(EMV_TAG.APPLICATION_LABEL, Buffer.from(app.label, 'ascii')),
    tlv(EMV_TAG.APPLICATION_PRIORITY, Buffer.from([app.priority])),
    tlv(EMV_TAG.LANGUAGE_PREFERENCE, Buffer.from(language, 'ascii')),
    tlv(EMV_TAG.ISSUER_CODE_TABLE_INDEX, Buffer.from([0x01])),
    tlv(EMV_TAG.APPLICATION_PREFERRED_NAME, Buffer.from(app.preferredName, 'ascii')),
    ...(app.pdol === null ? [] : [tlv(EMV_TAG.PDOL, encodeDol(app.pdol))]),
  ];
  return tlv(EMV_TAG.FCI_TEMPLATE, [tlv(EMV_TAG.DF_NAME, fromHex(app.aid)), tlv(EMV_TAG.FCI_PROPRIETARY, proprietary)]);
}

function directoryRecord(app: EmvApplicationProfile): Buffer {
  return tlv(EMV_TAG.RECORD_TEMPLATE, [
    tlv(EMV_TAG.APPLICATION_TEMPLATE, [
      tlv(EMV_TAG.AID, fromHex(app.aid)),
      tlv(EMV_TAG.APPLICATION_LABEL, Buffer.from(app.label, 'ascii')),
      tlv(EMV_TAG.APPLICATION_PREFERRED_NAME, Buffer.from(app.preferredName, 'ascii')),
      tlv(EMV_TAG.APPLICATION_PRIORITY, Buffer.from([app.priority])),
    ]),
  ]);
}

/** The PSE's FCI: its name, the directory's SFI (1), the language preference and code table 1. */
function pseFci(language: string): Buffer {
  return tlv(EMV_TAG.FCI_TEMPLATE, [
    tlv(EMV_TAG.DF_NAME, Buffer.from(EMV_PSE_NAME, 'ascii')),
    tlv(EMV_TAG.FCI_PROPRIETARY, [
      tlv(EMV_TAG.SFI, Buffer.from([0x01])),
      tlv(EMV_TAG.LANGUAGE_PREFERENCE, Buffer.from(language, 'ascii')),
      tlv(EMV_TAG.ISSUER_CODE_TABLE_INDEX, Buffer.from([0x01])),
    ]),
  ]);
}

/** Personalises a card for an EMV persona: records, certificates over its data, the ICC key. */
export function loadEmvCardData(personaId: string): EmvCardData {
  const persona = loadEmvPersona(personaId);
  const ca = emvCaKeys();
  const issuerKeys = emvIssuerKeys();
  const icc = emvIccKeys(personaId);
  const sfi2 = signedRecords(persona);
  // The AFL signs no SFI 1 record (it holds the certificates), so SFI 2 is all the static data needs.
  const staticData = staticDataToAuthenticate(new Map([[2, sfi2]]), EMV_AFL, EMV_AIP);
  const issuerCertificate = issuerPublicKeyCertificate({
    caPrivateKey: ca.privateKey,
    caModulusLength: ca.publicKey.modulus.length,
    issuer: issuerKeys.publicKey,
    issuerIdentifier: bcdPadded(persona.pan.slice(0, ISSUER_IDENTIFIER_DIGITS), 4),
    expiry: bcdMonthYear(ISSUER_CERTIFICATE.expiry),
    serialNumber: ISSUER_CERTIFICATE.serial,
  });
  const iccCertificate = iccPublicKeyCertificate({
    issuerPrivateKey: issuerKeys.privateKey,
    issuerModulusLength: issuerKeys.publicKey.modulus.length,
    icc: icc.publicKey,
    pan: bcdPadded(persona.pan, 10),
    expiry: bcdMonthYear(persona.expiry),
    serialNumber: ICC_CERTIFICATE_SERIAL,
    staticData,
  });
  const files = new Map<number, readonly Buffer[]>([
    [1, certificateRecords(persona, { caIndex: EMV_TEST_CA.index, issuer: issuerCertificate, icc: iccCertificate })],
    [2, sfi2],
  ]);
  const language = persona.languagePreference;
  return {
    persona,
    pseFci: pseFci(language),
    directory: EMV_APPLICATIONS.map(directoryRecord),
    applications: EMV_APPLICATIONS.map((profile) => ({
      profile,
      aid: fromHex(profile.aid),
      fci: applicationFci(profile, language),
      pdolDataLength: profile.pdol === null ? 0 : dolDataLength(profile.pdol),
    })),
    files,
    aip: EMV_AIP,
    afl: EMV_AFL,
    cdol1Length: dolDataLength(EMV_CDOL1),
    cdol2Length: dolDataLength(EMV_CDOL2),
    staticData,
    issuerCertificate,
    iccCertificate,
    iccPrivateKey: icc.privateKey,
    iccModulusLength: icc.publicKey.modulus.length,
    acKey: createHash('sha256').update('t1c-lab EMV AC key ').update(persona.pan).digest(),
  };
}
