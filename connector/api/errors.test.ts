import { afterEach, describe, expect, it } from 'vitest';
import { CATALOGUE, ConnectorError, type ErrorKey } from '../errors/index.js';
import type { ConnectorApp } from './app.js';
import { BODY_LIMIT_BYTES } from './app.js';
import type { ModulePlugin } from './module-routes.js';
import { ERROR_RESPONSES, READER_PARAMS, SDK_FIELDS, successEnvelope } from './schemas/index.js';
import { call, testApp } from './test-support.js';

/** A module whose routes fail on demand, to drive every error path through the real error handler. */
const probe: ModulePlugin = async (app) => {
  app.get(
    '/apps/token/fail/:key',
    { schema: { params: { type: 'object', additionalProperties: false, required: ['key'], properties: { key: { type: 'string' } } }, response: ERROR_RESPONSES } },
    async (request) => {
      const key = request.params.key;
      if (key === 'bug') throw new TypeError('undefined is not a function, PIN 1234 was here');
      throw new ConnectorError(key as ErrorKey, { message: 'internal detail that must not leak', details: { triesLeft: 2 } });
    },
  );
  app.post(
    '/apps/token/readers/:readerId/verify-pin',
    {
      schema: {
        params: READER_PARAMS,
        body: { type: 'object', additionalProperties: false, properties: { pin: SDK_FIELDS.pin, osDialog: SDK_FIELDS.osDialog, base64Encoded: SDK_FIELDS.base64Encoded } },
        response: { 200: successEnvelope({ type: 'object', additionalProperties: false, required: ['verified'], properties: { verified: { type: 'boolean' } } }), ...ERROR_RESPONSES },
      },
    },
    async () => ({ success: true as const, data: { verified: true } }),
  );
  app.post('/apps/token/reset-bulk-pin', { schema: { response: { 200: successEnvelope({ type: 'boolean' }), ...ERROR_RESPONSES } } }, async () => ({
    success: true as const,
    data: true,
  }));
};

let app: ConnectorApp;
afterEach(async () => {
  await app.close();
});

const envelopeOf = (key: ErrorKey) => ({ success: false, code: CATALOGUE[key].code, description: CATALOGUE[key].description });

