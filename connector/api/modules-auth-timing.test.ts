import { constants, publicEncrypt } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/index.js';
import { ConnectorError } from '../errors/index.js';
import type { ConnectorApp } from './app.js';
import type { ModulePlugin, ModuleRoutes } from './module-routes.js';
import type { Caller } from './request-context.js';
import { ERROR_RESPONSES, READER_PARAMS, SDK_FIELDS, successEnvelope } from './schemas/index.js';
import { call, FakeReaders, testApp, testCredentials } from './test-support.js';

const VERIFIED = successEnvelope({ type: 'object', additionalProperties: false, required: ['verified'], properties: { verified: { type: 'boolean' } } });

/** A module shaped like the BeID one: decodes the PIN, runs one card session, reports the caller. */
function verifyModule(seen: { pins: string[]; callers: Caller[]; leaked: Buffer[] }): ModulePlugin {
  return async (app, { context }) => {
    app.post(
      '/apps/token/readers/:readerId/verify-pin',
      {
        schema: {
          params: READER_PARAMS,
          body: { type: 'object', additionalProperties: false, required: ['pin'], properties: { pin: SDK_FIELDS.pin, osDialog: SDK_FIELDS.osDialog, base64Encoded: SDK_FIELDS.base64Encoded } },
          response: { 200: VERIFIED, ...ERROR_RESPONSES },
        },
      },
      async (request) => {
        const pin = context.decodePin(request.body.pin);
        try {
          await context.withSession(request, request.params.readerId, async () => undefined);
          seen.pins.push(pin.toString('latin1'));
          seen.callers.push(request.caller);
          return { success: true as const, data: { verified: true } };
        } finally {
          seen.leaked.push(pin);
          pin.fill(0);
        }
      },
    );
  };
}

const READER = 'aaaaaaaaaaaaaaaa';
const URL = `/v3/modules/beid/apps/token/readers/${READER}/verify-pin`;

let app: ConnectorApp;
const opened: ConnectorApp[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()));
});

async function moduleApp(seen = { pins: [] as string[], callers: [] as Caller[], leaked: [] as Buffer[] }, extra: Parameters<typeof testApp>[0] = {}) {
  const readers = new FakeReaders([{ id: READER, name: 'R', atr: Buffer.from('3B7F96000080318065B085040120120FFF829000', 'hex') }]);
  const modules: ModuleRoutes[] = [{ name: 'beid', description: 'Belgian eID', plugin: verifyModule(seen) }];
  app = await testApp({ readers, modules, ...extra });
  opened.push(app);
  return { seen, readers };
}

describe('module route plumbing', () => {
  it('serves a module under /v3/modules/<name>, decoding a device-key-encrypted PIN', async () => {
    const { seen } = await moduleApp();
    const { deviceKey } = await testCredentials();
    const pem = `-----BEGIN PUBLIC KEY-----\n${deviceKey.publicKeyBase64}\n-----END PUBLIC KEY-----\n`;
    const pin = publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('4711')).toString('base64');
    const res = await call(app, { method: 'POST', url: URL, payload: { pin, base64Encoded: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true, data: { verified: true } });
    expect(seen.pins).toEqual(['4711']);
    expect(seen.leaked.every((b) => b.every((x) => x === 0))).toBe(true);
  });

  it('answers "pin": false and undecryptable PINs with ERR_PIN_FORMAT before any card session', async () => {
    const { readers } = await moduleApp();
    for (const pin of [false, 'A'.repeat(344), '12']) {
      const res = await call(app, { method: 'POST', url: URL, payload: { pin } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ success: false, code: 108001, description: 'PIN missing, malformed or not decryptable' });
    }
    expect(readers.sessions).toEqual([]);
  });

  it('reports queue and card time from the session in Server-Timing, and total on every response', async () => {
    await moduleApp();
    const res = await call(app, { method: 'POST', url: URL, payload: { pin: '1234' } });
    const timing = String(res.headers['server-timing']);
    expect(timing).toMatch(/^queue;dur=1\.00, card;dur=2\.00, total;dur=\d+\.\d\d$/);
    const info = await call(app, { method: 'GET', url: '/info' });
    expect(String(info.headers['server-timing'])).toMatch(/^total;dur=\d+\.\d\d$/);
    const refused = await call(app, { method: 'GET', url: '/info', headers: { host: 'evil.example' } });
    expect(String(refused.headers['server-timing'])).toMatch(/total;dur=/);
  });

  it('refuses duplicate and malformed module names at start', async () => {
    const plugin: ModulePlugin = async () => undefined;
    await expect(testApp({ modules: [{ name: 'beid', description: '', plugin }, { name: 'beid', description: '', plugin }] })).rejects.toThrow(/twice/);
    await expect(testApp({ modules: [{ name: 'Be ID', description: '', plugin }] })).rejects.toThrow(/URL segment/);
  });
});

