import { afterEach, describe, expect, it } from 'vitest';
import { BEID_ATRS } from '../modules/beid/atr.js';
import { EMV_ATRS } from '../modules/emv/atr.js';
import { ATR_REGISTRY } from '../modules/registry.js';
import { fromHex } from '../protocol/index.js';
import type { ConnectorApp } from './app.js';
import { call, FakeReaders, testApp, testCredentials, TEST_PORT } from './test-support.js';
import { MODULE_ROUTES } from './modules/index.js';
import { CONNECTOR_VERSION, T1C_API_VERSION } from './version.js';

const beid18 = BEID_ATRS.find((e) => e.variant === '1.8')!;
const readers = () =>
  new FakeReaders([
    { id: '8f2a1c0d9e7b3a64', name: 'Virtual PCD 00 00', atr: fromHex(beid18.atr) },
    { id: 'c41d77e0a9b25f13', name: 'Hello Virtual Reader', atr: fromHex('3B067431636C6162') },
    { id: '0000000000000003', name: 'Empty Reader', pinpad: true },
    { id: '0000000000000004', name: 'Card Reader EMV', atr: fromHex(EMV_ATRS[0]!.atr) },
  ]);

let app: ConnectorApp;
afterEach(async () => {
  await app.close();
});

describe('GET /info', () => {
  it('answers the unwrapped info object the SDK reads (spec §2.1)', async () => {
    app = await testApp({ config: { cors: { allowedOrigins: ['https://rmc.example.org'] } } });
    const res = await call(app, { method: 'GET', url: '/info' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).not.toHaveProperty('success');
    expect(body).not.toHaveProperty('signature');
    expect(body.t1CInfoAPI).toMatchObject({
      version: T1C_API_VERSION,
      status: 'ACTIVATED',
      activated: true,
      jwtEnabled: false,
      modules: MODULE_ROUTES.map((m) => m.name),
      cors: ['https://rmc.example.org'],
      uid: (await testCredentials()).deviceKey.uid,
      service: { apiPort: String(TEST_PORT), deviceType: 'STANDALONE', dsRegistryActivated: false },
    });
    expect(body.t1CInfoAPI.service.deviceType).not.toBe('PROXY');
    expect(body.t1CInfoRuntime).toMatchObject({ runtime: 't1c-lab', version: CONNECTOR_VERSION });
    expect(body).not.toHaveProperty('t1CInfoUser');
  });

  it('reports a semver ≥ 3.6.0 and this package\'s version', async () => {
    const [major, minor] = T1C_API_VERSION.split('.').map(Number) as [number, number];
    expect(major > 3 || (major === 3 && minor >= 6)).toBe(true);
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(CONNECTOR_VERSION).toBe(pkg.version);
  });

  it('lists the modules whose routes it serves', async () => {
    app = await testApp({ modules: [{ name: 'beid', description: 'Belgian eID', plugin: async () => undefined }] });
    expect((await call(app, { method: 'GET', url: '/info' })).json().t1CInfoAPI.modules).toEqual(['beid']);
  });
});

describe('GET /device-key', () => {
  it('serves the device key as bare base64 SPKI in the success envelope', async () => {
    app = await testApp();
    const res = await call(app, { method: 'GET', url: '/device-key' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true, data: (await testCredentials()).deviceKey.publicKeyBase64 });
  });
});

describe('GET /v3/readers', () => {
  it('lists readers with card.modules from the ATR registry (unknown card → no module)', async () => {
    app = await testApp({ readers: readers() });
    const res = await call(app, { method: 'GET', url: '/v3/readers' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      success: true,
      data: [
        { id: '8f2a1c0d9e7b3a64', name: 'Virtual PCD 00 00', pinpad: false, card: { atr: beid18.atr, description: [beid18.description], modules: ['beid'] } },
        { id: 'c41d77e0a9b25f13', name: 'Hello Virtual Reader', pinpad: false, card: { atr: '3B067431636C6162', description: [], modules: [] } },
        { id: '0000000000000003', name: 'Empty Reader', pinpad: true },
        { id: '0000000000000004', name: 'Card Reader EMV', pinpad: false, card: { atr: EMV_ATRS[0]!.atr, description: [EMV_ATRS[0]!.description], modules: ['emv'] } },
      ],
    });
  });

  it.each([
    ['cardInserted=true', ['8f2a1c0d9e7b3a64', 'c41d77e0a9b25f13', '0000000000000004']],
    ['cardInserted=false', ['0000000000000003']],
    ['excluded=hello', ['8f2a1c0d9e7b3a64', '0000000000000003', '0000000000000004']],
    ['cardInserted=true&excluded=hello', ['8f2a1c0d9e7b3a64', '0000000000000004']],
    ['cardInserted=true&excluded=Hello,EMV', ['8f2a1c0d9e7b3a64']],
  ])('filters with the query the SDK sends: %s', async (query, ids) => {
    app = await testApp({ readers: readers() });
    const res = await call(app, { method: 'GET', url: `/v3/readers?${query}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((r: { id: string }) => r.id)).toEqual(ids);
  });

  it('refuses an unknown query parameter', async () => {
    app = await testApp({ readers: readers() });
    const res = await call(app, { method: 'GET', url: '/v3/readers?cardinserted=true' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, code: 106001 });
  });

  it('answers one reader by id, and an unknown id with the reader error (never 404)', async () => {
    app = await testApp({ readers: readers() });
    const one = await call(app, { method: 'GET', url: '/v3/readers/8f2a1c0d9e7b3a64' });
    expect(one.json()).toMatchObject({ success: true, data: { id: '8f2a1c0d9e7b3a64', card: { modules: ['beid'] } } });
    const unknown = await call(app, { method: 'GET', url: '/v3/readers/ffffffffffffffff' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual({ success: false, code: 701001, description: 'Reader not found' });
    const malformed = await call(app, { method: 'GET', url: `/v3/readers/${'a'.repeat(65)}` });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ success: false, code: 106001 });
  });
});

describe('GET /atrs', () => {
  it('lists every row of the ATR registry with its module', async () => {
    app = await testApp();
    const res = await call(app, { method: 'GET', url: '/atrs' });
    expect(res.statusCode).toBe(200);
    const data = res.json().data as Array<{ atr: string; mask?: string; module: string; moduleDescription: string }>;
    expect(data).toHaveLength(ATR_REGISTRY.entries.length);
    expect(data).toContainEqual({ atr: beid18.atr, module: 'beid', moduleDescription: beid18.description });
    expect(data).toContainEqual({ atr: EMV_ATRS[0]!.atr, mask: EMV_ATRS[0]!.mask, module: 'emv', moduleDescription: EMV_ATRS[0]!.description });
  });
});

describe('GET /v3/agents', () => {
  it('answers an empty list: a STANDALONE connector has no agents (dsCorsSync only needs a 2xx)', async () => {
    app = await testApp();
    const res = await call(app, { method: 'GET', url: '/v3/agents' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true, data: [] });
  });
});
