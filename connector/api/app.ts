import './request-context.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Server, ServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { ConfigError, type ConnectorConfig } from '../config/index.js';
import { decodePin, type PinDecryptor } from '../crypto/index.js';
import { ConnectorError } from '../errors/index.js';
import type { Pkcs11Service } from '../modules/pkcs11/index.js';
import { ATR_REGISTRY, type AtrRegistry } from '../modules/registry.js';
import type { ReaderBackend } from '../readers/index.js';
import { envelope, toConnectorError } from './http-errors.js';
import { RotatingLogFile } from './log-file.js';
import { loggerOptions } from './logging.js';
import type { ModuleContext, ModuleRoutes } from './module-routes.js';
import { checkModules, moduleRoutes } from './module-routes.js';
import { MODULE_ROUTES } from './modules/index.js';
import { authPlugin, type Authenticator } from './plugins/auth.js';
import { corsPlugin, staticOrigins, type OriginAllowList } from './plugins/cors.js';
import { errorsPlugin } from './plugins/errors.js';
import { hostCheckPlugin, hostChecker } from './plugins/host-check.js';
import { timingPlugin } from './plugins/timing.js';
import { agentRoutes } from './routes/agents.js';
import { atrRoutes } from './routes/atrs.js';
import { deviceKeyRoutes, infoRoutes } from './routes/info.js';
import { readerRoutes } from './routes/readers.js';
import { SHARED_SCHEMAS } from './schemas/index.js';
import { validatorCompiler } from './validation.js';

/** Largest JSON body accepted (an encrypted PIN is 344 characters; digests are ≤ 88). */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** Largest request head accepted; larger → 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** The device key as the API uses it: the public key it serves, the installation id, PIN decryption. */
export interface DeviceKeyLike extends PinDecryptor {
  readonly publicKeyBase64: string;
  readonly uid: string;
}

export interface AppDeps {
  readonly config: ConnectorConfig;
  /** Created by `createReaderBackend`; buildApp neither starts nor stops it. */
  readonly readers: ReaderBackend;
  readonly deviceKey: DeviceKeyLike;
  /** PKCS#11 tokens: listed in /v3/readers and served by the pkcs11 module. buildApp neither starts nor stops it. */
  readonly pkcs11?: Pkcs11Service;
  /** PEM server certificate and key. */
  readonly tls: { readonly cert: string; readonly key: string };
  /** Module route plugins; default: MODULE_ROUTES (connector/api/modules). */
  readonly modules?: readonly ModuleRoutes[];
  /** Required when `config.auth.mode` is `jwt`. */
  readonly authenticator?: Authenticator;
  /** The CORS allow-list when it changes at run time (DS sync); default: `config.cors.allowedOrigins`, fixed. */
  readonly origins?: OriginAllowList;
  /** Default: the connector's ATR_REGISTRY. */
  readonly atrs?: AtrRegistry;
  /** Where logs go when `config.log.file` is not set; default stderr (stdout carries the ready line). */
  readonly logStream?: NodeJS.WritableStream;
  readonly clock?: { readonly monotonicMs: () => number; readonly now: () => Date };
}

export type ConnectorApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, JsonSchemaToTsProvider>;