describe('auth slot', () => {
  it('refuses to build with auth.mode jwt and no verifier (none must be explicit)', async () => {
    await expect(testApp({ config: { auth: { mode: 'jwt' } } })).rejects.toThrow(ConfigError);
  });

  it('sets the caller from the authenticator on protected routes and skips it on public ones', async () => {
    const calls: string[] = [];
    const authenticator = {
      authenticate: async (request: { url: string }) => {
        calls.push(request.url);
        return { subject: 'app-1' };
      },
    };
    const { seen } = await moduleApp(undefined, { config: { auth: { mode: 'jwt' }, cors: { allowedOrigins: ['https://a.example'] } }, authenticator });
    expect((await call(app, { method: 'GET', url: '/info' })).json().t1CInfoAPI.jwtEnabled).toBe(true);
    expect((await call(app, { method: 'GET', url: '/device-key' })).statusCode).toBe(200);
    expect(calls).toEqual([]);
    const res = await call(app, { method: 'POST', url: URL, payload: { pin: '1234' }, headers: { origin: 'https://a.example' } });
    expect(res.statusCode).toBe(200);
    expect(calls).toEqual([URL]);
    expect(seen.callers).toEqual([{ origin: 'https://a.example', subject: 'app-1' }]);
    expect(String(res.headers['server-timing'])).toMatch(/^auth;dur=/);
  });

  it('lets the authenticator refuse with its own coded error before the route runs', async () => {
    const authenticator = {
      authenticate: async (): Promise<{ subject: string }> => {
        throw new ConnectorError('ERR_INPUT_INVALID');
      },
    };
    const { readers } = await moduleApp(undefined, { config: { auth: { mode: 'jwt' } }, authenticator });
    const res = await call(app, { method: 'POST', url: URL, payload: { pin: '1234' } });
    expect(res.statusCode).toBe(400);
    expect(readers.sessions).toEqual([]);
  });

  it('with auth none, the caller is the origin alone', async () => {
    const { seen } = await moduleApp();
    await call(app, { method: 'POST', url: URL, payload: { pin: '1234' } });
    expect(seen.callers).toEqual([{ origin: null, subject: null }]);
  });
});

describe('logging (PIN-01)', () => {
  it('never writes a PIN, an Authorization header or a body to the log', async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    await moduleApp(undefined, { config: { log: { level: 'trace' } }, logStream: stream });
    const canary = '98761234';
    await call(app, { method: 'POST', url: URL, payload: { pin: canary }, headers: { authorization: `Bearer tok-${canary}`, 'x-pace-pin': canary } });
    await call(app, { method: 'POST', url: URL, payload: { pin: `${canary}0000000` } });
    await call(app, { method: 'POST', url: URL, payload: `{"pin": "${canary}"` , headers: { 'content-type': 'application/json' } });
    app.log.info({ pin: canary, body: { pin: canary }, req: { headers: { authorization: canary } } }, 'redaction probe');
    await app.close();
    const log = lines.join('');
    expect(log).toContain('request completed');
    expect(log).toContain('redaction probe');
    expect(log).not.toContain(canary);
  });
});

describe('log file', () => {
  it('creates the log file with its directory and appends JSON lines to it', async () => {
    const { mkdtemp, readFile, rm, stat } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 't1c-log-'));
    try {
      const file = join(dir, 'logs', 'nested', 'connector.log');
      app = await testApp({ config: { log: { level: 'info', file } } });
      opened.push(app);
      await call(app, { method: 'GET', url: '/info' });
      await app.close();
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await readFile(file, 'utf8')).split('\n')[0]).toMatch(/^\{"level":30/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a log file it cannot write with a ConfigError', async () => {
    const { fileURLToPath } = await import('node:url');
    const underAFile = `${fileURLToPath(import.meta.url)}/logs/c.log`; // a directory path through a regular file
    await expect(testApp({ config: { log: { level: 'info', file: underAFile } } })).rejects.toThrow(ConfigError);
  });
});
