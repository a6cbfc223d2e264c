import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { JWS_ALGORITHM_NAMES } from '../auth/algorithms.js';
import { MAX_LEEWAY_S } from '../auth/limits.js';
import { DEFAULT_BOUNDS } from '../readers/index.js';

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const path = { type: 'string', minLength: 1 } as const;
const positive = { type: 'integer', minimum: 1 } as const;
const loopback = { type: 'string', enum: ['127.0.0.1', '::1'] } as const;

/**
 * The configuration schema: every key, its type and its default (docs/connector-config.md explains them).
 * Unknown keys are errors, so a typo never silently falls back to a default. `dataDir` and `readers.backend`
 * have computed defaults (load.ts).
 */
export const CONFIG_SCHEMA = {
  $id: 't1c-lab/connector-config',
  type: 'object',
  additionalProperties: false,
  required: ['hosts', 'port', 'dataDir', 'readers', 'bounds', 'cors', 'allowedHosts', 'auth', 'log'],
  properties: {
    hosts: { description: 'loopback addresses to listen on', type: 'array', items: loopback, minItems: 1, uniqueItems: true, default: ['127.0.0.1'] },
    port: { description: 'HTTPS port; 0 picks a free one', ...port, default: 51983 },
    dataDir: { description: 'device key and minted TLS material', ...path },
    tls: {
      description: 'bring-your-own TLS (PEM paths); absent: minted per installation in dataDir/tls',
      type: 'object',
      additionalProperties: false,
      required: ['cert', 'key'],
      properties: { cert: path, key: path, ca: path },
    },
    readers: {
      type: 'object',
      additionalProperties: false,
      required: ['backend', 'embedded'],
      properties: {
        backend: { type: 'string', enum: ['pcsc', 'embedded'] },
        embedded: {
          description: 'the embedded vpcd reader: one reader per port, loopback only, listening only with backend embedded',
          type: 'object',
          additionalProperties: false,
          required: ['host', 'ports'],
          default: {},
          properties: {
            host: { ...loopback, default: '127.0.0.1' },
            ports: { type: 'array', items: port, uniqueItems: true, default: [] },
          },
        },
      },
    },
    bounds: {
      type: 'object',
      additionalProperties: false,
      required: ['apduTimeoutMs', 'operationDeadlineMs', 'queueLimit'],
      default: {},
      properties: {
        apduTimeoutMs: { ...positive, default: DEFAULT_BOUNDS.apduTimeoutMs },
        operationDeadlineMs: { ...positive, default: DEFAULT_BOUNDS.operationDeadlineMs },
        queueLimit: { ...positive, default: DEFAULT_BOUNDS.queueLimit },
      },
    },
    cors: {
      type: 'object',
      additionalProperties: false,
      required: ['allowedOrigins'],
      default: {},
      properties: {
        allowedOrigins: { description: 'exact origins scheme://host[:port]; empty denies every browser origin', type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, default: [] },
        allowListFile: { description: "the user's allow-list file ({allowedOrigins:[…]}), watched and re-read live", ...path },
      },
    },
    allowedHosts: {
      description: 'extra Host-header names besides t1c.t1t.io, localhost, 127.0.0.1 and [::1]',
      type: 'array',
      items: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$', maxLength: 253 },
      uniqueItems: true,
      default: [],
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      default: {},
      properties: {
        mode: { description: "'none' only when set explicitly; reported in /info", type: 'string', enum: ['none', 'jwt'], default: 'jwt' },
        algorithms: { description: 'pinned JWS algorithms of DS tokens, asymmetric only (default [RS256])', type: 'array', items: { type: 'string', enum: JWS_ALGORITHM_NAMES }, minItems: 1, uniqueItems: true },
        leewaySeconds: { description: 'clock leeway in seconds for exp/nbf/iat (default 30)', type: 'integer', minimum: 0, maximum: MAX_LEEWAY_S },
        maxLifetimeSeconds: { description: 'largest exp − iat and token age in seconds (default 1800)', type: 'integer', minimum: 60, maximum: 86400 },
        audience: { description: "this connector's audience; tokens with aud must name it", type: 'string', minLength: 1 },
        requireAudience: { description: 'refuse tokens without aud (default false)', type: 'boolean' },
        requireOrigins: { description: 'refuse tokens without the allowed-origins claim (default false)', type: 'boolean' },
      },
    },
    ds: {
      description: 'the Distribution Service: token keys (JWKS) and the CORS origin list',
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { description: 'base URL; https, or http on loopback', type: 'string', pattern: '^https?://[^\\s]+$' },
        jwks: { description: 'key set URL (default {url}/.well-known/jwks.json)', type: 'string', pattern: '^https?://[^\\s]+$' },
        issuer: { description: 'exact iss of DS tokens (default: url)', type: 'string', minLength: 1 },
        credential: { description: "the connector's own DS credential (CORS sync)", type: 'string', minLength: 16 },
        credentialFile: { description: 'file holding the DS credential', ...path },
        ca: { description: 'PEM CA for an https DS with a private CA', ...path },
        jwksCacheSeconds: { description: 'longest a fetched key set is used, seconds (default 600)', type: 'integer', minimum: 30, maximum: 3600 },
        jwksMinRefreshSeconds: { description: 'least time between key set fetches, seconds (default 30)', type: 'integer', minimum: 1, maximum: 600 },
        corsSyncMinSeconds: { description: 'least time between CORS syncs, seconds (default 5)', type: 'integer', minimum: 1, maximum: 3600 },
      },
    },
    pkcs11: {
      description: 'PKCS#11 tokens; absent: none until a library is set through the API',
      type: 'object',
      additionalProperties: false,
      properties: {
        library: { description: 'the PKCS#11 library (.so, .dylib, .dll) of this OS', ...path },
        configFile: { description: 'where library paths set through the API are saved (default dataDir/pkcs11.json)', ...path },
      },
    },
    emv: {
      description: 'payment cards (the emv module)',
      type: 'object',
      additionalProperties: false,
      required: ['fullPan'],
      default: {},
      properties: { fullPan: { description: 'return the PAN in full instead of masked to its first 6 and last 4 digits', type: 'boolean', default: false } },
    },
    record: {
      description: 'record every card APDU exchange (PIN data masked) as transcripts in this directory',
      type: 'object',
      additionalProperties: false,
      required: ['dir'],
      properties: { dir: path },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      required: ['level'],
      default: {},
      properties: {
        level: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
        file: path,
        maxBytes: { description: 'rotate log.file before it grows past this many bytes (default 10 MiB)', type: 'integer', minimum: 4096 },
        keep: { description: 'rotated files kept, connector.log.1 … .N (default 5)', type: 'integer', minimum: 1, maximum: 100 },
      },
    },
  },
} as const satisfies JSONSchema;

/** The connector's resolved configuration: defaults applied, paths absolute. */
export type ConnectorConfig = FromSchema<typeof CONFIG_SCHEMA>;
export type ListenHost = ConnectorConfig['hosts'][number];
