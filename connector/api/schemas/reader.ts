import type { JSONSchema } from 'json-schema-to-ts';

/** Reader ids as the reader layer makes them (16 hex digits); capped so no id reaches a backend unbounded. */
export const READER_ID = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;

/** `CardReader` of spec §2.3; `card` only when a card is inserted. */
export const READER = {
  $id: 'Reader',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'pinpad'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    pinpad: { type: 'boolean' },
    card: {
      type: 'object',
      additionalProperties: false,
      // `atr` is absent for a PKCS#11 token (no ATR): the SDK types it optional (spec §2.3).
      required: ['description', 'modules'],
      properties: {
        atr: { type: 'string' },
        description: { type: 'array', items: { type: 'string' } },
        modules: { type: 'array', items: { type: 'string' } },
      },
    },
  },
} as const satisfies JSONSchema;

/** `{readerId}` path parameter, for core and module routes. */
export const READER_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['readerId'],
  properties: { readerId: READER_ID },
} as const;
