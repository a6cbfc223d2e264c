import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apduCase, decodeCommand, decodeResponse, encodeCommand, encodeResponse, needsExtended, type CommandApdu } from './apdu.js';
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

  it.each([
    ['1', 0, 0, 'short'],
    ['2S', 0, 256, 'short'],
    ['3S', 255, 0, 'short'],
    ['4S', 255, 256, 'short'],
    ['2E', 0, 65536, 'extended'],
    ['3E', 65535, 0, 'extended'],
    ['4E', 4000, 65536, 'extended'],
  ] as const)('round-trips case %s in its own encoding', (name, maxLc, maxLe, form) => {
    const minLc = maxLc === 0 ? 0 : form === 'extended' && maxLe === 0 ? 256 : 1;
    const arb = fc.record({
      cla: byte,
      ins: byte,
      p1: byte,
      p2: byte,
      data: fc.integer({ min: minLc, max: maxLc }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
      le: maxLe === 0 ? fc.constant(null) : fc.integer({ min: form === 'extended' ? 257 : 1, max: maxLe }),
    });
    fc.assert(
      fc.property(arb, (cmd) => {
        const bytes = encodeCommand(cmd);
        expect(needsExtended(cmd)).toBe(form === 'extended');
        expect(bytes[4] === 0 && bytes.length > 5).toBe(form === 'extended');
        const decoded = decodeCommand(bytes);
        expect(norm(decoded)).toEqual(norm(cmd));
        expect(apduCase(decoded)).toBe(Number(name[0]));
      }),
      fcParams(100),
    );
  });

  it('is total: any byte string decodes or fails with a ProtocolError, each within 50 ms', () => {
    const headerThenLengths = fc
      .tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.constantFrom(0x00, 0x01, 0xff), fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 300 }))
      .map(([h, b, l, d]) => Uint8Array.from([...h, b, ...l, ...d]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), headerThenLengths), (bytes) => {
        try {
          const cmd = decodeCommand(bytes);
          expect(cmd.cla).toBe(bytes[0]);
          // decoding is exact: the same fields in the same form give back the same bytes
          const extended = bytes.length > 5 && bytes[4] === 0;
          expect(toHex(encodeCommand(cmd, { extended }))).toBe(toHex(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      fcParams(500, { caseBudgetMs: 50 }),
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

  it('is total: any byte string gives data and a status word or a ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        try {
          const res = decodeResponse(bytes);
          expect(res.data.length + 2).toBe(bytes.length);
          expect(res.sw).toBeGreaterThanOrEqual(0);
          expect(res.sw).toBeLessThanOrEqual(0xffff);
        } catch (e) {
          expect(bytes.length).toBeLessThan(2);
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      fcParams(500, { caseBudgetMs: 50 }),
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
