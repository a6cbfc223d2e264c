import { domainToASCII } from 'node:url';
import { afterAll, describe, expect } from 'vitest';
import { apdusDuring, beidBase, witnessUnavailable } from '../support/apdu-witness.js';
import { labDsAdmin } from '../support/ds.js';
import type { ApiResponse } from '../support/http.js';
import { checkItem } from '../support/refusal.js';
import { connectorClient, conformanceTarget, placedCards } from '../support/target.js';
import { rawRequest } from './raw-request.js';

/**
 * security-checklist CORS-01…08 against the target over HTTPS: exact echo with credentials for allowed origins,
 * refusal on the server (403, no ACAO) for every other origin — no card touched — a bounded preflight, the
 * private-network header only for allowed origins, the same policy on error responses, no WebSocket, and the
 * DS-synced allow-list (spec §2.5).
 */
const target = conformanceTarget();
const api = connectorClient(target);
const admin = labDsAdmin(target.labDir);
afterAll(() => api.close());

const A = target.allowedOrigin;
const FOREIGN = target.foreignOrigin;
const a = new URL(A);
const beid = placedCards(target, (p) => p.startsWith('beid'))[0] ?? null;
const noCard = beid ? null : 'needs a BeID card in the target';
const SDK_HEADERS = 'accept-language,authorization,content-type,x-csrf-token';

function acao(res: ApiResponse): string | undefined {
  return res.headers['access-control-allow-origin'] as string | undefined;
}

function expectRefusedOrigin(res: ApiResponse, what: string): void {
  expect(res.status, `${what}: ${res.text.slice(0, 120)}`).toBe(403);
  expect(acao(res), what).toBeUndefined();
  expect(res.headers['access-control-allow-credentials'], what).toBeUndefined();
}

/** Origins a sloppy matcher would confuse with A (CORS-03/04). */
function lookalikes(): Record<string, string> {
  const host = a.hostname;
  const [first, ...rest] = host.split('.');
  const cyrillic = domainToASCII(host.replace('a', '\u0430'));
  return {
    'a suffix (A.evil.com)': `${A}.evil.com`,
    'a prefix (evilA)': `${a.protocol}//evil${host}${a.port ? ':' + a.port : ''}`,
    'a subdomain of A': `${a.protocol}//x.${a.host}`,
    'a scheme downgrade': `${a.protocol === 'https:' ? 'http:' : 'https:'}//${a.host}`,
    'another port': `${a.protocol}//${host}:${a.port === '8443' ? '8444' : '8443'}`,
    'mixed case': `${a.protocol}//${host.toUpperCase()}${a.port ? ':' + a.port : ''}`,
    'a trailing dot': `${a.protocol}//${host}.${a.port ? ':' + a.port : ''}`,
    'a trailing slash': `${A}/`,
    'a path': `${A}/app`,
    'userinfo': `${a.protocol}//user@${a.host}`,
    'an unanchored regex match (. as any char)': `${a.protocol}//${first}x${rest.join('.')}`,
    'a punycode look-alike': cyrillic && cyrillic !== host ? `${a.protocol}//${cyrillic}` : `${a.protocol}//xn--pp-8cd.${rest.join('.')}`,
    'null (CORS-03)': 'null',
    'an empty origin': '',
    'a wildcard': '*',
  };
}