/** HTTPS server options of the connector (also for the extra listener on ::1). */
export function httpsOptions(tls: AppDeps['tls']): ServerOptions {
  return { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', maxHeaderSize: MAX_HEADER_BYTES };
}

/** Writes an envelope straight to a socket the HTTP parser gave up on (oversized or malformed head). */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const refused = new ConnectorError(error.code === 'HPE_HEADER_OVERFLOW' ? 'ERR_HEADERS_TOO_LARGE' : 'ERR_INPUT_INVALID');
  const body = JSON.stringify(envelope(refused));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${refused.status} ${STATUS_CODES[refused.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Builds the connector's HTTPS app without listening (only connector/main.ts listens; tests use inject()).
 * Core routes: /info, /device-key, /v3/readers[/:id], /atrs, /v3/agents; modules under /v3/modules/<name>.
 * Per request, in order: Server-Timing start → Host allow-list → CORS allow-list/preflight → auth slot →
 * schema validation → route. Every error leaves as the JSON envelope.
 */
export function buildApp(deps: AppDeps): ConnectorApp {
  const { config, readers } = deps;
  if (config.auth.mode === 'jwt' && deps.authenticator === undefined) {
    throw new ConfigError("auth.mode 'jwt' needs a JWT authenticator (connector/auth); or set auth.mode to 'none' explicitly");
  }
  const origins = deps.origins ?? staticOrigins(config.cors.allowedOrigins);
  const atrs = deps.atrs ?? ATR_REGISTRY;
  const modules = deps.modules ?? MODULE_ROUTES;
  checkModules(modules);
  const clock = deps.clock ?? { monotonicMs: () => performance.now(), now: () => new Date() };

  const logger = loggerOptions(config.log, deps.logStream ?? process.stderr);
  const app: ConnectorApp = Fastify({
    https: httpsOptions(deps.tls),
    logger,
    bodyLimit: BODY_LIMIT_BYTES,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestIdHeader: false,
    return503OnClosing: true,
    clientErrorHandler,
    frameworkErrors: (error, request, reply) => {
      const refused = isAllowedHost(request) ? toConnectorError(error) : new ConnectorError('ERR_HOST_NOT_ALLOWED');
      void (reply as FastifyReply).code(refused.status).type('application/json').send(envelope(refused));
    },
  }).withTypeProvider<JsonSchemaToTsProvider>();

  /** The port clients must name in Host: configured, or bound (when configured as 0). */
  const port = (): number | undefined => (config.port !== 0 ? config.port : (app.server.address() as AddressInfo | null)?.port);
  const isAllowedHost = hostChecker({ allowedHosts: config.allowedHosts, port });

  // JSON bodies only: a text/plain "simple" POST never reaches a handler. But an EMPTY body is no body, whatever
  // its type: the SDK's bodiless POSTs (reset-bulk-pin) carry axios's default form content type.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    if (body.length === 0) done(null, undefined);
    else done(new ConnectorError('ERR_CONTENT_TYPE_UNSUPPORTED'), undefined);
  });
  app.setValidatorCompiler(validatorCompiler(SHARED_SCHEMAS));
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  const context: ModuleContext = {
    readers,
    atrs,
    bounds: config.bounds,
    config,
    pkcs11: deps.pkcs11 ?? null,
    decodePin: (value) => decodePin(value, deps.deviceKey),
    withSession: (request, readerId, operation, options = {}) =>
      readers.withSession(readerId, operation, {
        label: `${request.method} ${request.routeOptions.url ?? request.url}`,
        ...options,
        onStage: (stage, ms) => {
          request.timing.onStage(stage, ms);
          options.onStage?.(stage, ms);
        },
      }),
  };

  void app.register(errorsPlugin);
  void app.register(timingPlugin, { now: clock.monotonicMs });
  void app.register(hostCheckPlugin, { isAllowed: isAllowedHost });
  void app.register(corsPlugin, { allowedOrigins: origins });
  void app.register(authPlugin, { authenticator: deps.authenticator ?? null });
  void app.register(infoRoutes, { config, uid: deps.deviceKey.uid, modules: modules.map((m) => m.name), port, now: clock.now, corsOrigins: () => origins.list() });
  void app.register(deviceKeyRoutes, { publicKeyBase64: deps.deviceKey.publicKeyBase64 });
  void app.register(readerRoutes, { readers, atrs, tokens: deps.pkcs11 ?? null });
  void app.register(atrRoutes, { atrs });
  void app.register(agentRoutes, { syncOrigins: () => origins.sync() });
  void app.register(moduleRoutes, { modules, context });
  // the log file is the app's own (stderr or a given stream are not): closed after the last line
  const stream = typeof logger === 'object' && 'stream' in logger ? logger.stream : undefined;
  if (stream instanceof RotatingLogFile) app.addHook('onClose', async () => stream.end());
  return app;
}
