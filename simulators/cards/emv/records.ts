import { EMV_TAG, encodeBerTlv, encodeDol, type DolEntry } from '../../../connector/protocol/index.js';
import type { EmvPersona } from '../../../fixtures/personas/index.js';
import { bcdDate, bcdNumeric, bcdPadded } from './bcd.js';
import type { PublicKeyCertificate } from './oda.js';

const tlv = (tag: number, value: Uint8Array | readonly Uint8Array[]): Buffer => encodeBerTlv(tag, value);
const hex = (text: string): Buffer => Buffer.from(text, 'hex');

/** Application Interchange Profile: DDA, cardholder verification, terminal risk management, issuer authentication. */
export const EMV_AIP = hex('3C00');

/**
 * Application File Locator: SFI 1 records 1–5 (none for offline authentication), SFI 2 records 1–2 (the first
 * one signed). The ICC certificate (SFI 1) therefore never covers itself.
 */
export const EMV_AFL = hex('0801050010010201');

/** The terminal data the first and second GENERATE AC carry (tags 8C and 8D). */
export const EMV_CDOL1: readonly DolEntry[] = [
  { tag: EMV_TAG.AMOUNT_AUTHORISED, length: 6 },
  { tag: EMV_TAG.AMOUNT_OTHER, length: 6 },
  { tag: EMV_TAG.TERMINAL_COUNTRY_CODE, length: 2 },
  { tag: EMV_TAG.TVR, length: 5 },
  { tag: EMV_TAG.TRANSACTION_CURRENCY_CODE, length: 2 },
  { tag: EMV_TAG.TRANSACTION_DATE, length: 3 },
  { tag: EMV_TAG.TRANSACTION_TYPE, length: 1 },
  { tag: EMV_TAG.UNPREDICTABLE_NUMBER, length: 4 },
];
export const EMV_CDOL2: readonly DolEntry[] = [{ tag: EMV_TAG.AUTHORISATION_RESPONSE_CODE, length: 2 }, ...EMV_CDOL1];

/** Default DDOL (tag 9F49): the terminal's unpredictable number. */
export const EMV_DDOL: readonly DolEntry[] = [{ tag: EMV_TAG.UNPREDICTABLE_NUMBER, length: 4 }];

/** Offline plaintext PIN (else next rule), online PIN, signature, no CVM — each "if the terminal supports it". */
const CVM_LIST = hex('00000000' + '00000000' + '4103' + '4203' + '1E03' + '1F03');

/** Track 2 equivalent data (tag 57): PAN, separator D, YYMM, service code, discretionary data, F to a whole byte. */
export function track2(persona: EmvPersona): Buffer {
  const yymm = persona.expiry.slice(2, 4) + persona.expiry.slice(5, 7);
  return bcdPadded(`${persona.pan}D${yymm}${persona.serviceCode}000000000`);
}

/** SFI 2: the record offline data authentication signs (record 1) and one it does not. */
export function signedRecords(persona: EmvPersona): Buffer[] {
  const rec1 = tlv(EMV_TAG.RECORD_TEMPLATE, [
    tlv(EMV_TAG.EFFECTIVE_DATE, bcdDate(persona.effectiveDate)),
    tlv(EMV_TAG.EXPIRATION_DATE, bcdDate(persona.expiry)),
    tlv(EMV_TAG.PAN, bcdPadded(persona.pan)),
    tlv(EMV_TAG.PAN_SEQUENCE_NUMBER, bcdNumeric(persona.panSequenceNumber, 1)),
    tlv(EMV_TAG.CVM_LIST, CVM_LIST),
    tlv(EMV_TAG.USAGE_CONTROL, hex('FF00')),
    tlv(EMV_TAG.IAC_DEFAULT, hex('FC50ACA000')),
    tlv(EMV_TAG.IAC_DENIAL, hex('0000000000')),
    tlv(EMV_TAG.IAC_ONLINE, hex('FC70BCF800')),
    tlv(EMV_TAG.SDA_TAG_LIST, Buffer.from([EMV_TAG.AIP])),
    tlv(EMV_TAG.ISSUER_COUNTRY_CODE, bcdNumeric(persona.issuerCountry, 2)),
    tlv(EMV_TAG.CDOL1, encodeDol(EMV_CDOL1)),
    tlv(EMV_TAG.CDOL2, encodeDol(EMV_CDOL2)),
    tlv(EMV_TAG.SERVICE_CODE, bcdNumeric(persona.serviceCode, 2)),
  ]);
  const rec2 = tlv(EMV_TAG.RECORD_TEMPLATE, [
    tlv(EMV_TAG.APPLICATION_VERSION, hex('0002')),
    tlv(EMV_TAG.APPLICATION_CURRENCY, bcdNumeric(persona.currency, 2)),
    tlv(EMV_TAG.CURRENCY_EXPONENT, hex('02')),
  ]);
  return [rec1, rec2];
}

