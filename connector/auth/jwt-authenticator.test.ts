import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DsKeyRing, mintToken, type MintOverrides } from '../../simulators/ds/index.js';
import { ConnectorError } from '../errors/index.js';
import { JwtAuthenticator, type JwtPolicy } from './jwt-authenticator.js';
import { DsKeySet } from './key-set.js';

/**
 * JWT-01…10 at the unit tier: tokens from the DS simulator's key ring and token shape, verified against a key set
 * that fetches the ring's JWKS in-process. Every refusal must be the same 401 (104011), the size limit 431.
 */
const ISSUER = 'https://ds.example';
const AUDIENCE = 'connector-test';
const A = 'https://a.example';
const B = 'https://b.example';
const APP = { name: 'app-a', origins: [A] };
const T0 = 1_750_000_000_000;
const POLICY: JwtPolicy = { issuer: ISSUER, algorithms: ['RS256', 'ES256'], leewaySeconds: 30, maxLifetimeSeconds: 1800, audience: AUDIENCE, requireAudience: true, requireOrigins: true };

let clock: number;
let ring: DsKeyRing;
let fetched: string[];
let extraKeys: object[];
let dsUp: boolean;

function keySet(): DsKeySet {
  return new DsKeySet({
    url: 'https://ds.example/jwks',
    get: async (url) => {
      fetched.push(url);
      if (!dsUp) throw new Error('down');
      return { keys: [...ring.jwks().keys, ...extraKeys] };
    },
    cacheTtlMs: 600_000,
    minRefreshIntervalMs: 30_000,
    now: () => clock,
  });
}

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const token = (overrides: MintOverrides = {}, policy = { audience: AUDIENCE as string | null, includeOrigins: true }): string =>
  mintToken(ring, APP, { issuer: ISSUER, audience: policy.audience, includeOrigins: policy.includeOrigins, lifetimeSeconds: 1200 }, clock, overrides);
const claims = (extra: object = {}): Record<string, unknown> => ({ iss: ISSUER, sub: 'app-a', aud: AUDIENCE, iat: clock / 1000, nbf: clock / 1000 - 5, exp: clock / 1000 + 1200, 'allowed-origins': [A], ...extra });
const signed = (header: object | string, payload: object | string): string => ring.signCompact(typeof header === 'string' ? header : JSON.stringify(header), typeof payload === 'string' ? payload : JSON.stringify(payload));

function authenticator(policy: Partial<JwtPolicy> = {}, keys = keySet()): JwtAuthenticator {
  return new JwtAuthenticator(keys, { ...POLICY, ...policy }, () => clock);
}

/** The reason of the last refusal, as the connector logs it (never sent to the caller). */
let lastReason = '';
const log = { info: (details: object) => (lastReason = String((details as { reason?: unknown }).reason)) };

async function outcome(auth: JwtAuthenticator, jwt: string, origin?: string): Promise<string | number> {
  lastReason = '';
  try {
    return (await auth.authenticate({ headers: { authorization: `Bearer ${jwt}`, ...(origin ? { origin } : {}) }, log })).subject;
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectorError);
    return (e as ConnectorError).code;
  }
}

beforeEach(() => {
  clock = T0;
  ring = new DsKeyRing(() => clock);
  fetched = [];
  extraKeys = [];
  dsUp = true;
});

