import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import { ConfigError, type ConnectorConfig } from '../config/index.js';

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

/** Creates the log file (and its directory) now, so a bad path stops the start instead of crashing later. */
function prepareLogFile(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a', 0o600));
  } catch (e) {
    throw new ConfigError(`log.file: cannot write ${file}: ${(e as Error).message}`);
  }
}

/** fastify `logger` options: JSON lines appended to the configured file, else to the given stream (stderr). */
export function loggerOptions(log: ConnectorConfig['log'], stream: NodeJS.WritableStream): NonNullable<FastifyServerOptions['logger']> {
  const base = { level: log.level, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } };
  if (log.file === undefined) return { ...base, stream };
  prepareLogFile(log.file);
  return { ...base, file: log.file };
}
