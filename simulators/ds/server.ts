import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Applications } from './applications.js';
import type { DsKeyRing } from './keys.js';
import { sameSecret } from './secrets.js';
import { mintToken, type MintOverrides, type TokenShape } from './tokens.js';

/** Paths of the DS (docs/ds-contract.md). */
export const DS_PATHS = {
  token: '/v3/tokens/application',
  jwks: '/.well-known/jwks.json',
  connectorCors: '/v3/connectors/cors',
} as const;
/** Header of the lab's admin calls (rotation, extra applications, tokens with chosen claims). */
export const ADMIN_HEADER = 'x-ds-admin-key';

export interface DsCounters {
  tokenRequests: number;
  jwksRequests: number;
  corsRequests: number;
}

export interface DsAppDeps {
  readonly keys: DsKeyRing;
  readonly applications: Applications;
  readonly shape: () => TokenShape;
  /** The credential connectors present (Bearer) for the CORS list. */
  readonly connectorCredential: string;
  readonly adminKey: string;
  readonly now?: () => number;
}

const obj = { type: 'object' } as const;
const str = { type: 'string', minLength: 1, maxLength: 20000 } as const;

function refuse(reply: FastifyReply, status: 401 | 404, description: string): FastifyReply {
  return reply.code(status).send({ success: false, code: status, description });
}

/**
 * The Distribution Service simulator: the API-key → JWT exchange a web application's back end calls, the key
 * set connectors verify tokens with, the CORS list for connectors (their own credential), and admin calls for
 * the lab's suites. Unknown or revoked API key → 401 with a JSON error.
 */
export function buildDsApp(deps: DsAppDeps): FastifyInstance {
  const now = deps.now ?? Date.now;
  const counters: DsCounters = { tokenRequests: 0, jwksRequests: 0, corsRequests: 0 };
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  // The Date header tells the DS's clock, the one its tokens' iat/nbf/exp come from (a DS with a skewed `now`
  // shows it there, as a real one would).
  app.addHook('onSend', async (_request, reply) => {
    reply.header('date', new Date(now()).toUTCString());
  });
  const admin = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = request.headers[ADMIN_HEADER];
    if (!sameSecret(typeof key === 'string' ? key : undefined, deps.adminKey)) await refuse(reply, 401, 'admin key required');
  };

  app.get(DS_PATHS.token, async (request, reply) => {
    counters.tokenRequests++;
    const apiKey = request.headers['apikey'];
    const application = deps.applications.find(typeof apiKey === 'string' ? apiKey : undefined);
    if (!application) return refuse(reply, 401, 'Unknown or revoked API key');
    return { success: true, data: mintToken(deps.keys, application, deps.shape(), now()) };
  });

  app.get(DS_PATHS.jwks, async (_request, reply) => {
    counters.jwksRequests++;
    return reply.header('cache-control', 'max-age=300').send(deps.keys.jwks());
  });

  app.get(DS_PATHS.connectorCors, async (request, reply) => {
    counters.corsRequests++;
    const m = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    if (!sameSecret(m?.[1], deps.connectorCredential)) return refuse(reply, 401, 'Unknown connector credential');
    return { success: true, data: { allowedOrigins: deps.applications.origins() } };
  });

  void app.register(async (scope) => {
    scope.addHook('onRequest', admin);
    scope.get('/admin/stats', async () => ({ ...counters, kids: deps.keys.jwks().keys.map((k) => k.kid), currentKid: deps.keys.currentKid }));
    scope.post<{ Body: { graceSeconds?: number } }>(
      '/admin/rotate',
      { schema: { body: { ...obj, additionalProperties: false, properties: { graceSeconds: { type: 'integer', minimum: 0, maximum: 86400 } } } } },
      async (request) => deps.keys.rotate((request.body?.graceSeconds ?? 60) * 1000),
    );
    scope.post<{ Body: { kid: string } }>(
      '/admin/retire',
      { schema: { body: { ...obj, additionalProperties: false, required: ['kid'], properties: { kid: str } } } },
      async (request) => ({ retired: deps.keys.retire(request.body.kid) }),
    );
    scope.post<{ Body: { name: string; origins: string[] } }>(
      '/admin/applications',
      { schema: { body: { ...obj, additionalProperties: false, required: ['name', 'origins'], properties: { name: str, origins: { type: 'array', items: str } } } } },
      async (request) => ({ apiKey: deps.applications.add(request.body), ...request.body }),
    );
    scope.post<{ Body: { apiKey: string } }>(
      '/admin/applications/revoke',
      { schema: { body: { ...obj, additionalProperties: false, required: ['apiKey'], properties: { apiKey: str } } } },
      async (request) => ({ revoked: deps.applications.revoke(request.body.apiKey) }),
    );
    scope.post<{ Body: MintOverrides & { apiKey: string } }>(
      '/admin/tokens',
      {
        schema: {
          body: {
            ...obj,
            additionalProperties: false,
            required: ['apiKey'],
            properties: { apiKey: str, claims: obj, header: obj, atOffsetSeconds: { type: 'integer' }, lifetimeSeconds: { type: 'integer' }, kid: str },
          },
        },
      },
      async (request, reply) => {
        const { apiKey, ...overrides } = request.body;
        const application = deps.applications.find(apiKey);
        if (!application) return refuse(reply, 401, 'Unknown or revoked API key');
        try {
          return { token: mintToken(deps.keys, application, deps.shape(), now(), overrides) };
        } catch (e) {
          return refuse(reply, 404, (e as Error).message);
        }
      },
    );
    scope.post<{ Body: { header: string; payload: string; kid?: string } }>(
      '/admin/sign',
      { schema: { body: { ...obj, additionalProperties: false, required: ['header', 'payload'], properties: { header: str, payload: str, kid: str } } } },
      async (request, reply) => {
        try {
          return { token: deps.keys.signCompact(request.body.header, request.body.payload, request.body.kid) };
        } catch (e) {
          return refuse(reply, 404, (e as Error).message);
        }
      },
    );
  });
  return app;
}
