import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDol, dolDataLength, encodeDol, readRecordP2 } from './emv.js';
import { ProtocolError } from './errors.js';
import { fcParams } from './fc-params.js';
import { fromHex, toHex } from './hex.js';

describe('EMV data object lists', () => {
  it('decodes a PDOL with one- and two-byte tags', () => {
    const dol = decodeDol(fromHex('9F1A025F2A029A039C019F3704'));
    expect(dol).toEqual([
      { tag: 0x9f1a, length: 2 },
      { tag: 0x5f2a, length: 2 },
      { tag: 0x9a, length: 3 },
      { tag: 0x9c, length: 1 },
      { tag: 0x9f37, length: 4 },
    ]);
    expect(dolDataLength(dol)).toBe(12);
    expect(toHex(encodeDol(dol))).toBe('9F1A025F2A029A039C019F3704');
  });

  it('round-trips any list of entries', () => {
    const tag = fc.oneof(fc.integer({ min: 0x80, max: 0x9e }), fc.integer({ min: 0x01, max: 0x7f }).map((low) => 0x9f00 | low));
    fc.assert(
      fc.property(fc.array(fc.record({ tag, length: fc.integer({ min: 0, max: 255 }) }), { maxLength: 12 }), (entries) => {
        expect(decodeDol(encodeDol(entries))).toEqual(entries);
      }),
      fcParams(),
    );
  });

  it('is total: random bytes decode or raise a ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          decodeDol(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      fcParams(),
    );
  });

  it('names short files in READ RECORD P2', () => {
    expect(readRecordP2(1)).toBe(0x0c);
    expect(readRecordP2(2)).toBe(0x14);
    expect(readRecordP2(11)).toBe(0x5c);
  });
});
