import type { FastifyServerOptions } from 'fastify';
import { ConfigError, type ConnectorConfig } from '../config/index.js';
import { RotatingLogFile } from './log-file.js';

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

/** Log rotation defaults (docs/connector-config.md). */
export const LOG_ROTATION_DEFAULTS = { maxBytes: 10_485_760, keep: 5 } as const;

/** Opens the log file (and its directory) now, so a bad path stops the start instead of crashing later. */
function openLogFile(log: ConnectorConfig['log'] & { file: string }): RotatingLogFile {
  try {
    return new RotatingLogFile(log.file, { maxBytes: log.maxBytes ?? LOG_ROTATION_DEFAULTS.maxBytes, keep: log.keep ?? LOG_ROTATION_DEFAULTS.keep });
  } catch (e) {
    throw new ConfigError(`log.file: cannot write ${log.file}: ${(e as Error).message}`);
  }
}

/**
 * fastify `logger` options: JSON lines appended to the configured file (rotated by size, owner-only), else to the
 * given stream (stderr).
 */
export function loggerOptions(log: ConnectorConfig['log'], stream: NodeJS.WritableStream): NonNullable<FastifyServerOptions['logger']> {
  const base = { level: log.level, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } };
  if (log.file === undefined) return { ...base, stream };
  return { ...base, stream: openLogFile({ ...log, file: log.file }) };
}
