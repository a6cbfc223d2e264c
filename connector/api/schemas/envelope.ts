import type { JSONSchema } from 'json-schema-to-ts';

/** The one error body: `{success:false, code, description, details?}` (CONTRACTS.md, docs/errors.md). */
export const ERROR_ENVELOPE = {
  $id: 'ErrorEnvelope',
  type: 'object',
  additionalProperties: false,
  required: ['success', 'code', 'description'],
  properties: {
    success: { type: 'boolean', const: false },
    code: { type: 'integer' },
    description: { type: 'string' },
    details: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
  },
} as const satisfies JSONSchema;

/** Spread into every route's `response`: error statuses serialise through the envelope schema only. */
export const ERROR_RESPONSES = {
  '4xx': { $ref: 'ErrorEnvelope#' },
  '5xx': { $ref: 'ErrorEnvelope#' },
} as const;

/** `{success:true, data}` with the given payload schema (spec §1.3); never a `signature` field. */
export function successEnvelope<const Data extends JSONSchema>(data: Data) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['success', 'data'],
    properties: { success: { type: 'boolean', const: true }, data },
  } as const;
}

/** For routes without parameters or query: nothing may be sent. */
export const NO_QUERY = { type: 'object', additionalProperties: false, properties: {} } as const;
