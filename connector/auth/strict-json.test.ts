import { describe, expect, it } from 'vitest';
import { StrictJsonError, parseStrictJsonObject } from './strict-json.js';

describe('parseStrictJsonObject', () => {
  it('parses objects like JSON.parse', () => {
    const text = '{"alg":"RS256","n":[1,2,{"a":null,"b":true}],"s":"\\u00e9\\"x","e":-1.5e3}';
    expect(parseStrictJsonObject(text)).toEqual(JSON.parse(text));
    expect(parseStrictJsonObject(' { } ')).toEqual({});
  });

  it.each([
    ['a duplicate key', '{"alg":"RS256","alg":"none"}'],
    ['a duplicate key spelled with an escape', '{"alg":"RS256","\\u0061lg":"none"}'],
    ['a nested duplicate key', '{"a":{"b":1,"b":2}}'],
    ['trailing data', '{"a":1}{"b":2}'],
    ['trailing garbage', '{"a":1}x'],
    ['an array', '[1]'],
    ['a string', '"x"'],
    ['deep nesting', '{"a":'.repeat(20) + '1' + '}'.repeat(20)],
    ['a trailing comma', '{"a":1,}'],
    ['a raw control character', '{"a":"\u0001"}'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseStrictJsonObject(text)).toThrow();
  });

  it('refuses duplicates with its own error', () => {
    expect(() => parseStrictJsonObject('{"a":1,"a":1}')).toThrow(StrictJsonError);
  });
});
