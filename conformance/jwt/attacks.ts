import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, sign, type JsonWebKey } from 'node:crypto';

/**
 * Attack tokens of security-checklist JWT-01…10 that need nothing but a genuine token and the DS's public key
 * set — so they run against any connector and DS. Those needing the DS to sign chosen contents are built in the
 * suite through the lab DS's admin calls.
 */
export const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
export const unb64 = (s: string): Record<string, unknown> => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;

export interface Genuine {
  readonly token: string;
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly h: string;
  readonly p: string;
  readonly s: string;
}

export function dissect(token: string): Genuine {
  const [h, p, s] = token.split('.') as [string, string, string];
  return { token, header: unb64(h), claims: unb64(p), h, p, s };
}

/** header.claims.signature from parts (objects are JSON-encoded, strings taken as already encoded). */
export function compact(header: object | string, claims: object | string, signature: string): string {
  return `${typeof header === 'string' ? header : b64(header)}.${typeof claims === 'string' ? claims : b64(claims)}.${signature}`;
}

/** JWT-01: `alg: none` in four spellings, with and without the genuine signature; an empty signature. */
export function algNone(g: Genuine): string[] {
  return [
    ...['none', 'None', 'NONE', 'nOnE'].flatMap((alg) => [compact({ ...g.header, alg }, g.claims, ''), compact({ ...g.header, alg }, g.claims, g.s)]),
    `${g.h}.${g.p}.`,
  ];
}

/** JWT-02: HS256/384/512 keyed with the DS's public key as PEM, PKCS#1 PEM, DER, JWK, PEM with leading whitespace and CRLF. */
export function hmacWithPublicKey(g: Genuine, jwk: JsonWebKey): string[] {
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const pem = key.export({ type: 'spki', format: 'pem' }).toString();
  const secrets: Array<string | Buffer> = [
    pem,
    pem.replace(/\n/g, '\r\n'),
    `\n  ${pem}`,
    key.export({ type: 'spki', format: 'der' }),
    key.asymmetricKeyType === 'rsa' ? key.export({ type: 'pkcs1', format: 'pem' }).toString() : pem.trim(),
    JSON.stringify(jwk),
  ];
  return ['HS256', 'HS384', 'HS512'].flatMap((alg) =>
    secrets.map((secret) => {
      const input = `${b64({ ...g.header, alg })}.${g.p}`;
      return `${input}.${createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url')}`;
    }),
  );
}

/** JWT-03: kids that are unknown, path traversal, SQL/shell metacharacters, not strings. (The 10 KB kid is JWT-10's.) */
export function hostileKids(g: Genuine): string[] {
  const kids: unknown[] = [`unknown-${randomBytes(6).toString('hex')}`, '../../dev/null', '/etc/passwd', "' OR '1'='1", '1; DROP TABLE keys--', '$(reboot)', '`id`', '|nc -l 4444', 42, null, true, {}, ['x']];
  return kids.map((kid) => compact({ ...g.header, kid }, g.p, g.s));
}

/** An attacker's own RSA key, and tokens signed with it that point at it through every key-carrying header (JWT-04). */
export function selfKeyed(g: Genuine, keyUrl: string): string[] {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'attacker', alg: 'RS256', use: 'sig' };
  const signed = (header: object): string => {
    const input = `${b64(header)}.${g.p}`;
    return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  };
  const x5c = [randomBytes(600).toString('base64')];
  return [g.header['kid'], 'attacker'].flatMap((kid) => [
    signed({ alg: 'RS256', typ: 'JWT', kid, jwk }),
    signed({ alg: 'RS256', typ: 'JWT', kid, jku: `${keyUrl}/jwks.json` }),
    signed({ alg: 'RS256', typ: 'JWT', kid, x5u: `${keyUrl}/cert.pem` }),
    signed({ alg: 'RS256', typ: 'JWT', kid, x5c }),
  ]);
}

/** JWT-08: the genuine token with its signature or encoding bent, a JWE, and "psychic" ECDSA signatures. */
export function malleated(g: Genuine): string[] {
  const sig = Buffer.from(g.s, 'base64url');
  const flipped = Buffer.from(sig);
  flipped[sig.length >> 1]! ^= 0x01;
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = g.s.at(-1)!;
  const nonCanonical = g.s.slice(0, -1) + ALPHABET[ALPHABET.indexOf(last) | 1];
  return [
    `${g.h}.${g.p}.${flipped.toString('base64url')}`,
    `${g.h}.${g.p}.${sig.subarray(0, sig.length - 1).toString('base64url')}`,
    `${g.h}.${g.p}.${Buffer.concat([Buffer.alloc(1), sig]).toString('base64url')}`,
    `${g.h}.${g.p}.${Buffer.concat([sig, Buffer.alloc(1)]).toString('base64url')}`,
    `${g.h}.${g.p}.${sig.toString('base64')}`,
    `${g.h}.${g.p}.${g.s}=`,
    `${g.h}=.${g.p}.${g.s}`,
    ...(nonCanonical !== g.s ? [`${g.h}.${g.p}.${nonCanonical}`] : []),
    `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: g.header['kid'] })}.${randomBytes(256).toString('base64url')}.${randomBytes(12).toString('base64url')}.${randomBytes(64).toString('base64url')}.${randomBytes(16).toString('base64url')}`,
    compact({ ...g.header, alg: 'ES256' }, g.p, Buffer.alloc(64).toString('base64url')),
    compact({ ...g.header, alg: 'ES384' }, g.p, Buffer.alloc(96).toString('base64url')),
  ];
}

/** JWT-10: a token over 8 KB (a genuine header, a padded claims set). */
export function oversized(g: Genuine): string {
  return compact(g.h, { ...g.claims, pad: 'x'.repeat(9000) }, g.s);
}
