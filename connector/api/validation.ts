import type { FastifySchemaCompiler } from 'fastify';
import { Ajv, type Options } from 'ajv';

const COMMON: Options = {
  removeAdditional: false, // unknown fields are errors, never silently dropped (fastify's default drops them)
  useDefaults: true,
  allErrors: false,
  allowUnionTypes: true,
  strict: true,
};

/**
 * Validator compilers: JSON bodies are checked as sent (no type coercion, so `"pin": false` stays a boolean
 * and `"osDialog": "true"` is an error); query strings, params and headers are text and get coerced
 * (`cardInserted=true` → boolean, `filters[]=a` → array).
 */
export function validatorCompiler(sharedSchemas: readonly object[]): FastifySchemaCompiler<object> {
  const body = new Ajv({ ...COMMON, coerceTypes: false });
  const text = new Ajv({ ...COMMON, coerceTypes: 'array' });
  for (const schema of sharedSchemas) {
    body.addSchema(schema);
    text.addSchema(schema);
  }
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema);
}
