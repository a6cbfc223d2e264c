import { describe, expect, it } from 'vitest';
import { vpcdReaderConf, vpcdReaders } from './pcscd-config.js';

describe('vpcd reader layout', () => {
  it('gives the two readers of the stock entry, one port each', () => {
    const expected = [
      { index: 0, name: 'Virtual PCD 00 00', port: 35963 },
      { index: 1, name: 'Virtual PCD 00 01', port: 35964 },
    ];
    expect(vpcdReaders(2)).toEqual(expected);
    expect(vpcdReaders(1)).toEqual(expected);
  });

  it('writes the single vpcd entry', () => {
    expect(vpcdReaderConf().match(/^(FRIENDLYNAME|DEVICENAME|LIBPATH|CHANNELID)\s+.+$/gm)).toEqual([
      'FRIENDLYNAME "Virtual PCD"',
      'DEVICENAME   /dev/null:0x8C7B',
      'LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so',
      'CHANNELID    0x8C7B',
    ]);
  });

  it('refuses more readers than vpcd can keep apart, pointing at the embedded backend', () => {
    expect(() => vpcdReaders(3)).toThrow(/offers 2 readers, not 3; use --backend embedded/);
    for (const bad of [0, -1, 1.5]) expect(() => vpcdReaders(bad)).toThrow(/positive integer/);
  });
});
