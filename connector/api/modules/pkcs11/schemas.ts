import { MECHANISM_FLAGS, TOKEN_FLAGS } from '../../../modules/pkcs11/ck.js';
import { LIBRARY_OSES } from '../../../modules/pkcs11/index.js';
import { SDK_FIELDS } from '../../schemas/index.js';

/**
 * Schemas of the pkcs11 routes (spec §4.4, §4.5, §8.3). The certificate, signature and PIN shapes are the token
 * API's, the same as BeID's (imported from there); these are the PKCS#11-only ones.
 */
export { ALGORITHMS, BULK_QUERY, CERTIFICATES, CERT_LIST as PKCS11_CERT_LIST, SIGN_BODY, SIGNATURE, VERIFIED, VERIFY_PIN_BODY } from '../beid/schemas.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;

function flagsSchema<T extends Readonly<Record<string, number>>>(table: T): { type: 'object'; additionalProperties: false; properties: { [K in keyof T]: typeof bool } } {
  const properties = {} as { [K in keyof T]: typeof bool };
  for (const name of Object.keys(table) as (keyof T)[]) properties[name] = bool;
  return { type: 'object', additionalProperties: false, properties };
}

/** The library path per OS: `{macos, win, linux}`, each optional. */
export const LIBRARY_CONFIG = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(LIBRARY_OSES.map((os) => [os, { type: 'string', minLength: 1, maxLength: 4096 }])) as Record<(typeof LIBRARY_OSES)[number], { type: 'string'; minLength: 1; maxLength: 4096 }>,
} as const;

export const PKCS11_TOKEN_INFO = {
  type: 'object',
  additionalProperties: false,
  required: ['info', 'infoType', 'module'],
  properties: {
    info: {
      type: 'object',
      additionalProperties: false,
      properties: {
        slot: str, label: str, manufacturerId: str, model: str, serialNumber: str,
        flags: flagsSchema(TOKEN_FLAGS),
        mechanisms: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: { mechanism: str, flags: flagsSchema(MECHANISM_FLAGS), ulMinKeySize: int, ulMaxKeySize: int },
          },
        },
        ulMaxSessionCount: int, ulSessionCount: int, ulMaxRwSessionCount: int, ulMaxPinLen: int, ulMinPinLen: int,
        ulTotalPubLicMemory: int, ulFreePubMemory: int, ulTotalPrivateMemory: int, ulFreePrivateMemory: int,
        hardwareVersion: str, firmwareVersion: str,
      },
    },
    infoType: str,
    module: { type: 'object', additionalProperties: false, properties: { name: str, isHashedByToken: bool } },
  },
} as const;


/** TokenValidateSignatureRequest (spec §4.4), plus our `padding` extension; a `pin` is accepted and not needed. */
export const VALIDATE_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['algorithm', 'hash', 'signedHash'],
  properties: {
    algorithm: SDK_FIELDS.algorithm,
    hash: { type: 'string', maxLength: 1024 },
    signedHash: { type: 'string', maxLength: 4096 },
    id: SDK_FIELDS.id,
    pin: SDK_FIELDS.pin,
    osDialog: SDK_FIELDS.osDialog,
    timeout: SDK_FIELDS.timeout,
    txId: SDK_FIELDS.txId,
    language: SDK_FIELDS.language,
    base64Encoded: SDK_FIELDS.base64Encoded,
    padding: { type: 'string', enum: ['pkcs1', 'pss'] },
  },
} as const;

export const VALID = { type: 'object', additionalProperties: false, required: ['valid'], properties: { valid: bool } } as const;
