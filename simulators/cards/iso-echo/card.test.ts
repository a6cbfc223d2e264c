import { describe, expect, it } from 'vitest';
import { SW, bytesAvailable, decodeResponse, fromHex, toHex, wrongLe } from '../../../connector/protocol/index.js';
import { ISO_ECHO_ATR, IsoEchoCard, isoEchoTestFile } from './card.js';

function send(card: IsoEchoCard, hex: string): { data: string; sw: number } {
  const res = decodeResponse(card.transmit(fromHex(hex)));
  return { data: toHex(res.data), sw: res.sw };
}

describe('IsoEchoCard on the engine', () => {
  it('keeps its ATR and profile', () => {
    const card = new IsoEchoCard();
    expect(toHex(card.atr)).toBe(toHex(ISO_ECHO_ATR));
    expect(card.profile).toBe('iso-echo');
  });

  it('selects the test EF and reads it to the end with 6Cxx, then 6B00', () => {
    const card = new IsoEchoCard();
    const file = isoEchoTestFile();
    expect(send(card, '00B0000001').sw).toBe(SW.COMMAND_NOT_ALLOWED_NO_EF);
    expect(send(card, '00A4000C020101').sw).toBe(SW.OK);
    expect(send(card, '00B0000000')).toEqual({ data: toHex(file.subarray(0, 256)), sw: SW.OK });
    expect(send(card, '00B0010000').sw).toBe(wrongLe(44));
    expect(send(card, '00B001002C')).toEqual({ data: toHex(file.subarray(256)), sw: SW.OK });
    expect(send(card, '00B0012C01').sw).toBe(SW.WRONG_P1P2);
    expect(send(card, '00A4000C020202').sw).toBe(SW.FILE_NOT_FOUND);
  });

  it('reads the tail with 9000 in short EOF mode', () => {
    const card = new IsoEchoCard({ eofMode: 'short' });
    send(card, '00A4000C020101');
    expect(send(card, '00B0010000')).toEqual({ data: toHex(isoEchoTestFile().subarray(256)), sw: SW.OK });
  });

  it('echoes case-4 data through 61xx and GET RESPONSE, or at once when Le is present', () => {
    const card = new IsoEchoCard();
    expect(send(card, '80EE000003010203').sw).toBe(bytesAvailable(3));
    expect(send(card, '00C0000003')).toEqual({ data: '010203', sw: SW.OK });
    expect(send(card, '80EE00000301020300')).toEqual({ data: '010203', sw: SW.OK });
    expect(send(card, '00EE000003010203').sw).toBe(SW.CLA_NOT_SUPPORTED);
  });

  it('gives Le random bytes on GET CHALLENGE and 6D00 for unknown instructions', () => {
    const card = new IsoEchoCard();
    const a = send(card, '0084000010');
    const b = send(card, '0084000010');
    expect(a.sw).toBe(SW.OK);
    expect(a.data).toHaveLength(32);
    expect(a.data).not.toBe(b.data);
    expect(send(card, '0077000000').sw).toBe(SW.INS_NOT_SUPPORTED);
  });
});
