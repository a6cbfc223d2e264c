import { secretBuffer } from './secret-buffer.js';
import { ProtocolError } from './errors.js';

/**
 * ISO/IEC 7816-4 command APDU. `le` is the number of bytes expected (1..65536), `null` when absent.
 * Short Le 00 means 256; extended Le 0000 means 65536.
 */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  readonly le: number | null;
}

export interface ResponseApdu {
  readonly data: Uint8Array;
  /** SW1SW2 as one 16-bit number, e.g. 0x9000. */
  readonly sw: number;
}

export type ApduCase = 1 | 2 | 3 | 4;

const MAX_SHORT_LC = 255;
const MAX_SHORT_LE = 256;
const MAX_EXTENDED = 65535;
const MAX_EXTENDED_LE = 65536;

function checkByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new ProtocolError('ERR_APDU_MALFORMED', `${name} must be a byte, got ${value}`);
  }
}

export function command(
  cla: number,
  ins: number,
  p1: number,
  p2: number,
  data: Uint8Array = new Uint8Array(0),
  le: number | null = null,
): CommandApdu {
  return { cla, ins, p1, p2, data, le };
}

export function apduCase(cmd: CommandApdu): ApduCase {
  if (cmd.data.length === 0) return cmd.le === null ? 1 : 2;
  return cmd.le === null ? 3 : 4;
}

/** True when the command cannot be written in short form. */
export function needsExtended(cmd: CommandApdu): boolean {
  return cmd.data.length > MAX_SHORT_LC || (cmd.le !== null && cmd.le > MAX_SHORT_LE);
}

/** Encodes a command APDU; short form unless a field needs extended length (or `extended` forces it). */
export function encodeCommand(cmd: CommandApdu, options: { extended?: boolean } = {}): Buffer {
  checkByte('CLA', cmd.cla);
  checkByte('INS', cmd.ins);
  checkByte('P1', cmd.p1);
  checkByte('P2', cmd.p2);
  const lc = cmd.data.length;
  const le = cmd.le;
  if (lc > MAX_EXTENDED) throw new ProtocolError('ERR_APDU_TOO_LONG', `Lc ${lc} exceeds ${MAX_EXTENDED}`);
  if (le !== null && (!Number.isInteger(le) || le < 1 || le > MAX_EXTENDED_LE)) {
    throw new ProtocolError('ERR_APDU_MALFORMED', `Le must be 1..${MAX_EXTENDED_LE}, got ${le}`);
  }
  const extended = options.extended === true || needsExtended(cmd);
  const header = [cmd.cla, cmd.ins, cmd.p1, cmd.p2];
  const ext = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];
  let prefix: number[];
  let suffix: number[];
  if (!extended) {
    prefix = lc > 0 ? [...header, lc] : header;
    suffix = le === null ? [] : [le === MAX_SHORT_LE ? 0 : le];
  } else {
    const leBytes = le === null ? [] : ext(le === MAX_EXTENDED_LE ? 0 : le);
    prefix = lc > 0 ? [...header, 0, ...ext(lc)] : le === null ? header : [...header, 0];
    suffix = leBytes;
  }
  // One off-heap buffer of its own, no intermediate copies: a caller sending secret data (a PIN block) can zero the
  // one copy this makes once the card has answered (security-checklist PIN-02).
  const out = secretBuffer(prefix.length + lc + suffix.length);
  out.set(prefix, 0);
  out.set(cmd.data, prefix.length);
  out.set(suffix, prefix.length + lc);
  return out;
}

/**
 * Decodes a command APDU in any of the seven ISO 7816-4 encodings (cases 1, 2S, 3S, 4S, 2E, 3E, 4E).
 * Ambiguous cases resolve as ISO 7816-3 does: a body of one byte is Le, a leading 00 with 3+ bytes is extended.
 */
export function decodeCommand(bytes: Uint8Array): CommandApdu {
  if (bytes.length < 4) {
    throw new ProtocolError('ERR_APDU_MALFORMED', `a command APDU has at least 4 bytes, got ${bytes.length}`);
  }
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const body = bytes.subarray(4);
  const empty = new Uint8Array(0);
  const n = body.length;
  if (n === 0) return { cla, ins, p1, p2, data: empty, le: null };
  if (n === 1) return { cla, ins, p1, p2, data: empty, le: body[0] === 0 ? 256 : body[0]! };
  const b0 = body[0]!;
  if (b0 !== 0) {
    const lc = b0;
    if (n === 1 + lc) return { cla, ins, p1, p2, data: body.slice(1), le: null };
    if (n === 2 + lc) {
      const le = body[n - 1]!;
      return { cla, ins, p1, p2, data: body.slice(1, 1 + lc), le: le === 0 ? 256 : le };
    }
    throw new ProtocolError('ERR_APDU_MALFORMED', `short Lc ${lc} does not match a body of ${n} bytes`);
  }
  if (n === 3) {
    const le = (body[1]! << 8) | body[2]!;
    return { cla, ins, p1, p2, data: empty, le: le === 0 ? 65536 : le };
  }
  if (n < 3) throw new ProtocolError('ERR_APDU_MALFORMED', `a body of ${n} bytes starting 00 is not an APDU`);
  const lc = (body[1]! << 8) | body[2]!;
  if (lc === 0) throw new ProtocolError('ERR_APDU_MALFORMED', 'extended Lc of 0');
  if (n === 3 + lc) return { cla, ins, p1, p2, data: body.slice(3), le: null };
  if (n === 5 + lc) {
    const le = (body[n - 2]! << 8) | body[n - 1]!;
    return { cla, ins, p1, p2, data: body.slice(3, 3 + lc), le: le === 0 ? 65536 : le };
  }
  throw new ProtocolError('ERR_APDU_MALFORMED', `extended Lc ${lc} does not match a body of ${n} bytes`);
}

export function encodeResponse(res: ResponseApdu): Buffer {
  if (!Number.isInteger(res.sw) || res.sw < 0 || res.sw > 0xffff) {
    throw new ProtocolError('ERR_RESPONSE_MALFORMED', `SW must be 16 bits, got ${res.sw}`);
  }
  return Buffer.concat([Buffer.from(res.data), Buffer.from([res.sw >> 8, res.sw & 0xff])]);
}

export function decodeResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) {
    throw new ProtocolError('ERR_RESPONSE_MALFORMED', `a response APDU has at least 2 bytes, got ${bytes.length}`);
  }
  const n = bytes.length;
  return { data: bytes.slice(0, n - 2), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! };
}

export function response(sw: number, data: Uint8Array = new Uint8Array(0)): ResponseApdu {
  return { data, sw };
}
