import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Caller } from '../request-context.js';

/**
 * The JWT slot: `auth.mode: jwt` plugs an authenticator in here (a later issue). It must throw a
 * ConnectorError with a 401 code (ERR_AUTH_*) for a missing or invalid token, and return the token's subject.
 */
export interface Authenticator {
  authenticate(request: FastifyRequest): Promise<{ readonly subject: string }>;
}

export interface AuthOptions {
  /** null for `auth.mode: none` (set explicitly in the configuration and reported in /info). */
  readonly authenticator: Authenticator | null;
}

/**
 * Sets `request.caller` on every request, after the host and CORS checks and before any handler. Routes
 * marked `config.public` (/info, /device-key) are never authenticated.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, options: AuthOptions) => {
    const { authenticator } = options;
    app.decorateRequest('caller', null as unknown as Caller);
    app.addHook('onRequest', async (request) => {
      const origin = request.headers.origin ?? null;
      if (authenticator === null || request.routeOptions.config.public === true) {
        request.caller = { origin, subject: null };
        return;
      }
      const { subject } = await request.timing.measure('auth', () => authenticator.authenticate(request));
      request.caller = { origin, subject };
    });
  },
  { name: 't1c-auth', fastify: '5.x', dependencies: ['t1c-timing', 't1c-cors'] },
);
