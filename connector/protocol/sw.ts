/**
 * ISO/IEC 7816-4 status words, named once. Card simulators answer with these names, the connector
 * interprets them through these names; no raw SW hex appears elsewhere.
 */
export const SW = {
  OK: 0x9000,
  BYTES_AVAILABLE: 0x6100, // 61xx: xx more bytes via GET RESPONSE (00 = 256)
  WARNING_NV_UNCHANGED: 0x6200,
  SELECTED_FILE_DEACTIVATED: 0x6283,
  END_OF_FILE_REACHED: 0x6282,
  VERIFY_FAILED: 0x63c0, // 63Cx: x tries left
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  LOGICAL_CHANNEL_NOT_SUPPORTED: 0x6881,
  SECURE_MESSAGING_NOT_SUPPORTED: 0x6882,
  COMMAND_NOT_ALLOWED: 0x6900,
  COMMAND_INCOMPATIBLE_WITH_FILE: 0x6981,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED_NO_EF: 0x6986,
  APPLET_SELECT_FAILED: 0x6999,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  LC_INCONSISTENT_WITH_P1P2: 0x6a87,
  REFERENCE_DATA_NOT_FOUND: 0x6a88,
  WRONG_P1P2: 0x6b00,
  WRONG_LE: 0x6c00, // 6Cxx: re-send with Le = xx
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  UNKNOWN: 0x6f00,
} as const;

export type SwName = keyof typeof SW;

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  [SW.OK]: 'success',
  [SW.WARNING_NV_UNCHANGED]: 'warning: non-volatile memory unchanged',
  [SW.SELECTED_FILE_DEACTIVATED]: 'selected file deactivated',
  [SW.END_OF_FILE_REACHED]: 'end of file reached before reading Le bytes',
  [SW.MEMORY_FAILURE]: 'memory failure',
  [SW.WRONG_LENGTH]: 'wrong length',
  [SW.LOGICAL_CHANNEL_NOT_SUPPORTED]: 'logical channel not supported',
  [SW.SECURE_MESSAGING_NOT_SUPPORTED]: 'secure messaging not supported',
  [SW.COMMAND_NOT_ALLOWED]: 'command not allowed',
  [SW.COMMAND_INCOMPATIBLE_WITH_FILE]: 'command incompatible with file structure',
  [SW.SECURITY_STATUS_NOT_SATISFIED]: 'security status not satisfied',
  [SW.AUTH_METHOD_BLOCKED]: 'authentication method blocked',
  [SW.REFERENCE_DATA_NOT_USABLE]: 'reference data not usable',
  [SW.CONDITIONS_NOT_SATISFIED]: 'conditions of use not satisfied',
  [SW.COMMAND_NOT_ALLOWED_NO_EF]: 'command not allowed (no current EF)',
  [SW.APPLET_SELECT_FAILED]: 'applet selection failed',
  [SW.WRONG_DATA]: 'incorrect parameters in the data field',
  [SW.FUNCTION_NOT_SUPPORTED]: 'function not supported',
  [SW.FILE_NOT_FOUND]: 'file or application not found',
  [SW.RECORD_NOT_FOUND]: 'record not found',
  [SW.NOT_ENOUGH_MEMORY]: 'not enough memory space in the file',
  [SW.INCORRECT_P1P2]: 'incorrect parameters P1-P2',
  [SW.LC_INCONSISTENT_WITH_P1P2]: 'Lc inconsistent with P1-P2',
  [SW.REFERENCE_DATA_NOT_FOUND]: 'referenced data not found',
  [SW.WRONG_P1P2]: 'wrong parameters P1-P2 (offset outside the EF)',
  [SW.INS_NOT_SUPPORTED]: 'instruction code not supported',
  [SW.CLA_NOT_SUPPORTED]: 'class not supported',
  [SW.UNKNOWN]: 'no precise diagnosis',
};

export const sw1 = (sw: number): number => (sw >> 8) & 0xff;
export const sw2 = (sw: number): number => sw & 0xff;

export const isSuccess = (sw: number): boolean => sw === SW.OK;
/** 61xx: the card has data waiting for GET RESPONSE. */
export const isBytesAvailable = (sw: number): boolean => sw1(sw) === 0x61;
/** 6Cxx: wrong Le; SW2 is the exact length to ask for. */
export const isWrongLe = (sw: number): boolean => sw1(sw) === 0x6c;
/** 63Cx: verification failed, x tries left. */
export const isVerifyFailed = (sw: number): boolean => (sw & 0xfff0) === SW.VERIFY_FAILED;
/** Tries left from a 63Cx status word, or null when the SW carries no counter. */
export const triesLeft = (sw: number): number | null => (isVerifyFailed(sw) ? sw & 0x0f : null);

/** Builders for the status words that carry a value in SW2. */
export const bytesAvailable = (n: number): number => SW.BYTES_AVAILABLE | (n >= 256 ? 0 : n);
export const wrongLe = (n: number): number => SW.WRONG_LE | (n >= 256 ? 0 : n);
export const verifyFailed = (tries: number): number => SW.VERIFY_FAILED | (tries & 0x0f);

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

/** A human description of any status word, e.g. "63C2: verification failed, 2 tries left". */
export function describeSw(sw: number): string {
  const hex = swHex(sw);
  if (isBytesAvailable(sw)) return `${hex}: ${sw2(sw) === 0 ? 256 : sw2(sw)} bytes available`;
  if (isWrongLe(sw)) return `${hex}: wrong Le, ${sw2(sw) === 0 ? 256 : sw2(sw)} bytes available`;
  if (isVerifyFailed(sw)) return `${hex}: verification failed, ${sw & 0x0f} tries left`;
  const known = DESCRIPTIONS[sw];
  if (known !== undefined) return `${hex}: ${known}`;
  return `${hex}: ${sw1(sw) === 0x62 || sw1(sw) === 0x63 ? 'warning' : 'error'}`;
}
