import { describe, expect, it } from 'vitest';
import { redactPcscdLine } from './pcscd-log.js';

describe('pcscd log redaction', () => {
  it('masks VERIFY data and leaves every other line as pcscd wrote it', () => {
    expect(redactPcscdLine('00000004 APDU: 00 20 00 01 08 24 12 34 FF FF FF FF FF ')).toBe('00000004 APDU: 00 20 00 01 08 2A 2A 2A 2A 2A 2A 2A 2A ');
    expect(redactPcscdLine('00000002 APDU: 00 A4 08 0C 06 3F 00 DF 01 40 31 ')).toBe('00000002 APDU: 00 A4 08 0C 06 3F 00 DF 01 40 31 ');
    expect(redactPcscdLine('00000001 SW: 63 C2 ')).toBe('00000001 SW: 63 C2 ');
    expect(redactPcscdLine('00000010 eventhandler.c:412:EHStatusHandlerThread() Card inserted')).toBe('00000010 eventhandler.c:412:EHStatusHandlerThread() Card inserted');
  });
});
