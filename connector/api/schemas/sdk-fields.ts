/**
 * Body fields the official SDK sends on module routes (spec §4, CONTRACTS.md), as schema fragments for module
 * route schemas. A route lists the ones it accepts; anything else is rejected (additionalProperties: false).
 */
export const SDK_FIELDS = {
  /** Device-key-encrypted (base64) or plain PIN; `false` when JSEncrypt failed — decode with `decodePin`. */
  pin: { type: ['string', 'boolean'], maxLength: 1024 },
  osDialog: { type: 'boolean' },
  pace: { type: 'string', maxLength: 1024 },
  timeout: { type: 'integer', minimum: 0 },
  txId: { type: 'string', maxLength: 256 },
  language: { type: 'string', maxLength: 16 },
  base64Encoded: { type: 'boolean' },
  id: { type: 'string', maxLength: 256 },
  algorithm: { type: 'string', maxLength: 32 },
  data: { type: 'string', maxLength: 65536 },
} as const;

/** The `filter` query forms the SDK sends on all-data / cert-list: `filter=a,b`, `?0=a&1=b`, `filters[]=a`. */
export const FILTER_QUERY = {
  type: 'object',
  additionalProperties: false,
  patternProperties: { '^[0-9]{1,2}$': { type: 'string', maxLength: 64 } },
  properties: {
    filter: { type: 'string', maxLength: 512 },
    'filters[]': { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 16 },
  },
} as const;
