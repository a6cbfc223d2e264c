import { SW, bytesAvailable, encodeResponse, wrongLe } from '../../../connector/protocol/index.js';

/** What a command handler answers: a status word and, on success, the response data. */
export interface Reply {
  readonly sw: number;
  readonly data?: Uint8Array;
}

export function reply(sw: number, data?: Uint8Array): Reply {
  return data === undefined ? { sw } : { sw, data };
}

/**
 * How a command's response data meets the Le the client sent (Le 00 = 256; no Le = T=0 case 4):
 * - `max`: Le 00 takes everything; any other Le must equal the length (else `6Cxx`).
 * - `exact`: Le must equal the length, Le 00 included (GET CARD DATA answers `6C1C` to Le 00 or FF).
 * - `truncate`: Le 00 takes everything; a smaller Le gets the first Le bytes; a larger one `6Cxx`.
 * - `handled`: the handler already applied Le (READ BINARY); the data goes out as it is.
 * In every mode, no Le means `61xx` and GET RESPONSE, and answers over 256 bytes go out in 256-byte chunks.
 */
export type LeMode = 'max' | 'exact' | 'truncate' | 'handled';

const CHUNK = 256;

/** T=0 response chaining: what is waiting for GET RESPONSE. */
export class ResponseChain {
  private pending: Buffer | null = null;

  get waiting(): number {
    return this.pending?.length ?? 0;
  }

  clear(): void {
    this.pending = null;
  }

  /** Turns a handler's reply into the bytes sent, keeping whatever does not fit for GET RESPONSE. */
  shape(answer: Reply, le: number | null, mode: LeMode): Uint8Array {
    this.pending = null;
    const data = answer.data ?? new Uint8Array(0);
    if (data.length === 0) return status(answer.sw);
    if (answer.sw !== SW.OK) return status(answer.sw);
    if (mode === 'handled') return encodeResponse({ data, sw: SW.OK });
    if (le === null) return this.hold(Buffer.from(data));
    if (data.length > CHUNK && le === CHUNK) return this.sendChunk(Buffer.from(data));
    const fits = leAccepts(data.length, le, mode);
    if (fits === 'all') return encodeResponse({ data, sw: SW.OK });
    if (fits === 'head') return encodeResponse({ data: data.subarray(0, le), sw: SW.OK });
    return status(wrongLe(Math.min(data.length, CHUNK)));
  }

  /** GET RESPONSE: the next chunk, `6Cxx` (chain kept) when Le does not fit, `6985` with nothing pending. */
  getResponse(le: number | null): Uint8Array {
    const pending = this.pending;
    if (pending === null) return status(SW.CONDITIONS_NOT_SATISFIED);
    const chunk = Math.min(pending.length, CHUNK);
    const asked = le ?? CHUNK;
    if (asked !== chunk && asked !== CHUNK) return status(wrongLe(chunk));
    return this.sendChunk(pending);
  }

  private hold(data: Buffer): Uint8Array {
    this.pending = data;
    return status(bytesAvailable(data.length));
  }

  private sendChunk(data: Buffer): Uint8Array {
    const head = data.subarray(0, CHUNK);
    const rest = data.subarray(head.length);
    this.pending = rest.length > 0 ? rest : null;
    return encodeResponse({ data: head, sw: rest.length > 0 ? bytesAvailable(rest.length) : SW.OK });
  }
}

function leAccepts(length: number, le: number, mode: Exclude<LeMode, 'handled'>): 'all' | 'head' | 'wrong' {
  if (le === length) return 'all';
  if (le === CHUNK && mode !== 'exact') return 'all';
  if (le < length && mode === 'truncate') return 'head';
  return 'wrong';
}

export function status(sw: number): Uint8Array {
  return encodeResponse({ data: new Uint8Array(0), sw });
}
