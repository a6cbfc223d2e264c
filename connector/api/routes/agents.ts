import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import { ERROR_RESPONSES, NO_QUERY, successEnvelope } from '../schemas/index.js';

const str = { type: 'string' } as const;
const AGENT_FIELDS = ['username', 'apiIp', 'apiPort', 'apiPid', 'sandboxIp', 'sandboxPort', 'sandboxPid', 'apiLastUsed', 'validityInDays', 'connectionState'] as const;

const AGENTS_RESPONSE = successEnvelope({
  type: 'array',
  items: { type: 'object', additionalProperties: false, properties: Object.fromEntries(AGENT_FIELDS.map((f) => [f, str])) },
} as const);

export interface AgentOptions {
  /** Syncs the CORS allow-list with the DS (HEAD's `dsCorsSync()` is this call); never throws. */
  readonly syncOrigins?: () => Promise<void>;
}

/**
 * `GET /v3/agents` (spec §2.5): agents exist only in shared (PROXY) environments; this connector is
 * STANDALONE, so the list is empty. HEAD's `dsCorsSync()` calls this URL and only needs a 2xx; the call
 * also syncs the CORS allow-list with the DS (rate-limited by the list itself).
 */
export const agentRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: AgentOptions }> = async (app, options) => {
  app.get('/v3/agents', { schema: { querystring: NO_QUERY, response: { 200: AGENTS_RESPONSE, ...ERROR_RESPONSES } } }, async () => {
    await options.syncOrigins?.();
    return { success: true as const, data: [] };
  });
};
