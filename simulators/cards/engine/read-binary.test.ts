import { describe, expect, it } from 'vitest';
import { SW, command, wrongLe } from '../../../connector/protocol/index.js';
import { df, ef } from './files.js';
import { readBinary, type EofMode } from './read-binary.js';

const content = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff));
const file = ef(0x0001, content);
const aligned = ef(0x0002, Buffer.alloc(512, 0x5a));

function read(offset: number, le: number | null, eofMode: EofMode = 'exact', f = file) {
  return readBinary(f, command(0x00, 0xb0, offset >> 8, offset & 0xff, undefined, le), eofMode);
}

describe('READ BINARY', () => {
  it('reads Le bytes at a 15-bit offset; Le 00 is 256', () => {
    expect(read(0, 256)).toEqual({ sw: SW.OK, data: content.subarray(0, 256) });
    expect(read(10, 5)).toEqual({ sw: SW.OK, data: content.subarray(10, 15) });
  });

  it('ends with the exact tail: Le = size − offset', () => {
    expect(read(256, 44)).toEqual({ sw: SW.OK, data: content.subarray(256) });
    expect(read(299, 1)).toEqual({ sw: SW.OK, data: content.subarray(299) });
  });

  it('answers 6Cxx past the end, or the short tail in short mode', () => {
    expect(read(256, 256)).toEqual({ sw: wrongLe(44) });
    expect(read(299, 2)).toEqual({ sw: wrongLe(1) });
    expect(read(256, 256, 'short')).toEqual({ sw: SW.OK, data: content.subarray(256) });
  });

  it('answers 6B00 at or beyond the end, also in short mode', () => {
    expect(read(300, 1)).toEqual({ sw: SW.WRONG_P1P2 });
    expect(read(0x7fff, 256, 'short')).toEqual({ sw: SW.WRONG_P1P2 });
    expect(read(0, 1, 'exact', ef(0x0003, new Uint8Array(0)))).toEqual({ sw: SW.WRONG_P1P2 });
  });

  it('reads a file of 256-byte multiples to the end with 6B00, never 6Cxx', () => {
    expect(read(256, 256, 'exact', aligned)).toEqual({ sw: SW.OK, data: aligned.content.subarray(256) });
    expect(read(512, 256, 'exact', aligned)).toEqual({ sw: SW.WRONG_P1P2 });
  });

  it('refuses DFs and short EF identifiers', () => {
    expect(readBinary(df(0xdf00, []), command(0x00, 0xb0, 0, 0, undefined, 1), 'exact')).toEqual({ sw: SW.COMMAND_NOT_ALLOWED_NO_EF });
    expect(read(0x8100, 1)).toEqual({ sw: SW.INCORRECT_P1P2 });
  });
});
