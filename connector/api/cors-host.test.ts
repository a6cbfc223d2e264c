import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorApp } from './app.js';
import { CORS_MAX_AGE_S } from './plugins/cors.js';
import { call, FakeReaders, testApp, TEST_PORT } from './test-support.js';

const ALLOWED = 'https://rmc.example.org';
const LOCAL = 'http://localhost:8080';

let app: ConnectorApp;
afterEach(async () => {
  await app.close();
});

const corsApp = () => testApp({ config: { cors: { allowedOrigins: [ALLOWED, LOCAL] } }, readers: new FakeReaders([{ id: 'aaaaaaaaaaaaaaaa', name: 'R' }]) });

describe('CORS allow-list', () => {
  it('CORS-01: echoes an allowed origin exactly, with credentials and Vary: Origin', async () => {
    app = await corsApp();
    for (const origin of [ALLOWED, LOCAL]) {
      const res = await call(app, { method: 'GET', url: '/v3/readers', headers: { origin } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['vary']).toMatch(/Origin/);
    }
  });

  it('CORS-07: keeps the policy on error responses of allowed origins', async () => {
    app = await corsApp();
    const res = await call(app, { method: 'GET', url: '/v3/readers/ffffffffffffffff', headers: { origin: ALLOWED } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a suffix trick', 'https://rmc.example.org.evil.com'],
    ['a prefix trick', 'https://evilrmc.example.org'],
    ['a scheme downgrade', 'http://rmc.example.org'],
    ['another port', 'https://rmc.example.org:8443'],
    ['mixed case', 'https://RMC.example.org'],
    ['a trailing dot', 'https://rmc.example.org.'],
    ['a trailing slash', 'https://rmc.example.org/'],
    ['the null origin (CORS-03)', 'null'],
    ['an empty origin', ''],
  ])('CORS-02/04: refuses %s with 403 and no ACAO, before any card work', async (_what, origin) => {
    const readers = new FakeReaders([{ id: 'aaaaaaaaaaaaaaaa', name: 'R', atr: Buffer.from('3B00', 'hex') }]);
    app = await testApp({ config: { cors: { allowedOrigins: [ALLOWED] } }, readers });
    for (const request of [
      { method: 'GET' as const, url: '/v3/readers' },
      { method: 'POST' as const, url: '/v3/modules/beid/apps/token/readers/aaaaaaaaaaaaaaaa/sign', payload: '{}', headers: { 'content-type': 'text/plain' } },
      { method: 'GET' as const, url: '/no-such-route' },
    ]) {
      const res = await call(app, { ...request, headers: { ...request.headers, origin } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ success: false, code: 104001, description: 'Origin not allowed' });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(readers.sessions).toEqual([]);
  });

  it('denies every origin by default (empty list)', async () => {
    app = await testApp();
    const res = await call(app, { method: 'GET', url: '/info', headers: { origin: ALLOWED } });
    expect(res.statusCode).toBe(403);
  });

  it('allows requests without an Origin (back ends, curl)', async () => {
    app = await corsApp();
    const res = await call(app, { method: 'GET', url: '/v3/readers' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS preflight (CORS-05, CORS-06)', () => {
  const preflight = (origin: string, method: string, headers: string | undefined, extra: Record<string, string> = {}) =>
    call(app, {
      method: 'OPTIONS',
      url: '/v3/modules/beid/apps/token/readers/aaaaaaaaaaaaaaaa/sign',
      headers: { origin, 'access-control-request-method': method, ...(headers === undefined ? {} : { 'access-control-request-headers': headers }), ...extra },
    });

  it('answers an allowed origin with the SDK\'s methods and headers, credentials and a capped max-age', async () => {
    app = await corsApp();
    const res = await preflight(ALLOWED, 'POST', 'authorization,content-type,x-csrf-token,x-t1c-billing-tag');
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers['access-control-allow-methods']).split(', ')).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('x-pace-pin');
    expect(Number(res.headers['access-control-max-age'])).toBe(CORS_MAX_AGE_S);
    expect(CORS_MAX_AGE_S).toBeLessThanOrEqual(7200);
    expect(res.headers['access-control-allow-private-network']).toBeUndefined();
    expect(res.headers['vary']).toMatch(/Origin/);
  });

  it('answers the private-network preflight header only for allowed origins', async () => {
    app = await corsApp();
    const ok = await preflight(ALLOWED, 'GET', undefined, { 'access-control-request-private-network': 'true' });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-private-network']).toBe('true');
    const denied = await preflight('https://evil.example', 'GET', undefined, { 'access-control-request-private-network': 'true' });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['access-control-allow-private-network']).toBeUndefined();
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each([
    ['an unknown requested header', 'POST', 'content-type,x-evil'],
    ['a method the SDK never uses', 'PROPFIND', undefined],
    ['a lower-case method', 'post', undefined],
  ])('refuses %s with 403 and the envelope', async (_what, method, headers) => {
    app = await corsApp();
    const res = await preflight(ALLOWED, method, headers);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ success: false, code: 104003, description: 'CORS preflight rejected: method or header not allowed' });
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('runs before auth: a preflight never needs a JWT', async () => {
    let authenticated = 0;
    app = await testApp({
      config: { cors: { allowedOrigins: [ALLOWED] }, auth: { mode: 'jwt' } },
      authenticator: {
        authenticate: async () => {
          authenticated += 1;
          return { subject: 'x' };
        },
      },
    });
    expect((await preflight(ALLOWED, 'POST', 'authorization')).statusCode).toBe(204);
    expect(authenticated).toBe(0);
  });
});

describe('Host allow-list (NET-02)', () => {
  it.each([`t1c.t1t.io:${TEST_PORT}`, `localhost:${TEST_PORT}`, `127.0.0.1:${TEST_PORT}`, `[::1]:${TEST_PORT}`, `T1C.T1T.IO:${TEST_PORT}`, `connector.lan:${TEST_PORT}`])(
    'accepts %s',
    async (host) => {
      app = await testApp({ config: { allowedHosts: ['connector.lan'] } });
      expect((await call(app, { method: 'GET', url: '/info', headers: { host } })).statusCode).toBe(200);
    },
  );

  it.each([
    ['another name', `evil.example:${TEST_PORT}`],
    ['a rebinding name', `127.0.0.1.nip.io:${TEST_PORT}`],
    ['the wrong port', 't1c.t1t.io:51984'],
    ['no port (443 implied)', 't1c.t1t.io'],
    ['a trailing dot', `t1c.t1t.io.:${TEST_PORT}`],
    ['userinfo', `user@t1c.t1t.io:${TEST_PORT}`],
    ['an empty Host', ''],
    ['a LAN address', `192.168.1.10:${TEST_PORT}`],
  ])('refuses %s with 403 before routing, CORS or auth', async (_what, host) => {
    let authenticated = 0;
    app = await testApp({
      config: { cors: { allowedOrigins: [ALLOWED] }, auth: { mode: 'jwt' } },
      authenticator: {
        authenticate: async () => {
          authenticated += 1;
          return { subject: 'x' };
        },
      },
    });
    for (const url of ['/info', '/no-such-route', '/v3/readers']) {
      const res = await call(app, { method: 'GET', url, headers: { host, origin: ALLOWED } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ success: false, code: 104002, description: 'Host not allowed' });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(authenticated).toBe(0);
  });

  it('refuses an unroutable URL from a foreign Host as a host error', async () => {
    app = await testApp();
    const res = await call(app, { method: 'GET', url: '/v3/readers/%E0%A4%A', headers: { host: 'evil.example' } });
    expect(res.statusCode).toBe(403);
  });
});
