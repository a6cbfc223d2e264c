import { describe, expect, it } from 'vitest';
import { encodeCommand } from './apdu.js';
import { encodePinBlock } from './pin-block.js';
import { secretBuffer } from './secret-buffer.js';

describe('secretBuffer', () => {
  it('is zero-filled and owns its whole ArrayBuffer (never a pool slice)', () => {
    const b = secretBuffer(13);
    expect([...b]).toEqual(new Array(13).fill(0));
    expect(b.byteOffset).toBe(0);
    expect(b.buffer.byteLength).toBe(13);
  });

  it('backs PIN blocks and encoded commands', () => {
    const block = encodePinBlock(Buffer.from('1234'));
    const apdu = encodeCommand({ cla: 0, ins: 0x20, p1: 0, p2: 1, data: block, le: null });
    for (const b of [block, apdu]) expect([b.byteOffset, b.buffer.byteLength]).toEqual([0, b.length]);
  });
});
