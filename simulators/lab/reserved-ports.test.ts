import { describe, expect, it } from 'vitest';
import { parseReservedPorts } from './reserved-ports.js';

describe('parseReservedPorts', () => {
  it('reads the kernel list of single ports and ranges', () => {
    expect(parseReservedPorts('')).toEqual([]);
    expect(parseReservedPorts('35963-35978,40000\n')).toEqual([
      [35963, 35978],
      [40000, 40000],
    ]);
  });
});
