/**
 * JSON Schemas of the console's routes. Response schemas are the guard against leaking a field: fastify serialises
 * only what they name, so a PIN that slipped into a view object would still not leave.
 */
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const strings = { type: 'array', items: str } as const;

export const ERROR = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'error'],
  properties: { code: str, error: str },
} as const;

export const EMPTY_BODY = { type: 'object', additionalProperties: false, properties: {} } as const;

export const READER_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['index'],
  properties: { index: { type: 'integer', minimum: 0, maximum: 63 } },
} as const;

export const INSERT_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['profile', 'persona'],
  properties: { profile: { type: 'string', minLength: 1, maxLength: 64 }, persona: { type: ['string', 'null'], minLength: 1, maxLength: 64 } },
} as const;

/** The fault itself is checked by the lab (parseCardFault), which names what is wrong with it. */
export const FAULT_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['fault'],
  properties: { fault: { type: 'object', maxProperties: 8 } },
} as const;

const CARD_VIEW = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['profile', 'persona', 'atr', 'hasPin'],
  properties: { profile: str, persona: { type: ['string', 'null'] }, atr: str, hasPin: { type: 'boolean' } },
} as const;

export const VIEW = {
  type: 'object',
  additionalProperties: false,
  required: ['backend', 'readers', 'connector', 'ds', 'cors', 'tokens', 'lab'],
  properties: {
    backend: str,
    readers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['index', 'name', 'card', 'faults'],
        properties: { index: int, name: str, id: str, port: int, plugged: { type: 'boolean' }, card: CARD_VIEW, faults: strings },
      },
    },
    connector: { type: ['object', 'null'], additionalProperties: false, required: ['url', 'port'], properties: { url: str, port: int } },
    ds: { type: ['object', 'null'], additionalProperties: false, required: ['url'], properties: { url: str } },
    cors: strings,
    tokens: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['label', 'module'], properties: { label: str, module: str, id: str } },
    },
    lab: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['supervisorPid', 'cardHost', 'quickack', 'provider', 'warnings'],
      properties: { supervisorPid: int, cardHost: str, quickack: { type: 'boolean' }, provider: str, warnings: strings },
    },
  },
} as const;

export const CATALOG = {
  type: 'object',
  additionalProperties: false,
  required: ['profiles', 'faults', 'hostileModes', 'latencyModels'],
  properties: {
    profiles: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'family', 'personas', 'defaultPersona'],
        properties: { id: str, title: str, family: str, personas: strings, defaultPersona: { type: ['string', 'null'] } },
      },
    },
    faults: strings,
    hostileModes: strings,
    latencyModels: strings,
  },
} as const;

export const LINKS = {
  type: 'object',
  additionalProperties: false,
  required: ['demo', 'reports'],
  properties: {
    demo: { type: ['string', 'null'] },
    reports: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['title', 'href', 'modified'], properties: { title: str, href: str, modified: str } } },
  },
} as const;
