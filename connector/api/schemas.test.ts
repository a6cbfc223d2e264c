import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorApp } from './app.js';
import type { ModulePlugin } from './module-routes.js';
import { ERROR_RESPONSES, FILTER_QUERY, READER_PARAMS, successEnvelope } from './schemas/index.js';
import { call, testApp } from './test-support.js';

/** Echoes the parsed query, to see what a module route receives for each form the SDK sends. */
const echo: ModulePlugin = async (app) => {
  app.get(
    '/apps/token/readers/:readerId/cert-list',
    {
      schema: {
        params: READER_PARAMS,
        querystring: FILTER_QUERY,
        response: { 200: successEnvelope({ type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ success: true as const, data: { ...request.query } as Record<string, string | string[]> }),
  );
};

let app: ConnectorApp;
beforeAll(async () => {
  app = await testApp({ modules: [{ name: 'echo', description: 'echo', plugin: echo }] });
});
afterAll(async () => {
  await app.close();
});

const url = '/v3/modules/echo/apps/token/readers/aaaaaaaaaaaaaaaa/cert-list';

describe('FILTER_QUERY: the filter forms the SDK sends (spec §4.3/§4.4, CONTRACTS.md)', () => {
  it.each([
    ['filter=a,b (eID allData/allCerts)', '?filter=rootCertificate,authenticationCertificate', { filter: 'rootCertificate,authenticationCertificate' }],
    ['?0=a&1=b (PKI allCerts with an array)', '?0=rootCertificate&1=issuerCertificate', { 0: 'rootCertificate', 1: 'issuerCertificate' }],
    ['filters[]=a&filters[]=b (PKI allCerts with Options)', '?filters[]=a&filters[]=b', { 'filters[]': ['a', 'b'] }],
    ['a single filters[]=a, coerced to a list', '?filters[]=a', { 'filters[]': ['a'] }],
    ['no filter', '', {}],
  ])('accepts %s', async (_what, query, parsed) => {
    const res = await call(app, { method: 'GET', url: `${url}${query}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual(parsed);
  });

  it.each([['an unknown parameter', '?filterz=a'], ['a three-digit index', '?100=a'], ['an over-long filter', `?filter=${'a'.repeat(600)}`]])('refuses %s', async (_what, query) => {
    const res = await call(app, { method: 'GET', url: `${url}${query}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, code: 106001 });
  });
});
