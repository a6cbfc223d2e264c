import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Applications, DsKeyRing, buildDsApp, mintToken } from '../../simulators/ds/index.js';
import type { ConnectorApp } from '../api/app.js';
import { call, FakeReaders, testApp, testConfig } from '../api/test-support.js';
import { ConfigError, type ConnectorConfig } from '../config/index.js';
import type { DsGet } from './ds-client.js';
import { createConnectorAuth } from './from-config.js';

/**
 * The connector's auth as main.ts wires it (createConnectorAuth → buildApp), against the DS simulator's app
 * reached through inject(): the same 401 for every bad token, CORS headers on auth errors of allowed origins
 * (CORS-07), public /info and /device-key, and the DS CORS sync at start and on GET /v3/agents.
 */
const A = 'https://a.example';
const LATE = 'https://late.example';
const DS = 'http://127.0.0.1:9';
const AUDIENCE = 'connector-unit';
const READER = 'aaaaaaaaaaaaaaaa';

const keys = new DsKeyRing();
const applications = new Applications();
applications.add({ name: 'app-a', origins: [A] });
const credential = 'connector-credential-0123456789';
const ds = buildDsApp({ keys, applications, shape: () => ({ issuer: DS, audience: AUDIENCE, includeOrigins: true, lifetimeSeconds: 1200 }), connectorCredential: credential, adminKey: 'admin-key-0123456789' });
const get: DsGet = async (url, options) => {
  const res = await ds.inject({ method: 'GET', url: new URL(url).pathname, headers: { ...options?.headers } });
  if (res.statusCode !== 200) throw new Error(`DS ${res.statusCode}`);
  return res.json();
};

let app: ConnectorApp;
/** Added to the connector's clock, to step past the CORS sync interval without waiting. */
let offsetMs = 0;
afterEach(async () => app?.close());

function jwtConfig(ds: ConnectorConfig['ds']): ConnectorConfig {
  return testConfig({ auth: { mode: 'jwt', audience: AUDIENCE, requireAudience: true, requireOrigins: true }, ...(ds ? { ds } : {}) });
}

async function connector(): Promise<ConnectorApp> {
  const config = jwtConfig({ url: DS, credential, corsSyncMinSeconds: 1 });
  const auth = createConnectorAuth(config, { get, now: () => Date.now() + offsetMs });
  await auth.origins.sync();
  app = await testApp({ config, authenticator: auth.authenticator!, origins: auth.origins, readers: new FakeReaders([{ id: READER, name: 'R' }]) });
  return app;
}

describe('connector auth wired into the app', () => {
  it('serves /info and /device-key without a token and reports jwtEnabled and the synced origins', async () => {
    await connector();
    const info = await call(app, { method: 'GET', url: '/info' });
    expect(info.statusCode).toBe(200);
    expect(info.json().t1CInfoAPI).toMatchObject({ jwtEnabled: true, cors: [A] });
    expect((await call(app, { method: 'GET', url: '/device-key' })).statusCode).toBe(200);
  });

  it('needs a DS token everywhere else; every refusal is the same 401 body, with CORS headers for an allowed origin (CORS-07)', async () => {
    await connector();
    const token = mintToken(keys, { name: 'app-a', origins: [A] }, { issuer: DS, audience: AUDIENCE, includeOrigins: true, lifetimeSeconds: 1200 }, Date.now());
    const ok = await call(app, { method: 'GET', url: '/v3/readers', headers: { origin: A, authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    const bodies = new Set<string>();
    for (const authorization of [undefined, 'Bearer x.y.z', `Bearer ${token.slice(0, -3)}abc`, `Bearer ${token}`.replace('Bearer', 'Basic')]) {
      const res = await call(app, { method: 'GET', url: '/v3/readers', headers: { origin: A, ...(authorization ? { authorization } : {}) } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['access-control-allow-origin']).toBe(A);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      bodies.add(JSON.stringify({ ...res.json(), code: 0 }));
    }
    expect([...bodies]).toEqual([JSON.stringify({ success: false, code: 0, description: 'Unauthorized: a valid token from the Distribution Service is required' })]);
    const big = await call(app, { method: 'GET', url: '/v3/readers', headers: { origin: A, authorization: `Bearer ${'a'.repeat(9000)}` } });
    expect(big.statusCode).toBe(431);
    const foreign = await call(app, { method: 'GET', url: '/v3/readers', headers: { origin: 'https://evil.example', authorization: `Bearer ${token}` } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers the preflight before auth (no token on OPTIONS)', async () => {
    await connector();
    const res = await call(app, { method: 'OPTIONS', url: '/v3/readers', headers: { origin: A, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(res.statusCode).toBe(204);
  });

  it('picks up an application registered later at the DS on GET /v3/agents', async () => {
    await connector();
    const late = applications.add({ name: 'app-late', origins: [LATE] });
    const token = mintToken(keys, { name: 'app-late', origins: [LATE] }, { issuer: DS, audience: AUDIENCE, includeOrigins: true, lifetimeSeconds: 1200 }, Date.now());
    const headers = { origin: LATE, authorization: `Bearer ${token}` };
    expect((await call(app, { method: 'GET', url: '/v3/readers', headers })).statusCode).toBe(403);
    offsetMs = 1_000; // the start sync was less than corsSyncMinSeconds ago
    const agents = await call(app, { method: 'GET', url: '/v3/agents', headers: { origin: A, authorization: `Bearer ${mintToken(keys, { name: 'app-a', origins: [A] }, { issuer: DS, audience: AUDIENCE, includeOrigins: true, lifetimeSeconds: 1200 }, Date.now())}` } });
    expect(agents.json()).toEqual({ success: true, data: [] });
    expect((await call(app, { method: 'GET', url: '/v3/readers', headers })).statusCode).toBe(200);
    applications.revoke(late);
  });
});

describe('createConnectorAuth configuration checks', () => {
  it('refuses jwt without a DS, plain http off loopback, two credentials, requireAudience without an audience', async () => {
    expect(() => createConnectorAuth(testConfig({ auth: { mode: 'jwt' } }))).toThrow(ConfigError);
    expect(() => createConnectorAuth(jwtConfig({ url: 'http://ds.example' }))).toThrow(/https/);
    expect(() => createConnectorAuth(jwtConfig({ url: 'https://ds.example', credential, credentialFile: '/x' }))).toThrow(/not both/);
    expect(() => createConnectorAuth(testConfig({ auth: { mode: 'jwt', requireAudience: true }, ds: { url: 'https://ds.example' } }))).toThrow(/audience/);
    expect(createConnectorAuth(testConfig()).authenticator).toBeNull();
  });

  it('reads the credential from a file and uses the default key set URL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 't1c-auth-'));
    try {
      await writeFile(join(dir, 'cred'), `${credential}\n`, { mode: 0o600 });
      const urls: string[] = [];
      const auth = createConnectorAuth(jwtConfig({ url: 'https://ds.example/', credentialFile: join(dir, 'cred') }), {
        get: async (url, options) => (urls.push(`${url} ${JSON.stringify(options?.headers ?? {})}`), url.endsWith('cors') ? { data: { allowedOrigins: [LATE] } } : { keys: [] }),
      });
      await auth.origins.sync();
      await auth.keySet!.refresh();
      expect(urls).toEqual([`https://ds.example/v3/connectors/cors {"authorization":"Bearer ${credential}"}`, 'https://ds.example/.well-known/jwks.json {}']);
      expect(auth.origins.has(LATE)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