describe(`CORS allow-list [${target.backend}]`, () => {
  checkItem('CORS-01', 'an allowed origin gets an exact echo with credentials and Vary: Origin, never *', null, async () => {
    for (const [path, token] of [['/v3/readers', undefined], ['/info', null]] as const) {
      const res = await api.get(path, { origin: A, ...(token === null ? { token } : {}) });
      expect(res.status, path).toBe(200);
      expect(acao(res), path).toBe(A);
      expect(res.headers['access-control-allow-credentials'], path).toBe('true');
      expect(String(res.headers['vary']), path).toMatch(/\borigin\b/i);
    }
  });

  checkItem('CORS-02', 'a disallowed origin gets 403 and no ACAO, for reads and for a text/plain POST that skips the preflight', noCard, async () => {
    expectRefusedOrigin(await api.get('/v3/readers', { origin: FOREIGN }), 'GET');
    const base = beidBase(beid!.reader.id);
    expectRefusedOrigin(await api.request(`${base}/sign`, { method: 'POST', origin: FOREIGN, rawBody: '{"algorithm":"sha256","data":""}', headers: { 'content-type': 'text/plain' } }), 'text/plain POST');
    expectRefusedOrigin(await api.get(`${base}/biometric`, { origin: FOREIGN }), 'card read');
  });

  checkItem('CORS-02', 'requests from a disallowed origin never reach a card (simulator APDU trace)', witnessUnavailable(target), async () => {
    const idle = await apdusDuring(target, async () => undefined);
    const refused = await apdusDuring(target, async (rid) => {
      const base = beidBase(rid);
      expectRefusedOrigin(await api.get(`${base}/biometric`, { origin: FOREIGN }), 'card read');
      expectRefusedOrigin(await api.post(`${base}/verify-pin`, { pin: '1234' }, { origin: FOREIGN }), 'verify-pin');
      expectRefusedOrigin(await api.request(`${base}/sign`, { method: 'POST', origin: FOREIGN, rawBody: '{"algorithm":"sha256","data":"","pin":"1234"}', headers: { 'content-type': 'text/plain' } }), 'sign');
      expectRefusedOrigin(await api.get(`${base}/biometric`, { origin: 'null' }), 'null origin');
    });
    const allowed = await apdusDuring(target, async (rid) => {
      expect((await api.get(`${beidBase(rid)}/biometric`, { origin: A })).status).toBe(200);
    });
    expect(refused).toBe(idle);
    expect(allowed).toBeGreaterThan(idle);
  }, 60_000);

  checkItem('CORS-03', 'the null origin (sandboxed iframe, file:, data: URL) is refused, for reads and for a text/plain POST', null, async () => {
    expectRefusedOrigin(await api.get('/v3/readers', { origin: 'null' }), 'GET');
    expectRefusedOrigin(await api.request('/v3/readers', { method: 'POST', origin: 'null', rawBody: '{}', headers: { 'content-type': 'text/plain' } }), 'text/plain POST');
    expectRefusedOrigin(await api.request('/v3/readers', { method: 'OPTIONS', origin: 'null', token: null, headers: { 'access-control-request-method': 'GET' } }), 'preflight');
  });

  checkItem('CORS-04', 'look-alike origins (suffix, prefix, scheme, port, case, dot, slash, punycode, unanchored regex, null) are refused', null, async () => {
    for (const [what, origin] of Object.entries(lookalikes())) {
      expect(origin, what).not.toBe(A);
      expectRefusedOrigin(await api.get('/v3/readers', { headers: { origin } }), what); // headers: an empty Origin is sent too
    }
  });

  checkItem('CORS-05', "a preflight allows the SDK's methods and headers with a capped max-age, and refuses an unknown header or method", null, async () => {
    const preflight = (origin: string, method: string, headers: string): Promise<ApiResponse> =>
      api.request('/v3/readers', { method: 'OPTIONS', origin, token: null, headers: { 'access-control-request-method': method, 'access-control-request-headers': headers } });
    const ok = await preflight(A, 'POST', SDK_HEADERS);
    expect([200, 204]).toContain(ok.status);
    expect(acao(ok)).toBe(A);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(String(ok.headers['access-control-allow-methods']).toUpperCase()).toMatch(/\bPOST\b/);
    const allowedHeaders = String(ok.headers['access-control-allow-headers']).toLowerCase();
    for (const h of SDK_HEADERS.split(',')) expect(allowedHeaders).toContain(h);
    expect(allowedHeaders).not.toContain('*');
    const maxAge = Number(ok.headers['access-control-max-age']);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(7200);
    for (const [method, headers] of [['POST', `${SDK_HEADERS},x-evil-header`], ['TRACE', 'authorization'], ['CONNECT', '']]) {
      const res = await preflight(A, method!, headers!);
      const granted = res.status < 300 && String(res.headers['access-control-allow-headers'] ?? '').toLowerCase().includes('x-evil-header');
      const methodGranted = res.status < 300 && String(res.headers['access-control-allow-methods'] ?? '').toUpperCase().includes(method!);
      expect(granted || methodGranted, `${method} ${headers}: HTTP ${res.status}`).toBe(false);
    }
    expectRefusedOrigin(await preflight(FOREIGN, 'GET', 'authorization'), 'foreign preflight');
  });

  checkItem('CORS-06', 'a private-network preflight is granted only for an allowed origin', null, async () => {
    const pna = (origin: string): Promise<ApiResponse> =>
      api.request('/v3/readers', { method: 'OPTIONS', origin, token: null, headers: { 'access-control-request-method': 'GET', 'access-control-request-private-network': 'true' } });
    expect((await pna(A)).headers['access-control-allow-private-network']).toBe('true');
    const foreign = await pna(FOREIGN);
    expectRefusedOrigin(foreign, 'foreign PNA preflight');
    expect(foreign.headers['access-control-allow-private-network']).toBeUndefined();
  });

  checkItem('CORS-07', 'error responses (401, 404, 400) keep the policy: ACAO for an allowed origin, 403 without it for others', null, async () => {
    const errors = (origin: string): Promise<ApiResponse>[] => [
      api.get('/v3/readers', { origin, token: null }),
      api.get('/v3/no-such-route', { origin }),
      api.get('/v3/readers/not-a-reader-id!', { origin }),
    ];
    const allowed = await Promise.all(errors(A));
    expect(allowed.map((r) => r.status)).toEqual([401, 404, 400]);
    for (const res of allowed) {
      expect(acao(res)).toBe(A);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    }
    for (const res of await Promise.all(errors(FOREIGN))) expectRefusedOrigin(res, `foreign ${res.status}`);
  });

  checkItem('CORS-08', 'no WebSocket handshake is accepted, whatever the origin', null, async () => {
    for (const origin of [FOREIGN, A]) {
      for (const path of ['/', '/ws', '/v3/ws', '/socket.io/?EIO=4&transport=websocket']) {
        const { status } = await rawRequest(target.url, target.caCert, [
          `GET ${path} HTTP/1.1`,
          `Host: ${new URL(target.url).host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          `Origin: ${origin}`,
        ]);
        expect(status, `${origin} ${path}`).not.toBe(101);
      }
    }
  });

  checkItem('CORS-DS', "an application registered at the DS is allowed after GET /v3/agents syncs the list, and refused again once revoked", admin ? null : 'needs the lab DS to register an application', async () => {
    const origin = 'https://app-c.t1c-lab.test';
    const sync = async (allowed: boolean): Promise<void> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        expect((await api.get('/v3/agents', { origin: A })).status).toBe(200);
        const res = await api.get('/v3/readers', { origin, token: null });
        if ((res.status !== 403) === allowed) return;
        if (Date.now() > deadline) throw new Error(`${origin} is ${allowed ? 'still refused' : 'still allowed'}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    expectRefusedOrigin(await api.get('/v3/readers', { origin, token: null }), 'before registration');
    const apiKey = await admin!.addApplication('cors-ds-c', [origin]);
    try {
      await sync(true);
    } finally {
      await admin!.revoke(apiKey);
    }
    await sync(false);
  });
});
