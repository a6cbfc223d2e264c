import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { apdusDuring, beidBase, witnessUnavailable } from '../support/apdu-witness.js';
import { fetchDsToken, labDsAdmin } from '../support/ds.js';
import type { ApiResponse } from '../support/http.js';
import { checkItem, expectAuthRefused } from '../support/refusal.js';
import { connectorClient, conformanceTarget } from '../support/target.js';
import { algNone, compact, dissect, hmacWithPublicKey, hostileKids, malleated, oversized, selfKeyed, type Genuine } from './attacks.js';

/**
 * security-checklist JWT-01…10 against the target over HTTPS: every attack is a 401 (413/431 when oversized) with
 * a JSON body that names no check, and none reaches a card. Attacks needing only a genuine token and the DS key
 * set run against any target with a DS; those needing tokens with chosen contents use the lab DS's admin calls.
 */
const target = conformanceTarget();
const api = connectorClient(target);
const admin = labDsAdmin(target.labDir);
const A = target.allowedOrigin;
const B = 'https://app-b.t1c-lab.test';
const info = await api.get<{ t1CInfoAPI?: { jwtEnabled?: boolean } }>('/info', { token: null });
const noJwt = info.body?.t1CInfoAPI?.jwtEnabled !== true ? 'the target runs without JWT (auth none)' : !target.ds ? "needs the target's DS (T1C_TARGET_DS_URL, T1C_TARGET_API_KEY)" : null;
const noAdmin = noJwt ?? (admin ? null : 'needs a DS that signs chosen token contents (the lab DS)');
const PROBE = '/v3/readers';

/** Every 401 body of a Bearer-token attack: JWT-10 checks they are one and the same. */
const bodies = new Set<string>();
/** Every attack token, replayed against a card route at the end. */
const attacks: string[] = [];
let genuine: Genuine;
let keyServer: Server;
let keyServerHits = 0;
let keyUrl = '';

function probe(token: string, origin = A, path = PROBE): Promise<ApiResponse> {
  return api.get(path, { token, origin });
}

async function refuseAll(tokens: readonly string[], what: string): Promise<void> {
  for (const [i, token] of tokens.entries()) {
    attacks.push(token);
    expectAuthRefused(await probe(token), `${what} #${i}`, bodies, token.length > 8192);
  }
}

const adminToken = (overrides: Parameters<NonNullable<typeof admin>['token']>[1]): Promise<string> => admin!.token(target.ds!.apiKey, overrides);

afterAll(async () => {
  api.close();
  await new Promise<void>((resolve) => (keyServer ? keyServer.close(() => resolve()) : resolve()));
});

