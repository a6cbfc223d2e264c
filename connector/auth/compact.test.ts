import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_LENGTH, TokenRejected, parseCompactJws } from './compact.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const HEADER = b64('{"alg":"RS256","kid":"k1"}');
const CLAIMS = b64('{"sub":"a"}');
const SIG = Buffer.alloc(256, 7).toString('base64url');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same bytes with a non-zero unused bit in the last character (decoders that ignore those bits accept it). */
const NON_CANONICAL = SIG.slice(0, -1) + ALPHABET[ALPHABET.indexOf(SIG.at(-1)!) | 1]!;

describe('parseCompactJws (JWT-01/08 structure)', () => {
  it('splits a well-formed token', () => {
    expect(NON_CANONICAL).not.toBe(SIG);
    expect(Buffer.from(NON_CANONICAL, 'base64url')).toEqual(Buffer.from(SIG, 'base64url'));
    const jws = parseCompactJws(`${HEADER}.${CLAIMS}.${SIG}`);
    expect(jws.header).toEqual({ alg: 'RS256', kid: 'k1' });
    expect(jws.claims).toEqual({ sub: 'a' });
    expect(jws.signature.length).toBe(256);
  });

  it.each([
    ['an empty signature', `${HEADER}.${CLAIMS}.`],
    ['a JWE (5 segments)', `${HEADER}.a.b.c.d`],
    ['two segments', `${HEADER}.${CLAIMS}`],
    ['base64 padding', `${HEADER}.${CLAIMS}.${SIG}==`],
    ['standard base64 characters', `${HEADER}.${CLAIMS}.${SIG.slice(0, -2)}+/`],
    ['non-canonical trailing bits', `${HEADER}.${CLAIMS}.${NON_CANONICAL}`],
    ['a duplicate header key', `${b64('{"alg":"RS256","alg":"none","kid":"k1"}')}.${CLAIMS}.${SIG}`],
    ['trailing data after the claims', `${HEADER}.${b64('{"sub":"a"} x')}.${SIG}`],
    ['a claims array', `${HEADER}.${b64('[1]')}.${SIG}`],
    ['invalid UTF-8', `${HEADER}.${Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url')}.${SIG}`],
    ['a nested JWT', `${b64('{"alg":"RS256","kid":"k1","cty":"JWT"}')}.${CLAIMS}.${SIG}`],
    ['an oversized token', `${HEADER}.${b64(JSON.stringify({ x: 'a'.repeat(MAX_TOKEN_LENGTH) }))}.${SIG}`],
  ])('refuses %s', (_what, token) => {
    expect(() => parseCompactJws(token)).toThrow(TokenRejected);
  });
});
