import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ConnectorError } from '../../errors/index.js';

/** Names every installation answers to (the certificate's names); `allowedHosts` adds more. */
export const BUILT_IN_HOSTS = ['t1c.t1t.io', 'localhost', '127.0.0.1', '[::1]'] as const;

const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::([0-9]{1,5}))?$/;
const HTTPS_DEFAULT_PORT = 443;

export interface HostCheckOptions {
  readonly allowedHosts: readonly string[];
  /** The port clients must name: the configured one, or the one actually bound when configured as 0. */
  readonly port: () => number | undefined;
}

/** True when `authority` (a Host header or the authority of an absolute-form target) names us exactly. */
export function isAllowedAuthority(authority: string | undefined, names: ReadonlySet<string>, port: number | undefined): boolean {
  if (authority === undefined || port === undefined) return false;
  const m = HOST.exec(authority);
  if (!m) return false; // empty, trailing dot, userinfo, junk
  const name = m[1]!.toLowerCase();
  const named = m[2] === undefined ? HTTPS_DEFAULT_PORT : Number(m[2]);
  return names.has(name) && named === port;
}

/** The authority of an absolute-form request target (`GET https://host:port/path`), if any. */
function absoluteFormAuthority(request: FastifyRequest): string | null {
  const target = request.raw.url ?? '';
  if (target.startsWith('/')) return null;
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(target);
  return m ? m[1]! : '';
}

/** The check itself, shared with the handler of URLs fastify cannot route. */
export function hostChecker(options: HostCheckOptions): (request: FastifyRequest) => boolean {
  const names = new Set<string>([...BUILT_IN_HOSTS, ...options.allowedHosts.map((h) => h.toLowerCase())]);
  return (request) => {
    const port = options.port();
    const absolute = absoluteFormAuthority(request);
    if (absolute !== null && !isAllowedAuthority(absolute, names, port)) return false;
    return isAllowedAuthority(request.headers.host, names, port);
  };
}

/**
 * Anti DNS-rebinding (security-checklist NET-02): a request whose Host (and absolute-form authority) is not
 * one of our names with our port is refused with 403 before CORS, auth or any route handler runs.
 */
export const hostCheckPlugin = fp(
  async (app: FastifyInstance, options: { readonly isAllowed: (request: FastifyRequest) => boolean }) => {
    app.addHook('onRequest', async (request) => {
      if (!options.isAllowed(request)) throw new ConnectorError('ERR_HOST_NOT_ALLOWED');
    });
  },
  { name: 't1c-host-check', fastify: '5.x' },
);
