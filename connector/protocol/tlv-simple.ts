import { ProtocolError } from './errors.js';

/**
 * The Belgian eID's simple TLV (identity, address files): one tag byte, then a length whose bytes are
 * summed while they are FF (255 → FF 00, 300 → FF 2D). Trailing 00 bytes are file padding.
 */
export interface SimpleTlv {
  readonly tag: number;
  readonly value: Uint8Array;
}

export function decodeSimpleTlv(bytes: Uint8Array): SimpleTlv[] {
  const out: SimpleTlv[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const tag = bytes[pos]!;
    // Padding: a 00 tag followed only by zeros ends the file.
    if (tag === 0x00 && bytes.subarray(pos).every((b) => b === 0)) break;
    pos += 1;
    let length = 0;
    for (;;) {
      const b = bytes[pos];
      if (b === undefined) throw new ProtocolError('ERR_TLV_MALFORMED', `truncated length of tag ${tag.toString(16)}`);
      pos += 1;
      length += b;
      if (b !== 0xff) break;
    }
    if (pos + length > bytes.length) {
      throw new ProtocolError('ERR_TLV_MALFORMED', `tag ${tag.toString(16)} claims ${length} bytes, ${bytes.length - pos} left`);
    }
    out.push({ tag, value: bytes.slice(pos, pos + length) });
    pos += length;
  }
  return out;
}

export function encodeSimpleLength(length: number): number[] {
  if (!Number.isInteger(length) || length < 0) throw new ProtocolError('ERR_TLV_MALFORMED', `invalid length ${length}`);
  const out: number[] = [];
  let rest = length;
  while (rest >= 0xff) {
    out.push(0xff);
    rest -= 0xff;
  }
  out.push(rest);
  return out;
}

export function encodeSimpleTlv(items: readonly SimpleTlv[]): Buffer {
  const parts: Buffer[] = [];
  for (const { tag, value } of items) {
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xff) throw new ProtocolError('ERR_TLV_MALFORMED', `invalid tag ${tag}`);
    parts.push(Buffer.from([tag, ...encodeSimpleLength(value.length)]), Buffer.from(value));
  }
  return Buffer.concat(parts);
}

/** A map from tag to value; on repeated tags the first one wins. */
export function simpleTlvMap(bytes: Uint8Array): Map<number, Uint8Array> {
  const map = new Map<number, Uint8Array>();
  for (const { tag, value } of decodeSimpleTlv(bytes)) if (!map.has(tag)) map.set(tag, value);
  return map;
}
