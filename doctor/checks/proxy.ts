import { isIP } from 'node:net';
import { connectorHost, type DoctorContext } from '../context.js';
import { result, type CheckResult } from '../types.js';

const ID = 'proxy.environment';
const TITLE = 'proxy settings';
const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'] as const;

/** A proxy URL without its user and password. */
export function redactProxy(value: string): string {
  try {
    const url = new URL(value);
    if (url.username === '' && url.password === '') return value;
    url.username = '***';
    url.password = '';
    return url.toString();
  } catch {
    return value.replace(/\/\/[^@/]*@/, '//***@');
  }
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Does one NO_PROXY entry exempt `host`? Exact name, domain suffix (`.t1t.io`, `t1t.io`), `*`, IPv4 CIDR. */
export function noProxyCovers(entry: string, host: string): boolean {
  const e = entry.trim().toLowerCase().replace(/:\d+$/, '');
  const h = host.toLowerCase();
  if (e === '') return false;
  if (e === '*') return true;
  const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(e);
  if (cidr) {
    if (isIP(h) !== 4) return false;
    const bits = Number(cidr[2]);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return ((ipv4ToInt(h) & mask) >>> 0) === ((ipv4ToInt(cidr[1]!) & mask) >>> 0);
  }
  const domain = e.replace(/^\*?\./, '');
  return h === domain || h.endsWith(`.${domain}`);
}

/**
 * A proxy in the environment (HTTP(S)_PROXY, ALL_PROXY, lower-case too) must not carry the connector's name,
 * localhost or 127.0.0.1 (TLS-04): the proxy would answer for "127.0.0.1" on its own machine.
 */
export function checkProxy(ctx: DoctorContext): CheckResult {
  const { env, connectorName } = ctx.options;
  const set = PROXY_VARS.filter((v) => (env[v] ?? '').trim() !== '');
  const browsers = 'a browser\'s own proxy or PAC settings are not visible here: exempt the same names there';
  if (set.length === 0) return result(ID, 'proxy', TITLE, 'ok', `no proxy in the environment (${browsers})`);
  const noProxy = [env['NO_PROXY'], env['no_proxy']].filter((v): v is string => v !== undefined).join(',');
  const entries = noProxy.split(',');
  const hosts = [...new Set([connectorHost(ctx.options), connectorName, 'localhost', '127.0.0.1'])];
  const missing = hosts.filter((h) => !entries.some((e) => noProxyCovers(e, h)));
  const proxies = set.map((v) => `${v}=${redactProxy(env[v]!)}`).join(', ');
  if (missing.length === 0) return result(ID, 'proxy', TITLE, 'ok', `${proxies}; NO_PROXY exempts ${hosts.join(', ')} (${browsers})`);
  return result(
    ID,
    'proxy',
    TITLE,
    'problem',
    `${proxies} without a NO_PROXY exemption for ${missing.join(', ')}: requests to the connector would go to the proxy, whose 127.0.0.1 is not this machine`,
    `export NO_PROXY="${[...entries.filter((e) => e.trim() !== ''), ...missing].join(',')}" (and no_proxy the same), and add ${missing.join(', ')} to the browser's proxy bypass list`,
  );
}
