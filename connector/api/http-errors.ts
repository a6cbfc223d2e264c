import type { FastifyError } from 'fastify';
import { ConnectorError, type ErrorKey } from '../errors/index.js';

/** The JSON body of every error response. */
export interface ErrorEnvelope {
  success: false;
  code: number;
  description: string;
  details?: Record<string, string | number | boolean>;
}

const FRAMEWORK_ERRORS: Readonly<Record<string, ErrorKey>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_CONTENT_TYPE_UNSUPPORTED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_BODY_MALFORMED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_BODY_MALFORMED',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_INPUT_INVALID',
  FST_ERR_BAD_URL: 'ERR_INPUT_INVALID',
  FST_ERR_MAX_PARAM_LENGTH: 'ERR_INPUT_INVALID',
  FST_ERR_NOT_FOUND: 'ERR_ROUTE_NOT_FOUND',
};

function isFastifyError(e: unknown): e is FastifyError {
  return e instanceof Error && typeof (e as Partial<FastifyError>).code === 'string';
}

/**
 * Maps anything a request can throw onto the catalogue: connector errors as they are, fastify's own errors
 * (validation, body limits, bad JSON…) onto their input codes, everything else onto ERR_INTERNAL (a bug).
 */
export function toConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (isFastifyError(error)) {
    if (error.validation) {
      const first = error.validation[0];
      const where = `${error.validationContext ?? 'request'}${first?.instancePath ?? ''}`;
      return new ConnectorError('ERR_INPUT_INVALID', { details: { field: where, reason: first?.message ?? 'invalid' }, cause: error });
    }
    const key = FRAMEWORK_ERRORS[error.code];
    if (key) return new ConnectorError(key, { cause: error });
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return new ConnectorError('ERR_INPUT_INVALID', { cause: error });
    }
  }
  return new ConnectorError('ERR_INTERNAL', { cause: error });
}

/** The envelope for an error: the catalogue description, never the internal message (it may name secrets). */
export function envelope(error: ConnectorError): ErrorEnvelope {
  return {
    success: false,
    code: error.code,
    description: error.spec.description,
    ...(error.details ? { details: { ...error.details } } : {}),
  };
}
