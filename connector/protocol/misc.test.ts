import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAtr, preferredProtocol } from './atr.js';
import { ProtocolError } from './errors.js';
import { fcParams } from './fc-params.js';
import { fromHex, toHex } from './hex.js';
import { decodePinBlock, encodePinBlock } from './pin-block.js';
import { SW, describeSw, triesLeft, verifyFailed, bytesAvailable } from './sw.js';
import { VpcdFrameDecoder, encodeVpcdFrame } from './vpcd.js';

describe('PIN block format 2', () => {
  it('encodes as the Belgian eID and EMV expect', () => {
    expect(toHex(encodePinBlock(Buffer.from('1234')))).toBe('241234FFFFFFFFFF');
    expect(toHex(encodePinBlock(Buffer.from('123456789012')))).toBe('2C123456789012FF');
    expect(toHex(encodePinBlock(Buffer.from('12345')))).toBe('2512345FFFFFFFFF');
  });

  it('round-trips every valid PIN', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{4,12}$/), (pin) => {
        expect(decodePinBlock(encodePinBlock(Buffer.from(pin))).toString()).toBe(pin);
      }),
      fcParams(),
    );
  });

  it('rejects what is not a PIN or not a block', () => {
    for (const bad of ['123', '1234567890123', '12a4', '']) expect(() => encodePinBlock(Buffer.from(bad))).toThrow(ProtocolError);
    for (const bad of ['141234FFFFFFFFFF', '231234FFFFFFFFFF', '24123AFFFFFFFFFF', '241234FFFFFFFF0F', '241234FF'])
      expect(() => decodePinBlock(fromHex(bad))).toThrow(ProtocolError);
  });

  it('never puts the PIN digits in its error messages', () => {
    try {
      decodePinBlock(fromHex('2498765AFFFFFFFF'));
    } catch (e) {
      expect(String(e)).not.toMatch(/9876/);
    }
  });
});

describe('status words', () => {
  it('names and decodes counters', () => {
    expect(describeSw(SW.OK)).toBe('9000: success');
    expect(describeSw(verifyFailed(2))).toBe('63C2: verification failed, 2 tries left');
    expect(describeSw(bytesAvailable(256))).toBe('6100: 256 bytes available');
    expect(triesLeft(0x63c1)).toBe(1);
    expect(triesLeft(SW.OK)).toBeNull();
    expect(describeSw(0x6a82)).toMatch(/not found/);
  });
});

describe('vpcd framing', () => {
  it('reassembles frames whatever the TCP chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 50 })), (payloads, cuts) => {
        const stream = Buffer.concat(payloads.map((p) => encodeVpcdFrame(p)));
        const decoder = new VpcdFrameDecoder();
        const frames: string[] = [];
        let pos = 0;
        for (const cut of [...cuts, stream.length]) {
          frames.push(...decoder.push(stream.subarray(pos, pos + cut)).map((f) => toHex(f)));
          pos += cut;
          if (pos >= stream.length) break;
        }
        frames.push(...decoder.push(stream.subarray(pos)).map((f) => toHex(f)));
        expect(frames).toEqual(payloads.map((p) => toHex(p)));
        expect(decoder.buffered).toBe(0);
      }),
      fcParams(),
    );
  });

  it('frames with a 2-byte big-endian length', () => {
    expect(toHex(encodeVpcdFrame(fromHex('04')))).toBe('000104');
    expect(() => encodeVpcdFrame(new Uint8Array(70000))).toThrow(ProtocolError);
  });
});

describe('ATR', () => {
  it('reads the Belgian eID and EMV ATRs', () => {
    expect(parseAtr(fromHex('3B9813400AA503010101AD1311')).protocols).toEqual([0]);
    const beid18 = parseAtr(fromHex('3B7F96000080318065B0850401 20120FFF829000'));
    expect(beid18.historicalBytes.length).toBe(15);
    expect(preferredProtocol(fromHex('3B600000'))).toBe(0);
    expect(preferredProtocol(fromHex('3BE000FF8131 7C4192'))).toBe(1);
  });

  it('is total over random bytes, each within 50 ms', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          parseAtr(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      fcParams(500, { caseBudgetMs: 50 }),
    );
  });
});

describe('APDU redaction', () => {
  it('masks the data of PIN-bearing commands and nothing else', async () => {
    const { redactCommandApdu } = await import('./redact.js');
    expect(toHex(redactCommandApdu(fromHex('0020000108241234FFFFFFFFFF')))).toBe('00200001082A2A2A2A2A2A2A2A');
    expect(toHex(redactCommandApdu(fromHex('0024000110241234FFFFFFFFFF245678FFFFFFFFFF')))).toBe('0024000110' + '2A'.repeat(16));
    expect(toHex(redactCommandApdu(fromHex('0020000100')))).toBe('0020000100');
    expect(toHex(redactCommandApdu(fromHex('00A4080C043F00DF00')))).toBe('00A4080C043F00DF00');
  });
});
