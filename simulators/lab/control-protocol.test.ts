import { describe, expect, it } from 'vitest';
import { embeddedReaderName as connectorReaderName } from '../../connector/readers/embedded/backend.js';
import { LineDecoder, parseRequest } from './control-protocol.js';
import { embeddedReaderName } from './embedded-ports.js';

describe('control protocol', () => {
  it('reassembles lines across chunks', () => {
    const decoder = new LineDecoder();
    expect(decoder.push('{"id":1,')).toEqual([]);
    expect(decoder.push('"op":"status"}\n{"id":2')).toEqual(['{"id":1,"op":"status"}']);
    expect(decoder.push(',"op":"down"}\n\n')).toEqual(['{"id":2,"op":"down"}']);
  });

  it('accepts every operation', () => {
    expect(parseRequest('{"id":1,"op":"status"}')).toEqual({ id: 1, op: 'status' });
    expect(parseRequest('{"id":2,"op":"insert","profile":"iso-echo","persona":null}')).toMatchObject({ op: 'insert' });
    expect(parseRequest('{"id":3,"op":"insert","profile":"beid-1.8","persona":"be-kids","reader":1}')).toMatchObject({ reader: 1 });
    expect(parseRequest('{"id":4,"op":"remove","reader":0}')).toMatchObject({ op: 'remove', reader: 0 });
    expect(parseRequest('{"id":5,"op":"down"}')).toMatchObject({ op: 'down' });
    expect(parseRequest('{"id":7,"op":"pcscd-restart"}')).toEqual({ id: 7, op: 'pcscd-restart' });
    expect(parseRequest('{"id":10,"op":"console"}')).toEqual({ id: 10, op: 'console' });
    expect(parseRequest('{"id":8,"op":"unplug","reader":1}')).toEqual({ id: 8, op: 'unplug', reader: 1 });
    expect(parseRequest('{"id":9,"op":"plug","reader":1}')).toEqual({ id: 9, op: 'plug', reader: 1 });
    expect(parseRequest('{"id":6,"op":"fault","reader":0,"fault":{"kind":"drop"}}')).toMatchObject({ op: 'fault', reader: 0, fault: { kind: 'drop' } });
  });

  it.each([
    'not json',
    '[]',
    '{"op":"status"}',
    '{"id":1,"op":"format-disk"}',
    '{"id":1,"op":"insert","persona":null}',
    '{"id":1,"op":"insert","profile":"iso-echo"}',
    '{"id":1,"op":"insert","profile":"iso-echo","persona":null,"reader":"0"}',
    '{"id":1,"op":"remove"}',
    '{"id":1,"op":"unplug"}',
    '{"id":1,"op":"plug","reader":"1"}',
    '{"id":1,"op":"fault","reader":0}',
    '{"id":1,"op":"fault","fault":{"kind":"drop"}}',
  ])('rejects %s', (line) => {
    expect(parseRequest(line)).toBeNull();
  });
});

describe('embedded reader names', () => {
  it('match the names the connector gives its embedded readers', () => {
    for (const index of [0, 1, 9, 12]) expect(embeddedReaderName(index)).toBe(connectorReaderName(index));
  });
});
