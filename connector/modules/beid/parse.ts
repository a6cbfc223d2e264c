import { X509Certificate, createHash } from 'node:crypto';
import { ConnectorError } from '../../errors/index.js';
import { ADDRESS_TAG, IDENTITY_TAG, simpleTlvMap } from '../../protocol/index.js';

export { ADDRESS_TAG, IDENTITY_TAG };

export interface Identity {
  readonly cardNumber: string;
  readonly chipNumber: string;
  readonly cardValidityDateBegin: string;
  readonly cardValidityDateEnd: string;
  readonly cardDeliveryMunicipality: string;
  readonly nationalNumber: string;
  readonly name: string;
  readonly firstNames: string;
  readonly thirdName: string;
  readonly nationality: string;
  readonly birthLocation: string;
  readonly birthDate: string;
  /** The birth date as ISO 8601 (YYYY-MM-DD, or YYYY when the card holds only a year), whatever the card language. */
  readonly birthDateIso: string;
  readonly sex: string;
  readonly nobleCondition: string;
  readonly documentType: string;
  readonly specialStatus: string;
  readonly duplicate: string;
  readonly pictureHash: Buffer;
}

export interface Address {
  readonly streetAndNumber: string;
  readonly zipcode: string;
  readonly municipality: string;
}

const utf8 = (v: Uint8Array | undefined): string => (v ? Buffer.from(v).toString('utf8') : '');

export function parseIdentity(file: Uint8Array): Identity {
  const tags = simpleTlvMap(file);
  const birthDate = utf8(tags.get(IDENTITY_TAG.BIRTH_DATE));
  return {
    cardNumber: utf8(tags.get(IDENTITY_TAG.CARD_NUMBER)),
    chipNumber: Buffer.from(tags.get(IDENTITY_TAG.CHIP_NUMBER) ?? []).toString('hex').toUpperCase(),
    cardValidityDateBegin: utf8(tags.get(IDENTITY_TAG.VALIDITY_BEGIN)),
    cardValidityDateEnd: utf8(tags.get(IDENTITY_TAG.VALIDITY_END)),
    cardDeliveryMunicipality: utf8(tags.get(IDENTITY_TAG.ISSUING_MUNICIPALITY)),
    nationalNumber: utf8(tags.get(IDENTITY_TAG.NATIONAL_NUMBER)),
    name: utf8(tags.get(IDENTITY_TAG.SURNAME)),
    firstNames: utf8(tags.get(IDENTITY_TAG.FIRST_NAMES)),
    thirdName: utf8(tags.get(IDENTITY_TAG.THIRD_INITIAL)),
    nationality: utf8(tags.get(IDENTITY_TAG.NATIONALITY)),
    birthLocation: utf8(tags.get(IDENTITY_TAG.BIRTH_PLACE)),
    birthDate,
    birthDateIso: parseBirthDate(birthDate),
    sex: utf8(tags.get(IDENTITY_TAG.SEX)),
    nobleCondition: utf8(tags.get(IDENTITY_TAG.NOBLE_CONDITION)),
    documentType: utf8(tags.get(IDENTITY_TAG.DOCUMENT_TYPE)),
    specialStatus: utf8(tags.get(IDENTITY_TAG.SPECIAL_STATUS)),
    duplicate: utf8(tags.get(IDENTITY_TAG.DUPLICATE)),
    pictureHash: Buffer.from(tags.get(IDENTITY_TAG.PHOTO_HASH) ?? []),
  };
}

export function parseAddress(file: Uint8Array): Address {
  const tags = simpleTlvMap(file);
  return {
    streetAndNumber: utf8(tags.get(ADDRESS_TAG.STREET_AND_NUMBER)),
    zipcode: utf8(tags.get(ADDRESS_TAG.ZIP)),
    municipality: utf8(tags.get(ADDRESS_TAG.MUNICIPALITY)),
  };
}

/** Month abbreviations as the three card languages print them (cards.md §1.5). */
const MONTHS: Readonly<Record<string, number>> = {
  JAN: 1, JANV: 1, FEB: 2, FEV: 2, FÉV: 2, MAAR: 3, MARS: 3, MÄR: 3, MAR: 3, APR: 4, AVR: 4, MEI: 5, MAI: 5,
  JUN: 6, JUIN: 6, JUL: 7, JUIL: 7, AUG: 8, AOUT: 8, AOÛT: 8, SEP: 9, SEPT: 9, OKT: 10, OCT: 10, NOV: 11,
  DEC: 12, DEZ: 12, DÉC: 12,
};

