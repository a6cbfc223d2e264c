import type { KeyObject } from 'node:crypto';
import { encodeBerTlv, fromHex } from '../../../connector/protocol/index.js';
import { BEID_FID, BEID_KEY, BEID_PIN_REFERENCE, BELPIC_PKCS15_AID } from './apdu.js';
import type { BeidGeneration } from './generation.js';

/**
 * The PKCS#15 files of DF00 and EF(DIR), built field by field so that missing keys and certificates can
 * be dropped (cards.md §1.4). With every object present the bytes equal the spec's listings.
 */

const seq = (...items: Uint8Array[]): Buffer => encodeBerTlv(0x30, items);
const utf8 = (text: string): Buffer => encodeBerTlv(0x0c, Buffer.from(text, 'utf8'));
const octets = (bytes: Uint8Array): Buffer => encodeBerTlv(0x04, bytes);
const bitString = (hex: string): Buffer => encodeBerTlv(0x03, fromHex(hex));
const integer = (value: number, size: number): Buffer => {
  const body = Buffer.alloc(size);
  body.writeUIntBE(value, 0, size);
  return encodeBerTlv(0x02, body);
};

const LABEL_BELPIC = 'BELPIC';
const PATH_MF = fromHex('3F00');
const PATH_BELPIC = fromHex('3F00DF00');
const fileRef = (fid: number): Buffer => Buffer.concat([PATH_BELPIC, Buffer.from([fid >> 8, fid & 0xff])]);
const pathObject = (path: Uint8Array): Buffer => seq(octets(path));
/** CommonObjectAttributes flags: private + modifiable for keys and the PIN, modifiable only (public) for certificates. */
const FLAGS_PRIVATE = '06C0';
const FLAGS_PUBLIC = '0640';
const AUTH_ID = fromHex('01');

/** EF(DIR) 2F00: one PKCS#15 application, "BELPIC" at 3F00DF00, DDO OID 2.16.56.2. */
export function efDir(): Buffer {
  return encodeBerTlv(0x61, [
    encodeBerTlv(0x4f, BELPIC_PKCS15_AID),
    encodeBerTlv(0x50, Buffer.from(LABEL_BELPIC)),
    encodeBerTlv(0x51, PATH_BELPIC),
    encodeBerTlv(0x73, [encodeBerTlv(0x06, fromHex('603802'))]),
  ]);
}

/** EF(ODF) 5031: PrKDF, CDF and AODF (no PuKDF). */
export function odf(): Buffer {
  const entry = (tag: number, fid: number): Buffer => encodeBerTlv(tag, [pathObject(fileRef(fid))]);
  return Buffer.concat([entry(0xa0, BEID_FID.PRKDF), entry(0xa4, BEID_FID.CDF), entry(0xa8, BEID_FID.AODF)]);
}

/** EF(TokenInfo) 5032: version 0, the chip serial, label BELPIC, token flags, perso versions (short-form length). */
export function tokenInfo(serial: Uint8Array, generation: BeidGeneration): Buffer {
  if (serial.length !== 16) throw new RangeError(`a BeID chip serial has 16 bytes, got ${serial.length}`);
  return seq(
    integer(0, 1),
    octets(serial),
    encodeBerTlv(0x80, Buffer.from(LABEL_BELPIC)),
    bitString('0430'),
    encodeBerTlv(0x9e, generation.tokenInfoVersion),
  );
}

/** EF(AODF) 5034: "Basic PIN", reference 01, 4..8 digits stored, padding FF, path 3F00. */
export function aodf(): Buffer {
  const pinAttributes = seq(
    bitString('020C'),
    encodeBerTlv(0x0a, fromHex('00')),
    integer(4, 1),
    integer(8, 1),
    encodeBerTlv(0x80, Buffer.from([BEID_PIN_REFERENCE])),
    octets(fromHex('FF')),
    pathObject(PATH_MF),
  );
  return seq(seq(utf8('Basic PIN'), bitString(FLAGS_PRIVATE)), seq(octets(AUTH_ID)), encodeBerTlv(0xa1, [pinAttributes]));
}

