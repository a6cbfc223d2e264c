import { arch, platform } from 'node:os';
import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { ConnectorConfig } from '../../config/index.js';
import { ERROR_RESPONSES, NO_QUERY, successEnvelope } from '../schemas/index.js';
import { CONNECTOR_VERSION, T1C_API_VERSION } from '../version.js';

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;

/** `/info` is UNWRAPPED (spec §2.1: SDK 3.6.1 reads `body.t1CInfoAPI`). No user or host details: it is public. */
export const INFO_RESPONSE = {
  type: 'object',
  additionalProperties: false,
  required: ['t1CInfoOS', 't1CInfoRuntime', 't1CInfoAPI'],
  properties: {
    t1CInfoOS: { type: 'object', additionalProperties: false, required: ['architecture', 'os'], properties: { architecture: str, os: str } },
    t1CInfoRuntime: {
      type: 'object',
      additionalProperties: false,
      required: ['runtime', 'desktop', 'version', 'dateTime'],
      properties: { runtime: str, desktop: str, version: str, dateTime: str },
    },
    t1CInfoAPI: {
      type: 'object',
      additionalProperties: false,
      required: ['service', 'activated', 'status', 'environment', 'uid', 'modules', 'cors', 'version', 'logLevel', 'jwtEnabled', 'optionalConsent', 'citrix', 'sharedEnvironment'],
      properties: {
        service: {
          type: 'object',
          additionalProperties: false,
          required: ['url', 'apiPort', 'gRpcPort', 'deviceType', 'distributionServiceUrl', 'dsRegistryActivated'],
          properties: { url: str, apiPort: str, gRpcPort: str, deviceType: str, distributionServiceUrl: str, dsRegistryActivated: bool },
        },
        activated: bool,
        status: str,
        environment: str,
        uid: str,
        modules: { type: 'array', items: str },
        cors: { type: 'array', items: str },
        version: str,
        logLevel: str,
        jwtEnabled: bool,
        optionalConsent: bool,
        citrix: bool,
        sharedEnvironment: bool,
      },
    },
  },
} as const;

export interface InfoOptions {
  readonly config: ConnectorConfig;
  readonly uid: string;
  /** Names of the modules whose routes this connector serves. */
  readonly modules: readonly string[];
  readonly port: () => number | undefined;
  readonly now: () => Date;
  /** The CORS allow-list as it is now (configured plus DS origins); default: the configured origins. */
  readonly corsOrigins?: () => readonly string[];
}

export const infoRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: InfoOptions }> = async (app, options) => {
  const { config } = options;
  app.get(
    '/info',
    { config: { public: true }, schema: { querystring: NO_QUERY, response: { 200: INFO_RESPONSE, ...ERROR_RESPONSES } } },
    async () => ({
      t1CInfoOS: { architecture: arch(), os: platform() },
      t1CInfoRuntime: { runtime: 't1c-lab', desktop: '', version: CONNECTOR_VERSION, dateTime: options.now().toISOString() },
      t1CInfoAPI: {
        service: {
          url: 'https://t1c.t1t.io',
          apiPort: String(options.port() ?? config.port),
          gRpcPort: '',
          deviceType: 'STANDALONE',
          distributionServiceUrl: '',
          dsRegistryActivated: false,
        },
        activated: true,
        status: 'ACTIVATED',
        environment: 'PROD',
        uid: options.uid,
        modules: [...options.modules],
        cors: [...(options.corsOrigins?.() ?? config.cors.allowedOrigins)],
        version: T1C_API_VERSION,
        logLevel: config.log.level,
        jwtEnabled: config.auth.mode === 'jwt',
        optionalConsent: false,
        citrix: false,
        sharedEnvironment: false,
      },
    }),
  );
};

export const DEVICE_KEY_RESPONSE = successEnvelope({ type: 'string' } as const);

export const deviceKeyRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: { readonly publicKeyBase64: string } }> = async (app, options) => {
  app.get(
    '/device-key',
    { config: { public: true }, schema: { querystring: NO_QUERY, response: { 200: DEVICE_KEY_RESPONSE, ...ERROR_RESPONSES } } },
    async () => ({ success: true as const, data: options.publicKeyBase64 }),
  );
};
