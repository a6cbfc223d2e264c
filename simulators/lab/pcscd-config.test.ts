import { describe, expect, it } from 'vitest';
import { vpcdReaderConf, vpcdReaders } from './pcscd-config.js';

describe('vpcd reader layout', () => {
  it('gives the stock two readers for one entry', () => {
    const stock = [
      { index: 0, name: 'Virtual PCD 00 00', port: 35963 },
      { index: 1, name: 'Virtual PCD 00 01', port: 35964 },
    ];
    expect(vpcdReaders(2)).toEqual(stock);
    expect(vpcdReaders(1)).toEqual(stock);
  });

  it('rounds up to whole entries, one port per reader, and unique names', () => {
    const readers = vpcdReaders(5);
    expect(readers.map((r) => r.port)).toEqual([35963, 35964, 35965, 35966, 35967, 35968]);
    expect(readers.map((r) => r.name)).toEqual([
      'Virtual PCD 00 00',
      'Virtual PCD 00 01',
      'Virtual PCD 1 00 00',
      'Virtual PCD 1 00 01',
      'Virtual PCD 2 00 00',
      'Virtual PCD 2 00 01',
    ]);
  });

  it('writes one entry per two readers, each after the first with its own driver file', () => {
    const conf = vpcdReaderConf(4, (entry) => (entry === 0 ? '/system/libifdvpcd.so' : `/copies/libifdvpcd-${entry}.so`));
    expect(conf.match(/^(FRIENDLYNAME|DEVICENAME|LIBPATH)\s+.+$/gm)).toEqual([
      'FRIENDLYNAME "Virtual PCD"',
      'DEVICENAME   /dev/null:0x8C7B',
      'LIBPATH      /system/libifdvpcd.so',
      'FRIENDLYNAME "Virtual PCD 1"',
      'DEVICENAME   /dev/null:0x8C7D',
      'LIBPATH      /copies/libifdvpcd-1.so',
    ]);
  });

  it('refuses counts pcscd cannot serve', () => {
    for (const bad of [0, -1, 1.5, 17]) expect(() => vpcdReaders(bad)).toThrow(/pcscd offers 1\.\.16 vpcd readers/);
  });
});