/** `DD MMMM YYYY` (NL/FR), `DD.MMM.YYYY` (DE) or a lone `YYYY` → ISO 8601; anything else → empty string. */
export function parseBirthDate(text: string): string {
  const trimmed = text.trim();
  if (/^\d{4}$/.test(trimmed)) return trimmed;
  const m = /^(\d{1,2})[ .]+([^\s.\d]+)\.?[ .]+(\d{4})$/u.exec(trimmed);
  if (!m) return '';
  const month = MONTHS[m[2]!.toUpperCase()];
  const day = Number(m[1]);
  if (month === undefined || day < 1 || day > 31) return '';
  return `${m[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Card files are zero padded: a file is its TLV content up to the trailing zeros. */
export function stripTrailingZeros(file: Uint8Array): Buffer {
  let end = file.length;
  while (end > 0 && file[end - 1] === 0) end -= 1;
  return Buffer.from(file.subarray(0, end));
}

/**
 * A certificate file holds one DER certificate followed by zero padding; a file of zeros holds none
 * (kids cards). Returns the DER bytes, or null when absent.
 */
export function certificateFromFile(file: Uint8Array): Buffer | null {
  if (file.length < 4 || file.every((b) => b === 0)) return null;
  if (file[0] !== 0x30) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'certificate file does not hold a DER certificate' });
  let length: number;
  let header: number;
  const l0 = file[1]!;
  if (l0 < 0x80) {
    length = l0;
    header = 2;
  } else {
    const n = l0 & 0x7f;
    if (n < 1 || n > 3 || file.length < 2 + n) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'certificate file has a bad DER length' });
    length = 0;
    for (let i = 0; i < n; i += 1) length = length * 256 + file[2 + i]!;
    header = 2 + n;
  }
  if (header + length > file.length) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'certificate file is truncated' });
  return Buffer.from(file.subarray(0, header + length));
}

/** Certificate as the API returns it (spec §8.1, connector ≥ 3.6 shape). */
export interface CertificateEntry {
  readonly certificate: string;
  readonly certificateType: string;
  readonly id: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly hashSubPubKey: string;
  readonly hashIssPubKey: string;
}

export function describeCertificate(der: Buffer, certificateType: string, id: string, issuerDer?: Buffer): CertificateEntry {
  const spkiHash = (c: X509Certificate): string => createHash('sha256').update(c.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  let described: Omit<CertificateEntry, 'certificate' | 'certificateType' | 'id' | 'hashIssPubKey'>;
  try {
    // A certificate can parse yet hold a key OpenSSL cannot decode: every field read belongs in the try.
    const cert = new X509Certificate(der);
    described = { subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), serialNumber: cert.serialNumber, hashSubPubKey: spkiHash(cert) };
  } catch (e) {
    throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'card holds an unreadable certificate', cause: e });
  }
  let issuerHash = '';
  if (issuerDer) {
    try {
      issuerHash = spkiHash(new X509Certificate(issuerDer));
    } catch {
      issuerHash = '';
    }
  }
  return { certificate: der.toString('base64'), certificateType, id, ...described, hashIssPubKey: issuerHash };
}

/** EF(TokenInfo) 5032: serial, label and the four version bytes at the end of the SEQUENCE (cards.md §1.4). */
export interface TokenInfo {
  readonly serialNumber: string;
  readonly label: string;
  readonly graphicalPersoVersion: number;
  readonly electricalPersoVersion: number;
  readonly electricalPersoInterfaceVersion: number;
  readonly versionRfu: number;
  readonly rawData: Buffer;
}

export function parseTokenInfo(file: Uint8Array): TokenInfo {
  const raw = stripTrailingZeros(file);
  if (raw.length < 8 || raw[0] !== 0x30) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'TokenInfo is not a SEQUENCE' });
  const end = Math.min(raw[1]! + 2, raw.length);
  const serialAt = raw.indexOf(0x04, 2);
  const serialLength = raw[serialAt + 1] ?? 0;
  const serial = raw.subarray(serialAt + 2, serialAt + 2 + serialLength);
  const labelAt = raw.indexOf(0x80, serialAt + 2 + serialLength);
  const label = labelAt >= 0 ? raw.subarray(labelAt + 2, labelAt + 2 + (raw[labelAt + 1] ?? 0)).toString('utf8') : '';
  const v = raw.subarray(end - 4, end);
  return {
    serialNumber: Buffer.from(serial).toString('hex').toUpperCase(),
    label,
    graphicalPersoVersion: v[0] ?? 0,
    electricalPersoVersion: v[1] ?? 0,
    electricalPersoInterfaceVersion: v[2] ?? 0,
    versionRfu: v[3] ?? 0,
    rawData: raw,
  };
}

/** GET CARD DATA (cards.md §1.6.1). */
export interface CardData {
  readonly serial: string;
  readonly appletVersion: string;
  readonly appletLifeCycle: number;
  readonly pinTriesLeft: number | null;
}

export function parseCardData(data: Uint8Array): CardData {
  if (data.length < 28) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `GET CARD DATA returned ${data.length} bytes` });
  const version = data[21]!;
  return {
    serial: Buffer.from(data.subarray(0, 16)).toString('hex').toUpperCase(),
    appletVersion: `${version >> 4}.${version & 0x0f}`,
    appletLifeCycle: data[27]!,
    pinTriesLeft: data.length >= 29 ? data[28]! : null,
  };
}
