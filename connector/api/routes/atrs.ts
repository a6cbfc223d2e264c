import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { AtrRegistry } from '../../modules/registry.js';
import { ERROR_RESPONSES, NO_QUERY, successEnvelope } from '../schemas/index.js';

const ATRS_RESPONSE = successEnvelope({
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['atr', 'module', 'moduleDescription'],
    properties: {
      atr: { type: 'string' },
      /** Present for masked rows: the ATR matches when (cardAtr & mask) == atr (our extension). */
      mask: { type: 'string' },
      module: { type: 'string' },
      moduleDescription: { type: 'string' },
    },
  },
} as const);

/** `GET /atrs` (spec §2.4, SDK HEAD 3.8.5+): every row of the ATR registry, in table order. */
export const atrRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: { readonly atrs: AtrRegistry } }> = async (app, options) => {
  const data = options.atrs.entries.map((e) => ({
    atr: e.atr,
    ...(e.mask === undefined ? {} : { mask: e.mask }),
    module: e.module,
    moduleDescription: e.description,
  }));
  app.get('/atrs', { schema: { querystring: NO_QUERY, response: { 200: ATRS_RESPONSE, ...ERROR_RESPONSES } } }, async () => ({ success: true as const, data }));
};
