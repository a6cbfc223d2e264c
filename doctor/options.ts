import { readFileSync } from 'node:fs';
import { homedir, release } from 'node:os';
import type { LabState } from '../simulators/lab/state.js';
import type { DoctorOptions } from './context.js';
import { PCSCD_DEFAULT_SOCKET } from './checks/hardware.js';

export const DEFAULT_CONNECTOR_URL = 'https://t1c.t1t.io:51983';
export const CONNECTOR_NAME = 't1c.t1t.io';

/** The command line's flags, before the lab's state fills the gaps. */
export interface DoctorFlags {
  readonly connector?: string;
  readonly ds?: string;
  readonly origin?: string;
  /** The name of the environment variable holding the API key (the key itself never on the command line). */
  readonly apiKeyEnv?: string;
  readonly ca?: string;
  readonly dnsServer?: readonly string[];
}

/** The lab's connector CA: its state names the file (a PEM in the state itself is taken as it is). */
function labCa(caCert: string): { pem: string; source: string } {
  return caCert.startsWith('-----BEGIN') ? { pem: caCert, source: "the lab's connector CA" } : { pem: readFileSync(caCert, 'utf8'), source: caCert };
}

/** Flags first, then the lab's state (--lab), then the defaults. Throws with a message for a bad flag. */
export function doctorOptions(flags: DoctorFlags, lab: LabState | null, env: NodeJS.ProcessEnv = process.env): DoctorOptions {
  const connectorUrl = flags.connector ?? lab?.connector?.url ?? DEFAULT_CONNECTOR_URL;
  const url = new URL(connectorUrl); // throws on a malformed URL
  if (url.protocol !== 'https:') throw new Error(`--connector must be an https:// URL, not ${url.protocol}`);
  if (flags.ds !== undefined && !/^https?:$/.test(new URL(flags.ds).protocol)) throw new Error('--ds must be an http(s):// URL');
  if (flags.origin !== undefined && new URL(flags.origin).origin !== flags.origin) throw new Error(`--origin must be an origin (scheme://host[:port]), e.g. ${new URL(flags.origin).origin}`);
  let apiKey: string | null = lab?.ds?.apiKey ?? null;
  if (flags.apiKeyEnv !== undefined) {
    apiKey = env[flags.apiKeyEnv] ?? null;
    if (!apiKey) throw new Error(`--api-key-env ${flags.apiKeyEnv}: that environment variable is empty or not set`);
  }
  const ca = flags.ca !== undefined ? { pem: readFileSync(flags.ca, 'utf8'), source: flags.ca } : lab?.connector ? labCa(lab.connector.caCert) : null;
  return {
    connectorUrl,
    connectorName: CONNECTOR_NAME,
    dsUrl: flags.ds ?? lab?.ds?.url ?? null,
    origin: flags.origin ?? lab?.cors?.allowedOrigins[0] ?? null,
    apiKey,
    ca,
    backend: lab?.backend ?? null,
    pcscdSocket: lab?.lab?.pcscdSocket ?? env['PCSCLITE_CSOCK_NAME'] ?? PCSCD_DEFAULT_SOCKET,
    env,
    dnsServers: flags.dnsServer && flags.dnsServer.length > 0 ? flags.dnsServer : null,
    hostsFile: '/etc/hosts',
    osReleaseFile: '/etc/os-release',
    home: env['HOME'] ?? homedir(),
    platform: process.platform,
    osRelease: release(),
  };
}
