/**
 * The official SDK (t1c-sdk-js 3.6.1, its Node `lib/` build with the browser shims of spec §10) against the
 * connector over real HTTPS: initialize (/info, /device-key), readers, a PIN it encrypts with the device key,
 * POST without a body, and a connector error code passed through to the caller.
 */
import https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type ConnectorApp } from './api/app.js';
import type { ModulePlugin } from './api/module-routes.js';
import { ERROR_RESPONSES, READER_PARAMS, SDK_FIELDS, successEnvelope } from './api/schemas/index.js';
import { FakeReaders, testConfig, testCredentials } from './api/test-support.js';
import { fromHex } from './protocol/index.js';

interface SdkClient {
  core(): { readers(): Promise<{ success: boolean; data: Array<{ id: string; card?: { modules: string[] } }> }>; reader(id: string): Promise<{ data: { id: string } }> };
  generic(readerId: string): {
    verifyPin(module: string, body: { pin: string }): Promise<{ success: boolean; data: { verified: boolean } }>;
    resetBulkPin(module: string): Promise<{ success: boolean; data: boolean }>;
  };
  config(): { version: string };
}
interface Sdk {
  T1CConfigOptions: new (url: string, port: string, proxyUrl?: string, proxyPort?: string, jwt?: string, domain?: string) => object;
  T1CConfig: new (options: object) => object;
  T1CClient: { initialize(config: object): Promise<SdkClient> };
}

const READER = 'a1548630cbe596ea';
const seenPins: string[] = [];

/** A stand-in module with the SDK's generic token paths (the BeID module serves the real ones). */
const probe: ModulePlugin = async (app, { context }) => {
  app.post(
    '/apps/token/readers/:readerId/verify-pin',
    {
      schema: {
        params: READER_PARAMS,
        body: { type: 'object', additionalProperties: false, required: ['pin'], properties: { pin: SDK_FIELDS.pin, base64Encoded: SDK_FIELDS.base64Encoded, osDialog: SDK_FIELDS.osDialog } },
        response: { 200: successEnvelope({ type: 'object', additionalProperties: false, required: ['verified'], properties: { verified: { type: 'boolean' } } }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const sent = request.body.pin;
      const pin = context.decodePin(sent);
      seenPins.push(`${typeof sent === 'string' ? sent.length : typeof sent} chars → ${pin.length} digits`);
      const verified = pin.equals(Buffer.from('1234'));
      pin.fill(0);
      return { success: true as const, data: { verified } };
    },
  );
  app.route({
    method: ['GET', 'POST'],
    url: '/apps/token/reset-bulk-pin',
    schema: { response: { 200: successEnvelope({ type: 'boolean' }), ...ERROR_RESPONSES } },
    handler: async () => ({ success: true as const, data: true }),
  });
};

let app: ConnectorApp;
let client: SdkClient;

beforeAll(async () => {
  const { tls, deviceKey } = await testCredentials();
  const readers = new FakeReaders([{ id: READER, name: 'Virtual PCD 00 00', atr: fromHex('3B9813400AA503010101AD1311') }]);
  app = buildApp({ config: testConfig({ port: 0 }), readers, deviceKey, tls: { cert: tls.certPem, key: tls.keyPem }, modules: [{ name: 'sdkprobe', description: 'probe', plugin: probe }] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;

  // spec §10.2/§10.3: the lib build needs window/self (and navigator for jsencrypt), the jsencrypt export fix,
  // and the CA on the axios singleton it shares.
  const g = globalThis as Record<string, unknown>;
  g['window'] ??= globalThis;
  g['self'] ??= globalThis;
  g['navigator'] ??= { appName: 'node', userAgent: 'node' };
  const fromSdk = createRequire(createRequire(import.meta.url).resolve('t1c-sdk-js/package.json'));
  const jsencrypt = fromSdk('jsencrypt') as { JSEncrypt?: unknown };
  jsencrypt.JSEncrypt ??= jsencrypt;
  (fromSdk('axios') as { defaults: { httpsAgent?: https.Agent } }).defaults.httpsAgent = new https.Agent({ ca: tls.caPem });
  const sdk = fromSdk('./lib/index.js') as Sdk;
  // initialize fetches the device key without awaiting it: wait for the moment the SDK stores it.
  const { Pinutil } = fromSdk('./lib/scripts/util/PinUtil.js') as { Pinutil: { setPubKey(key: string): void } };
  const setPubKey = Pinutil.setPubKey.bind(Pinutil);
  const keyStored = new Promise<string>((resolve) => {
    Pinutil.setPubKey = (key: string) => {
      setPubKey(key);
      resolve(key);
    };
  });
  client = await sdk.T1CClient.initialize(new sdk.T1CConfig(new sdk.T1CConfigOptions('https://127.0.0.1', String(port))));
  expect(await keyStored).toBe(deviceKey.publicKeyBase64);
});
afterAll(async () => {
  await app?.close();
});

describe('official SDK 3.6.1 against the connector', () => {
  it('initializes from /info and reads the version it gates on', () => {
    expect(client.config().version).toBe('3.8.1');
  });

  it('lists readers and one reader with card.modules', async () => {
    const readers = await client.core().readers();
    expect(readers.success).toBe(true);
    expect(readers.data.map((r) => [r.id, r.card?.modules])).toEqual([[READER, ['beid']]]);
    expect((await client.core().reader(READER)).data.id).toBe(READER);
  });

  it('sends a PIN the connector decrypts with the device key', async () => {
    const res = await client.generic(READER).verifyPin('sdkprobe', { pin: '1234' });
    expect(res).toEqual({ success: true, data: { verified: true } });
    expect(seenPins.at(-1)).toBe('344 chars → 4 digits'); // RSA-2048 ciphertext in base64, not the plain PIN
  });

  it('posts reset-bulk-pin without a body', async () => {
    expect(await client.generic(READER).resetBulkPin('sdkprobe')).toEqual({ success: true, data: true });
  });

  it('passes connector error codes through to the caller', async () => {
    await expect(client.generic(READER).verifyPin('nosuchmodule', { pin: '1234' })).rejects.toMatchObject({ code: 111001, description: 'Module not supported by this connector' });
    await expect(client.core().reader('ffffffffffffffff')).rejects.toMatchObject({ code: 701001 });
  });
});
