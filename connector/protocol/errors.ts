/** Errors raised by the pure protocol layer. Every malformed input ends here, never in a bare TypeError. */
export type ProtocolErrorCode =
  | 'ERR_HEX_MALFORMED'
  | 'ERR_APDU_MALFORMED'
  | 'ERR_APDU_TOO_LONG'
  | 'ERR_RESPONSE_MALFORMED'
  | 'ERR_TLV_MALFORMED'
  | 'ERR_PIN_FORMAT'
  | 'ERR_VPCD_FRAME'
  | 'ERR_TRANSCRIPT_INVALID';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError;
}
