import { readFileSync } from 'node:fs';
import { ConfigError, type ConnectorConfig } from '../config/index.js';
import { dsGet, type DsGet } from './ds-client.js';
import { SyncedOriginList, dsOriginSource } from './cors-sync.js';
import { JwtAuthenticator } from './jwt-authenticator.js';
import { DsKeySet } from './key-set.js';

/** The DS key set path when `ds.jwks` is not set. */
export const DEFAULT_JWKS_PATH = '/.well-known/jwks.json';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export interface ConnectorAuth {
  /** Null for `auth.mode: none`. */
  readonly authenticator: JwtAuthenticator | null;
  readonly keySet: DsKeySet | null;
  /** Configured origins plus, with a DS credential, the DS's. */
  readonly origins: SyncedOriginList;
}

export interface AuthDeps {
  readonly get?: DsGet;
  readonly now?: () => number;
  readonly warn?: (message: string) => void;
}

/** A DS URL: https, or http only to a loopback address (a lab or a local DS). */
function dsUrl(value: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${setting}: "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ConfigError(`${setting}: use https (plain http only on loopback), not ${url.protocol}//${url.hostname}`);
  }
  if (url.username || url.password || url.search || url.hash) throw new ConfigError(`${setting}: no credentials, query or fragment in the URL`);
  return value.replace(/\/+$/, '');
}

function readSecret(path: string, setting: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    throw new ConfigError(`${setting}: cannot read ${path}: ${(e as Error).message}`);
  }
  if (text.length < 16) throw new ConfigError(`${setting}: the credential in ${path} is shorter than 16 characters`);
  return text;
}

/**
 * Builds the connector's authentication from its configuration: the JWT authenticator over the DS key set for
 * `auth.mode: jwt` (which then needs `ds.url`), and the CORS allow-list, synced with the DS when the connector
 * has a DS credential. Nothing is fetched here; `origins.sync()` and the first token do that.
 */
export function createConnectorAuth(config: ConnectorConfig, deps: AuthDeps = {}): ConnectorAuth {
  const get = deps.get ?? dsGet;
  const { ds, auth } = config;
  if (ds?.credential !== undefined && ds.credentialFile !== undefined) throw new ConfigError('ds: set credential or credentialFile, not both');
  if (auth.requireAudience && auth.audience === undefined) throw new ConfigError('auth.requireAudience needs auth.audience');
  const base = ds ? dsUrl(ds.url, 'ds.url') : null;
  const ca = ds?.ca ? readSecret(ds.ca, 'ds.ca') : undefined;
  const credential = ds?.credential ?? (ds?.credentialFile ? readSecret(ds.credentialFile, 'ds.credentialFile') : undefined);
  const origins = new SyncedOriginList(config.cors.allowedOrigins, {
    ...(base && credential ? { source: dsOriginSource(get, base, credential, ca) } : {}),
    minSyncIntervalMs: (ds?.corsSyncMinSeconds ?? 5) * 1000,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.warn ? { onWarning: deps.warn } : {}),
  });
  if (auth.mode === 'none') return { authenticator: null, keySet: null, origins };
  if (!ds || !base) throw new ConfigError("auth.mode 'jwt' needs ds.url (the Distribution Service that issues the tokens); or set auth.mode to 'none' explicitly");
  const keySet = new DsKeySet({
    url: ds.jwks ? dsUrl(ds.jwks, 'ds.jwks') : `${base}${DEFAULT_JWKS_PATH}`,
    get,
    ...(ca ? { ca } : {}),
    cacheTtlMs: (ds.jwksCacheSeconds ?? 600) * 1000,
    minRefreshIntervalMs: (ds.jwksMinRefreshSeconds ?? 30) * 1000,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.warn ? { onWarning: deps.warn } : {}),
  });
  const authenticator = new JwtAuthenticator(
    keySet,
    {
      issuer: ds.issuer ?? base,
      algorithms: auth.algorithms ?? ['RS256'],
      leewaySeconds: auth.leewaySeconds ?? 30,
      maxLifetimeSeconds: auth.maxLifetimeSeconds ?? 1800,
      audience: auth.audience ?? null,
      requireAudience: auth.requireAudience ?? false,
      requireOrigins: auth.requireOrigins ?? false,
    },
    deps.now,
  );
  return { authenticator, keySet, origins };
}