describe(`JWT attacks [${target.backend}]`, () => {
  beforeAll(async () => {
    keyServer = createServer((_req, res) => {
      keyServerHits++;
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    keyUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
    if (!noJwt) genuine = dissect(await fetchDsToken(target.ds!));
  });

  checkItem('JWT', 'a genuine DS token works; no token, another scheme and "Bearer undefined" do not', noJwt, async () => {
    expect((await probe(genuine.token)).status).toBe(200);
    for (const res of [await api.get(PROBE, { token: null, origin: A }), await api.get(PROBE, { origin: A, headers: { authorization: `Basic ${genuine.token}` } }), await probe('undefined')]) {
      expectAuthRefused(res, 'no usable token');
    }
  });

  checkItem('JWT-01', 'alg none in any spelling, and an empty signature, are refused', noJwt, async () => {
    await refuseAll(algNone(genuine), 'alg none');
  });

  checkItem('JWT-02', 'HS256/384/512 keyed with the DS public key (PEM, PKCS#1, DER, JWK, whitespace, CRLF) are refused', noJwt, async () => {
    const res = await fetch(`${target.ds!.url.replace(/\/+$/, '')}/.well-known/jwks.json`);
    expect(res.status, 'the DS key set').toBe(200);
    const keys = ((await res.json()) as { keys: (JsonWebKey & { kid?: string })[] }).keys;
    const key = keys.find((k) => k.kid === genuine.header['kid']);
    expect(key, 'the genuine token key in the DS key set').toBeDefined();
    await refuseAll(hmacWithPublicKey(genuine, key!), 'HMAC with the public key');
  });

  checkItem('JWT-03', 'unknown, path-traversal, metacharacter and non-string kids are refused; unknown kids do not flood the DS', noJwt, async () => {
    const before = admin ? (await admin.stats()).jwksRequests : 0;
    const started = Date.now();
    await refuseAll(hostileKids(genuine), 'hostile kid');
    await refuseAll(Array.from({ length: 20 }, (_, i) => compact({ ...genuine.header, kid: `made-up-${i}` }, genuine.p, genuine.s)), 'made-up kid');
    if (admin) {
      const fetches = (await admin.stats()).jwksRequests - before;
      expect(fetches, 'key set fetches for 33 unknown kids').toBeLessThanOrEqual(2 + Math.ceil((Date.now() - started) / 1000));
    }
  });

  checkItem('JWT-04', 'keys are never taken from jwk, jku, x5u or x5c (nothing fetched from the token)', noJwt, async () => {
    await refuseAll(selfKeyed(genuine, keyUrl), 'self-keyed');
    expect(keyServerHits, 'requests to the URLs named in jku/x5u').toBe(0);
  });

  checkItem('JWT-04', 'crit naming an unknown extension is refused; a genuine token naming a jku is verified with the DS key and the jku is never fetched', noAdmin, async () => {
    await refuseAll([await adminToken({ header: { crit: ['x-unknown'], 'x-unknown': 1 } }), await adminToken({ header: { crit: ['exp'] } })], 'crit');
    const withJku = await adminToken({ header: { jku: `${keyUrl}/jwks.json`, x5u: `${keyUrl}/x.pem` } });
    expect((await probe(withJku)).status).toBe(200);
    expect(keyServerHits).toBe(0);
  });

  checkItem('JWT-05', 'expired beyond a leeway of at most 60 s, missing exp, nbf or iat in the future, lifetime over the cap are refused', noAdmin, async () => {
    const lifetime = Number(genuine.claims['exp']) - Number(genuine.claims['iat']);
    await refuseAll(
      [
        await adminToken({ atOffsetSeconds: -lifetime - 61 }),
        await adminToken({ atOffsetSeconds: -lifetime - 7200 }),
        await adminToken({ claims: { exp: null } }),
        await adminToken({ claims: { exp: '4102444800' } }),
        await adminToken({ claims: { nbf: Math.floor(Date.now() / 1000) + 300 } }),
        await adminToken({ claims: { iat: Math.floor(Date.now() / 1000) + 300, nbf: null } }),
        await adminToken({ lifetimeSeconds: 24 * 3600 }),
      ],
      'time claims',
    );
  });

  checkItem('JWT-05', 'a DS clock 5 min behind still works (the token has not expired); 5 min ahead and ±2 h do not', noAdmin, async () => {
    expect((await probe(await adminToken({ atOffsetSeconds: -300 }))).status).toBe(200);
    await refuseAll([await adminToken({ atOffsetSeconds: 300 }), await adminToken({ atOffsetSeconds: 7200 }), await adminToken({ atOffsetSeconds: -7200 })], 'skewed DS clock');
  });

  checkItem('JWT-06', 'a wrong or missing aud, a wrong iss and a non-JWT typ are refused', noAdmin, async () => {
    await refuseAll(
      [
        await adminToken({ claims: { aud: 'another-connector' } }),
        await adminToken({ claims: { aud: null } }),
        await adminToken({ claims: { iss: 'https://ds.evil.example' } }),
        await adminToken({ claims: { iss: null } }),
        await adminToken({ header: { typ: 'JWE' } }),
        await adminToken({ header: { typ: 'dpop+jwt' } }),
      ],
      'aud/iss/typ',
    );
  });

  checkItem('JWT-07', "a token minted for origin A is refused for origin B (both allowed by CORS); B's own token works", noAdmin, async () => {
    const apiKeyB = await admin!.addApplication('jwt-07-b', [B]);
    try {
      await waitForOrigin(B, true);
      const tokenB = await fetchDsToken(target.ds!, apiKeyB);
      expect((await probe(tokenB, B)).status).toBe(200);
      for (const res of [await probe(genuine.token, B), await probe(tokenB, A)]) expectAuthRefused(res, 'token for another origin', bodies);
    } finally {
      await admin!.revoke(apiKeyB);
      await waitForOrigin(B, false);
    }
  });

  checkItem('JWT-08', 'bent signatures and encodings, a JWE and zero ECDSA signatures are refused', noJwt, async () => {
    await refuseAll(malleated(genuine), 'malleated');
  });

  checkItem('JWT-08', 'validly signed duplicate JSON keys, trailing data and a nested JWT are refused', noAdmin, async () => {
    const kid = String(genuine.header['kid']);
    const claims = JSON.stringify(genuine.claims);
    await refuseAll(
      [
        await admin!.sign(`{"alg":"RS256","kid":"${kid}","alg":"none"}`, claims),
        await admin!.sign(`{"alg":"RS256","kid":"${kid}"}`, `${claims.slice(0, -1)},"sub":"admin"}`),
        await admin!.sign(`{"alg":"RS256","kid":"${kid}"}`, `${claims}{}`),
        await admin!.sign(`{"alg":"RS256","kid":"${kid}","cty":"JWT"}`, JSON.stringify(genuine.token)),
      ],
      'signed malformed JSON',
    );
  });

  checkItem('JWT-10', 'a token over 8 KB is refused early with 413 or 431; every 401 carries one body whatever failed', noJwt, async () => {
    const big = oversized(genuine);
    attacks.push(big);
    expectAuthRefused(await probe(big), 'oversized', undefined, true);
    expect([...bodies].length, `distinct 401 bodies: ${[...bodies].join(' | ')}`).toBe(1);
  });

  checkItem('JWT-01…10', 'no attack reaches a card (simulator APDU trace: attacks = nothing, a genuine call = APDUs)', noJwt ?? witnessUnavailable(target), async () => {
    const idle = await apdusDuring(target, async () => undefined);
    const attacked = await apdusDuring(target, async (rid) => {
      for (const token of attacks) expect([401, 413, 431]).toContain((await probe(token, A, `${beidBase(rid)}/biometric`)).status);
    });
    const genuineCall = await apdusDuring(target, async (rid) => {
      expect((await probe(genuine.token, A, `${beidBase(rid)}/biometric`)).status).toBe(200);
    });
    expect(attacks.length).toBeGreaterThan(50);
    expect(attacked, `APDUs during ${attacks.length} attacks`).toBe(idle);
    expect(genuineCall, 'a genuine call is traced').toBeGreaterThan(idle);
  }, 120_000);

  checkItem('JWT-09', 'key rotation: a new kid is accepted after the key set refresh; a retired kid is refused once the DS drops it', noAdmin, async () => {
    const { kid: k2, previous: k1 } = await admin!.call<{ kid: string; previous: string }>('/admin/rotate', { graceSeconds: 600 });
    expect(k1).toBe(genuine.header['kid']);
    const t2 = await fetchDsToken(target.ds!);
    expect(dissect(t2).header['kid']).toBe(k2);
    await waitForStatus(t2, 200);
    expect((await probe(genuine.token)).status, 'the old kid within its grace period').toBe(200);
    expect((await admin!.call('/admin/retire', { kid: k1 }))['retired']).toBe(true);
    await admin!.call('/admin/rotate', { graceSeconds: 600 });
    await waitForStatus(await fetchDsToken(target.ds!), 200); // the connector fetched the key set again…
    expectAuthRefused(await probe(genuine.token), 'retired kid', bodies); // …and the retired key is gone from it
    expect((await probe(t2)).status, 'the previous kid within its grace period').toBe(200);
  });
});

/** Polls a token until it gets `status` (a new kid is accepted once the connector's refresh interval allows). */
async function waitForStatus(token: string, status: number, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await probe(token);
    if (res.status === status) return;
    if (Date.now() > deadline) throw new Error(`token still answered ${res.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Syncs the connector's CORS list with the DS (GET /v3/agents) until `origin` is allowed (or not). */
async function waitForOrigin(origin: string, allowed: boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await api.get('/v3/agents', { origin: A });
    const cors = (await api.get<{ t1CInfoAPI: { cors: string[] } }>('/info', { token: null })).body.t1CInfoAPI.cors;
    if (cors.includes(origin) === allowed) return;
    if (Date.now() > deadline) throw new Error(`${origin} still ${allowed ? 'missing from' : 'in'} the connector's CORS list`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

