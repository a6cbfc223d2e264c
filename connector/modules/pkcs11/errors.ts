import { ConnectorError, isConnectorError, type ErrorKey } from '../../errors/index.js';
import { ckrOf } from './binding.js';
import { CKR } from './ck.js';

/** The CKR_* values that mean something to the API caller; every other one is ERR_PKCS11_FAILED. */
const CKR_ERRORS: ReadonlyMap<number, ErrorKey> = new Map<number, ErrorKey>([
  [CKR.PIN_INCORRECT, 'ERR_PIN_WRONG'],
  [CKR.PIN_LOCKED, 'ERR_PIN_BLOCKED'],
  [CKR.PIN_INVALID, 'ERR_PIN_FORMAT'],
  [CKR.PIN_LEN_RANGE, 'ERR_PIN_FORMAT'],
  [CKR.DEVICE_REMOVED, 'ERR_CARD_REMOVED'],
  [CKR.TOKEN_NOT_PRESENT, 'ERR_CARD_REMOVED'],
  [CKR.TOKEN_NOT_RECOGNIZED, 'ERR_CARD_REMOVED'],
  [CKR.SESSION_CLOSED, 'ERR_CARD_REMOVED'],
  [CKR.SESSION_HANDLE_INVALID, 'ERR_CARD_REMOVED'],
  [CKR.MECHANISM_INVALID, 'ERR_ALGORITHM_UNSUPPORTED'],
  [CKR.MECHANISM_PARAM_INVALID, 'ERR_ALGORITHM_UNSUPPORTED'],
  [CKR.KEY_TYPE_INCONSISTENT, 'ERR_ALGORITHM_UNSUPPORTED'],
  [CKR.KEY_FUNCTION_NOT_PERMITTED, 'ERR_ALGORITHM_UNSUPPORTED'],
  [CKR.DATA_LEN_RANGE, 'ERR_DIGEST_INVALID'],
  [CKR.DATA_INVALID, 'ERR_DIGEST_INVALID'],
]);

/** What the token says about PIN tries, from CK_TOKEN_INFO.flags: PKCS#11 tells "low", "final try", "locked", not a count. */
export interface PinTries {
  readonly countLow: boolean;
  readonly finalTry: boolean;
  readonly locked: boolean;
}

/** The standard name of a return value when the binding gave one (`CKR_PIN_INCORRECT`), else its number in hex. */
function ckrName(error: Error, ckr: number): string {
  return /^CKR_[A-Z0-9_]+$/.test(error.message) ? error.message : `0x${ckr.toString(16)}`;
}

/**
 * A PKCS#11 failure as a catalogue error: wrong PIN (with `triesLeft` when the token's flags tell it: 1 on the
 * final try), locked PIN, token removed, unsupported mechanism, and everything else as ERR_PKCS11_FAILED naming
 * the CKR. `tries` are the token's flags read right after the failure, when the caller could read them.
 */
export function fromPkcs11(error: unknown, tries?: PinTries): ConnectorError {
  if (isConnectorError(error)) return error;
  const ckr = ckrOf(error);
  if (ckr === null || !(error instanceof Error)) {
    return new ConnectorError('ERR_PKCS11_FAILED', { message: 'the token library failed', cause: error });
  }
  const key = CKR_ERRORS.get(ckr) ?? 'ERR_PKCS11_FAILED';
  const ckrText = ckrName(error, ckr);
  if (key === 'ERR_PIN_WRONG') {
    if (tries?.locked) return new ConnectorError('ERR_PIN_BLOCKED', { details: { triesLeft: 0 }, cause: error });
    const details = tries?.finalTry ? { triesLeft: 1, ckr: ckrText } : tries?.countLow ? { pinCountLow: true, ckr: ckrText } : { ckr: ckrText };
    return new ConnectorError('ERR_PIN_WRONG', { details, cause: error });
  }
  if (key === 'ERR_PIN_BLOCKED') return new ConnectorError('ERR_PIN_BLOCKED', { details: { triesLeft: 0 }, cause: error });
  return new ConnectorError(key, { details: { ckr: ckrText }, cause: error });
}

/** True for the return values that say the token (or the session on it) is gone. */
export function isTokenGone(error: unknown): boolean {
  const ckr = ckrOf(error);
  return ckr !== null && CKR_ERRORS.get(ckr) === 'ERR_CARD_REMOVED';
}
