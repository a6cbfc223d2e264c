/**
 * Every setting that can come from the environment or a command-line flag, in one table: the loader, the
 * `--help` text and the docs test all read it. Precedence: defaults < config file < environment < flags.
 */
export interface Setting {
  /** Where the value goes in the configuration. */
  readonly path: readonly string[];
  readonly env: string;
  readonly flag: string;
  /** `path` values are resolved against the working directory; `bool` is true/false; `list` values are comma-separated or repeated. */
  readonly kind: 'string' | 'path' | 'int' | 'bool' | 'list' | 'intList';
  readonly help: string;
}

export const CONFIG_FILE_ENV = 'T1C_CONFIG';
export const CONFIG_FILE_FLAG = 'config';

export const SETTINGS: readonly Setting[] = [
  { path: ['hosts'], env: 'T1C_HOSTS', flag: 'host', kind: 'list', help: 'listen address: 127.0.0.1 (default) and/or ::1' },
  { path: ['port'], env: 'T1C_PORT', flag: 'port', kind: 'int', help: 'HTTPS port (default 51983; 0 = any free port)' },
  { path: ['dataDir'], env: 'T1C_DATA_DIR', flag: 'data-dir', kind: 'path', help: 'device key and TLS material' },
  { path: ['tls', 'cert'], env: 'T1C_TLS_CERT', flag: 'tls-cert', kind: 'path', help: 'own server certificate (PEM) instead of the minted one' },
  { path: ['tls', 'key'], env: 'T1C_TLS_KEY', flag: 'tls-key', kind: 'path', help: 'private key (PEM) of --tls-cert' },
  { path: ['tls', 'ca'], env: 'T1C_TLS_CA', flag: 'tls-ca', kind: 'path', help: 'CA certificate clients should trust for --tls-cert' },
  { path: ['readers', 'backend'], env: 'T1C_READERS_BACKEND', flag: 'backend', kind: 'string', help: 'pcsc or embedded (default: pcsc when pcscd is installed)' },
  { path: ['readers', 'embedded', 'host'], env: 'T1C_EMBEDDED_HOST', flag: 'embedded-host', kind: 'string', help: 'embedded reader address (loopback)' },
  { path: ['readers', 'embedded', 'ports'], env: 'T1C_EMBEDDED_PORTS', flag: 'embedded-port', kind: 'intList', help: 'embedded reader ports, one reader each' },
  { path: ['bounds', 'apduTimeoutMs'], env: 'T1C_APDU_TIMEOUT_MS', flag: 'apdu-timeout-ms', kind: 'int', help: 'longest wait for one APDU' },
  { path: ['bounds', 'operationDeadlineMs'], env: 'T1C_OPERATION_DEADLINE_MS', flag: 'operation-deadline-ms', kind: 'int', help: 'longest one API operation may hold a card' },
  { path: ['bounds', 'queueLimit'], env: 'T1C_QUEUE_LIMIT', flag: 'queue-limit', kind: 'int', help: 'operations waiting per reader before 503' },
  { path: ['cors', 'allowedOrigins'], env: 'T1C_CORS_ALLOWED_ORIGINS', flag: 'allowed-origin', kind: 'list', help: 'browser origin allowed to call (exact scheme://host[:port])' },
  { path: ['cors', 'allowListFile'], env: 'T1C_CORS_ALLOW_LIST_FILE', flag: 'allow-list-file', kind: 'path', help: "the user's allow-list file (JSON), re-read live when it changes" },
  { path: ['allowedHosts'], env: 'T1C_ALLOWED_HOSTS', flag: 'allowed-host', kind: 'list', help: 'extra Host-header name' },
  { path: ['auth', 'mode'], env: 'T1C_AUTH_MODE', flag: 'auth', kind: 'string', help: "jwt (default) or none" },
  { path: ['auth', 'algorithms'], env: 'T1C_AUTH_ALGORITHMS', flag: 'auth-algorithm', kind: 'list', help: 'pinned JWS algorithm of DS tokens (default RS256)' },
  { path: ['auth', 'leewaySeconds'], env: 'T1C_AUTH_LEEWAY_SECONDS', flag: 'auth-leeway-seconds', kind: 'int', help: 'clock leeway for token times, 0-60 (default 30)' },
  { path: ['auth', 'maxLifetimeSeconds'], env: 'T1C_AUTH_MAX_LIFETIME_SECONDS', flag: 'auth-max-lifetime-seconds', kind: 'int', help: 'longest token lifetime and age (default 1800)' },
  { path: ['auth', 'audience'], env: 'T1C_AUTH_AUDIENCE', flag: 'auth-audience', kind: 'string', help: "this connector's token audience" },
  { path: ['auth', 'requireAudience'], env: 'T1C_AUTH_REQUIRE_AUDIENCE', flag: 'auth-require-audience', kind: 'bool', help: 'true: refuse tokens without aud' },
  { path: ['auth', 'requireOrigins'], env: 'T1C_AUTH_REQUIRE_ORIGINS', flag: 'auth-require-origins', kind: 'bool', help: 'true: refuse tokens without the allowed-origins claim' },
  { path: ['ds', 'url'], env: 'T1C_DS_URL', flag: 'ds-url', kind: 'string', help: 'Distribution Service base URL (https, or http on loopback)' },
  { path: ['ds', 'jwks'], env: 'T1C_DS_JWKS', flag: 'ds-jwks', kind: 'string', help: 'DS key set URL (default {ds-url}/.well-known/jwks.json)' },
  { path: ['ds', 'issuer'], env: 'T1C_DS_ISSUER', flag: 'ds-issuer', kind: 'string', help: 'exact iss of DS tokens (default: the DS URL)' },
  { path: ['ds', 'credentialFile'], env: 'T1C_DS_CREDENTIAL_FILE', flag: 'ds-credential-file', kind: 'path', help: "file holding the connector's DS credential (CORS sync)" },
  { path: ['ds', 'ca'], env: 'T1C_DS_CA', flag: 'ds-ca', kind: 'path', help: 'PEM CA of an https DS with a private CA' },
  { path: ['ds', 'jwksCacheSeconds'], env: 'T1C_DS_JWKS_CACHE_SECONDS', flag: 'ds-jwks-cache-seconds', kind: 'int', help: 'longest a fetched key set is used, 30-3600 (default 600)' },
  { path: ['ds', 'jwksMinRefreshSeconds'], env: 'T1C_DS_JWKS_MIN_REFRESH_SECONDS', flag: 'ds-jwks-min-refresh-seconds', kind: 'int', help: 'least time between key set fetches (default 30)' },
  { path: ['ds', 'corsSyncMinSeconds'], env: 'T1C_DS_CORS_SYNC_MIN_SECONDS', flag: 'ds-cors-sync-min-seconds', kind: 'int', help: 'least time between CORS syncs with the DS (default 5)' },
  { path: ['pkcs11', 'library'], env: 'T1C_PKCS11_LIBRARY', flag: 'pkcs11-library', kind: 'path', help: 'PKCS#11 library for tokens, e.g. /usr/lib/softhsm/libsofthsm2.so' },
  { path: ['pkcs11', 'configFile'], env: 'T1C_PKCS11_CONFIG_FILE', flag: 'pkcs11-config-file', kind: 'path', help: 'where library paths set through the API are saved' },
  { path: ['emv', 'fullPan'], env: 'T1C_EMV_FULL_PAN', flag: 'emv-full-pan', kind: 'bool', help: 'true: return payment card PANs in full (default false: first 6 and last 4 digits)' },
  { path: ['record', 'dir'], env: 'T1C_RECORD_DIR', flag: 'record-dir', kind: 'path', help: 'record card APDU exchanges (PIN data masked) as transcripts here' },
  { path: ['log', 'level'], env: 'T1C_LOG_LEVEL', flag: 'log-level', kind: 'string', help: 'fatal, error, warn, info (default), debug, trace or silent' },
  { path: ['log', 'file'], env: 'T1C_LOG_FILE', flag: 'log-file', kind: 'path', help: 'log to this file instead of stderr' },
  { path: ['log', 'maxBytes'], env: 'T1C_LOG_MAX_BYTES', flag: 'log-max-bytes', kind: 'int', help: 'rotate log.file when it would grow past this size (default 10485760)' },
  { path: ['log', 'keep'], env: 'T1C_LOG_KEEP', flag: 'log-keep', kind: 'int', help: 'rotated log files kept (default 5)' },
];

/** The `--help` text for `t1c-lab connector`. */
export function usage(): string {
  const rows = [
    [`--${CONFIG_FILE_FLAG} FILE`, CONFIG_FILE_ENV, 'JSON configuration file (paths in it are relative to it)'],
    ...SETTINGS.map((s) => [`--${s.flag} ${s.kind === 'int' || s.kind === 'intList' ? 'N' : 'VALUE'}`, s.env, s.help]),
  ];
  const width = Math.max(...rows.map((r) => r[0]!.length));
  const envWidth = Math.max(...rows.map((r) => r[1]!.length));
  return [
    'usage: t1c-lab connector [options]',
    '',
    ...rows.map(([flag, env, help]) => `  ${flag!.padEnd(width)}  ${env!.padEnd(envWidth)}  ${help}`),
    '',
    'List options may be repeated or comma-separated. See docs/connector-config.md.',
  ].join('\n');
}