interface KeyEntry {
  readonly label: string;
  readonly id: number;
  readonly usage: string;
  readonly userConsent: boolean;
  readonly reference: number;
}

const AUTHENTICATION_KEY: KeyEntry = { label: 'Authentication', id: 0x02, usage: '0520', userConsent: false, reference: BEID_KEY.AUTHENTICATION };
const NON_REPUDIATION_KEY: KeyEntry = { label: 'Signature', id: 0x03, usage: '060040', userConsent: true, reference: BEID_KEY.NON_REPUDIATION };

/** EF(PrKDF) 5035: the user keys present on the card, zero-padded to the generation's file size. */
export function prkdf(generation: BeidGeneration, keys: { authentication: KeyObject; nonRepudiation: KeyObject } | null): Buffer {
  const outerTag = generation.keyFamily === 'rsa' ? 0x30 : 0xa0;
  const entry = (key: KeyEntry, object: KeyObject): Buffer =>
    encodeBerTlv(outerTag, [
      seq(utf8(key.label), bitString(FLAGS_PRIVATE), octets(AUTH_ID), ...(key.userConsent ? [integer(1, 1)] : [])),
      seq(octets(Buffer.from([key.id])), bitString(key.usage), bitString('03B8'), integer(key.reference, 2)),
      encodeBerTlv(0xa1, [seq(pathObject(PATH_BELPIC), integer(keyBits(object), 2))]),
    ]);
  const entries = keys ? [entry(AUTHENTICATION_KEY, keys.authentication), entry(NON_REPUDIATION_KEY, keys.nonRepudiation)] : [];
  return zeroPadded(Buffer.concat(entries), generation.prkdfSize, 'PrKDF');
}

interface CertificateEntry {
  readonly label: string;
  readonly id: number;
  readonly authority: boolean;
  readonly fid: number;
}

export const CERTIFICATE_ENTRIES: Readonly<Record<'authentication' | 'nonRepudiation' | 'ca' | 'root', CertificateEntry>> = {
  authentication: { label: 'Authentication', id: 0x02, authority: false, fid: BEID_FID.CERT_AUTHENTICATION },
  nonRepudiation: { label: 'Signature', id: 0x03, authority: false, fid: BEID_FID.CERT_NON_REPUDIATION },
  ca: { label: 'CA', id: 0x04, authority: true, fid: BEID_FID.CERT_CA },
  root: { label: 'Root', id: 0x06, authority: true, fid: BEID_FID.CERT_ROOT },
};

/**
 * EF(CDF) 5037: one entry per certificate present, in card order, with public flags `06 40` (with the
 * documented `06 C0` OpenSC hides them until login, cards.md §1.10). Zero-padded to the generation's size.
 */
export function cdf(generation: BeidGeneration, present: readonly CertificateEntry[]): Buffer {
  const entry = (cert: CertificateEntry): Buffer =>
    seq(
      seq(utf8(cert.label), bitString(FLAGS_PUBLIC), octets(AUTH_ID)),
      seq(
        octets(Buffer.from([cert.id])),
        ...(cert.authority ? [encodeBerTlv(0x01, fromHex('FF'))] : []),
        ...(generation.cdfImplicitTrust ? [encodeBerTlv(0x83, fromHex('00'))] : []),
      ),
      encodeBerTlv(0xa1, [seq(pathObject(fileRef(cert.fid)))]),
    );
  return zeroPadded(Buffer.concat(present.map(entry)), generation.cdfSize, 'CDF');
}

function keyBits(key: KeyObject): number {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && details?.modulusLength !== undefined) return details.modulusLength;
  const curveBits: Readonly<Record<string, number>> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
  const bits = curveBits[details?.namedCurve ?? ''];
  if (key.asymmetricKeyType === 'ec' && bits !== undefined) return bits;
  throw new TypeError(`unsupported card key (${key.asymmetricKeyType ?? 'unknown'})`);
}

function zeroPadded(content: Buffer, size: number, name: string): Buffer {
  if (content.length > size) throw new RangeError(`${name} content of ${content.length} bytes exceeds its ${size}-byte file`);
  return Buffer.concat([content, Buffer.alloc(size - content.length)]);
}
