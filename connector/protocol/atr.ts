import { ProtocolError } from './errors.js';

/** The parts of an ISO/IEC 7816-3 ATR that a reader needs: offered protocols and historical bytes. */
export interface AtrInfo {
  readonly convention: 'direct' | 'inverse';
  /** Transmission protocols offered, in the order the ATR lists them (T=0 implicit when no TDi). */
  readonly protocols: readonly number[];
  readonly historicalBytes: Uint8Array;
  /** True when the ATR ends with a TCK byte (required when any protocol other than T=0 is offered). */
  readonly hasTck: boolean;
}

const MAX_ATR_LENGTH = 33;

/** Parses an ATR; malformed input is a typed error. */
export function parseAtr(atr: Uint8Array): AtrInfo {
  if (atr.length < 2 || atr.length > MAX_ATR_LENGTH) {
    throw new ProtocolError('ERR_APDU_MALFORMED', `an ATR has 2 to ${MAX_ATR_LENGTH} bytes, got ${atr.length}`);
  }
  const ts = atr[0]!;
  if (ts !== 0x3b && ts !== 0x3f) throw new ProtocolError('ERR_APDU_MALFORMED', `TS must be 3B or 3F, got ${ts.toString(16)}`);
  let pos = 1;
  let y = atr[pos]! >> 4;
  const historical = atr[pos]! & 0x0f;
  pos += 1;
  const protocols: number[] = [];
  for (;;) {
    for (const bit of [0x1, 0x2, 0x4]) if (y & bit) pos += 1; // TAi, TBi, TCi
    if ((y & 0x8) === 0) break;
    const td = atr[pos];
    if (td === undefined) throw new ProtocolError('ERR_APDU_MALFORMED', 'ATR truncated in its interface bytes');
    protocols.push(td & 0x0f);
    y = td >> 4;
    pos += 1;
  }
  if (pos + historical > atr.length) throw new ProtocolError('ERR_APDU_MALFORMED', 'ATR truncated in its historical bytes');
  const offered = protocols.length === 0 ? [0] : [...new Set(protocols.filter((p) => p !== 15))];
  const rest = atr.length - pos - historical;
  if (rest > 1) throw new ProtocolError('ERR_APDU_MALFORMED', `ATR has ${rest - 1} bytes beyond TCK`);
  return {
    convention: ts === 0x3b ? 'direct' : 'inverse',
    protocols: offered.length === 0 ? [0] : offered,
    historicalBytes: atr.slice(pos, pos + historical),
    hasTck: rest === 1,
  };
}

/** The protocol a reader uses for a card: T=0 when offered first or alone, else the first offered. */
export function preferredProtocol(atr: Uint8Array): 0 | 1 {
  const first = parseAtr(atr).protocols[0];
  return first === 1 ? 1 : 0;
}