describe('error responses', () => {
  it.each(Object.keys(CATALOGUE) as ErrorKey[])('%s leaves as its status and the JSON envelope, with details, without the internal message', async (key) => {
    app = await testApp({ modules: [{ name: 'probe', description: 'probe', plugin: probe }] });
    const res = await call(app, { method: 'GET', url: `/v3/modules/probe/apps/token/fail/${key}` });
    expect(res.statusCode).toBe(CATALOGUE[key].status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ ...envelopeOf(key), details: { triesLeft: 2 } });
    expect(res.body).not.toContain('internal detail');
  });

  it('turns a bug into 500 ERR_INTERNAL without its message', async () => {
    app = await testApp({ modules: [{ name: 'probe', description: 'probe', plugin: probe }] });
    const res = await call(app, { method: 'GET', url: '/v3/modules/probe/apps/token/fail/bug' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual(envelopeOf('ERR_INTERNAL'));
    expect(res.body).not.toContain('1234');
  });

  it.each([
    ['an unknown route', { method: 'GET', url: '/nope' }, 'ERR_ROUTE_NOT_FOUND'],
    ['a method the route does not have', { method: 'DELETE', url: '/info' }, 'ERR_ROUTE_NOT_FOUND'],
    ['an unknown module', { method: 'GET', url: '/v3/modules/luxeid/apps/token/readers/abc/biometric' }, 'ERR_MODULE_UNKNOWN'],
    ['a bare unknown module', { method: 'POST', url: '/v3/modules/nope' }, 'ERR_MODULE_UNKNOWN'],
    ['an unknown operation of a served module', { method: 'GET', url: '/v3/modules/probe/apps/token/readers/abc/biometric' }, 'ERR_ROUTE_NOT_FOUND'],
    ['a malformed URL', { method: 'GET', url: '/v3/readers/%E0%A4%A' }, 'ERR_INPUT_INVALID'],
    ['an over-long path parameter', { method: 'GET', url: `/v3/readers/${'a'.repeat(200)}` }, 'ERR_INPUT_INVALID'],
    ['an unknown query parameter', { method: 'GET', url: '/info?debug=1' }, 'ERR_INPUT_INVALID'],
  ] as const)('answers %s with the envelope', async (_what, request, key) => {
    app = await testApp({ modules: [{ name: 'probe', description: 'probe', plugin: probe }] });
    const res = await call(app, request);
    expect(res.statusCode).toBe(CATALOGUE[key].status);
    expect(res.json()).toMatchObject(envelopeOf(key));
  });

  describe('request bodies', () => {
    const url = '/v3/modules/probe/apps/token/readers/8f2a1c0d9e7b3a64/verify-pin';
    const post = (payload: string, contentType = 'application/json') => call(app, { method: 'POST', url, payload, headers: { 'content-type': contentType } });

    it('accepts every field the SDK sends on the route', async () => {
      app = await testApp({ modules: [{ name: 'probe', description: 'probe', plugin: probe }] });
      const res = await post(JSON.stringify({ pin: '1234', osDialog: false, base64Encoded: true }));
      expect(res.statusCode).toBe(200);
      expect((await post(JSON.stringify({ pin: false }))).statusCode).toBe(200); // JSEncrypt failure reaches decodePin as a boolean
    });

    it('takes an empty body of any content type as no body (the SDK\'s bodiless POSTs send a form type)', async () => {
      app = await testApp({ modules: [{ name: 'probe', description: 'probe', plugin: probe }] });
      const bodiless = (contentType: string, payload = '') =>
        call(app, { method: 'POST', url: '/v3/modules/probe/apps/token/reset-bulk-pin', payload, headers: { 'content-type': contentType } });
      expect((await bodiless('application/x-www-form-urlencoded')).json()).toEqual({ success: true, data: true });
      expect((await bodiless('text/plain')).statusCode).toBe(200);
      expect((await bodiless('text/plain', 'x')).json()).toMatchObject(envelopeOf('ERR_CONTENT_TYPE_UNSUPPORTED'));
    });

    it.each([
      ['an unknown field', JSON.stringify({ pin: '1234', pim: '1' }), 'application/json', 'ERR_INPUT_INVALID'],
      ['a string where the SDK sends a boolean (no coercion)', JSON.stringify({ osDialog: 'true' }), 'application/json', 'ERR_INPUT_INVALID'],
      ['a body that is no JSON object', '[1,2]', 'application/json', 'ERR_INPUT_INVALID'],
      ['malformed JSON', '{"pin": ', 'application/json', 'ERR_BODY_MALFORMED'],
      ['an empty JSON body', '', 'application/json', 'ERR_BODY_MALFORMED'],
      ['a __proto__ key', '{"__proto__": {"x": 1}}', 'application/json', 'ERR_BODY_MALFORMED'],
      ['a constructor.prototype key', '{"constructor": {"prototype": {"x": 1}}}', 'application/json', 'ERR_BODY_MALFORMED'],
      ['text/plain (a CORS "simple" request)', '{"pin":"1234"}', 'text/plain', 'ERR_CONTENT_TYPE_UNSUPPORTED'],
      ['a form', 'pin=1234', 'application/x-www-form-urlencoded', 'ERR_CONTENT_TYPE_UNSUPPORTED'],
      ['a body over the limit', JSON.stringify({ pin: 'x'.repeat(BODY_LIMIT_BYTES) }), 'application/json', 'ERR_BODY_TOO_LARGE'],
    ] as const)('refuses %s', async (_what, payload, contentType, key) => {
      app = await testApp({ modules: [{ name: 'probe', description: 'probe', plugin: probe }] });
      const res = await post(payload, contentType);
      expect(res.statusCode).toBe(CATALOGUE[key].status);
      expect(res.json()).toMatchObject(envelopeOf(key));
      expect(res.body).not.toContain('1234');
    });
  });
});
