import { ERROR_ENVELOPE } from './envelope.js';
import { READER } from './reader.js';

export * from './envelope.js';
export * from './reader.js';
export * from './sdk-fields.js';

/** Schemas with an `$id`, added once to the app (serializer) and to both validators. */
export const SHARED_SCHEMAS = [ERROR_ENVELOPE, READER] as const;
export type SharedSchemas = [typeof ERROR_ENVELOPE, typeof READER];
