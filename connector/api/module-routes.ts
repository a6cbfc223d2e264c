import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyRequest } from 'fastify';
import type { ConnectorConfig } from '../config/index.js';
import { ConnectorError } from '../errors/index.js';
import type { Pkcs11Service } from '../modules/pkcs11/index.js';
import type { AtrRegistry } from '../modules/registry.js';
import type { CardChannel, ReaderBackend, SessionOptions } from '../readers/index.js';
import { ERROR_RESPONSES } from './schemas/index.js';
import type { SharedSchemas } from './schemas/index.js';

/** What a module's routes get from the connector (plugin option `context`). */
export interface ModuleContext {
  readonly readers: ReaderBackend;
  readonly atrs: AtrRegistry;
  readonly bounds: ConnectorConfig['bounds'];
  /** The connector's configuration, for module settings (e.g. `emv.fullPan`). */
  readonly config: ConnectorConfig;
  /** PKCS#11 tokens (the configured library and its tokens); null when the connector runs without. */
  readonly pkcs11: Pkcs11Service | null;
  /**
   * The `pin` body field (or X-Pace-Pin header) as PIN digits in a Buffer the caller zeroes: device-key
   * encrypted or plain; anything else (incl. `false`) → ERR_PIN_FORMAT, the same for a bad ciphertext.
   */
  decodePin(value: unknown): Buffer;
  /** `readers.withSession` with the request's queue/card time reported in Server-Timing. */
  withSession<T>(request: FastifyRequest, readerId: string, operation: (channel: CardChannel) => Promise<T>, options?: SessionOptions): Promise<T>;
}

export interface ModulePluginOptions {
  readonly context: ModuleContext;
}

/**
 * A module's routes: an encapsulated fastify plugin registered under the prefix `/v3/modules/<name>`, so
 * it declares paths like `/apps/token/readers/:readerId/biometric`. Every route declares params,
 * querystring, body and response schemas with additionalProperties:false (STYLE.md rule 8); use
 * `ERROR_RESPONSES`, `READER_PARAMS`, `SDK_FIELDS` and `successEnvelope` from `connector/api/schemas`.
 */
export type ModulePlugin = FastifyPluginAsyncJsonSchemaToTs<{
  Options: ModulePluginOptions;
  ValidatorSchemaOptions: { references: SharedSchemas };
  SerializerSchemaOptions: { references: SharedSchemas };
}>;

export interface ModuleRoutes {
  /** URL name under /v3/modules (the SDK's ModuleFactory name, e.g. `beid`, `emv`). */
  readonly name: string;
  readonly description: string;
  readonly plugin: ModulePlugin;
}

const MODULE_NAME = /^[a-z0-9_-]{1,64}$/;
const UNKNOWN_MODULE_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['module'],
  properties: { module: { type: 'string' }, '*': { type: 'string' } },
} as const;

/** The served module names; throws for a name that is no URL segment or appears twice. */
export function checkModules(modules: readonly ModuleRoutes[]): ReadonlySet<string> {
  const served = new Set<string>();
  for (const module of modules) {
    if (!MODULE_NAME.test(module.name)) throw new Error(`module name "${module.name}" is not a URL segment`);
    if (served.has(module.name)) throw new Error(`module "${module.name}" registered twice`);
    served.add(module.name);
  }
  return served;
}

export interface ModuleRegistration {
  readonly modules: readonly ModuleRoutes[];
  readonly context: ModuleContext;
}

/**
 * Registers each module's plugin under its prefix, and a catch-all under /v3/modules that answers
 * ERR_MODULE_UNKNOWN for a module this connector doesn't serve, and ERR_ROUTE_NOT_FOUND for an unknown
 * operation of one it does.
 */
export const moduleRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: ModuleRegistration }> = async (app, options) => {
  const served = checkModules(options.modules);
  for (const module of options.modules) {
    await app.register(module.plugin, { prefix: `/v3/modules/${module.name}`, context: options.context });
  }
  const unknown = async (request: FastifyRequest<{ Params: { module: string } }>): Promise<never> => {
    throw new ConnectorError(served.has(request.params.module) ? 'ERR_ROUTE_NOT_FOUND' : 'ERR_MODULE_UNKNOWN');
  };
  const schema = { params: UNKNOWN_MODULE_PARAMS, response: ERROR_RESPONSES };
  app.all('/v3/modules/:module', { schema }, unknown);
  app.all('/v3/modules/:module/*', { schema }, unknown);
};
