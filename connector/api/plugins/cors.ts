import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ConnectorError } from '../../errors/index.js';

/** What the SDK uses (spec §1.2). */
export const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const CORS_HEADERS = ['Authorization', 'Content-Type', 'X-CSRF-Token', 'X-T1C-BILLING-TAG', 'X-Pace-Pin', 'X-Pace-Can', 'Accept', 'Accept-Language'] as const;
/** Preflight cache cap in seconds (CORS-05). */
export const CORS_MAX_AGE_S = 600;

const METHODS = new Set<string>(CORS_METHODS);
const HEADERS = new Set<string>(CORS_HEADERS.map((h) => h.toLowerCase()));

/** An allow-list that can change while the connector runs (configured origins plus the DS's). */
export interface OriginAllowList {
  has(origin: string): boolean;
  list(): readonly string[];
  /** Refreshes the list from its source, if it has one (GET /v3/agents, spec §2.5); never throws. */
  sync(): Promise<void>;
}

/** A fixed allow-list. */
export function staticOrigins(origins: readonly string[]): OriginAllowList {
  const set = new Set(origins);
  return { has: (origin) => set.has(origin), list: () => [...set], sync: async () => undefined };
}

export interface CorsOptions {
  /** Exact origins; empty denies every request that carries an Origin. */
  readonly allowedOrigins: readonly string[] | OriginAllowList;
}

/**
 * Static CORS allow-list, deny by default. A request with an `Origin` not on the list is refused with 403
 * before any card work (CORS only protects reads: the server must refuse). Allowed origins are echoed
 * exactly, with credentials. Preflights are answered here, before auth; they allow only the SDK's methods and
 * headers, and the private-network header only for allowed origins. Requests without Origin pass.
 */
export const corsPlugin = fp(
  async (app: FastifyInstance, options: CorsOptions) => {
    const allowed = Array.isArray(options.allowedOrigins) ? staticOrigins(options.allowedOrigins) : (options.allowedOrigins as OriginAllowList);
    app.addHook('onRequest', async (request, reply) => {
      reply.header('Vary', 'Origin');
      const origin = request.headers.origin;
      if (origin === undefined) return;
      if (!allowed.has(origin)) throw new ConnectorError('ERR_ORIGIN_NOT_ALLOWED');
      const requestedMethod = request.headers['access-control-request-method'];
      if (request.method === 'OPTIONS' && typeof requestedMethod === 'string') {
        const requestedHeaders = String(request.headers['access-control-request-headers'] ?? '')
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter((h) => h !== '');
        if (!METHODS.has(requestedMethod) || !requestedHeaders.every((h) => HEADERS.has(h))) {
          throw new ConnectorError('ERR_PREFLIGHT_REJECTED');
        }
        reply
          .header('Access-Control-Allow-Origin', origin)
          .header('Access-Control-Allow-Credentials', 'true')
          .header('Access-Control-Allow-Methods', CORS_METHODS.join(', '))
          .header('Access-Control-Allow-Headers', CORS_HEADERS.join(', '))
          .header('Access-Control-Max-Age', String(CORS_MAX_AGE_S))
          .header('Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network');
        if (request.headers['access-control-request-private-network'] === 'true') reply.header('Access-Control-Allow-Private-Network', 'true');
        return reply.code(204).send();
      }
      reply.header('Access-Control-Allow-Origin', origin).header('Access-Control-Allow-Credentials', 'true');
    });
  },
  { name: 't1c-cors', fastify: '5.x', dependencies: ['t1c-host-check'] },
);
