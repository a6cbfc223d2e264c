import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConnectorError } from '../../errors/index.js';
import { fcParams } from '../../protocol/fc-params.js';
import { fromHex, toHex } from '../../protocol/index.js';
import { bcdDate, bcdDigits, countryOf, dataObjects, maskPan, parseAfl, parseDirectoryRecord, parseFci, parseProcessingOptions, parseRecord } from './parse.js';
import { dolData } from './terminal.js';

/** Every decoder either returns or raises ERR_CARD_PROTOCOL: never a TypeError, never another error. */
function total(decode: (bytes: Uint8Array) => unknown): void {
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 60 }).map((b) => Uint8Array.from([0x6f, b.length, ...b])), fc.uint8Array({ maxLength: 60 }).map((b) => Uint8Array.from([0x70, b.length, ...b])), fc.uint8Array({ maxLength: 60 }).map((b) => Uint8Array.from([0x77, b.length, ...b]))), (bytes) => {
      try {
        decode(bytes);
      } catch (e) {
        expect(isConnectorError(e, 'ERR_CARD_PROTOCOL'), String(e)).toBe(true);
      }
    }),
    fcParams(500),
  );
}

describe('EMV parsers', () => {
  it('reads an application FCI: DF name, label, priority, languages, PDOL', () => {
    const fci = parseFci(fromHex('6F438408D056000666111010A537500A42414E434F4E544143548701015F2D046E6C66729F1101019F120A42616E636F6E746163749F380D9F1A025F2A029A039C019F3704'));
    expect(toHex(fci.dfName)).toBe('D056000666111010');
    expect(fci).toMatchObject({ label: 'BANCONTACT', preferredName: 'Bancontact', priority: 1, languages: ['nl', 'fr'], sfi: null });
    expect(fci.pdol.map((e) => e.length)).toEqual([2, 2, 3, 1, 4]);
  });

  it('reads a PSE FCI (SFI of the directory) and directory records with several entries', () => {
    expect(parseFci(fromHex('6F1A840E315041592E5359532E4444463031A5088801015F2D026E6C')).sfi).toBe(1);
    const entries = parseDirectoryRecord(fromHex('701C610C4F07A0000000043060870102610C4F07A0000000041010870101'));
    expect(entries.map((e) => [toHex(e.aid), e.priority])).toEqual([['A0000000043060', 2], ['A0000000041010', 1]]);
    // An entry without an AID (a DDF) is skipped.
    expect(parseDirectoryRecord(fromHex('70056103500141'))).toEqual([]);
  });

  it('reads GET PROCESSING OPTIONS in both formats', () => {
    expect(parseProcessingOptions(fromHex('800A3C000801050010010201'))).toEqual({
      aip: fromHex('3C00'),
      afl: [
        { sfi: 1, first: 1, last: 5, signed: 0 },
        { sfi: 2, first: 1, last: 2, signed: 1 },
      ],
    });
    expect(parseProcessingOptions(fromHex('770E82023C0094080801050010010201')).afl).toHaveLength(2);
  });

  it('refuses AFL entries no card may send', () => {
    for (const bad of ['080105', '00010100', '08000100', '08030100', '08010103', '09010100']) {
      expect(() => parseAfl(fromHex(bad)), bad).toThrow(/AFL/);
    }
  });

  it('collects data objects over records, first occurrence winning', () => {
    const objects = dataObjects([parseRecord(fromHex('70055A03123456')), parseRecord(fromHex('70085A03999999570100'))]);
    expect(toHex(objects.get(0x5a)!)).toBe('123456');
    expect(toHex(objects.get(0x57)!)).toBe('00');
  });

  it('decodes BCD PANs and dates, masks PANs to 6 + 4 digits, names countries', () => {
    expect(bcdDigits(fromHex('67030000482915702F'))).toBe('67030000482915702');
    expect(() => bcdDigits(fromHex('67A3'))).toThrow(/BCD/);
    expect(bcdDate(fromHex('311231'))).toBe('311231');
    expect(() => bcdDate(fromHex('31123F'))).toThrow(/date/);
    expect(maskPan('67030000482915702')).toBe('670300xxxxxxx5702');
    expect(maskPan('4111111111111111')).toBe('411111xxxxxx1111');
    expect(maskPan('1234567890')).toBe('xxxxxx7890');
    expect(countryOf(fromHex('0056'))).toBe('BE');
    expect(countryOf(fromHex('0999'))).toBe('');
  });

  it('fills DOL data as a Belgian terminal: numeric values padded on the left, unknown tags zero', () => {
    const now = new Date(Date.UTC(2027, 2, 15));
    const data = dolData([{ tag: 0x9f1a, length: 2 }, { tag: 0x5f2a, length: 3 }, { tag: 0x9a, length: 3 }, { tag: 0x9f37, length: 4 }, { tag: 0xdf01, length: 2 }], { now, random: (n) => Buffer.alloc(n, 0xab) });
    expect(toHex(data)).toBe('0056' + '000978' + '270315' + 'ABABABAB' + '0000');
  });

  it.each([
    ['parseFci', parseFci],
    ['parseDirectoryRecord', parseDirectoryRecord],
    ['parseProcessingOptions', parseProcessingOptions],
    ['parseRecord', parseRecord],
    ['parseAfl', parseAfl],
    ['bcdDigits', bcdDigits],
    ['bcdDate', bcdDate],
  ] as const)('%s is total over random bytes', (_name, decode) => {
    total(decode);
  });
});
