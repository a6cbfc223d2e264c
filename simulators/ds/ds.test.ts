import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_HEADER, DS_PATHS, startDs, type RunningDs } from './index.js';

const A = 'https://a.example';
let ds: RunningDs;
let now = Date.now();

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${ds.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function admin(path: string, body: unknown, key = ds.adminKey): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${ds.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', [ADMIN_HEADER]: key }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  ds = await startDs({ applications: [{ name: 'app-a', origins: [A] }], audience: 'connector-x', includeOrigins: true, now: () => now });
});
afterAll(async () => ds.stop());

describe('DS simulator', () => {
  it('exchanges an API key for a vendor-shaped RS256 token (kid, iss, sub, iat, nbf = iat − 5, exp = iat + 20 min) plus aud and origins', async () => {
    const { status, body } = await get(DS_PATHS.token, { apikey: ds.applications[0]!.apiKey });
    expect(status).toBe(200);
    const token = body['data'] as string;
    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: ds.keys.currentKid });
    const jwks = (await get(DS_PATHS.jwks)).body as { keys: [] };
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: ds.url, audience: 'connector-x', currentDate: new Date(now) });
    expect(payload).toMatchObject({ sub: 'app-a', 'allowed-origins': [A] });
    expect(payload.nbf).toBe(payload.iat! - 5);
    expect(payload.exp).toBe(payload.iat! + 1200);
  });

  it('tells its own clock in the Date header, the clock its tokens are minted with', async () => {
    const saved = now;
    now = Date.UTC(2031, 4, 6, 7, 8, 9);
    try {
      const res = await fetch(`${ds.url}${DS_PATHS.jwks}`);
      expect(res.headers.get('date')).toBe('Tue, 06 May 2031 07:08:09 GMT');
    } finally {
      now = saved;
    }
  });

  it('answers an unknown, missing or revoked API key with 401 and a JSON error', async () => {
    for (const headers of [{ apikey: 'nope' }, {}]) {
      const res = await get(DS_PATHS.token, headers);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, code: 401 });
    }
    const added = await admin('/admin/applications', { name: 'app-b', origins: ['https://b.example'] });
    const apiKey = added.body['apiKey'] as string;
    expect((await get(DS_PATHS.token, { apikey: apiKey })).status).toBe(200);
    expect((await admin('/admin/applications/revoke', { apiKey })).body).toEqual({ revoked: true });
    expect((await get(DS_PATHS.token, { apikey: apiKey })).status).toBe(401);
  });

  it('gives the CORS list only to a connector with its credential', async () => {
    expect((await get(DS_PATHS.connectorCors)).status).toBe(401);
    expect((await get(DS_PATHS.connectorCors, { authorization: `Bearer ${ds.applications[0]!.apiKey}` })).status).toBe(401);
    const res = await get(DS_PATHS.connectorCors, { authorization: `Bearer ${ds.connectorCredential}` });
    expect(res.body).toEqual({ success: true, data: { allowedOrigins: [A] } });
  });

  it('rotates keys with a grace period for the old kid, and retires on demand', async () => {
    const before = ds.keys.currentKid;
    const rotated = await admin('/admin/rotate', { graceSeconds: 60 });
    expect(rotated.body).toEqual({ kid: ds.keys.currentKid, previous: before });
    const kids = async () => ((await get(DS_PATHS.jwks)).body['keys'] as { kid: string }[]).map((k) => k.kid);
    expect(await kids()).toEqual([before, ds.keys.currentKid]);
    now += 61_000;
    expect(await kids()).toEqual([ds.keys.currentKid]);
    const again = await admin('/admin/rotate', { graceSeconds: 600 });
    expect((await admin('/admin/retire', { kid: again.body['previous'] })).body).toEqual({ retired: true });
    expect((await admin('/admin/retire', { kid: ds.keys.currentKid })).body).toEqual({ retired: false });
    expect(await kids()).toEqual([ds.keys.currentKid]);
  });

  it('mints tokens with chosen claims and signs raw texts for the admin only', async () => {
    const apiKey = ds.applications[0]!.apiKey;
    expect((await admin('/admin/tokens', { apiKey }, 'wrong')).status).toBe(401);
    const minted = await admin('/admin/tokens', { apiKey, claims: { exp: null, extra: 1 }, header: { typ: 'at+jwt' } });
    const [h, p] = (minted.body['token'] as string).split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toMatchObject({ typ: 'at+jwt' });
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims['exp']).toBeUndefined();
    expect(claims['extra']).toBe(1);
    const raw = await admin('/admin/sign', { header: '{"alg":"RS256","alg":"none"}', payload: '{}' });
    expect(Buffer.from((raw.body['token'] as string).split('.')[0]!, 'base64url').toString()).toBe('{"alg":"RS256","alg":"none"}');
    const stats = await get('/admin/stats', { [ADMIN_HEADER]: ds.adminKey });
    expect(stats.body['jwksRequests']).toBeGreaterThan(0);
  });
});
