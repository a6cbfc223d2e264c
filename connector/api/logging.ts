import type { FastifyServerOptions } from 'fastify';
import type { ConnectorConfig } from '../config/index.js';

/**
 * Log fields that may carry secrets; pino replaces them wherever they appear at these paths. Request bodies
 * are never logged in the first place (fastify logs method, URL and status only).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-pace-pin"]',
  'req.headers["x-pace-can"]',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'pin',
  'puk',
  'can',
  'body',
  '*.pin',
  '*.puk',
  '*.can',
  '*.body',
  '*.authorization',
] as const;

/** fastify `logger` options: JSON lines to the configured file, else to the given stream (stderr). */
export function loggerOptions(log: ConnectorConfig['log'], stream: NodeJS.WritableStream): NonNullable<FastifyServerOptions['logger']> {
  const base = { level: log.level, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } };
  return log.file !== undefined ? { ...base, file: log.file } : { ...base, stream };
}
