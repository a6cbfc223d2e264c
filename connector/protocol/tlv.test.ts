import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from './errors.js';
import { fcParams } from './fc-params.js';
import { fromHex, toHex } from './hex.js';
import { decodeBerTlv, encodeBerTlv, findBerTlv } from './tlv-ber.js';
import { decodeSimpleTlv, encodeSimpleLength, encodeSimpleTlv, simpleTlvMap } from './tlv-simple.js';

describe('BER-TLV', () => {
  it('decodes an EMV FCI with nested and two-byte tags', () => {
    const fci = fromHex('6F1A840E315041592E5359532E4444463031A5088801015F2D026E6C');
    const [top] = decodeBerTlv(fci);
    expect(top?.tag).toBe(0x6f);
    expect(toHex(findBerTlv([top!], 0x84)!.value)).toBe(toHex(Buffer.from('1PAY.SYS.DDF01')));
    expect(Buffer.from(findBerTlv([top!], 0x5f2d)!.value).toString()).toBe('nl');
    expect(findBerTlv([top!], 0x88)?.value[0]).toBe(1);
  });

  it('round-trips primitive objects with multi-byte tags and long lengths', () => {
    const tag = fc.oneof(
      fc.integer({ min: 0x01, max: 0x1e }),
      fc.integer({ min: 0x40, max: 0x5e }),
      fc.integer({ min: 0x1f, max: 0x7f }).map((low) => 0x5f00 | low),
      fc.integer({ min: 0x01, max: 0x7f }).map((low) => 0x9f00 | low),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(tag, fc.uint8Array({ maxLength: 400 })), { maxLength: 5 }), (items) => {
        const encoded = Buffer.concat(items.map(([t, v]) => encodeBerTlv(t, v)));
        const decoded = decodeBerTlv(encoded, { skipPadding: false });
        expect(decoded.map((d) => [d.tag, toHex(d.value)])).toEqual(items.map(([t, v]) => [t, toHex(v)]));
      }),
      fcParams(),
    );
  });

  it('is total over random bytes, each within 50 ms', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeBerTlv(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      fcParams(500, { caseBudgetMs: 50 }),
    );
  });

  it('refuses truncation, indefinite lengths and runaway nesting', () => {
    expect(() => decodeBerTlv(fromHex('5A08 0102'))).toThrow(ProtocolError);
    expect(() => decodeBerTlv(fromHex('30 80 0000'))).toThrow(/indefinite/);
    let deep: Buffer = encodeBerTlv(0x04, fromHex('01'));
    for (let i = 0; i < 40; i += 1) deep = encodeBerTlv(0x30, deep);
    expect(() => decodeBerTlv(deep)).toThrow(/nesting/);
  });
});

describe('BeID simple TLV', () => {
  it('uses FF length continuation', () => {
    expect(encodeSimpleLength(254)).toEqual([254]);
    expect(encodeSimpleLength(255)).toEqual([255, 0]);
    expect(encodeSimpleLength(300)).toEqual([255, 45]);
    expect(encodeSimpleLength(600)).toEqual([255, 255, 90]);
  });

  it('decodes an identity file and stops at the zero padding', () => {
    const file = Buffer.concat([fromHex('010C'), Buffer.from('591234567890'), fromHex('0900'), fromHex('0D014D'), Buffer.alloc(10)]);
    const map = simpleTlvMap(file);
    expect(Buffer.from(map.get(0x01)!).toString()).toBe('591234567890');
    expect(map.get(0x09)!.length).toBe(0);
    expect(Buffer.from(map.get(0x0d)!).toString()).toBe('M');
    expect(map.size).toBe(3);
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 255 }), fc.uint8Array({ maxLength: 700 })), { maxLength: 6 }), (items) => {
        const decoded = decodeSimpleTlv(encodeSimpleTlv(items.map(([tag, value]) => ({ tag, value }))));
        expect(decoded.map((d) => [d.tag, toHex(d.value)])).toEqual(items.map(([t, v]) => [t, toHex(v)]));
      }),
      fcParams(),
    );
  });

  it('is total over random bytes, each within 50 ms', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeSimpleTlv(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      fcParams(500, { caseBudgetMs: 50 }),
    );
  });
});
