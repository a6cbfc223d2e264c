import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SW, bytesAvailable, decodeResponse, fromHex, toHex, wrongLe, type CommandApdu } from '../../../connector/protocol/index.js';
import { CardOs, REDACTED_BYTE, parseCommand } from './card-os.js';
import { df, ef } from './files.js';
import { reply } from './response.js';

const TEST_INS = { SIZED: 0x10, EXACT: 0x12, TRUNCATE: 0x14, INPUT: 0x16, SECRET: 0x18, BUG: 0x1a, PROPRIETARY: 0x30 } as const;
const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i & 0xff));

/** A card whose commands answer with as many bytes as P1P2 says, under each Le mode. */
class TestCard extends CardOs {
  lastInput: CommandApdu | null = null;
  resets = 0;
  constructor() {
    super({ atr: fromHex('3B00'), profile: 'test', mf: df(0x3f00, [ef(0x0001, pattern(300))]) });
    const sized = (c: CommandApdu) => reply(SW.OK, pattern((c.p1 << 8) | c.p2));
    this.define(TEST_INS.SIZED, { input: false, handle: sized });
    this.define(TEST_INS.EXACT, { input: false, le: 'exact', handle: sized });
    this.define(TEST_INS.TRUNCATE, { input: false, le: 'truncate', handle: sized });
    this.define(TEST_INS.INPUT, {
      input: true,
      handle: (c) => {
        this.lastInput = c;
        return reply(SW.OK, c.data);
      },
    });
    this.define(TEST_INS.SECRET, { input: true, secret: true, handle: () => reply(SW.OK) });
    this.define(TEST_INS.BUG, {
      input: false,
      handle: () => {
        throw new Error('handler bug');
      },
    });
    this.define(TEST_INS.PROPRIETARY, { cla: 0x80, input: false, handle: () => reply(SW.OK) });
  }
  protected override onReset(): void {
    this.resets += 1;
  }
}

function send(card: CardOs, hex: string): { data: string; sw: number } {
  const res = decodeResponse(card.transmit(fromHex(hex)));
  return { data: toHex(res.data), sw: res.sw };
}

