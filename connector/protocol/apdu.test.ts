import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apduCase, decodeCommand, decodeResponse, encodeCommand, encodeResponse, type CommandApdu } from './apdu.js';
import { ProtocolError } from './errors.js';
import { fromHex, toHex } from './hex.js';
import { fcParams } from './fc-params.js';

const byte = fc.integer({ min: 0, max: 255 });

function arbCommand(maxLc: number, maxLe: number): fc.Arbitrary<CommandApdu> {
  return fc.record({
    cla: byte,
    ins: byte,
    p1: byte,
    p2: byte,
    data: fc.uint8Array({ maxLength: maxLc }),
    le: fc.option(fc.integer({ min: 1, max: maxLe }), { nil: null }),
  });
}

const norm = (c: CommandApdu) => ({ ...c, data: toHex(c.data) });

describe('command APDU', () => {
  it('encodes the four short cases as ISO 7816-4 writes them', () => {
    expect(toHex(encodeCommand({ cla: 0x80, ins: 0xe6, p1: 0, p2: 0, data: new Uint8Array(0), le: null }))).toBe('80E60000');
    expect(toHex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, data: new Uint8Array(0), le: 256 }))).toBe('00B0000000');
    expect(toHex(encodeCommand({ cla: 0, ins: 0xa4, p1: 8, p2: 0x0c, data: fromHex('3F00DF00'), le: null }))).toBe('00A4080C043F00DF00');
    expect(toHex(encodeCommand({ cla: 0, ins: 0x2a, p1: 0x9e, p2: 0x9a, data: fromHex('0102'), le: 256 }))).toBe('002A9E9A02010200');
  });

  it('switches to extended length when a field needs it', () => {
    const long = encodeCommand({ cla: 0, ins: 0x2a, p1: 0, p2: 0, data: new Uint8Array(300), le: 512 });
    expect(toHex(long.subarray(0, 7))).toBe('002A000000012C');
    expect(toHex(long.subarray(long.length - 2))).toBe('0200');
    expect(toHex(encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, data: new Uint8Array(0), le: 65536 }))).toBe('00B00000000000');
  });

  it('round-trips every case, short and extended', () => {
    fc.assert(
      fc.property(fc.oneof(arbCommand(255, 256), arbCommand(2000, 65536)), (cmd) => {
        const decoded = decodeCommand(encodeCommand(cmd));
        expect(norm(decoded)).toEqual(norm(cmd));
        expect(apduCase(decoded)).toBe(apduCase(cmd));
      }),
      fcParams(),
    );
  });

  it('round-trips forced extended encodings', () => {
    fc.assert(
      fc.property(arbCommand(300, 65536), (cmd) => {
        expect(norm(decodeCommand(encodeCommand(cmd, { extended: true })))).toEqual(norm(cmd));
      }),
      fcParams(),
    );
  });

  it('is total: any byte string decodes or fails with a ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        try {
          const cmd = decodeCommand(bytes);
          expect(cmd.cla).toBe(bytes[0]);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      fcParams(),
    );
  });

  it('rejects bad fields with typed errors', () => {
    expect(() => decodeCommand(fromHex('00A4'))).toThrow(ProtocolError);
    expect(() => decodeCommand(fromHex('00A4080C05 3F00'))).toThrow(/Lc 5/);
    expect(() => encodeCommand({ cla: 256, ins: 0, p1: 0, p2: 0, data: new Uint8Array(0), le: null })).toThrow(ProtocolError);
    expect(() => encodeCommand({ cla: 0, ins: 0, p1: 0, p2: 0, data: new Uint8Array(0), le: 0 })).toThrow(ProtocolError);
  });
});

describe('response APDU', () => {
  it('splits data and status word', () => {
    const res = decodeResponse(fromHex('0102039000'));
    expect(toHex(res.data)).toBe('010203');
    expect(res.sw).toBe(0x9000);
    expect(toHex(encodeResponse(res))).toBe('0102039000');
    expect(() => decodeResponse(fromHex('90'))).toThrow(ProtocolError);
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 0xffff }), (data, sw) => {
        const res = decodeResponse(encodeResponse({ data, sw }));
        expect(res.sw).toBe(sw);
        expect(toHex(res.data)).toBe(toHex(data));
      }),
      fcParams(),
    );
  });
});

describe('hex', () => {
  it('accepts separators and rejects non-hex', () => {
    expect(toHex(fromHex('3b:98 13'))).toBe('3B9813');
    expect(() => fromHex('ABC')).toThrow(ProtocolError);
    expect(() => fromHex('zz')).toThrow(ProtocolError);
  });
});
