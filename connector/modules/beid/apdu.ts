import { CLA_ISO, CLA_PROPRIETARY, INS, command, type CommandApdu } from '../../protocol/index.js';

/** BELPIC proprietary instructions (CLA 80). */
export const BEID_INS = {
  GET_CARD_DATA: 0xe4,
  LOG_OFF: 0xe6,
} as const;

/** Absolute paths (with 3F00, as every client sends them) of the files the module reads. */
export const BEID_FILE = {
  DF_BELPIC: '3F00DF00',
  TOKEN_INFO: '3F00DF005032',
  CERT_AUTHENTICATION: '3F00DF005038',
  CERT_NON_REPUDIATION: '3F00DF005039',
  CERT_CA: '3F00DF00503A',
  CERT_ROOT: '3F00DF00503B',
  CERT_RRN: '3F00DF00503C',
  IDENTITY: '3F00DF014031',
  IDENTITY_SIGNATURE: '3F00DF014032',
  ADDRESS: '3F00DF014033',
  ADDRESS_SIGNATURE: '3F00DF014034',
  PHOTO: '3F00DF014035',
} as const;

export type BeidFile = keyof typeof BEID_FILE;

/** Private key references. */
export const BEID_KEY = {
  AUTHENTICATION: 0x82,
  NON_REPUDIATION: 0x83,
} as const;

/** PIN reference of the one card PIN. */
export const BEID_PIN_REF = 0x01;

/** MSE SET algorithm references (cards.md §1.8): the same byte means RSA on 1.7 and ECDSA on 1.8. */
export const BEID_ALG = {
  RSA_PKCS1: 0x01, // card pads whatever it gets: send a DigestInfo
  RSA_PSS_SHA1: 0x10,
  RSA_PSS_SHA256: 0x20,
  ECDSA_SHA256: 0x01,
  ECDSA_SHA384: 0x02,
  ECDSA_SHA512: 0x04,
} as const;

export const GET_CARD_DATA_LENGTH = 0x1c;

export function getCardData(): CommandApdu {
  return command(CLA_PROPRIETARY, BEID_INS.GET_CARD_DATA, 0x00, 0x00, undefined, GET_CARD_DATA_LENGTH);
}

export function logOff(): CommandApdu {
  return command(CLA_PROPRIETARY, BEID_INS.LOG_OFF, 0x00, 0x00);
}

export function verifyPin(pinBlock: Uint8Array): CommandApdu {
  return command(CLA_ISO, INS.VERIFY, 0x00, BEID_PIN_REF, pinBlock);
}

export function mseSet(algorithm: number, keyRef: number): CommandApdu {
  return command(CLA_ISO, INS.MANAGE_SECURITY_ENVIRONMENT, 0x41, 0xb6, Uint8Array.from([0x04, 0x80, algorithm, 0x84, keyRef]));
}

/** PSO: COMPUTE DIGITAL SIGNATURE. Le 256: on T=0 the channel strips it and fetches the answer with GET RESPONSE. */
export function psoComputeSignature(dataToBeSigned: Uint8Array): CommandApdu {
  return command(CLA_ISO, INS.PERFORM_SECURITY_OPERATION, 0x9e, 0x9a, dataToBeSigned, 256);
}

export function path(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}