describe('T=0 response chaining', () => {
  it('answers a case-4 command without Le with 61xx and serves GET RESPONSE', () => {
    const card = new TestCard();
    expect(send(card, '0016000003AABBCC')).toEqual({ data: '', sw: bytesAvailable(3) });
    expect(send(card, '00C0000003')).toEqual({ data: 'AABBCC', sw: SW.OK });
    expect(send(card, '00C0000003').sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
  });

  it('hands out answers over 256 bytes in 256-byte chunks', () => {
    const card = new TestCard();
    expect(send(card, '0010012C').sw).toBe(bytesAvailable(300)); // 4-byte form: no Le at all
    const first = send(card, '00C0000000');
    expect(first).toEqual({ data: toHex(pattern(256)), sw: bytesAvailable(44) });
    expect(send(card, '00C000002C')).toEqual({ data: toHex(pattern(300).subarray(256)), sw: SW.OK });
    // Le 00 on a >256-byte answer: first chunk at once, the rest chained.
    expect(send(card, '00100201 00')).toEqual({ data: toHex(pattern(256)), sw: bytesAvailable(257) });
    expect(send(card, '00C0000000')).toEqual({ data: toHex(pattern(513).subarray(256, 512)), sw: bytesAvailable(1) });
    expect(send(card, '00C0000001')).toEqual({ data: toHex(pattern(513).subarray(512)), sw: SW.OK });
  });

  it('answers GET RESPONSE with the wrong Le with 6Cxx and keeps the chain', () => {
    const card = new TestCard();
    send(card, '00100010');
    expect(send(card, '00C0000008').sw).toBe(wrongLe(16));
    expect(send(card, '00C0000020').sw).toBe(wrongLe(16));
    expect(send(card, '00C0000010')).toEqual({ data: toHex(pattern(16)), sw: SW.OK });
  });

  it('drops pending data when another command comes, and on reset', () => {
    const card = new TestCard();
    send(card, '00100010');
    expect(send(card, '00A4000C023F00').sw).toBe(SW.OK);
    expect(send(card, '00C0000010').sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    send(card, '00100010');
    card.reset();
    expect(send(card, '00C0000010').sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(send(card, '00C0010010').sw).toBe(SW.INCORRECT_P1P2);
    expect(send(card, '80C0000010').sw).toBe(SW.CLA_NOT_SUPPORTED);
  });
});

describe('Le policies', () => {
  it('max: Le 00 or the exact length, else 6Cxx', () => {
    const card = new TestCard();
    expect(send(card, '001000100 0')).toEqual({ data: toHex(pattern(16)), sw: SW.OK });
    expect(send(card, '0010001010')).toEqual({ data: toHex(pattern(16)), sw: SW.OK });
    expect(send(card, '0010001008').sw).toBe(wrongLe(16));
    expect(send(card, '00100010FF').sw).toBe(wrongLe(16));
  });

  it('exact: only the exact length, Le 00 included', () => {
    const card = new TestCard();
    expect(send(card, '001200 1C1C')).toEqual({ data: toHex(pattern(28)), sw: SW.OK });
    expect(send(card, '0012001CFF').sw).toBe(wrongLe(28));
    expect(send(card, '0012001C00').sw).toBe(wrongLe(28));
  });

  it('truncate: a smaller Le gets the first bytes', () => {
    const card = new TestCard();
    expect(send(card, '0014001004')).toEqual({ data: toHex(pattern(4)), sw: SW.OK });
    expect(send(card, '0014001000')).toEqual({ data: toHex(pattern(16)), sw: SW.OK });
    expect(send(card, '0014001011').sw).toBe(wrongLe(16));
  });
});

describe('command shapes', () => {
  it('reads P3=00 as Lc=0 for input commands and Le=256 for the others', () => {
    expect(parseCommand(fromHex('0016000000'), true)).toMatchObject({ data: new Uint8Array(0), le: null });
    expect(parseCommand(fromHex('0010000000'), false)).toMatchObject({ le: 256 });
    const card = new TestCard();
    expect(send(card, '0016000000')).toEqual({ data: '', sw: SW.OK });
    expect(card.lastInput?.data).toHaveLength(0);
  });

  it('answers malformed APDUs with 6700', () => {
    const card = new TestCard();
    for (const bad of ['', '00', '00A400', '0016000005', '00160000050102', '0016000000000101', '0010000001AA', '00B00000000100']) {
      expect(send(card, bad).sw, bad).toBe(SW.WRONG_LENGTH);
    }
  });

  it('answers unknown INS 6D00 and wrong CLA 6E00', () => {
    const card = new TestCard();
    expect(send(card, '0077000000').sw).toBe(SW.INS_NOT_SUPPORTED);
    expect(send(card, '8077000000').sw).toBe(SW.INS_NOT_SUPPORTED);
    expect(send(card, 'A077000000').sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, '80A4000C023F00').sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, '0030000000').sw).toBe(SW.CLA_NOT_SUPPORTED);
    expect(send(card, '8030000000').sw).toBe(SW.OK);
  });

  it('survives a handler bug with 6F00 and keeps working', () => {
    const card = new TestCard();
    expect(send(card, '001A000000').sw).toBe(SW.UNKNOWN);
    expect(send(card, '00A4080C043F000001').sw).toBe(SW.OK);
    expect(send(card, '00B0012C01').data).toBe(''); // offset 300 of 300: nothing, 6B00
    expect(send(card, '00B000FF01')).toEqual({ data: 'FF', sw: SW.OK });
  });

  it('never throws and stays usable whatever bytes arrive', () => {
    const card = new TestCard();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const answer = card.transmit(bytes);
        expect(answer.length).toBeGreaterThanOrEqual(2);
        expect(send(card, '00A4000C023F00').sw).toBe(SW.OK);
      }),
      { seed: 7997, numRuns: 2000 },
    );
  });
});

describe('power and state', () => {
  it('numbers commands from 1 after a reset and clears volatile state', () => {
    const card = new TestCard();
    send(card, '00A4080C043F000001');
    card.security.grant('x');
    expect(card.commandNumber).toBe(1);
    card.powerOff();
    card.powerOn();
    expect(card.commandNumber).toBe(0);
    expect(card.selection.current).toBe(card.files.mf);
    expect(card.security.has('x')).toBe(false);
    expect(card.resets).toBe(2);
  });
});

describe('redactCommand', () => {
  it('masks the data of secret commands, keeping header, Lc and Le', () => {
    const card = new TestCard();
    const masked = REDACTED_BYTE.toString(16).toUpperCase().repeat(8);
    expect(toHex(card.redactCommand(fromHex('00180001082412 34FFFFFFFFFF')))).toBe(`0018000108${masked}`);
    expect(toHex(card.redactCommand(fromHex('00180001082412 34FFFFFFFFFF00')))).toBe(`0018000108${masked}00`);
    expect(toHex(card.redactCommand(fromHex('0018000100')))).toBe('0018000100');
    expect(toHex(card.redactCommand(fromHex('0016000002AABB')))).toBe('0016000002AABB');
    // Malformed secret commands are masked whole after the header.
    expect(toHex(card.redactCommand(fromHex('00180001022412FFFF')))).toBe(`0018000102${'2A'.repeat(4)}`);
    expect(toHex(card.redactCommand(fromHex('0018')))).toBe('0018');
  });
});
