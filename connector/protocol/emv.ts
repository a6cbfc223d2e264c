import { ProtocolError } from './errors.js';
import { berTagBytes, readBerTag } from './tlv-ber.js';

/**
 * EMV (Books 1 and 3) vocabulary shared by payment-card simulators and the connector's `emv` module: the
 * proprietary instructions, the data-object tags and the data object lists (DOL) that tell a terminal what
 * to send. Interindustry instructions (SELECT, READ RECORD, VERIFY, INTERNAL AUTHENTICATE) are in `ins.ts`.
 */
export const EMV_INS = {
  /** `80 A8 00 00 Lc 83 L <PDOL data> 00` */
  GET_PROCESSING_OPTIONS: 0xa8,
  /** `80 AE P1 00 Lc <CDOL data> 00` */
  GENERATE_AC: 0xae,
  /** `80 CA tag1 tag2 00` */
  GET_DATA: 0xca,
} as const;

/** SELECT by DF name, P2: the first (or only) occurrence, or the next one matching a partial name. */
export const EMV_SELECT_P2 = { FIRST: 0x00, NEXT: 0x02 } as const;

/** VERIFY P2 (P1 00): the PIN block in plain text, or enciphered with the ICC key. */
export const EMV_VERIFY_P2 = { PLAINTEXT_PIN: 0x80, ENCIPHERED_PIN: 0x88 } as const;

/** GENERATE AC P1 (bits 8-7) and the cryptogram information data the card answers with. */
export const EMV_CRYPTOGRAM = { AAC: 0x00, TC: 0x40, ARQC: 0x80, TYPE_MASK: 0xc0, CDA: 0x10 } as const;

/** The contact Payment System Environment's DF name. */
export const EMV_PSE_NAME = '1PAY.SYS.DDF01';

/** READ RECORD P2 for record `P1` of short file `sfi`: `(sfi << 3) | 100b`. */
export function readRecordP2(sfi: number): number {
  return ((sfi & 0x1f) << 3) | 0x04;
}

/** EMV data-object tags (Book 3 Annex A), by the names the books give them. */
export const EMV_TAG = {
  FCI_TEMPLATE: 0x6f,
  DF_NAME: 0x84,
  FCI_PROPRIETARY: 0xa5,
  FCI_ISSUER_DISCRETIONARY: 0xbf0c,
  SFI: 0x88,
  LANGUAGE_PREFERENCE: 0x5f2d,
  ISSUER_CODE_TABLE_INDEX: 0x9f11,
  APPLICATION_TEMPLATE: 0x61,
  AID: 0x4f,
  APPLICATION_LABEL: 0x50,
  APPLICATION_PRIORITY: 0x87,
  APPLICATION_PREFERRED_NAME: 0x9f12,
  PDOL: 0x9f38,
  RECORD_TEMPLATE: 0x70,
  RESPONSE_FORMAT_1: 0x80,
  RESPONSE_FORMAT_2: 0x77,
  COMMAND_TEMPLATE: 0x83,
  AIP: 0x82,
  AFL: 0x94,
  TRACK2_EQUIVALENT: 0x57,
  PAN: 0x5a,
  EXPIRATION_DATE: 0x5f24,
  EFFECTIVE_DATE: 0x5f25,
  CARDHOLDER_NAME: 0x5f20,
  ISSUER_COUNTRY_CODE: 0x5f28,
  SERVICE_CODE: 0x5f30,
  PAN_SEQUENCE_NUMBER: 0x5f34,
  TRACK1_DISCRETIONARY: 0x9f1f,
  CDOL1: 0x8c,
  CDOL2: 0x8d,
  CVM_LIST: 0x8e,
  USAGE_CONTROL: 0x9f07,
  APPLICATION_VERSION: 0x9f08,
  IAC_DEFAULT: 0x9f0d,
  IAC_DENIAL: 0x9f0e,
  IAC_ONLINE: 0x9f0f,
  APPLICATION_CURRENCY: 0x9f42,
  CURRENCY_EXPONENT: 0x9f44,
  SDA_TAG_LIST: 0x9f4a,
  CA_PK_INDEX: 0x8f,
  ISSUER_PK_CERTIFICATE: 0x90,
  ISSUER_PK_REMAINDER: 0x92,
  ISSUER_PK_EXPONENT: 0x9f32,
  ICC_PK_CERTIFICATE: 0x9f46,
  ICC_PK_EXPONENT: 0x9f47,
  ICC_PK_REMAINDER: 0x9f48,
  DDOL: 0x9f49,
  SIGNED_DYNAMIC_DATA: 0x9f4b,
  PIN_TRY_COUNTER: 0x9f17,
  ATC: 0x9f36,
  LAST_ONLINE_ATC: 0x9f13,
  LOG_FORMAT: 0x9f4f,
  CRYPTOGRAM_INFORMATION: 0x9f27,
  APPLICATION_CRYPTOGRAM: 0x9f26,
  ISSUER_APPLICATION_DATA: 0x9f10,
  AUTHORISATION_RESPONSE_CODE: 0x8a,
  UNPREDICTABLE_NUMBER: 0x9f37,
  TERMINAL_COUNTRY_CODE: 0x9f1a,
  TRANSACTION_CURRENCY_CODE: 0x5f2a,
  TRANSACTION_DATE: 0x9a,
  TRANSACTION_TYPE: 0x9c,
  AMOUNT_AUTHORISED: 0x9f02,
  AMOUNT_OTHER: 0x9f03,
  TVR: 0x95,
  TERMINAL_TYPE: 0x9f35,
  TERMINAL_CAPABILITIES: 0x9f33,
} as const;

/** One entry of a data object list: the tag the terminal fills in and how many bytes it must give. */
export interface DolEntry {
  readonly tag: number;
  readonly length: number;
}

/** Decodes a DOL (`9F1A 02 5F2A 02 9A 03` …): tags followed by a one-byte length, no values. */
export function decodeDol(bytes: Uint8Array): DolEntry[] {
  const out: DolEntry[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const { tag, next } = readBerTag(bytes, pos);
    const length = bytes[next];
    if (length === undefined) throw new ProtocolError('ERR_TLV_MALFORMED', `DOL entry ${tag.toString(16)} has no length`);
    out.push({ tag, length });
    pos = next + 1;
  }
  return out;
}

export function encodeDol(entries: readonly DolEntry[]): Buffer {
  return Buffer.from(entries.flatMap((e) => [...berTagBytes(e.tag), e.length & 0xff]));
}

/** The number of data bytes a DOL asks for. */
export function dolDataLength(entries: readonly DolEntry[]): number {
  return entries.reduce((sum, e) => sum + e.length, 0);
}
