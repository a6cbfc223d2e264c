import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import Fastify, { type FastifyInstance } from 'fastify';
import { onServer } from './listen.js';
import { consoleGuard } from './guard.js';
import { ERROR } from './schemas.js';
import { readWebFile, sdkBundlePath, typeOf, webDir, type WebFile } from './web-files.js';

export interface DemoAppDeps {
  /** `http://127.0.0.1:PORT`: the demo application's origin, registered at the lab's DS (so in the connector's CORS list). */
  readonly origin: string;
  readonly secret: string;
  /** The lab's connector, as the page's SDK reaches it. */
  readonly connector: { readonly url: string; readonly port: number };
  /** The application's back end: a fresh DS token for this origin (GET {ds}/v3/tokens/application with its API key). */
  token(): Promise<string>;
}

export const DEMO_COOKIE = 't1c_lab_demo';

const CONFIG = {
  type: 'object',
  additionalProperties: false,
  required: ['connectorUrl', 'connectorPort'],
  properties: { connectorUrl: { type: 'string' }, connectorPort: { type: 'string' } },
} as const;
const TOKEN = { type: 'object', additionalProperties: false, required: ['token'], properties: { token: { type: 'string' } } } as const;

/**
 * The demo application: a web page on its own origin that uses the official SDK exactly as a web application does,
 * and the two back-end calls every such application has — its settings and a DS token obtained with its API key,
 * which never reaches the browser. The page's code (web/demo/demo.js) is the part meant to be copied.
 */
export function buildDemoApp(deps: DemoAppDeps, server?: Server): FastifyInstance {
  const dir = path.join(webDir(), 'demo');
  const index: WebFile = { body: readFileSync(path.join(dir, 'index.html')), type: typeOf('index.html') };
  const files = new Map<string, WebFile>([
    ['/demo.js', readWebFile(path.join(dir, 'demo.js'))],
    ['/demo.css', readWebFile(path.join(dir, 'demo.css'))],
    ['/T1CSdk.js', readWebFile(sdkBundlePath())],
  ]);
  const connectorOrigin = new URL(deps.connector.url).origin;
  const csp = `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${connectorOrigin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  const app = Fastify({ logger: false, bodyLimit: 1024, ...onServer(server) });
  void app.register(consoleGuard, { origin: deps.origin, secret: deps.secret, cookie: DEMO_COOKIE, csp });
  const routes: FastifyPluginAsyncJsonSchemaToTs = async (scope) => {
    scope.get('/', { schema: { querystring: { type: 'object', additionalProperties: false, properties: { secret: { type: 'string' } } } } }, async (_request, reply) => reply.type(index.type).send(index.body));
    for (const [url, file] of files) scope.get(url, async (_request, reply) => reply.type(file.type).send(file.body));
    scope.get('/config', { schema: { response: { 200: CONFIG } } }, async () => ({ connectorUrl: connectorOrigin.replace(/:\d+$/, ''), connectorPort: String(deps.connector.port) }));
    scope.get('/token', { schema: { response: { 200: TOKEN, 502: ERROR } } }, async (_request, reply) => {
      try {
        return { token: await deps.token() };
      } catch (e) {
        return reply.code(502).send({ code: 'ERR_LAB_CONSOLE', error: `the DS gave no token: ${e instanceof Error ? e.message : String(e)}` });
      }
    });
  };
  void app.register(routes);
  return app;
}
