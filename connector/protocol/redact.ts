import { INS } from './ins.js';

/**
 * Commands whose data field is a secret (a PIN block, old and new PINs, a PUK): traces and logs keep their
 * header and length, never their data.
 */
export const SECRET_INS: ReadonlySet<number> = new Set([INS.VERIFY, INS.CHANGE_REFERENCE_DATA, INS.RESET_RETRY_COUNTER, 0x26, 0x28]);

/** The byte a redacted data field is filled with. */
export const REDACTED_BYTE = 0x2a;

/** A copy of a short command APDU with the data of a secret-bearing command masked; other commands unchanged. */
export function redactCommandApdu(bytes: Uint8Array): Buffer {
  const copy = Buffer.from(bytes);
  if (copy.length <= 5 || !SECRET_INS.has(copy[1]!)) return copy;
  const lc = copy[4]!;
  const end = Math.min(copy.length, 5 + lc);
  copy.fill(REDACTED_BYTE, 5, end);
  return copy;
}
