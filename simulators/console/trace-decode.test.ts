import { describe, expect, it } from 'vitest';
import { EMV_PSE_NAME, EMV_TAG, IDENTITY_TAG, encodeBerTlv, encodePinBlock, encodeSimpleTlv, redactCommandApdu, toHex } from '../../connector/protocol/index.js';
import { TraceDecoder } from './trace-decode.js';

const identityFile = encodeSimpleTlv([
  { tag: IDENTITY_TAG.CARD_NUMBER, value: Buffer.from('592123456789') },
  { tag: IDENTITY_TAG.CHIP_NUMBER, value: Buffer.from('0102A0FF', 'hex') },
  { tag: IDENTITY_TAG.SURNAME, value: Buffer.from('Peeters') },
  { tag: IDENTITY_TAG.FIRST_NAMES, value: Buffer.from('Anna Maria') },
]);
const padded = Buffer.concat([identityFile, Buffer.alloc(300 - identityFile.length)]);

describe('APDU trace decoding', () => {
  it('names a BeID read with the project vocabulary and decodes the identity file once its last chunk is in', () => {
    const beid = new TraceDecoder('beid');
    expect(beid.decode('00A4080C063F00DF014031', '9000')).toEqual({ name: 'SELECT', detail: 'path 3F00DF014031 (IDENTITY)', sw: '9000', status: 'success' });
    // T=0: the card asks for the exact length, then answers; the first chunk is full, the second short
    expect(beid.decode('00B0000000', `${toHex(padded.subarray(0, 256))}9000`)).toMatchObject({ name: 'READ BINARY', detail: 'offset 0, Le 256', sw: '9000' });
    expect(beid.decode('00B0010000', '6C2C')).toMatchObject({ sw: '6C2C', status: 'wrong Le, 44 bytes available' });
    const last = beid.decode('00B001002C', `${toHex(padded.subarray(256))}9000`);
    expect(last.detail).toBe('offset 256, Le 44');
    expect(last.fields).toEqual([
      { tag: '01', name: 'CARD NUMBER', value: '592123456789', depth: 0 },
      { tag: '02', name: 'CHIP NUMBER', value: '0102A0FF', depth: 0 },
      { tag: '07', name: 'SURNAME', value: 'Peeters', depth: 0 },
      { tag: '08', name: 'FIRST NAMES', value: 'Anna Maria', depth: 0 },
    ]);
  });

  it('decodes no file it did not see selected, nor a certificate', () => {
    const beid = new TraceDecoder('beid');
    expect(beid.decode('00B0000000', `${toHex(identityFile)}9000`).fields).toBeUndefined();
    beid.decode('00A4080C063F00DF005038', '9000');
    expect(beid.decode('00B0000010', `${toHex(identityFile.subarray(0, 16))}9000`).fields).toBeUndefined();
  });

  it('shows a redacted VERIFY as redacted and the tries left from the status word', () => {
    const verify = toHex(redactCommandApdu(Buffer.concat([Buffer.from('0020000108', 'hex'), encodePinBlock(Buffer.from('1234'))])));
    expect(verify).toBe(`0020000108${'2A'.repeat(8)}`);
    expect(new TraceDecoder('beid').decode(verify, '63C2')).toEqual({
      name: 'VERIFY',
      detail: 'reference 01, 8 bytes of PIN data (redacted)',
      sw: '63C2',
      status: 'verification failed, 2 tries left',
    });
  });

  it('names proprietary instructions by the family in the reader', () => {
    expect(new TraceDecoder('beid').decode('80E400001C', '6D00')).toMatchObject({ name: 'GET CARD DATA', status: 'instruction code not supported' });
    expect(new TraceDecoder('beid').decode('80E60000', '9000').name).toBe('LOG OFF');
    expect(new TraceDecoder('emv').decode('80A8000002830000', '9000').name).toBe('GET PROCESSING OPTIONS');
    expect(new TraceDecoder(null).decode('80E400001C', '9000').name).toBe('INS E4');
    expect(new TraceDecoder('beid').decode('0022 41B6 05 0480018483'.replace(/ /g, ''), '9000').detail).toBe('P1-P2 41B6, key 83 (NON REPUDIATION)');
    expect(new TraceDecoder('beid').decode('00', '9000').name).toBe('malformed command');
  });

  it('decodes EMV answers as BER-TLV with the EMV tag names, nested', () => {
    const name = Buffer.from(EMV_PSE_NAME, 'ascii');
    const fci = encodeBerTlv(EMV_TAG.FCI_TEMPLATE, [encodeBerTlv(EMV_TAG.DF_NAME, name), encodeBerTlv(EMV_TAG.FCI_PROPRIETARY, [encodeBerTlv(EMV_TAG.SFI, Buffer.from([1]))])]);
    const decoded = new TraceDecoder('emv').decode(`00A404000E${toHex(name)}00`, `${toHex(fci)}9000`);
    expect(decoded.detail).toBe(`AID ${toHex(name)} (1PAY.SYS.DDF01)`);
    expect(decoded.fields).toEqual([
      { tag: '6F', name: 'FCI TEMPLATE', value: '', depth: 0 },
      { tag: '84', name: 'DF NAME', value: '1PAY.SYS.DDF01', depth: 1 },
      { tag: 'A5', name: 'FCI PROPRIETARY', value: '', depth: 1 },
      { tag: '88', name: 'SFI', value: '01', depth: 2 },
    ]);
  });
});