export interface OdaRecordsInput {
  readonly caIndex: number;
  readonly issuer: PublicKeyCertificate;
  readonly icc: PublicKeyCertificate;
}

/** SFI 1: track data and name, then the certificates, exponents and remainders (the structure of a Maestro card). */
export function certificateRecords(persona: EmvPersona, oda: OdaRecordsInput): Buffer[] {
  return [
    tlv(EMV_TAG.RECORD_TEMPLATE, [
      tlv(EMV_TAG.TRACK2_EQUIVALENT, track2(persona)),
      tlv(EMV_TAG.CARDHOLDER_NAME, Buffer.from(persona.cardholderName, 'ascii')),
      tlv(EMV_TAG.TRACK1_DISCRETIONARY, Buffer.from('000000000', 'ascii')),
    ]),
    tlv(EMV_TAG.RECORD_TEMPLATE, [tlv(EMV_TAG.ISSUER_PK_CERTIFICATE, oda.issuer.certificate)]),
    tlv(EMV_TAG.RECORD_TEMPLATE, [
      tlv(EMV_TAG.ISSUER_PK_EXPONENT, oda.issuer.exponent),
      ...(oda.issuer.remainder.length > 0 ? [tlv(EMV_TAG.ISSUER_PK_REMAINDER, oda.issuer.remainder)] : []),
      tlv(EMV_TAG.ICC_PK_EXPONENT, oda.icc.exponent),
      ...(oda.icc.remainder.length > 0 ? [tlv(EMV_TAG.ICC_PK_REMAINDER, oda.icc.remainder)] : []),
      tlv(EMV_TAG.DDOL, encodeDol(EMV_DDOL)),
    ]),
    tlv(EMV_TAG.RECORD_TEMPLATE, [tlv(EMV_TAG.CA_PK_INDEX, Buffer.from([oda.caIndex]))]),
    tlv(EMV_TAG.RECORD_TEMPLATE, [tlv(EMV_TAG.ICC_PK_CERTIFICATE, oda.icc.certificate)]),
  ];
}

/**
 * The static data to be authenticated (Book 3 §10.3): for each AFL entry, its first `n` signed records — the
 * record's value without the 70 template for SFI 1–10, the whole record for SFI 11–30 — then the values of the
 * tags the SDA tag list names (only the AIP is allowed).
 */
export function staticDataToAuthenticate(files: ReadonlyMap<number, readonly Buffer[]>, afl: Buffer, aip: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    const first = afl[i + 1]!;
    const signed = afl[i + 3]!;
    for (let n = first; n < first + signed; n += 1) {
      const record = files.get(sfi)?.[n - 1];
      if (!record) throw new RangeError(`AFL names SFI ${sfi} record ${n}, which the card lacks`);
      parts.push(sfi <= 10 ? recordValue(record) : record);
    }
  }
  return Buffer.concat([...parts, aip]);
}

/** The value of a `70` record template (its length may take one to three bytes). */
function recordValue(record: Buffer): Buffer {
  const first = record[1]!;
  return record.subarray(first < 0x80 ? 2 : 2 + (first & 0x7f));
}
