import type { AddressInfo } from 'node:net';
import { Applications, type Application } from './applications.js';
import { DsKeyRing } from './keys.js';
import { newSecret } from './secrets.js';
import { buildDsApp } from './server.js';
import { TOKEN_LIFETIME_S, type TokenShape } from './tokens.js';

export interface DsOptions {
  /** Loopback address to listen on (default 127.0.0.1) and port (default 0: a free one). */
  readonly host?: '127.0.0.1' | '::1';
  readonly port?: number;
  /** The applications registered at start; each gets an API key. */
  readonly applications: readonly Application[];
  /** `iss` of the tokens (default: the DS's URL). */
  readonly issuer?: string;
  /** `aud` of the tokens (the connector); null or absent: none, as the vendor's. */
  readonly audience?: string | null;
  /** Put each application's origins in its tokens (default false: vendor-shaped). */
  readonly includeOrigins?: boolean;
  readonly tokenLifetimeSeconds?: number;
  readonly now?: () => number;
}

export interface RunningDs {
  readonly url: string;
  readonly issuer: string;
  /** The registered applications with their API keys, in the order given. */
  readonly applications: readonly (Application & { readonly apiKey: string })[];
  /** What connectors present to read the CORS list. */
  readonly connectorCredential: string;
  /** For the admin calls (x-ds-admin-key). */
  readonly adminKey: string;
  readonly keys: DsKeyRing;
  /** Registers another application while the DS runs (its origins join the CORS list); returns its API key. */
  register(app: Application): string;
  stop(): Promise<void>;
}

/** Starts a DS simulator with fresh keys and secrets (nothing is kept between runs). */
export async function startDs(options: DsOptions): Promise<RunningDs> {
  const now = options.now ?? Date.now;
  const keys = new DsKeyRing(now);
  const registry = new Applications();
  const applications = options.applications.map((a) => ({ ...a, apiKey: registry.add(a) }));
  const connectorCredential = newSecret();
  const adminKey = newSecret();
  let issuer = options.issuer ?? '';
  const shape = (): TokenShape => ({
    issuer,
    audience: options.audience ?? null,
    includeOrigins: options.includeOrigins ?? false,
    lifetimeSeconds: options.tokenLifetimeSeconds ?? TOKEN_LIFETIME_S,
  });
  const app = buildDsApp({ keys, applications: registry, shape, connectorCredential, adminKey, now });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${host === '::1' ? '[::1]' : host}:${port}`;
  if (issuer === '') issuer = url;
  return { url, issuer, applications, connectorCredential, adminKey, keys, register: (a) => registry.add(a), stop: () => app.close() };
}
