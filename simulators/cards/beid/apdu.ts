import { fromHex } from '../../../connector/protocol/index.js';

/** The BELPIC applet's vocabulary (cards.md §1.2, §1.6): AIDs, FIDs, proprietary INS, references. */

/** Applet instance AID: selecting it makes the MF current. */
export const BELPIC_APPLET_AID = fromHex('A000000030290570 00AD13100101FF');
/** DF(BELPIC) DF00: "PKCS-15". */
export const BELPIC_PKCS15_AID = fromHex('A000000177504B43532D3135');
/** DF(ID) DF01: "IdFiles". */
export const BELPIC_ID_AID = fromHex('A000000177496446696C6573');

export const BEID_FID = {
  DIR: 0x2f00,
  BELPIC: 0xdf00,
  ODF: 0x5031,
  TOKEN_INFO: 0x5032,
  AODF: 0x5034,
  PRKDF: 0x5035,
  CDF: 0x5037,
  CERT_AUTHENTICATION: 0x5038,
  CERT_NON_REPUDIATION: 0x5039,
  CERT_CA: 0x503a,
  CERT_ROOT: 0x503b,
  CERT_RRN: 0x503c,
  ID: 0xdf01,
  IDENTITY: 0x4031,
  IDENTITY_SIGNATURE: 0x4032,
  ADDRESS: 0x4033,
  ADDRESS_SIGNATURE: 0x4034,
  PHOTO: 0x4035,
  BASIC_PUBLIC_KEY: 0x4040,
} as const;

/** Proprietary instructions (CLA 80). */
export const BEID_INS = {
  GET_CARD_DATA: 0xe4,
  LOG_OFF: 0xe6,
  READ_RECORD: 0xb2,
} as const;

/** The one PIN ("Basic PIN") and its tries. */
export const BEID_PIN_REFERENCE = 0x01;
export const BEID_PIN_TRIES = 3;

/** Key references of MSE SET (tag 84). */
export const BEID_KEY = {
  BASIC: 0x81,
  AUTHENTICATION: 0x82,
  NON_REPUDIATION: 0x83,
} as const;

/** MSE SET: `00 22 41 B6 05 04 80 <alg> 84 <key>`. */
export const MSE_SET_P1P2 = 0x41b6;
export const MSE_TAG_ALGORITHM = 0x80;
export const MSE_TAG_KEY = 0x84;
export const MSE_DATA_LENGTH = 5;
/** PSO: COMPUTE DIGITAL SIGNATURE. */
export const PSO_CDS_P1P2 = 0x9e9a;
/** INTERNAL AUTHENTICATE data: `94 len challenge`. */
export const INTERNAL_AUTH_CHALLENGE_TAG = 0x94;
/** Uses of the basic key before a VERIFY is needed again. */
export const INTERNAL_AUTH_LIMIT = 5000;

/** GET CARD DATA P2: 00 = 28 bytes, 01 = 31 bytes with PIN tries (1.8). */
export const CARD_DATA_P2 = { BASIC: 0x00, WITH_PIN_TRIES: 0x01 } as const;
