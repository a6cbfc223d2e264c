import { ProtocolError } from './errors.js';

/** One BER-TLV data object. `children` is set for constructed tags (bit 6 of the first tag byte). */
export interface BerTlv {
  readonly tag: number;
  readonly constructed: boolean;
  readonly value: Uint8Array;
  readonly children?: readonly BerTlv[];
}

const MAX_DEPTH = 32;

/** Reads one BER tag (1 to 4 bytes) at `pos`: the tag and the offset after it. */
export function readBerTag(buf: Uint8Array, pos: number): { tag: number; next: number } {
  const first = buf[pos];
  if (first === undefined) throw new ProtocolError('ERR_TLV_MALFORMED', `tag expected at offset ${pos}`);
  let tag = first;
  let i = pos + 1;
  if ((first & 0x1f) === 0x1f) {
    // Multi-byte tag: continuation bit 8 set on every byte but the last; cap at 4 bytes in all.
    for (;;) {
      const b = buf[i];
      if (b === undefined) throw new ProtocolError('ERR_TLV_MALFORMED', `truncated tag at offset ${pos}`);
      tag = tag * 256 + b;
      i += 1;
      if ((b & 0x80) === 0) break;
      if (i - pos >= 4) throw new ProtocolError('ERR_TLV_MALFORMED', `tag longer than 4 bytes at offset ${pos}`);
    }
  }
  return { tag, next: i };
}

function readLength(buf: Uint8Array, pos: number): { length: number; next: number } {
  const first = buf[pos];
  if (first === undefined) throw new ProtocolError('ERR_TLV_MALFORMED', `length expected at offset ${pos}`);
  if (first < 0x80) return { length: first, next: pos + 1 };
  const count = first & 0x7f;
  if (count === 0) throw new ProtocolError('ERR_TLV_MALFORMED', `indefinite length at offset ${pos}`);
  if (count > 3) throw new ProtocolError('ERR_TLV_MALFORMED', `length of ${count} bytes at offset ${pos}`);
  let length = 0;
  for (let k = 1; k <= count; k += 1) {
    const b = buf[pos + k];
    if (b === undefined) throw new ProtocolError('ERR_TLV_MALFORMED', `truncated length at offset ${pos}`);
    length = length * 256 + b;
  }
  return { length, next: pos + 1 + count };
}

function isConstructed(tag: number): boolean {
  let first = tag;
  while (first > 0xff) first = Math.floor(first / 256);
  return (first & 0x20) !== 0;
}

function decodeLevel(buf: Uint8Array, depth: number, skipPadding: boolean): BerTlv[] {
  if (depth > MAX_DEPTH) throw new ProtocolError('ERR_TLV_MALFORMED', `nesting deeper than ${MAX_DEPTH}`);
  const out: BerTlv[] = [];
  let pos = 0;
  while (pos < buf.length) {
    // 00 and FF between objects are padding (ISO 7816-4 §5.2.2.1).
    if (skipPadding && (buf[pos] === 0x00 || buf[pos] === 0xff)) {
      pos += 1;
      continue;
    }
    const { tag, next } = readBerTag(buf, pos);
    const { length, next: valueStart } = readLength(buf, next);
    const end = valueStart + length;
    if (end > buf.length) {
      throw new ProtocolError('ERR_TLV_MALFORMED', `tag ${tag.toString(16)} claims ${length} bytes, ${buf.length - valueStart} left`);
    }
    const value = buf.slice(valueStart, end);
    const constructed = isConstructed(tag);
    out.push(constructed ? { tag, constructed, value, children: decodeLevel(value, depth + 1, skipPadding) } : { tag, constructed, value });
    pos = end;
  }
  return out;
}

/** Decodes a sequence of BER-TLV objects; constructed objects are decoded recursively. */
export function decodeBerTlv(bytes: Uint8Array, options: { skipPadding?: boolean } = {}): BerTlv[] {
  return decodeLevel(bytes, 0, options.skipPadding ?? true);
}

/** The bytes of a BER tag number, e.g. 0x9f38 → [9F, 38]. */
export function berTagBytes(tag: number): number[] {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) {
    throw new ProtocolError('ERR_TLV_MALFORMED', `invalid tag ${tag}`);
  }
  const out: number[] = [];
  let t = tag;
  do {
    out.unshift(t & 0xff);
    t = Math.floor(t / 256);
  } while (t > 0);
  return out;
}

export function encodeBerLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length <= 0xff) return [0x81, length];
  if (length <= 0xffff) return [0x82, length >> 8, length & 0xff];
  if (length <= 0xffffff) return [0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  throw new ProtocolError('ERR_TLV_MALFORMED', `length ${length} too large`);
}

/** Encodes one object; `value` may be raw bytes or child objects. */
export function encodeBerTlv(tag: number, value: Uint8Array | readonly Uint8Array[]): Buffer {
  const body = value instanceof Uint8Array ? Buffer.from(value) : Buffer.concat(value.map((v) => Buffer.from(v)));
  return Buffer.concat([Buffer.from(berTagBytes(tag)), Buffer.from(encodeBerLength(body.length)), body]);
}

/** Finds the first object with `tag`, searching depth-first through constructed objects. */
export function findBerTlv(objects: readonly BerTlv[], tag: number): BerTlv | undefined {
  for (const o of objects) {
    if (o.tag === tag) return o;
    if (o.children) {
      const hit = findBerTlv(o.children, tag);
      if (hit) return hit;
    }
  }
  return undefined;
}