describe('JwtAuthenticator', () => {
  it('accepts a DS token and returns its subject; a missing or non-Bearer header is 104010', async () => {
    const auth = authenticator();
    expect(await outcome(auth, token(), A)).toBe('app-a');
    expect(await outcome(auth, token())).toBe('app-a'); // no Origin: a back end
    await expect(auth.authenticate({ headers: {} })).rejects.toMatchObject({ code: 104010, status: 401 });
    await expect(auth.authenticate({ headers: { authorization: `Basic ${token()}` } })).rejects.toMatchObject({ code: 104010 });
    expect(await outcome(auth, 'undefined')).toBe(104011); // what SDK 3.6.1 sends without a JWT
  });

  it('JWT-01: refuses alg none in any spelling, and an empty signature', async () => {
    const auth = authenticator();
    const good = token();
    const [, body, sig] = good.split('.');
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const header = b64({ alg, kid: ring.currentKid, typ: 'JWT' });
      for (const jwt of [`${header}.${body}.`, `${header}.${body}.${sig}`, signed({ alg, kid: ring.currentKid }, claims())]) expect(await outcome(auth, jwt, A), alg).toBe(104011);
    }
    expect(await outcome(auth, `${good.split('.').slice(0, 2).join('.')}.`, A)).toBe(104011);
  });

  it('JWT-02: refuses HS256/384/512 keyed with the DS public key in every encoding', async () => {
    const auth = authenticator();
    const jwk = ring.jwks().keys[0]!;
    const { createPublicKey } = await import('node:crypto');
    const pub = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
    const pem = pub.export({ type: 'spki', format: 'pem' }).toString();
    const secrets = [pem, pem.replace(/\n/g, '\r\n'), `  \n${pem}`, pub.export({ type: 'spki', format: 'der' }), pub.export({ type: 'pkcs1', format: 'pem' }).toString(), JSON.stringify(jwk)];
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      for (const secret of secrets) {
        const input = `${b64({ alg, kid: jwk.kid, typ: 'JWT' })}.${b64(claims())}`;
        const mac = createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url');
        expect(await outcome(auth, `${input}.${mac}`, A)).toBe(104011);
        expect(lastReason).toBe('algorithm not allowed');
      }
    }
  });

  it('JWT-03: refuses unknown, hostile and non-string kids; unknown kids cost the DS one fetch per interval', async () => {
    const auth = authenticator();
    expect(await outcome(auth, token(), A)).toBe('app-a');
    clock += 31_000; // past the refresh interval: the first unknown kid may trigger one fetch, the rest none
    const before = fetched.length;
    const kids: unknown[] = ['unknown-kid', '../../dev/null', "' OR '1'='1", '$(reboot)', '`id`', 'a'.repeat(129), 42, null, {}, ['x'], true];
    for (const kid of kids) expect(await outcome(auth, token({ header: { kid } }), A), String(kid)).toBe(104011);
    expect(await outcome(auth, token({ header: { kid: 'k'.repeat(10_000) } }), A)).toBe(106006); // over 8 KB: refused by size first
    expect(fetched.length - before).toBe(1);
    expect(await outcome(auth, token({ header: { kid: null } }), A)).toBe(104011);
  });

  it('JWT-04: never takes a key from jku, x5u, jwk or x5c; refuses crit', async () => {
    const auth = authenticator();
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
    const forge = (header: object): string => {
      const input = `${b64(header)}.${b64(claims())}`;
      return `${input}.${sign('sha256', Buffer.from(input), attacker.privateKey).toString('base64url')}`;
    };
    for (const kid of [ring.currentKid, 'attacker']) {
      expect(await outcome(auth, forge({ alg: 'RS256', kid, jwk: { ...attackerJwk, kid } }), A)).toBe(104011);
      expect(lastReason).toMatch(kid === 'attacker' ? /no DS key/ : /signature verification failed/);
      expect(await outcome(auth, forge({ alg: 'RS256', kid, jku: 'https://evil.example/jwks' }), A)).toBe(104011);
      expect(await outcome(auth, forge({ alg: 'RS256', kid, x5u: 'https://evil.example/cert.pem' }), A)).toBe(104011);
    }
    // A genuine token that also names a jku: verified with the DS key; the jku is never fetched.
    expect(await outcome(auth, token({ header: { jku: 'https://evil.example/jwks', x5u: 'https://evil.example/x' } }), A)).toBe('app-a');
    expect(fetched.every((u) => u === 'https://ds.example/jwks')).toBe(true);
    for (const crit of [['x-unknown'], ['exp'], ['b64']]) expect(await outcome(auth, token({ header: { crit, 'x-unknown': true, b64: true } }), A)).toBe(104011);
  });

  it('JWT-05: time claims — expired, missing exp, nbf and iat in the future, lifetime over the cap; leeway ≤ 60 s', async () => {
    const auth = authenticator();
    expect(await outcome(auth, token({ atOffsetSeconds: -1200 - 20 }), A)).toBe('app-a'); // expired 20 s ago: within leeway
    expect(await outcome(auth, token({ atOffsetSeconds: -1200 - 31 }), A)).toBe(104011);
    expect(await outcome(auth, token({ claims: { exp: null } }), A)).toBe(104011);
    expect(await outcome(auth, token({ claims: { iat: null } }), A)).toBe(104011);
    expect(await outcome(auth, token({ claims: { exp: '9999999999' } }), A)).toBe(104011);
    expect(await outcome(auth, token({ claims: { nbf: clock / 1000 + 120 } }), A)).toBe(104011);
    expect(await outcome(auth, token({ lifetimeSeconds: 3600 }), A)).toBe(104011);
    expect(await outcome(auth, token({ claims: { iat: clock / 1000 + 120, nbf: null } }), A)).toBe(104011);
    expect(() => authenticator({ leewaySeconds: 61 })).toThrow(RangeError);
  });

  it('JWT-05: a DS clock 5 min behind still works (token not expired); 5 min ahead and ±2 h do not', async () => {
    const auth = authenticator();
    const skewed = (seconds: number): string => token({ atOffsetSeconds: seconds });
    expect(await outcome(auth, skewed(-300), A)).toBe('app-a');
    expect(await outcome(auth, skewed(300), A)).toBe(104011);
    expect(await outcome(auth, skewed(-7200), A)).toBe(104011);
    expect(await outcome(auth, skewed(7200), A)).toBe(104011);
  });

  it('JWT-06: aud, iss and typ', async () => {
    const auth = authenticator();
    expect(await outcome(auth, token({ claims: { aud: 'another-connector' } }), A)).toBe(104011);
    expect(await outcome(auth, token({ claims: { aud: null } }), A)).toBe(104011); // required here
    expect(await outcome(authenticator({ requireAudience: false }), token({ claims: { aud: null } }), A)).toBe('app-a');
    expect(await outcome(authenticator({ requireAudience: false, audience: null }), token(), A)).toBe(104011); // aud we cannot check
    expect(await outcome(auth, token({ claims: { iss: 'https://evil.example' } }), A)).toBe(104011);
    expect(await outcome(auth, token({ claims: { iss: null } }), A)).toBe(104011);
    for (const typ of ['JWE', 'dpop+jwt', 'secevent+jwt', 42]) expect(await outcome(auth, token({ header: { typ } }), A)).toBe(104011);
    for (const typ of ['at+jwt', 'jwt', null]) expect(await outcome(auth, token({ header: { typ } }), A)).toBe('app-a');
  });

  it('accepts vendor-shaped tokens (no aud, no origins) when not told to require them', async () => {
    const vendor = token({}, { audience: null, includeOrigins: false });
    expect(await outcome(authenticator({ requireAudience: false, requireOrigins: false }), vendor, A)).toBe('app-a');
    expect(await outcome(authenticator(), vendor, A)).toBe(104011);
  });

  it('JWT-07: a token minted for origin A is refused for origin B', async () => {
    const auth = authenticator();
    expect(await outcome(auth, token(), B)).toBe(104011);
    expect(await outcome(auth, token(), A)).toBe('app-a');
    expect(await outcome(auth, token({ claims: { 'allowed-origins': null } }), A)).toBe(104011);
    expect(await outcome(authenticator({ requireOrigins: false }), token({ claims: { 'allowed-origins': null } }), B)).toBe('app-a');
    expect(await outcome(auth, token({ claims: { 'allowed-origins': A } }), A)).toBe(104011);
  });

  it('JWT-08: RSA signature and encoding malleability', async () => {
    const auth = authenticator();
    const good = token();
    const [h, p, s] = good.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    const flipped = Buffer.from(sig);
    flipped[10]! ^= 1;
    const variants = [
      `${h}.${p}.${flipped.toString('base64url')}`,
      `${h}.${p}.${sig.subarray(0, 255).toString('base64url')}`,
      `${h}.${p}.${Buffer.concat([Buffer.alloc(1), sig]).toString('base64url')}`,
      `${h}.${p}.${Buffer.concat([sig, Buffer.alloc(1)]).toString('base64url')}`,
      `${h}.${p}.${s}==`,
      `${h}.${p}.${sig.toString('base64')}`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s}.${s}.${s}`,
      signed(`{"alg":"RS256","kid":"${ring.currentKid}","alg":"none"}`, claims()),
      signed({ alg: 'RS256', kid: ring.currentKid }, `{"iss":"${ISSUER}","sub":"app-a","sub":"admin"}`),
      signed({ alg: 'RS256', kid: ring.currentKid }, `${JSON.stringify(claims())} `.trimEnd() + '{}'),
      signed({ alg: 'RS256', kid: ring.currentKid, cty: 'JWT' }, claims()),
    ];
    for (const [i, jwt] of variants.entries()) expect(await outcome(auth, jwt, A), `variant ${i}`).toBe(104011);
    for (const jwt of variants.slice(8)) {
      await outcome(auth, jwt, A);
      expect(lastReason, 'refused for its structure, not its signature').toMatch(/strict JSON|nested JWT/);
    }
    expect(await outcome(auth, good, A)).toBe('app-a');
  });

  it('JWT-08: ECDSA — r or s zero, r or s ≥ n, DER instead of raw, truncated or padded', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    extraKeys = [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' }];
    const auth = authenticator();
    const input = `${b64({ alg: 'ES256', kid: 'ec-1', typ: 'JWT' })}.${b64(claims())}`;
    const raw = sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(await outcome(auth, `${input}.${raw.toString('base64url')}`, A)).toBe('app-a');
    const n = Buffer.from('FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551', 'hex');
    const r = raw.subarray(0, 32);
    const s = raw.subarray(32);
    const variants = [
      Buffer.alloc(64),
      Buffer.concat([Buffer.alloc(32), s]),
      Buffer.concat([r, Buffer.alloc(32)]),
      Buffer.concat([n, s]),
      Buffer.concat([r, n]),
      Buffer.concat([r, Buffer.from((BigInt(`0x${s.toString('hex')}`) + BigInt(`0x${n.toString('hex')}`)).toString(16).padStart(66, '0'), 'hex')]),
      sign('sha256', Buffer.from(input), { key: ec.privateKey, dsaEncoding: 'der' }),
      raw.subarray(0, 63),
      Buffer.concat([raw, Buffer.alloc(1)]),
      Buffer.concat([Buffer.alloc(1), raw]),
    ];
    for (const [i, sig] of variants.entries()) expect(await outcome(auth, `${input}.${sig.toString('base64url')}`, A), `variant ${i}`).toBe(104011);
  });

  it('JWT-09: a new kid is accepted after a refresh; a retired kid is refused once its grace period and the cache are over', async () => {
    const auth = authenticator();
    const old = token();
    expect(await outcome(auth, old, A)).toBe('app-a');
    const { kid } = ring.rotate(60_000);
    clock += 1_000;
    expect(await outcome(auth, token(), A)).toBe(104011); // new kid, but the last fetch was 1 s ago: rate-limited
    clock += 30_000;
    expect(await outcome(auth, token({ kid }), A)).toBe('app-a'); // refreshed on the unknown kid
    expect(await outcome(auth, old, A)).toBe('app-a'); // within the grace period
    clock += 600_001; // grace over, cache lifetime over: the next use refetches
    expect(await outcome(auth, token(), A)).toBe('app-a');
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual([kid]);
    expect(await outcome(auth, old, A)).toBe(104011); // still within its own lifetime, but its key is gone
  });

  it('JWT-09: keys are never used past the cache lifetime, even when the DS is down', async () => {
    const auth = authenticator();
    expect(await outcome(auth, token(), A)).toBe('app-a');
    dsUp = false;
    clock += 600_001;
    expect(await outcome(auth, token(), A)).toBe(104011);
  });

  it('JWT-10: over 8 KB is 431 before any parsing; refusals never say which check failed', async () => {
    const auth = authenticator();
    const huge = token({ claims: { pad: 'x'.repeat(9000) } });
    await expect(auth.authenticate({ headers: { authorization: `Bearer ${huge}` } })).rejects.toMatchObject({ code: 106006, status: 431 });
    await expect(auth.authenticate({ headers: { authorization: `Bearer  ${'y'.repeat(9000)} x` } })).rejects.toMatchObject({ code: 106006 });
    const errors: ConnectorError[] = [];
    for (const jwt of [token({ header: { kid: 'nope' } }), `${token().slice(0, -4)}AAAA`, token({ claims: { aud: 'x' } }), token({ atOffsetSeconds: -7200 })]) {
      await auth.authenticate({ headers: { authorization: `Bearer ${jwt}` } }).catch((e: ConnectorError) => errors.push(e));
    }
    expect(new Set(errors.map((e) => `${e.code} ${e.status} ${e.message}`)).size).toBe(1);
  });

  it('a token verified once is accepted again only for its origins, within its lifetime and while its key stands', async () => {
    const auth = authenticator();
    const jwt = token();
    expect(await outcome(auth, jwt, A)).toBe('app-a');
    expect(await outcome(auth, jwt, A)).toBe('app-a');
    expect(await outcome(auth, jwt, B)).toBe(104011); // JWT-07 on every request, verified before or not
    expect(lastReason).toMatch(/origin/);
    clock += (1200 + 29) * 1000; // within the leeway after exp
    expect(await outcome(auth, jwt, A), lastReason).toBe('app-a');
    clock += 2000;
    expect(await outcome(auth, jwt, A)).toBe(104011);
    expect(lastReason).toMatch(/exp/);
  });
});
