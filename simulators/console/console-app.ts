import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { CARD_FAULT_KINDS } from '../cards/fault-card.js';
import { HOSTILE_MODES } from '../cards/hostile/index.js';
import { listCardProfiles } from '../../fixtures/cards/index.js';
import type { ControlBody } from '../lab/control-protocol.js';
import { LATENCY_MODELS, parseCardFault } from '../lab/faults.js';
import { isLabError, type LabErrorCode } from '../lab/lab-error.js';
import type { EventStream } from './event-stream.js';
import { onServer } from './listen.js';
import { consoleGuard, securityHeaders } from './guard.js';
import { listReports } from './reports.js';
import { CATALOG, EMPTY_BODY, ERROR, FAULT_BODY, INSERT_BODY, LINKS, READER_PARAMS, VIEW } from './schemas.js';
import type { ConsoleView } from './state-view.js';
import type { TraceFeed } from './trace-feed.js';
import { VENDOR_FILES, inlineScriptHashes, readWebFile, typeOf, webDir, type WebFile } from './web-files.js';

/** The operations the console offers: the control socket's, on one reader or on pcscd. */
export type ConsoleOp = Extract<ControlBody, { op: 'insert' | 'remove' | 'unplug' | 'plug' | 'fault' | 'pcscd-restart' }>;

export interface ConsoleAppDeps {
  /** `http://127.0.0.1:PORT`: the one origin the console answers. */
  readonly origin: string;
  readonly secret: string;
  view(): ConsoleView;
  /** Runs a lab operation in the supervisor's one queue (the control socket's), resolving when it is done. */
  run(op: ConsoleOp): Promise<unknown>;
  readonly feed: TraceFeed;
  readonly stream: EventStream;
  /** The demo's URL with the secret, or null when the lab has no connector to demonstrate. */
  demoUrl(): string | null;
  readonly reportsDir: string;
  /** The lab connector's CA certificate (PEM file), offered for download so a browser can trust it. */
  readonly caCert: string | null;
}

export const CONSOLE_COOKIE = 't1c_lab_console';

const REPORT_CSP = "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** HTTP status of a lab refusal: what the caller asked is wrong (400), the reader is not in that state (409), or the lab failed. */
function statusOf(code: LabErrorCode): number {
  switch (code) {
    case 'ERR_LAB_READER_INVALID':
    case 'ERR_LAB_PROFILE_UNKNOWN':
    case 'ERR_LAB_PERSONA_UNKNOWN':
    case 'ERR_LAB_FAULT_INVALID':
      return 400;
    case 'ERR_LAB_READER_OCCUPIED':
    case 'ERR_LAB_READER_EMPTY':
      return 409;
    case 'ERR_LAB_NOT_UP':
      return 503;
    default:
      return 500;
  }
}

