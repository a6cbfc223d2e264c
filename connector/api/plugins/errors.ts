import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ConnectorError } from '../../errors/index.js';
import { envelope, toConnectorError } from '../http-errors.js';

/**
 * Every error becomes `{success:false, code, description, details?}` with the catalogue's status — also
 * fastify's own (validation, body too large, bad JSON, unknown route or method). Server errors are logged
 * with their cause; client errors only by code (request bodies are never logged).
 */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => {
      const mapped = toConnectorError(error);
      if (mapped.status >= 500) request.log.error({ err: error, code: mapped.code }, 'request failed');
      else request.log.info({ code: mapped.code }, 'request refused');
      return reply.code(mapped.status).type('application/json').send(envelope(mapped));
    });
    app.setNotFoundHandler((_request, reply) => {
      const notFound = new ConnectorError('ERR_ROUTE_NOT_FOUND');
      return reply.code(notFound.status).type('application/json').send(envelope(notFound));
    });
  },
  { name: 't1c-errors', fastify: '5.x' },
);
