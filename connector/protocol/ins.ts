/**
 * ISO/IEC 7816-4 interindustry instruction bytes (CLA 00), named once for cards and the connector alike.
 * Proprietary instructions (CLA 80) belong to a card family's own `apdu.ts`.
 */
export const INS = {
  VERIFY: 0x20,
  CHANGE_REFERENCE_DATA: 0x24,
  RESET_RETRY_COUNTER: 0x2c,
  MANAGE_SECURITY_ENVIRONMENT: 0x22,
  PERFORM_SECURITY_OPERATION: 0x2a,
  GET_CHALLENGE: 0x84,
  INTERNAL_AUTHENTICATE: 0x88,
  SELECT: 0xa4,
  READ_BINARY: 0xb0,
  READ_RECORD: 0xb2,
  GET_RESPONSE: 0xc0,
  GET_DATA: 0xca,
} as const;

/** SELECT P1: how the data field names the file. */
export const SELECT_P1 = {
  FID: 0x00,
  CHILD_FID: 0x02,
  AID: 0x04,
  PATH_FROM_MF: 0x08,
  PATH_FROM_CURRENT_DF: 0x09,
} as const;

/** SELECT P2: what the card returns. */
export const SELECT_P2 = {
  FCI: 0x00,
  NO_RESPONSE_DATA: 0x0c,
} as const;

/** The class byte of interindustry commands on logical channel 0. */
export const CLA_ISO = 0x00;
/** The usual class byte of proprietary commands. */
export const CLA_PROPRIETARY = 0x80;