function pageFiles(): { index: WebFile; csp: string; files: ReadonlyMap<string, WebFile> } {
  const dir = path.join(webDir(), 'console');
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const csp = `default-src 'none'; script-src 'self' ${inlineScriptHashes(html).join(' ')}; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  const files = new Map<string, WebFile>([
    ['/console.js', readWebFile(path.join(dir, 'console.js'))],
    ['/trace.js', readWebFile(path.join(dir, 'trace.js'))],
    ['/console.css', readWebFile(path.join(dir, 'console.css'))],
    ...Object.entries(VENDOR_FILES).map(([name, file]) => [`/vendor/${name}`, readWebFile(file())] as const),
  ]);
  return { index: { body: Buffer.from(html), type: typeOf('index.html') }, csp, files };
}

const send = (reply: FastifyReply, file: WebFile): FastifyReply => reply.type(file.type).send(file.body);

/**
 * The lab console: one page (Preact + htm, no build step) and its JSON API — the state without secrets, the card
 * types, the reader operations (POST only), links to the reports — and `/api/events`, the live stream of state
 * changes and decoded APDUs. Every request passes `consoleGuard` first.
 */
export function buildConsoleApp(deps: ConsoleAppDeps, server?: Server): FastifyInstance {
  const { index, csp, files } = pageFiles();
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, ...onServer(server) });
  void app.register(consoleGuard, { origin: deps.origin, secret: deps.secret, cookie: CONSOLE_COOKIE, csp });
  void app.register(routes, { deps, index, files, csp });
  return app;
}

interface RouteOptions {
  readonly deps: ConsoleAppDeps;
  readonly index: WebFile;
  readonly files: ReadonlyMap<string, WebFile>;
  readonly csp: string;
}

const routes: FastifyPluginAsyncJsonSchemaToTs<{ Options: RouteOptions }> = async (app, { deps, index, files, csp }) => {
  const errors = { 400: ERROR, 409: ERROR, 500: ERROR, 503: ERROR } as const;
  const operate = async (reply: FastifyReply, op: ConsoleOp): Promise<FastifyReply> => {
    try {
      await deps.run(op);
      return reply.send(deps.view());
    } catch (e) {
      if (!isLabError(e)) throw e;
      return reply.code(statusOf(e.code)).send({ code: e.code, error: e.message });
    }
  };

  app.get('/', { schema: { querystring: { type: 'object', additionalProperties: false, properties: { secret: { type: 'string' } } } } }, async (_request, reply) => send(reply, index));
  for (const [url, file] of files) app.get(url, async (_request, reply) => send(reply, file));

  app.get('/api/state', { schema: { response: { 200: VIEW } } }, async (_request, reply) => reply.send(deps.view()));

  app.get('/api/catalog', { schema: { response: { 200: CATALOG } } }, async () => ({
    profiles: listCardProfiles().map((p) => ({ id: p.id, title: p.title, family: p.family, personas: [...p.personas], defaultPersona: p.defaultPersona })),
    faults: [...CARD_FAULT_KINDS],
    hostileModes: [...HOSTILE_MODES],
    latencyModels: [...LATENCY_MODELS],
  }));

  app.get('/api/links', { schema: { response: { 200: LINKS } } }, async () => ({
    demo: deps.demoUrl(),
    reports: listReports(deps.reportsDir).map((r) => ({ title: r.title, href: `/reports/${r.file}`, modified: r.modified })),
  }));

  app.get('/api/events', async (request, reply) => {
    reply.hijack();
    deps.stream.open(reply.raw, securityHeaders(csp), [
      { event: 'state', data: deps.view() },
      ...deps.feed.recent().map((entry) => ({ event: 'trace', data: entry })),
    ]);
    request.raw.on('close', () => reply.raw.end());
  });

  app.post('/api/readers/:index/insert', { schema: { params: READER_PARAMS, body: INSERT_BODY, response: { 200: VIEW, ...errors } } }, async (request, reply) =>
    operate(reply, { op: 'insert', reader: request.params.index, profile: request.body.profile, persona: request.body.persona ?? null }),
  );
  for (const op of ['remove', 'unplug', 'plug'] as const) {
    app.post(`/api/readers/:index/${op}`, { schema: { params: READER_PARAMS, body: EMPTY_BODY, response: { 200: VIEW, ...errors } } }, async (request, reply) =>
      operate(reply, { op, reader: request.params.index }),
    );
  }
  app.post('/api/readers/:index/fault', { schema: { params: READER_PARAMS, body: FAULT_BODY, response: { 200: VIEW, ...errors } } }, async (request, reply) => {
    let fault;
    try {
      fault = parseCardFault(request.body.fault);
    } catch (e) {
      if (!isLabError(e)) throw e;
      return reply.code(400).send({ code: e.code, error: e.message });
    }
    return operate(reply, { op: 'fault', reader: request.params.index, fault });
  });
  app.post('/api/pcscd-restart', { schema: { body: EMPTY_BODY, response: { 200: VIEW, ...errors } } }, async (_request, reply) => operate(reply, { op: 'pcscd-restart' }));

  app.get('/ca.pem', async (_request, reply) => {
    if (!deps.caCert) return reply.code(404).send({ code: 'ERR_LAB_CONSOLE', error: 'the lab runs without a connector' });
    return reply.type(typeOf('ca.pem')).header('content-disposition', 'attachment; filename="t1c-lab-ca.pem"').send(readFileSync(deps.caCert));
  });

  app.get(
    '/reports/:folder/:file',
    { schema: { params: { type: 'object', additionalProperties: false, required: ['folder', 'file'], properties: { folder: { type: 'string', pattern: '^[a-z]+$' }, file: { type: 'string', pattern: '^[\\w.-]+$' } } } } },
    async (request, reply) => {
      const wanted = `${request.params.folder}/${request.params.file}`;
      const report = listReports(deps.reportsDir).find((r) => r.file === wanted);
      if (!report) return reply.code(404).send({ code: 'ERR_LAB_CONSOLE', error: `no report ${wanted}` });
      return reply.type(typeOf(report.file)).header('content-security-policy', REPORT_CSP).send(readFileSync(path.join(deps.reportsDir, report.file)));
    },
  );
};
