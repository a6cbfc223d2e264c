import { READER_ID, SDK_FIELDS } from '../../schemas/index.js';

/** Param, body and response schemas of the EMV payment routes (spec §4.7, §7, §8.2). Responses guard against leaks. */
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const base64 = { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' } as const;

/** An application identifier: RID (5 bytes) and up to 11 bytes of extension, in hex. */
export const AID = { type: 'string', pattern: '^(?:[0-9A-Fa-f]{2}){5,16}$' } as const;

export const AID_READER_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['aid', 'readerId'],
  properties: { aid: AID, readerId: READER_ID },
} as const;

export const APPLICATIONS = {
  type: 'object',
  additionalProperties: false,
  required: ['applications', 'selectionMethod'],
  properties: {
    applications: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['aid', 'name'], properties: { aid: str, name: str, priority: int } },
    },
    selectionMethod: { type: 'string', enum: ['pse', 'aid-list'] },
  },
} as const;

export const APPLICATION_DATA = {
  type: 'object',
  additionalProperties: false,
  required: ['country', 'countryCode', 'effectiveDate', 'expirationDate', 'language', 'name', 'pan'],
  properties: { aid: str, country: str, countryCode: str, effectiveDate: str, expirationDate: str, language: str, name: str, pan: str },
} as const;

export const PAYMENT_CERTIFICATE = {
  type: 'object',
  additionalProperties: false,
  required: ['certificate', 'exponent'],
  properties: { certificate: base64, exponent: base64, remainder: base64 },
} as const;

export const PAYMENT_CERTIFICATES = {
  type: 'object',
  additionalProperties: false,
  required: ['certificates'],
  properties: { certificates: { type: 'array', minItems: 1, items: PAYMENT_CERTIFICATE } },
} as const;

export const PAYMENT_CERT_LIST = {
  type: 'object',
  additionalProperties: false,
  properties: { issuerPublicCertificate: PAYMENT_CERTIFICATES, ICCPublicCertificate: PAYMENT_CERTIFICATES },
} as const;

export const VERIFIED = { type: 'object', additionalProperties: false, required: ['verified'], properties: { verified: { type: 'boolean' } } } as const;

/** PaymentVerifyPinData of the SDK: `{pin, osDialog?, base64Encoded?, timeout?}`. */
export const VERIFY_PIN_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { pin: SDK_FIELDS.pin, osDialog: SDK_FIELDS.osDialog, timeout: SDK_FIELDS.timeout, base64Encoded: SDK_FIELDS.base64Encoded },
} as const;
