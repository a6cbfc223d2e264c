import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/** Everything the checks read: given once by the command (flags, the lab's state, the environment). */
export interface DoctorOptions {
  /** The connector's base URL, e.g. https://t1c.t1t.io:51983. */
  readonly connectorUrl: string;
  /** The name the connector's certificate must carry (t1c.t1t.io or a partner's own). */
  readonly connectorName: string;
  readonly dsUrl: string | null;
  readonly origin: string | null;
  /** The application's API key for the token exchange: sent to the DS, never printed. */
  readonly apiKey: string | null;
  /** The connector CA (PEM) to trust instead of the system store, and where it came from. */
  readonly ca: { readonly pem: string; readonly source: string } | null;
  /** The connector's reader backend when known (the lab's state); null: a user's machine (pcsc). */
  readonly backend: 'pcsc' | 'embedded' | null;
  /** pcscd's socket: PCSCLITE_CSOCK_NAME, the lab's, or /run/pcscd/pcscd.comm. */
  readonly pcscdSocket: string;
  readonly env: NodeJS.ProcessEnv;
  /** DNS servers to ask instead of the system's (host or host:port). */
  readonly dnsServers: readonly string[] | null;
  readonly hostsFile: string;
  readonly osReleaseFile: string;
  readonly home: string;
  /** The platform checked (process.platform and os.release() unless a test says otherwise). */
  readonly platform: NodeJS.Platform;
  readonly osRelease: string;
}

/** What earlier checks learnt that later ones use. */
export interface DoctorFacts {
  /** `t1CInfoAPI` of the connector's /info, once it answered over verified TLS. */
  info: ConnectorInfo | null;
  /** The connector's CA certificate (PEM), from the TLS handshake, for the browser store checks. */
  connectorCaPem: string | null;
  /** A DS token for the connector's protected routes (never printed). */
  token: string | null;
}

export interface ConnectorInfo {
  readonly version: string;
  readonly jwtEnabled: boolean;
  readonly modules: readonly string[];
  readonly cors: readonly string[];
  readonly runtime: string;
}

export interface DoctorContext {
  readonly options: DoctorOptions;
  readonly facts: DoctorFacts;
}

export function newContext(options: DoctorOptions): DoctorContext {
  return { options, facts: { info: null, connectorCaPem: null, token: null } };
}

/** The connector URL's host without IPv6 brackets. */
export function connectorHost(options: DoctorOptions): string {
  return new URL(options.connectorUrl).hostname.replace(/^\[|\]$/g, '');
}

/** Debian/Ubuntu's system bundle, where `update-ca-certificates` (and the connector installer) put local CAs. */
export const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The system store: its bundle (local CAs included) plus Node's default CAs. */
export function systemTrust(): { readonly pems: readonly string[]; readonly source: string } {
  let bundle: string[] = [];
  try {
    bundle = readFileSync(SYSTEM_BUNDLE, 'utf8').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  } catch {
    // no system bundle: Node's CAs only
  }
  return { pems: [...rootCertificates, ...bundle], source: bundle.length > 0 ? `the system store (${SYSTEM_BUNDLE})` : "Node's default CAs (no system bundle found)" };
}

/** Trust for the connector: the given CA only, or the system store. */
export function connectorTrust(options: DoctorOptions): { readonly pems: readonly string[]; readonly source: string } {
  return options.ca ? { pems: [options.ca.pem], source: options.ca.source } : systemTrust();
}
